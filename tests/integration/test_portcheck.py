"""aimx portcheck against real peers: an aiosmtpd MX for the outbound check, a probe service
(Python's http.server, plain or TLS) that connects back to our port with smtplib for the
inbound check, dnsmasq for names. The local port is moved off 25 with the test-only
AIMX_TEST_PORTCHECK_PORT, the outbound peer's with AIMX_SMTP_PORT."""

import http.server
import json
import os
import re
import smtplib
import socket
import ssl
import subprocess
import tempfile
import threading

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as AioSMTP

from conftest import run
from daemon_fixture import Daemon, as_user, cleanup, ensure_users, free_port
from dns_fixture import DnsServer
from mx_fixture import make_ca

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="portcheck runs as root")


class Greeter:
    """aiosmtpd handler: accepts EHLO, records that it was asked."""

    def __init__(self):
        self.ehlo = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.ehlo.append(hostname)
        session.host_name = hostname
        return responses


class RudeSMTP(AioSMTP):
    """An SMTP server whose greeting refuses service (554)."""

    async def push(self, status):
        if status.startswith("220 "):
            status = "554 no service here"
        await super().push(status)


class RudeController(Controller):
    def factory(self):
        return RudeSMTP(self.handler)


class Probe:
    """The verify service: GET /probe connects to 127.0.0.1:<port> with smtplib, does EHLO and
    QUIT, and answers {"reachable": bool}. Records the banner and EHLO reply it saw."""

    def __init__(self, target_port, tls=None, answer=None):
        self.target_port, self.seen, self.answer = target_port, [], answer
        probe = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                body = probe.handle(self.path).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def handle(self, path):
        if self.answer is not None:
            return self.answer
        if path != "/probe":
            return json.dumps({"reachable": False, "error": "path " + path})
        try:
            with smtplib.SMTP(timeout=10) as s:
                code, text = s.connect("127.0.0.1", self.target_port)
                self.seen.append(("banner", code, text.decode()))
                code, text = s.ehlo("probe.test")
                self.seen.append(("ehlo", code, text.decode()))
            return json.dumps({"reachable": code == 250})
        except (OSError, smtplib.SMTPException) as e:
            self.seen.append(("error", str(e)))
            return json.dumps({"reachable": False})

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def mx():
    handler = Greeter()
    ctl = Controller(handler, hostname="127.0.0.1", port=free_port())
    ctl.start()
    yield ctl, handler
    ctl.stop()


@pytest.fixture
def env(isolated_env):
    e = dict(isolated_env)
    e["AIMX_TEST_PORTCHECK_PORT"] = str(free_port())
    return e


def portcheck(env, *args, timeout=90):
    return run([os.environ["AIMX_BIN"], "portcheck", *args], env=env, timeout=timeout)


def port_is_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no listener
        try:
            s.bind(("0.0.0.0", port))
            s.listen()
            return True
        except OSError:
            return False


def test_both_directions_pass_with_temporary_listener(env, mx):
    ctl, handler = mx
    local = int(env["AIMX_TEST_PORTCHECK_PORT"])
    probe = Probe(local)
    try:
        env["AIMX_SMTP_PORT"] = str(ctl.port)
        r = portcheck(env, "--verify-host", f"http://127.0.0.1:{probe.port}/")
    finally:
        probe.close()
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == [
        "aimx portcheck - Port 25 connectivity check", "",
        "  Outbound port 25... [OK]", "  Inbound port 25... [OK]", "",
        "Port 25 reachable. Ready for `aimx setup`.", "Run `sudo aimx setup` to begin."]
    assert handler.ehlo == ["aimx"]
    assert probe.seen[:2] == [("banner", 220, "localhost ESMTP aimx"), ("ehlo", 250, "localhost")]
    # the test-only ports are announced as such
    assert "AIMX_TEST_PORTCHECK_PORT" in r.stderr and "for tests only" in r.stderr
    assert "AIMX_SMTP_PORT" in r.stderr
    # the temporary listener is gone once portcheck has exited
    assert port_is_free(local)


