"""Direct MX delivery (build/tools/deliver) to aiosmtpd servers found through dnsmasq MX
records: STARTTLS verified against a test CA, plaintext, dot-stuffing, and the 4xx/5xx,
NXDOMAIN, null-MX, refused and multi-domain rules (DECISIONS 7, 8, 18)."""

import email
import itertools
import os
import re
import socket
import ssl
import subprocess
import tempfile
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from daemon_fixture import cleanup, free_port
from dns_fixture import DnsServer
from mx_fixture import Recorder, TLSController, make_ca

TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "build", "tools", "deliver")
PORT = free_port()

MESSAGE = (b"From: Alice <alice@aimx.test>\r\nTo: bob@plain.test\r\nSubject: delivery\r\n"
           b"Message-ID: <d1@aimx.test>\r\n\r\nfirst line\r\n.leading dot\r\n..two dots\r\n"
           b".\r\nlast line\r\n")


@pytest.fixture(scope="module")
def world():
    tmp = tempfile.mkdtemp(prefix="aimx-deliver-", dir="/tmp")
    ca, cert, key = make_ca(tmp)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    servers = {
        "plain": Recorder(),
        "tls": Recorder(),
        "temp": Recorder(data_reply="451 4.3.0 try later"),
        "perm": Recorder(data_reply="554 5.7.1 rejected"),
        "backup": Recorder(),
        "rcpts": Recorder(rcpt_reply={"gone": "550 5.1.1 no such user",
                                      "busy": "452 4.2.2 mailbox full"}),
    }
    ips = {"plain": "127.0.0.2", "tls": "127.0.0.3", "temp": "127.0.0.4", "perm": "127.0.0.5",
           "backup": "127.0.0.6", "rcpts": "127.0.0.7"}
    controllers = []
    for name, handler in servers.items():
        c = TLSController(handler, ips[name], PORT, ctx) if name == "tls" else \
            Controller(handler, hostname=ips[name], port=PORT)
        c.start()
        controllers.append(c)
    dns = DnsServer()
    for name, ip in ips.items():
        dns.a("mx.%s.test" % name, ip)
    dns.a("mx.wrongname.test", ips["tls"])
    dns.a("mx.othername.test", ips["tls"])           # not a name in the certificate
    dns.mx("othername.test", "mx.othername.test", 10)
    dns.a("mx.refused.test", "127.0.0.9")
    for name in ("plain", "tls", "perm", "rcpts"):
        dns.mx("%s.test" % name, "mx.%s.test" % name, 10)
    dns.mx("fallback.test", "mx.temp.test", 10)      # 4xx first, then a working backup
    dns.mx("fallback.test", "mx.backup.test", 20)
    dns.mx("permfirst.test", "mx.perm.test", 10)     # 5xx first: no second MX (DECISIONS 8)
    dns.mx("permfirst.test", "mx.backup.test", 20)
    dns.mx("refused.test", "mx.refused.test", 10)
    dns.mx("refused.test", "mx.backup.test", 20)
    dns.mx("wrongname.test", "mx.wrongname.test", 10)
    dns.a("implicit.test", ips["plain"])              # no MX: the A record is the host
    dns.mx("nullmx.test", ".", 0)
    dns.start()
    env = dict(os.environ, AIMX_RESOLV_CONF=dns.resolv_conf, AIMX_SMTP_PORT=str(PORT),
               AIMX_TLS_CA_FILE=ca)
    yield {"env": env, "servers": servers}
    for c in controllers:
        c.stop()
    dns.close()
    cleanup(tmp)


def deliver(world, *rcpts, message=MESSAGE):
    r = subprocess.run([TOOL, "aimx.test", "alice@aimx.test", *rcpts], input=message,
                       capture_output=True, env=world["env"], timeout=120)
    assert r.returncode == 0, r.stderr
    out = {}
    for line in r.stdout.decode().splitlines():
        m = re.match(r"(\S+) status=(\S+) tls=(\S+) mx=(\S*) details=(.*)$", line)
        out[m.group(1)] = dict(zip(("status", "tls", "mx", "details"), m.groups()[1:]))
    return out


def test_plain_delivery_with_dot_stuffing(world):
    res = deliver(world, "bob@plain.test")
    assert res["bob@plain.test"]["status"] == "delivered", res
    assert res["bob@plain.test"]["tls"] == "none"
    mail_from, rcpts, content, tls = world["servers"]["plain"].messages[-1]
    assert mail_from == "alice@aimx.test" and rcpts == ["bob@plain.test"] and not tls
    assert content == MESSAGE
    assert email.message_from_bytes(content)["Subject"] == "delivery"


