"""End to end: mail through a root `aimx serve` gets real dkim/spf/dmarc/trusted verdicts from
records served by dnsmasq, signed by dkimpy; the trust gate decides whether hooks fire."""

import base64
import os
import re
import smtplib
import socket
import subprocess
import tempfile
import threading
import time

import dkim
import pytest

import daemon_fixture
from daemon_fixture import DOMAIN, Daemon, cleanup, stored_files
from dns_fixture import DnsServer, free_loopback

SENDER_DOMAIN = "sender.test"
HOOK_OUT_DIR = "/tmp"


def rsa_key(bits=2048):
    pem = subprocess.run(["openssl", "genrsa", str(bits)], check=True,
                         capture_output=True).stdout
    der = subprocess.run(["openssl", "rsa", "-pubout", "-outform", "DER"], input=pem,
                         check=True, capture_output=True).stdout
    return pem, base64.b64encode(der).decode()


def message(from_addr, subject, body="Hello from a Gmail-like sender.\r\n", msgid=None):
    msgid = msgid or "<%s@%s>" % (os.urandom(6).hex(), SENDER_DOMAIN)
    return ("From: Sender <%s>\r\nTo: agent@%s\r\nSubject: %s\r\n"
            "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: %s\r\n\r\n%s"
            % (from_addr, DOMAIN, subject, msgid, body)).encode()


def sign(msg, domain, key, selector="s1"):
    sig = dkim.sign(msg, selector.encode(), domain.encode(), key,
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return sig + msg


def frontmatter(path):
    text = open(path).read()
    return dict(re.findall(r'^(dkim|spf|dmarc|trusted) = "([^"]*)"$', text, re.M))


@pytest.fixture(scope="module")
def world(aimx):
    """dnsmasq with sender.test (DKIM key s1, SPF for 127.0.0.1, DMARC p=reject) and
    other.test (its own key, no DMARC), and a root daemon resolving through it."""
    key, pub = rsa_key()
    other_key, other_pub = rsa_key()
    dns = DnsServer()
    dns.txt("s1._domainkey." + SENDER_DOMAIN, "v=DKIM1; k=rsa; p=" + pub)
    dns.txt(SENDER_DOMAIN, "v=spf1 ip4:127.0.0.1 -all")
    dns.txt("_dmarc." + SENDER_DOMAIN, "v=DMARC1; p=reject; adkim=r; aspf=r")
    dns.txt("s1._domainkey.other.test", "v=DKIM1; k=rsa; p=" + other_pub)
    dns.txt("other.test", "v=spf1 -all")
    dns.txt("softfail.test", "v=spf1 ~all")
    dns.txt("s1._domainkey.mail.strict.test", "v=DKIM1; k=rsa; p=" + pub)
    dns.txt("mail.strict.test", "v=spf1 ip4:127.0.0.1 -all")
    dns.txt("_dmarc.strict.test", "v=DMARC1; p=reject; adkim=s; aspf=s")
    dns.start()
    root = tempfile.mkdtemp(prefix="aimx-auth-", dir="/tmp")
    marker = os.path.join(HOOK_OUT_DIR, "aimx-auth-hook-%d" % os.getpid())
    d = Daemon(aimx, root, {"AIMX_RESOLV_CONF": dns.resolv_conf})
    daemon_fixture.write_config(d.cfg_dir, d.data, f'''
[mailboxes.agent]
address = "agent@{DOMAIN}"
owner = "aimxit-alice"
trust = "verified"
trusted_senders = ["*@{SENDER_DOMAIN}"]

[[mailboxes.agent.hooks]]
name = "mark"
event = "on_receive"
cmd = ["/bin/sh", "-c", "cat > {marker}.$AIMX_ID"]
''')
    yield {"daemon": d, "key": key, "pub": pub, "other_key": other_key, "marker": marker, "dns": dns}
    d.stop()
    dns.close()
    cleanup(root)
    for name in os.listdir(HOOK_OUT_DIR):
        if name.startswith(os.path.basename(marker)):
            os.unlink(os.path.join(HOOK_OUT_DIR, name))


def deliver(d, raw, mail_from="bounce@" + SENDER_DOMAIN):
    before = set(stored_files(d.inbox("agent")))
    with smtplib.SMTP("127.0.0.1", d.port, timeout=30) as s:
        s.sendmail(mail_from, ["agent@" + DOMAIN], raw)
    after = set(stored_files(d.inbox("agent")))
    new = sorted(after - before)
    assert len(new) == 1, (new, d.logs())
    return new[0]


def hook_output(world, path, wait=3.0):
    stem = os.path.basename(path)[:-3]
    target = "%s.%s" % (world["marker"], stem)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if os.path.exists(target):
            time.sleep(0.1)
            return open(target, "rb").read()
        time.sleep(0.05)
    return None


def test_gmail_like_sender_passes_everything_and_fires_the_hook(world):
    d = world["daemon"]
    raw = sign(message("alice@" + SENDER_DOMAIN, "signed"), SENDER_DOMAIN, world["key"])
    path = deliver(d, raw)
    assert frontmatter(path) == {"dkim": "pass", "spf": "pass", "dmarc": "pass",
                                 "trusted": "true"}, d.logs()
    out = hook_output(world, path)
    assert out == open(path, "rb").read(), d.logs()
    # dkimpy, given the same key record, agrees the message verifies
    record = ("v=DKIM1; k=rsa; p=" + world["pub"]).encode()
    assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: record)