def test_temporary_listener_dialogue(env, mx):
    """The listener's own replies, seen by a client while the probe is held open."""
    ctl, _ = mx
    local = int(env["AIMX_TEST_PORTCHECK_PORT"])
    transcript = []

    def talk():
        with socket.create_connection(("127.0.0.1", local), timeout=10) as s:
            f = s.makefile("rwb")
            transcript.append(f.readline())
            for cmd in (b"HELO x", b"ehlo y", b"MAIL FROM:<a@b>", b"QUIT"):
                f.write(cmd + b"\r\n")
                f.flush()
                transcript.append(f.readline())
            transcript.append(f.read())

    class TalkingProbe(Probe):
        def handle(self, path):
            talk()
            return json.dumps({"reachable": True})

    probe = TalkingProbe(local)
    try:
        env["AIMX_SMTP_PORT"] = str(ctl.port)
        r = portcheck(env, "--verify-host", f"http://127.0.0.1:{probe.port}")
    finally:
        probe.close()
    assert r.returncode == 0, r.stderr
    assert transcript == [b"220 localhost ESMTP aimx\r\n", b"250 localhost\r\n",
                          b"250 localhost\r\n", b"502 Not implemented\r\n", b"221 Bye\r\n", b""]


def test_outbound_refused(env):
    local = int(env["AIMX_TEST_PORTCHECK_PORT"])
    probe = Probe(local)
    try:
        env["AIMX_SMTP_PORT"] = str(free_port())
        r = portcheck(env, "--verify-host", f"http://127.0.0.1:{probe.port}")
    finally:
        probe.close()
    assert r.returncode == 1
    assert "  Outbound port 25... [FAIL]" in r.stdout
    assert "  Inbound port 25... [OK]" in r.stdout
    assert "Outbound port 25 is blocked" in r.stderr
    assert "Connection refused" in r.stderr
    assert "Error: Some checks failed. See details above." in r.stderr


def test_outbound_needs_a_220_greeting(env):
    ctl = RudeController(Greeter(), hostname="127.0.0.1", port=free_port())
    ctl.start()
    probe = Probe(int(env["AIMX_TEST_PORTCHECK_PORT"]))
    try:
        env["AIMX_SMTP_PORT"] = str(ctl.port)
        r = portcheck(env, "--verify-host", f"http://127.0.0.1:{probe.port}")
    finally:
        probe.close()
        ctl.stop()
    assert r.returncode == 1
    assert "  Outbound port 25... [FAIL]" in r.stdout
    assert "greeting: expected 220, got 554" in r.stderr


def test_inbound_not_reachable(env, mx):
    ctl, _ = mx
    probe = Probe(int(env["AIMX_TEST_PORTCHECK_PORT"]), answer='{"reachable":false}')
    try:
        env["AIMX_SMTP_PORT"] = str(ctl.port)
        r = portcheck(env, "--verify-host", f"http://127.0.0.1:{probe.port}")
    finally:
        probe.close()
    assert r.returncode == 1
    assert "  Outbound port 25... [OK]" in r.stdout
    assert "  Inbound port 25... [FAIL]" in r.stdout
    assert "Inbound port 25 is not reachable" in r.stderr
    assert "Some checks failed" in r.stderr


def test_inbound_service_down(env, mx):
    ctl, _ = mx
    env["AIMX_SMTP_PORT"] = str(ctl.port)
    r = portcheck(env, "--verify-host", f"http://127.0.0.1:{free_port()}")
    assert r.returncode == 1
    assert "  Inbound port 25... [FAIL]" in r.stdout
    assert "Inbound port 25 check failed" in r.stderr and "/probe" in r.stderr


