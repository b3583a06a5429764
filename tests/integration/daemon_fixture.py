"""A root `aimx serve` with a 0640 root:root config and real non-root owners, for integration tests."""

import atexit
import contextlib
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from dns_fixture import DnsServer

USERS = ("aimxit-alice", "aimxit-bob", "aimx-catchall", "aimx-smtpd")  # as setup leaves them
DOMAIN = "it.test"


_empty_dns = None


def empty_resolver():
    """resolv.conf of a dnsmasq that knows no names (every lookup NXDOMAIN at once), so the
    daemon's DKIM/SPF/DMARC lookups stay on this machine and fast unless a test serves
    records of its own."""
    global _empty_dns
    if _empty_dns is None:
        _empty_dns = DnsServer().start()
        atexit.register(_empty_dns.close)
    return _empty_dns.resolv_conf


def ensure_users():
    for user in USERS:
        try:
            pwd.getpwnam(user)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                            "/usr/sbin/nologin", "--user-group", user], check=True)


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port():
    """A free TCP port below the kernel's ephemeral range: a port from that range (what bind
    to port 0 gives) can be taken meanwhile by any client connection of another test, and a
    later listen on it then fails with EADDRINUSE."""
    low = _ephemeral_low()
    for _ in range(200):
        port = random.randrange(10000, max(low, 10001))
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port below the ephemeral range")


def write_config(cfg_dir, data_dir, extra=""):
    text = (f'domain = "{DOMAIN}"\ndata_dir = "{data_dir}"\n\n'
            f'[mailboxes.alice]\naddress = "alice@{DOMAIN}"\nowner = "aimxit-alice"\n\n'
            f'[mailboxes.bob]\naddress = "bob@{DOMAIN}"\nowner = "aimxit-bob"\n\n'
            f'[mailboxes.catchall]\naddress = "*@{DOMAIN}"\nowner = "aimx-catchall"\n' + extra)
    path = os.path.join(cfg_dir, "config.toml")
    with open(path, "w") as f:
        f.write(text)
    os.chown(path, 0, 0)
    os.chmod(path, 0o640)
    return path


def make_cert(tls_dir):
    cert, key = os.path.join(tls_dir, "cert.pem"), os.path.join(tls_dir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={DOMAIN}", "-addext", f"subjectAltName=DNS:{DOMAIN}",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


class Daemon:
    """Starts `aimx serve` as root in its own temp tree; stop() asserts a clean exit.
    prefix: argv run in front of aimx (e.g. unshare to make the daemon PID 1)."""

    def __init__(self, aimx, root, extra_env=None, prefix=()):
        ensure_users()
        self.aimx, self.root = aimx, root
        os.chmod(root, 0o755)
        for d in ("etc", "data", "run", "tls"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
            os.chmod(os.path.join(root, d), 0o755)
        self.cfg_dir, self.data = os.path.join(root, "etc"), os.path.join(root, "data")
        self.run_dir = os.path.join(root, "run")
        self.config = write_config(self.cfg_dir, self.data)
        self.cert, self.key = make_cert(os.path.join(root, "tls"))
        self.port = free_port()
        self.env = dict(os.environ, AIMX_CONFIG_DIR=self.cfg_dir, AIMX_DATA_DIR=self.data,
                        AIMX_RUNTIME_DIR=self.run_dir, NO_COLOR="1")
        self.env.setdefault("AIMX_RESOLV_CONF", empty_resolver())
        self.env.update(extra_env or {})
        self.log = open(os.path.join(root, "serve.log"), "w+")
        self.proc = subprocess.Popen(
            [*prefix, aimx, "serve", "--bind", f"127.0.0.1:{self.port}", "--tls-cert", self.cert,
             "--tls-key", self.key], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.socket = os.path.join(self.run_dir, "aimx.sock")
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                if os.path.exists(self.socket):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("aimx serve did not start:\n" + self.logs())

    def logs(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=40)
        assert rc == 0, self.logs()
        assert not os.path.exists(self.socket)

    def inbox(self, mailbox):
        return os.path.join(self.data, "inbox", mailbox)


@contextlib.contextmanager
def daemon_under_tmp(aimx, prefix, extra_env=None):
    """A Daemon in a fresh tree under /tmp (not pytest's 0700 tree: the test users must reach
    the socket and their folders); stopped (asserting a clean exit) and removed after."""
    root = tempfile.mkdtemp(prefix=prefix)
    try:
        d = Daemon(aimx, root, extra_env)
        yield d
        d.stop()
    finally:
        cleanup(root)


def as_user(user, argv):
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", *argv]


UDS_CLIENT = r"""
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR)
out = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    out += d
sys.stdout.buffer.write(out)
"""


def uds_call(daemon, frame, user=None):
    """Send one raw AIMX/1 frame as `user` (None: root); returns the reply bytes."""
    argv = ["/usr/bin/python3", "-c", UDS_CLIENT, daemon.socket]
    if user:
        argv = as_user(user, argv)
    r = subprocess.run(argv, input=frame, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def stored_files(directory):
    out = []
    for dirpath, _, files in os.walk(directory):
        out += [os.path.join(dirpath, f) for f in files]
    return sorted(out)


def snapshot(paths):
    """Contents, modes and owners of every file under the given paths."""
    snap = {}
    for top in paths:
        for path in stored_files(top) + [top]:
            if os.path.exists(path):
                st = os.lstat(path)
                data = open(path, "rb").read() if os.path.isfile(path) else b""
                snap[path] = (st.st_mode, st.st_uid, st.st_gid, data)
    return snap


def cleanup(root):
    shutil.rmtree(root, ignore_errors=True)
