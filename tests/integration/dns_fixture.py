"""dns_fixture.py: a real dnsmasq on a private loopback address serving test records.

resolv.conf(5) has no port syntax, so dnsmasq listens on port 53 of a random free address
in 127.53.0.0/16 (needs root, as the daemon tests do; random so that test runs side by side
do not collide). Every name not configured is local:
unknown names get NXDOMAIN, configured names get NODATA for other types.

    with DnsServer() as dns:
        dns.txt("sel._domainkey.it.test", "v=DKIM1; k=rsa; p=...")
        dns.mx("it.test", "mx.it.test", 10)
        dns.a("mx.it.test", "127.0.0.1")
        dns.start()                   # (re)start with the records so far
        env = {"AIMX_RESOLV_CONF": dns.resolv_conf}
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time

DNSMASQ = "/usr/sbin/dnsmasq"


def free_loopback():
    """A 127.53.x.y whose port 53 is free right now."""
    for _ in range(50):
        ip = "127.53.%d.%d" % (random.randint(0, 255), random.randint(1, 254))
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.bind((ip, 53))
            return ip
        except OSError:
            continue
        finally:
            probe.close()
    raise RuntimeError("no free 127.53.x.y:53")


def _split_txt(text):
    """A TXT value as dnsmasq character-strings (each at most 255 bytes)."""
    raw = text.encode() if isinstance(text, str) else text
    chunks = [raw[i:i + 255] for i in range(0, len(raw), 255)] or [b""]
    return ",".join('"' + c.decode("latin-1").replace("\\", "\\\\").replace('"', '\\"') + '"'
                    for c in chunks)


class DnsServer:
    def __init__(self):
        self.ip = free_loopback()
        self.dir = tempfile.mkdtemp(prefix="aimx-dns-", dir="/tmp")
        os.chmod(self.dir, 0o755)
        self.resolv_conf = os.path.join(self.dir, "resolv.conf")
        with open(self.resolv_conf, "w") as f:
            f.write("nameserver %s\noptions timeout:1 attempts:2\n" % self.ip)
        os.chmod(self.resolv_conf, 0o644)
        self.lines = []
        self.proc = None

    def txt(self, name, *texts):
        """One TXT record per text; a text longer than 255 bytes is split into strings."""
        for t in texts:
            self.lines.append("txt-record=%s,%s" % (name, _split_txt(t)))

    def mx(self, name, host, preference=10):
        self.lines.append("mx-host=%s,%s,%d" % (name, host, preference))

    def a(self, name, *addresses):
        for ip in addresses:
            self.lines.append("host-record=%s,%s" % (name, ip))

    def cname(self, name, target):
        self.lines.append("cname=%s,%s" % (name, target))

    def ptr(self, name, target):
        self.lines.append("ptr-record=%s,%s" % (name, target))

    def clear(self):
        self.lines = []

    def start(self):
        self.stop()
        conf = os.path.join(self.dir, "dnsmasq.conf")
        with open(conf, "w") as f:
            f.write("\n".join([
                "no-resolv", "no-hosts", "no-negcache", "cache-size=0", "port=53",
                "listen-address=" + self.ip, "bind-interfaces", "local=/#/",
                "user=root", "pid-file=",
            ] + self.lines) + "\n")
        self.proc = subprocess.Popen(
            [DNSMASQ, "--conf-file=" + conf, "--keep-in-foreground",
             "--log-facility=" + os.path.join(self.dir, "log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_ready()
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("dnsmasq exited: %s" % self.proc.stderr.read().decode())
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.connect((self.ip, 53))
                return
            except OSError:
                time.sleep(0.02)
            finally:
                s.close()
        raise RuntimeError("dnsmasq did not start on %s:53" % self.ip)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