def test_starttls_verified_against_the_ca(world):
    res = deliver(world, "carol@tls.test")
    assert res["carol@tls.test"]["status"] == "delivered"
    assert res["carol@tls.test"]["tls"] == "verified", res
    assert world["servers"]["tls"].messages[-1][3] is True  # the data went over TLS


def test_untrusted_or_misnamed_certificate_is_unverified_but_used(world):
    """DECISIONS 18: opportunistic TLS: delivery goes on over TLS and 'unverified' is
    recorded, both for a chain to an unknown CA and for a name the certificate lacks."""
    env = dict(world["env"], AIMX_TLS_CA_FILE="/nonexistent/ca.pem")
    r = subprocess.run([TOOL, "aimx.test", "alice@aimx.test", "dave@wrongname.test"],
                       input=MESSAGE, capture_output=True, env=env, timeout=120)
    line = r.stdout.decode()
    assert "status=delivered" in line and "tls=unverified" in line, (line, r.stderr)
    res = deliver(world, "dave@othername.test")
    assert res["dave@othername.test"]["status"] == "delivered"
    assert res["dave@othername.test"]["tls"] == "unverified", res
    assert world["servers"]["tls"].messages[-1][3] is True


def test_4xx_moves_on_to_the_next_mx(world):
    res = deliver(world, "erin@fallback.test")
    assert res["erin@fallback.test"]["status"] == "delivered", res
    assert res["erin@fallback.test"]["mx"] == "mx.backup.test"
    assert "451" in res["erin@fallback.test"]["details"]


def test_5xx_is_permanent_and_stops(world):
    before = len(world["servers"]["backup"].messages)
    res = deliver(world, "frank@permfirst.test")
    assert res["frank@permfirst.test"]["status"] == "failed", res
    assert "554" in res["frank@permfirst.test"]["details"]
    assert len(world["servers"]["backup"].messages) == before  # the second MX was not tried


def test_refused_connection_tries_the_next_mx(world):
    res = deliver(world, "gina@refused.test")
    assert res["gina@refused.test"]["status"] == "delivered", res
    assert res["gina@refused.test"]["mx"] == "mx.backup.test"


def test_nxdomain_null_mx_and_implicit_mx(world):
    res = deliver(world, "h@nosuchdomain.test", "i@nullmx.test", "j@implicit.test")
    assert res["h@nosuchdomain.test"]["status"] == "failed"
    assert "does not exist" in res["h@nosuchdomain.test"]["details"]
    assert res["i@nullmx.test"]["status"] == "failed"
    assert res["j@implicit.test"]["status"] == "delivered"


def test_per_recipient_results_in_one_transaction(world):
    res = deliver(world, "ok@rcpts.test", "gone@rcpts.test", "busy@rcpts.test",
                  "k@plain.test")
    assert res["ok@rcpts.test"]["status"] == "delivered"
    assert res["gone@rcpts.test"]["status"] == "failed" and "550" in res["gone@rcpts.test"]["details"]
    assert res["busy@rcpts.test"]["status"] == "deferred"
    assert res["k@plain.test"]["status"] == "delivered"
    _, rcpts, _, _ = world["servers"]["rcpts"].messages[-1]
    assert rcpts == ["ok@rcpts.test"]


def test_unreachable_mx_is_deferred(world):
    env = dict(world["env"], AIMX_SMTP_PORT=str(free_port()))  # nothing listens there
    r = subprocess.run([TOOL, "aimx.test", "alice@aimx.test", "l@plain.test"], input=MESSAGE,
                       capture_output=True, env=env, timeout=120)
    assert "status=deferred" in r.stdout.decode() and "refused" in r.stdout.decode().lower()


def test_drop_transport(world, tmp_path):
    drop = tmp_path / "drop.txt"
    env = dict(world["env"], AIMX_TEST_MAIL_DROP=str(drop))
    for _ in range(2):
        r = subprocess.run([TOOL, "aimx.test", "alice@aimx.test", "m@plain.test"],
                           input=MESSAGE, capture_output=True, env=env, timeout=60)
        assert "status=delivered" in r.stdout.decode()
    assert drop.read_bytes() == (b"----- AIMX TEST DROP -----\n" + MESSAGE + b"\n") * 2


_scripted_ips = itertools.count(20)