def test_port_held_by_another_program(env, mx):
    ctl, _ = mx
    local = int(env["AIMX_TEST_PORTCHECK_PORT"])
    holder = subprocess.Popen(
        ["/usr/bin/python3", "-c",
         "import socket,sys,time\ns=socket.socket(socket.AF_INET6)\n"
         "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)\n"
         f"s.bind(('::', {local}))\ns.listen()\nprint('up', flush=True)\ntime.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "up\n"
        probe = Probe(local)
        env["AIMX_SMTP_PORT"] = str(ctl.port)
        r = portcheck(env, "--verify-host", f"http://127.0.0.1:{probe.port}")
        probe.close()
    finally:
        holder.kill()
        holder.wait()
    assert r.returncode == 1
    assert "  Outbound port 25... [OK]" in r.stdout
    assert "Inbound" not in r.stdout
    assert f"Error: Port 25 is occupied by `python3 (pid {holder.pid})`." in r.stderr
    assert "run `sudo aimx portcheck` again" in r.stderr
    assert probe.seen == []


def test_running_aimx_answers_the_probe(mx):
    """When aimx serve holds the port, the probe reaches the daemon, not a temporary listener."""
    ctl, _ = mx
    root = tempfile.mkdtemp(prefix="aimx-pc-")
    d = Daemon(os.environ["AIMX_BIN"], root)
    try:
        probe = Probe(d.port)
        env = dict(d.env, AIMX_TEST_PORTCHECK_PORT=str(d.port), AIMX_SMTP_PORT=str(ctl.port))
        r = portcheck(env, "--verify-host", f"http://127.0.0.1:{probe.port}")
        probe.close()
        assert r.returncode == 0, r.stdout + r.stderr
        assert "occupied" not in r.stderr
        ehlo = [s for s in probe.seen if s[0] == "ehlo"]
        assert len(ehlo) == 1 and ehlo[0][1] == 250
        assert ehlo[0][2] != "localhost"  # the daemon's own EHLO reply
    finally:
        d.stop()
        cleanup(root)


@pytest.fixture
def tls_probe_setup(env, mx, tmp_path):
    ctl, _ = mx
    ca, cert, key = make_ca(str(tmp_path))
    dns = DnsServer()
    dns.a("mx.tls.test", "127.0.0.1")
    dns.a("mx.wrongname-not-in-cert.test", "127.0.0.1")
    dns.start()
    env.update(AIMX_RESOLV_CONF=dns.resolv_conf, AIMX_SMTP_PORT=str(ctl.port),
               AIMX_TLS_CA_FILE=ca)
    probe = Probe(int(env["AIMX_TEST_PORTCHECK_PORT"]), tls=(cert, key))
    yield env, probe
    probe.close()
    dns.close()


def test_https_verify_host(tls_probe_setup):
    env, probe = tls_probe_setup
    r = portcheck(env, "--verify-host", f"https://mx.tls.test:{probe.port}")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "  Inbound port 25... [OK]" in r.stdout
    assert any(s[0] == "ehlo" for s in probe.seen)


def test_https_certificate_name_mismatch_is_refused(tls_probe_setup):
    env, probe = tls_probe_setup
    r = portcheck(env, "--verify-host", f"https://mx.wrongname-not-in-cert.test:{probe.port}")
    assert r.returncode == 1
    assert "  Inbound port 25... [FAIL]" in r.stdout
    assert "not verified against the CA bundle" in r.stderr
    assert probe.seen == []  # nothing was asked of an unverified server


def test_https_unknown_ca_is_refused(tls_probe_setup, tmp_path):
    env, probe = tls_probe_setup
    other = tmp_path / "other"
    other.mkdir()
    env["AIMX_TLS_CA_FILE"] = make_ca(str(other))[0]
    r = portcheck(env, "--verify-host", f"https://mx.tls.test:{probe.port}")
    assert r.returncode == 1
    assert "not verified against the CA bundle" in r.stderr
    assert probe.seen == []


def test_verify_host_from_config(env, mx):
    ctl, handler = mx
    probe = Probe(int(env["AIMX_TEST_PORTCHECK_PORT"]))
    try:
        with open(os.path.join(env["AIMX_CONFIG_DIR"], "config.toml"), "w") as f:
            f.write(f'domain = "it.test"\nverify_host = "http://127.0.0.1:{probe.port}/"\n'
                    '[mailboxes.catchall]\naddress = "*@it.test"\nowner = "aimx-catchall"\n')
        ensure_users()
        env["AIMX_SMTP_PORT"] = str(ctl.port)
        r = portcheck(env)
    finally:
        probe.close()
    assert r.returncode == 0, r.stdout + r.stderr
    assert any(s[0] == "ehlo" for s in probe.seen)
    assert handler.ehlo == ["aimx"]


def test_bad_verify_host(env):
    r = portcheck(env, "--verify-host", "ftp://example.com")
    assert r.returncode == 1
    assert "verify-host must be an http:// or https:// URL" in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("args", [["--bogus"], ["--verify-host"], ["extra"]])
def test_usage_errors(env, args):
    r = portcheck(env, *args)
    assert r.returncode == 2
    assert "usage: aimx portcheck" in r.stderr


def test_requires_root(env):
    ensure_users()
    r = run(as_user("aimxit-alice", [os.environ["AIMX_BIN"], "portcheck"]), env=env)
    assert r.returncode == 1
    assert "`aimx portcheck` requires root. Run with: sudo aimx portcheck" in r.stderr
    assert r.stdout == ""


def test_help():
    r = run([os.environ["AIMX_BIN"], "portcheck", "--help"])
    assert r.returncode == 0
    assert re.search(r"usage: aimx portcheck \[--verify-host URL\]", r.stdout)
