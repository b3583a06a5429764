"""Shared helpers for the inbound tests: a root daemon with an RSA or EC certificate, a raw SMTP client, stored-file checks."""

import contextlib
import os
import pwd
import re
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import tomllib
from unittest import mock

import daemon_fixture
from daemon_fixture import DOMAIN, Daemon, cleanup, stored_files

# mail.md 2.9, in order; OPTIONAL keys are left out when absent.
SCHEMA = ["id", "message_id", "thread_id", "from", "to", "cc", "reply_to", "delivered_to", "subject",
          "date", "received_at", "received_from_ip", "size_bytes", "in_reply_to", "references",
          "list_id", "auto_submitted", "dkim", "spf", "dmarc", "trusted", "mailbox", "read",
          "read_at", "labels"]
OPTIONAL = {"cc", "reply_to", "received_from_ip", "in_reply_to", "references", "list_id",
            "auto_submitted", "read_at", "labels"}
OWNERS = {"alice": "aimxit-alice", "bob": "aimxit-bob", "catchall": "aimx-catchall"}
TEMP_NAME = re.compile(r"^\..*\.tmp\.")
RECEIVED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def make_cert(tls_dir, kind="rsa"):
    """A self-signed cert for DOMAIN made by openssl: kind "rsa" (2048) or "ec" (P-256)."""
    cert, key = os.path.join(tls_dir, "cert.pem"), os.path.join(tls_dir, "key.pem")
    newkey = {"rsa": ["-newkey", "rsa:2048"],
              "ec": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]}[kind]
    subprocess.run(["openssl", "req", "-x509", *newkey, "-nodes", "-days", "2", "-subj", f"/CN={DOMAIN}",
                    "-addext", f"subjectAltName=DNS:{DOMAIN}", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


class InboundDaemon(Daemon):
    """daemon_fixture.Daemon with a choice of key type and a stop that must finish within seconds."""

    def __init__(self, aimx, root, kind="rsa", extra_env=None):
        with mock.patch.object(daemon_fixture, "make_cert", lambda d: make_cert(d, kind)):
            super().__init__(aimx, root, extra_env)

    def stop(self, timeout=10):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"aimx serve ignored SIGTERM for {timeout}s:\n" + self.logs())
        assert rc == 0, f"aimx serve exited {rc}:\n" + self.logs()

    def restart(self):
        """Stop (asserting a clean exit) and start again on the same port, config and data."""
        self.stop()
        self.respawn()

    def respawn(self):
        """Start `aimx serve` again with the same argv (after a stop or a crash); returns once
        the new master serves a banner."""
        self.proc = subprocess.Popen(self.proc.args, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline and self.proc.poll() is None:
            try:
                with Smtp(self.port, timeout=5) as c:  # a served banner: the master loop is running
                    if c.banner.startswith(b"220 "):
                        return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("aimx serve did not restart:\n" + self.logs())

    def tls_context(self):
        ctx = ssl.create_default_context(cafile=self.cert)
        ctx.check_hostname = False  # we dial 127.0.0.1; the chain is still verified against the cert
        return ctx


@contextlib.contextmanager
def running_daemon(aimx, kind="rsa", extra_env=None, prepare=None):
    """A started InboundDaemon; its log is printed at teardown (pytest shows it when a test fails).
    prepare(root), when given, is a context manager entered before the daemon starts (e.g. to
    mount a file system on root/data) and left after it stopped."""
    # Under /tmp, not pytest's 0700 tree: the mailbox owners must be able to reach their dirs.
    root = tempfile.mkdtemp(prefix="aimx-it-in-")
    try:
        with prepare(root) if prepare else contextlib.nullcontext():
            yield from _serve(aimx, root, kind, extra_env)
    finally:
        cleanup(root)


def _serve(aimx, root, kind, extra_env):
    d = InboundDaemon(aimx, root, kind, extra_env)
    try:
        yield d
    finally:
        print("---- aimx serve log ----\n" + d.logs())
        if d.proc.poll() is None:
            d.stop()


class Smtp:
    """A raw SMTP client that keeps unread bytes, so pipelined replies are never lost."""

    def __init__(self, port, timeout=30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.banner = self.reply()

    def send(self, data):
        self.sock.sendall(data)

    def reply(self):
        """One complete (possibly multi-line) reply, CRLFs included; b"" if the peer closed first."""
        out = b""
        while True:
            while b"\r\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return out + self.buf
                self.buf += chunk
            line, self.buf = self.buf.split(b"\r\n", 1)
            out += line + b"\r\n"
            if re.match(rb"^\d{3}( |$)", line):
                return out

    def cmd(self, line):
        self.send(line.encode() + b"\r\n" if isinstance(line, str) else line + b"\r\n")
        return self.reply()

    def envelope(self, rcpts, sender="a@example.org"):
        """HELO, MAIL, RCPT for each, DATA; asserts each step succeeded."""
        for line in ["HELO client.example.org", f"MAIL FROM:<{sender}>"] + [f"RCPT TO:<{r}>" for r in rcpts]:
            r = self.cmd(line)
            assert r[:1] == b"2", (line, r)
        r = self.cmd("DATA")
        assert r.startswith(b"354"), r

    def starttls(self, ctx):
        assert self.buf == b"", self.buf
        self.sock = ctx.wrap_socket(self.sock, server_hostname=DOMAIN)

    def rest(self):
        """Everything the server still sends until it closes the connection."""
        out, self.buf = self.buf, b""
        while chunk := self.sock.recv(65536):
            out += chunk
        return out

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_reply(sock):
    """Bytes up to the end of one complete reply on a plain socket (for one-shot exchanges; with
    pipelining use Smtp, which keeps what follows)."""
    data = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk
        lines = data.split(b"\r\n")
        if len(lines) > 1 and re.match(rb"^\d{3} ", lines[-2]):
            return data


def frontmatter(path):
    """(TOML table, top-level keys in file order, body) of a stored message; checks the +++ framing."""
    with open(path, encoding="utf-8", newline="") as f:  # CRLFs in bodies kept
        text = f.read()
    assert text.startswith("+++\n"), text[:80]
    head, sep, body = text[4:].partition("\n+++\n\n")
    assert sep, text[:2000]
    head += "\n"
    keys = []
    for line in head.splitlines():
        if line.startswith("["):
            break
        if " = " in line:
            keys.append(line.split(" = ")[0])
    return tomllib.loads(head), keys, body


def expected_order(keys):
    """The mail.md 2.9 order for the optional keys present in `keys` (an unknown key makes it differ)."""
    return [k for k in SCHEMA if k in keys or k not in OPTIONAL]


def new_files(directory, before, suffix=".md"):
    return sorted(p for p in set(stored_files(directory)) - set(before) if p.endswith(suffix))


def only_new(directory, before):
    new = new_files(directory, before)
    assert len(new) == 1, new
    return new[0]


def check_store(data_dir, owners=OWNERS):
    """Every mailbox dir and bundle is 0700, every file 0600, all owned by the mailbox owner
    (uid and primary gid); no temp file is left anywhere under the data dir."""
    for dirpath, dirs, files in os.walk(data_dir):
        for name in dirs + files:
            assert not TEMP_NAME.match(name), os.path.join(dirpath, name)
    inbox = os.path.join(data_dir, "inbox")
    for mailbox in os.listdir(inbox) if os.path.isdir(inbox) else []:
        pw = pwd.getpwnam(owners[mailbox])
        for dirpath, dirs, files in os.walk(os.path.join(inbox, mailbox)):
            for path, mode in [(dirpath, 0o700)] + [(os.path.join(dirpath, f), 0o600) for f in files]:
                st = os.lstat(path)
                assert (st.st_uid, st.st_gid) == (pw.pw_uid, pw.pw_gid), (path, st.st_uid, st.st_gid)
                assert st.st_mode & 0o7777 == mode, (path, oct(st.st_mode))
