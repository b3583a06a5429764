"""DKIM signing (build/tools/dkim_sign): dkimpy must verify every message we sign, and our own
verifier must agree; over-signed headers make added From/Subject fields break the signature."""

import base64
import os
import subprocess

import dkim
import pytest

from dns_fixture import DnsServer

TOOLS = os.path.join(os.path.dirname(__file__), "..", "..", "build", "tools")
DOMAIN = "aimx.test"


def make_key(tmp_path, pkcs1):
    path = str(tmp_path / ("k1.pem" if pkcs1 else "k8.pem"))
    args = ["openssl", "genrsa", "-out", path] + (["-traditional"] if pkcs1 else []) + ["2048"]
    subprocess.run(args, check=True, capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", path, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return path, b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


MESSAGES = {
    "plain": b"From: Alice <alice@aimx.test>\r\nTo: bob@example.org\r\nSubject: Hi\r\n"
             b"Date: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@aimx.test>\r\n"
             b"MIME-Version: 1.0\r\n\r\n# Hello\r\n\r\n- one\r\n- two\r\n",
    "utf8-subject": "From: alice@aimx.test\r\nTo: bob@example.org\r\nSubject: Grüße – 日本\r\n"
                    "\r\nbody\r\n".encode(),
    "long-lines": b"From: alice@aimx.test\r\nTo: bob@example.org\r\nSubject: long\r\n\r\n" +
                  b"x" * 990 + b"\r\n" + b"word " * 300 + b"\r\n",
    "reply": b"From: alice@aimx.test\r\nTo: bob@example.org\r\nCc: carol@example.org\r\n"
             b"Subject: Re: x\r\nIn-Reply-To: <r@example.org>\r\n"
             b"References: <a@example.org>\r\n <r@example.org>\r\n\r\nthanks\r\n",
    "attachment": b"From: alice@aimx.test\r\nTo: bob@example.org\r\nSubject: file\r\n"
                  b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                  b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee file\r\n"
                  b"--b1\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n"
                  b"Content-Transfer-Encoding: base64\r\n\r\n" +
                  base64.encodebytes(os.urandom(3000)).replace(b"\n", b"\r\n") + b"--b1--\r\n",
    "empty-body": b"From: alice@aimx.test\r\nTo: bob@example.org\r\nSubject: nothing\r\n\r\n",
}


def sign(key, msg):
    return subprocess.run([os.path.join(TOOLS, "dkim_sign"), key, DOMAIN, "aimx"], input=msg,
                          check=True, capture_output=True).stdout


@pytest.mark.parametrize("pkcs1", [True, False], ids=["pkcs1", "pkcs8"])
@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_dkimpy_verifies_what_we_sign(tmp_path, pkcs1, name):
    key, record = make_key(tmp_path, pkcs1)
    signed = sign(key, MESSAGES[name])
    assert signed.endswith(MESSAGES[name])
    assert dkim.verify(signed, dnsfunc=lambda n, timeout=5: record)
    header = signed[:len(signed) - len(MESSAGES[name])]
    assert all(len(line) < 100 for line in header.split(b"\r\n"))
    assert b"c=relaxed/relaxed" in header and b"d=aimx.test" in header and b"s=aimx" in header
    with DnsServer() as dns:
        dns.txt("aimx._domainkey." + DOMAIN, record.decode())
        dns.start()
        ours = subprocess.run([os.path.join(TOOLS, "dkim_verify")], input=signed,
                              capture_output=True, check=True,
                              env=dict(os.environ, AIMX_RESOLV_CONF=dns.resolv_conf))
    assert ours.stdout.decode().splitlines()[-1] == "verdict=pass", ours.stdout


@pytest.mark.parametrize("added", [b"From: mallory@evil.test\r\n", b"Subject: changed\r\n",
                                   b"Cc: extra@evil.test\r\n", b"Reply-To: x@evil.test\r\n"])
def test_added_headers(tmp_path, added):
    """Over-signing (DECISIONS 31): a second From/Subject or a new Cc breaks the signature;
    Reply-To is not signed, so adding it does not."""
    key, record = make_key(tmp_path, True)
    signed = sign(key, MESSAGES["plain"])
    cut = signed.index(b"From: Alice")
    tampered = signed[:cut] + added + signed[cut:]
    ok = dkim.verify(tampered, dnsfunc=lambda n, timeout=5: record)
    assert ok == added.startswith(b"Reply-To")