class ScriptedServer:
    """A raw SMTP server on 127.0.0.N:PORT: advertises what we ask (PIPELINING, STARTTLS),
    answers STARTTLS with 220 and then garbage when told to, records what arrives."""

    def __init__(self, extensions, break_tls=False, silent=False):
        self.extensions, self.break_tls, self.silent = extensions, break_tls, silent
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ip = "127.0.0.%d" % next(_scripted_ips)
        self.sock.bind((self.ip, PORT))
        self.sock.listen(4)
        self.chunks, self.sessions, self.data = [], 0, []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.sock.settimeout(10)
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.sessions += 1
            with conn:
                self.session(conn)

    def session(self, conn):
        if self.silent:  # accept, then say nothing until the client gives up
            conn.settimeout(30)
            try:
                conn.recv(1)
            except OSError:
                pass
            return
        conn.sendall(b"220 scripted ESMTP\r\n")
        buf = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return
            self.chunks.append(chunk)
            buf += chunk
            while b"\r\n" in buf:
                line, buf = buf.split(b"\r\n", 1)
                verb = line[:4].upper()
                if verb == b"EHLO":
                    ext = b"".join(b"250-%s\r\n" % e for e in self.extensions)
                    conn.sendall(ext + b"250 OK\r\n")
                elif verb == b"STAR" and self.break_tls:
                    conn.sendall(b"220 go ahead\r\n")
                    conn.sendall(b"this is not a TLS record\r\n" * 20)
                    return
                elif verb in (b"MAIL", b"RCPT"):
                    conn.sendall(b"250 OK\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go\r\n")
                    while b"\r\n.\r\n" not in buf:
                        more = conn.recv(65536)
                        if not more:
                            return
                        buf += more
                    body, buf = buf.split(b"\r\n.\r\n", 1)
                    self.data.append(body)
                    conn.sendall(b"250 queued\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept()
        except OSError:
            pass
        self.sock.close()


@pytest.fixture
def scripted(world):
    servers = []

    def start(extensions, break_tls=False, silent=False):
        s = ScriptedServer(extensions, break_tls, silent)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.close()


def run_to_scripted(world, server, *rcpts, backup=None, **env_extra):
    dns = DnsServer()
    dns.a("mx.scripted.test", server.ip)
    dns.mx("scripted.test", "mx.scripted.test", 10)
    if backup:
        dns.a("mx2.scripted.test", backup.ip)
        dns.mx("scripted.test", "mx2.scripted.test", 20)
    dns.start()
    try:
        env = dict(world["env"], AIMX_RESOLV_CONF=dns.resolv_conf, **env_extra)
        r = subprocess.run([TOOL, "aimx.test", "alice@aimx.test", *rcpts], input=MESSAGE,
                           capture_output=True, env=env, timeout=120)
        return r.stdout.decode()
    finally:
        dns.close()


def test_pipelining_sends_the_envelope_in_one_go(world, scripted):
    server = scripted([b"PIPELINING"])
    out = run_to_scripted(world, server, "a@scripted.test", "b@scripted.test")
    assert out.count("status=delivered") == 2, out
    group = [c for c in server.chunks if c.startswith(b"MAIL FROM")]
    assert group and group[0] == (b"MAIL FROM:<alice@aimx.test>\r\nRCPT TO:<a@scripted.test>\r\n"
                                  b"RCPT TO:<b@scripted.test>\r\nDATA\r\n"), server.chunks
    assert server.data[0].endswith(b"\r\n..leading dot\r\n...two dots\r\n..\r\nlast line")


def test_failed_tls_handshake_retries_in_plaintext_once(world, scripted):
    server = scripted([b"STARTTLS"], break_tls=True)
    out = run_to_scripted(world, server, "c@scripted.test")
    assert "status=delivered" in out and "tls=none" in out, out
    assert server.sessions == 2 and len(server.data) == 1


def test_silent_mx_times_out_and_the_next_mx_takes_it(world, scripted):
    """RFC 5321 4.5.3.2 timeouts, shortened for the test by AIMX_TEST_SMTP_CLIENT_MS."""
    silent, backup = scripted([], silent=True), scripted([])
    start = time.monotonic()
    out = run_to_scripted(world, silent, "t@scripted.test", backup=backup,
                          AIMX_TEST_SMTP_CLIENT_MS="1500")
    assert time.monotonic() - start < 20
    assert "status=delivered" in out and "mx=mx2.scripted.test" in out, out
    assert "no SMTP greeting" in out and len(backup.data) == 1
    out = run_to_scripted(world, silent, "u@scripted.test", AIMX_TEST_SMTP_CLIENT_MS="1500")
    assert "status=deferred" in out and "no SMTP greeting" in out, out