def test_tampered_body_fails_dkim_and_fires_nothing(world):
    d = world["daemon"]
    raw = sign(message("alice@" + SENDER_DOMAIN, "tampered"), SENDER_DOMAIN, world["key"])
    raw = raw.replace(b"Hello from", b"Hullo from")
    path = deliver(d, raw)
    v = frontmatter(path)
    assert v["dkim"] == "fail" and v["trusted"] == "false", v
    assert v["spf"] == "pass" and v["dmarc"] == "pass", v  # SPF aligned still passes DMARC
    assert hook_output(world, path, wait=1.5) is None
    assert "mark" in d.logs() and "skipped" in d.logs()


def test_unaligned_dkim_pass_is_not_trusted(world):
    """DECISIONS 6: a valid signature by another domain does not make the From trusted."""
    d = world["daemon"]
    raw = sign(message("alice@" + SENDER_DOMAIN, "unaligned"), "other.test", world["other_key"])
    path = deliver(d, raw)
    v = frontmatter(path)
    assert v["dkim"] == "pass" and v["trusted"] == "false", v
    assert hook_output(world, path, wait=1.5) is None


def test_sender_not_on_the_allowlist_is_not_trusted(world):
    d = world["daemon"]
    raw = sign(message("carol@other.test", "not listed"), "other.test", world["other_key"])
    path = deliver(d, raw, mail_from="carol@other.test")
    v = frontmatter(path)
    assert v == {"dkim": "pass", "spf": "fail", "dmarc": "none", "trusted": "false"}, v
    assert hook_output(world, path, wait=1.5) is None


def test_unsigned_mail_and_spf_results(world):
    d = world["daemon"]
    path = deliver(d, message("alice@softfail.test", "unsigned"), mail_from="x@softfail.test")
    assert frontmatter(path) == {"dkim": "none", "spf": "softfail", "dmarc": "none",
                                 "trusted": "false"}
    # empty MAIL FROM: SPF checks the From address instead (mail.md 3.2)
    path = deliver(d, message("alice@" + SENDER_DOMAIN, "bounce"), mail_from="")
    v = frontmatter(path)
    assert v["spf"] == "pass" and v["dmarc"] == "pass" and v["dkim"] == "none", v


def test_stdin_ingest_takes_the_ip_from_received(world, aimx):
    d = world["daemon"]
    raw = (b"Received: from mx.sender.test (mx.sender.test [127.0.0.1]) by relay\r\n"
           b"Received: from a (b [192.0.2.7]) by c\r\n" +
           message("alice@" + SENDER_DOMAIN, "via stdin"))
    before = set(stored_files(d.inbox("agent")))
    r = subprocess.run([aimx, "ingest", "agent@" + DOMAIN], input=raw, env=d.env,
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    new = sorted(set(stored_files(d.inbox("agent"))) - before)
    assert len(new) == 1
    # 127.0.0.1 is loopback, so the first usable literal is 192.0.2.7: not in the SPF record
    assert frontmatter(new[0])["spf"] == "fail"


def test_dmarc_strict_alignment_refuses_a_subdomain(world):
    """adkim=s/aspf=s: a signature and an SPF pass for mail.strict.test do not align with
    From: strict.test, so DMARC fails although DKIM and SPF pass."""
    d = world["daemon"]
    raw = sign(message("alice@strict.test", "strict"), "mail.strict.test", world["key"])
    v = frontmatter(deliver(d, raw, mail_from="bounce@mail.strict.test"))
    assert v == {"dkim": "pass", "spf": "pass", "dmarc": "fail", "trusted": "false"}, v


def test_dmarc_subdomain_uses_the_organisational_record(world):
    """news.sender.test publishes nothing: _dmarc.sender.test applies, relaxed alignment of
    d=sender.test with the subdomain passes, and trust (relaxed too) holds."""
    d = world["daemon"]
    raw = sign(message("alice@news." + SENDER_DOMAIN, "subdomain"), SENDER_DOMAIN, world["key"])
    v = frontmatter(deliver(d, raw, mail_from="bounce@news." + SENDER_DOMAIN))
    assert v == {"dkim": "pass", "spf": "none", "dmarc": "pass", "trusted": "false"}, v


class SilentResolver:
    """A UDP and TCP listener on a free loopback port 53 that reads queries and never answers."""

    def __init__(self):
        self.ip = free_loopback()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((self.ip, 53))
        self.tcp = socket.socket()
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((self.ip, 53))
        self.tcp.listen(8)
        self.dir = tempfile.mkdtemp(prefix="aimx-silent-", dir="/tmp")
        self.resolv_conf = os.path.join(self.dir, "resolv.conf")
        with open(self.resolv_conf, "w") as f:
            f.write("nameserver %s\n" % self.ip)
        os.chmod(self.dir, 0o755)

    def close(self):
        self.udp.close()
        self.tcp.close()
        cleanup(self.dir)


def test_silent_resolver_is_bounded(aimx):
    silent = SilentResolver()
    root = tempfile.mkdtemp(prefix="aimx-auth-silent-", dir="/tmp")
    d = Daemon(aimx, root, {"AIMX_RESOLV_CONF": silent.resolv_conf})
    try:
        key, _ = rsa_key(1024)
        raw = sign(message("alice@" + SENDER_DOMAIN, "silent dns"), SENDER_DOMAIN, key)
        start = time.monotonic()
        with smtplib.SMTP("127.0.0.1", d.port, timeout=60) as s:
            s.sendmail("bounce@" + SENDER_DOMAIN, ["alice@" + DOMAIN], raw)
        elapsed = time.monotonic() - start
        files = stored_files(d.inbox("alice"))
        assert len(files) == 1
        v = frontmatter(files[0])
        # key lookup timed out: DKIM fail; SPF temperror maps to none; DMARC DNS error: fail
        assert v == {"dkim": "fail", "spf": "none", "dmarc": "fail", "trusted": "none"}, v
        assert elapsed < 30, elapsed  # loose: the auth budget is 10 s
    finally:
        d.stop()
        silent.close()
        cleanup(root)
