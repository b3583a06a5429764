"""Inbound SMTP against peers we did not write: swaks, smtplib, openssl s_client; stored Markdown checked."""

import email.message
import os
import pwd
import re
import smtplib
import socket
import ssl
import subprocess

import pytest

from daemon_fixture import DOMAIN, daemon_under_tmp, stored_files
from inbound_helpers import frontmatter, read_reply

ORDER = ["id", "message_id", "thread_id", "from", "to", "delivered_to", "subject", "date",
         "received_at", "received_from_ip", "size_bytes", "dkim", "spf", "dmarc", "trusted",
         "mailbox", "read"]


@pytest.fixture(scope="module")
def daemon(aimx):
    with daemon_under_tmp(aimx, "aimx-it-inbound-") as d:
        yield d


def newest(directory, before):
    after = [p for p in stored_files(directory) if p.endswith(".md")]
    new = sorted(set(after) - set(before))
    assert len(new) == 1, (before, after)
    return new[0]


def check_owned(path, user, mode):
    st = os.stat(path)
    assert st.st_uid == pwd.getpwnam(user).pw_uid, path
    assert st.st_mode & 0o777 == mode, (path, oct(st.st_mode))


@pytest.mark.parametrize("tls", [False, True])
def test_swaks_delivers_markdown(daemon, tls):
    before = stored_files(daemon.inbox("alice"))
    argv = ["swaks", "--server", f"127.0.0.1:{daemon.port}", "--to", f"Alice@{DOMAIN}",
            "--from", "sender@example.org", "--header", "Subject: Hello World",
            "--body", "first line\nsecond line", "--hide-all"]
    if tls:
        argv += ["--tls", "--tls-verify", "--tls-ca-path", daemon.cert]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr + daemon.logs()
    path = newest(daemon.inbox("alice"), before)
    fm, keys, body = frontmatter(path)
    assert keys == ORDER
    assert re.fullmatch(r"\d{4}-\d\d-\d\d-\d{6}-hello-world(-\d+)?", fm["id"])
    assert os.path.basename(path) == fm["id"] + ".md"
    assert fm["subject"] == "Hello World" and fm["from"] == "sender@example.org"
    assert fm["delivered_to"] == f"Alice@{DOMAIN}" and fm["mailbox"] == "alice"
    assert fm["received_from_ip"] == "127.0.0.1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fm["received_at"])
    assert (fm["dkim"], fm["spf"], fm["dmarc"], fm["trusted"], fm["read"]) == ("none",) * 4 + (False,)
    assert "first line" in body and "second line" in body
    check_owned(path, "aimxit-alice", 0o600)
    check_owned(daemon.inbox("alice"), "aimxit-alice", 0o700)


def test_smtplib_starttls_attachment_and_routing(daemon):
    msg = email.message.EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", f"bob@{DOMAIN}", "With Attachment"
    msg["Message-ID"] = "<att-1@example.org>"
    msg.set_content("See attached.")
    payload = bytes(range(256)) * 40
    msg.add_attachment(payload, maintype="application", subtype="octet-stream", filename="../../etc/passwd")
    before = {m: stored_files(daemon.inbox(m)) for m in ("bob", "catchall")}
    ctx = ssl.create_default_context(cafile=daemon.cert)
    ctx.check_hostname = False  # we connect by IP; the chain is still verified against the cert
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.ehlo("client.example.org")
        for cap in ("size", "8bitmime", "pipelining", "starttls", "smtputf8"):
            assert s.has_extn(cap), cap
        assert s.esmtp_features["size"] == "26214400"
        s.starttls(context=ctx)
        s.ehlo("client.example.org")
        assert not s.has_extn("starttls")
        refused = s.send_message(msg, to_addrs=[f"bob@{DOMAIN}", f"nobody@{DOMAIN}"])
        assert refused == {}
        code, _ = s.docmd("RCPT", "TO:<x@elsewhere.org>")
        assert code == 503  # no MAIL yet in this transaction
        s.docmd("MAIL", "FROM:<a@example.org>")
        code, text = s.docmd("RCPT", "TO:<x@elsewhere.org>")
        assert (code, text[:5]) == (550, b"5.7.1")
        code, _ = s.docmd("VRFY", "bob")
        assert code == 500
    path = newest(daemon.inbox("bob"), before["bob"])
    assert path.endswith("/" + os.path.basename(os.path.dirname(path)) + ".md")  # bundle layout
    fm, _, body = frontmatter(path)
    att = fm["attachments"][0]
    assert att == {"filename": "passwd", "content_type": "application/octet-stream",
                   "size": len(payload), "path": "passwd"}
    with open(os.path.join(os.path.dirname(path), "passwd"), "rb") as f:
        assert f.read() == payload
    assert "See attached." in body
    newest(daemon.inbox("catchall"), before["catchall"])
    assert not os.path.exists(os.path.join(daemon.data, "etc"))


def test_openssl_s_client_starttls(daemon):
    before = stored_files(daemon.inbox("alice"))
    script = (f"EHLO c\nMAIL FROM:<s@example.org>\nRCPT TO:<alice@{DOMAIN}>\nDATA\n"
              "Subject: via openssl\n\nhello over TLS\n.\nQUIT\n")
    r = subprocess.run(["openssl", "s_client", "-quiet", "-starttls", "smtp", "-crlf",
                        "-connect", f"127.0.0.1:{daemon.port}", "-CAfile", daemon.cert,
                        "-verify_return_error", "-servername", DOMAIN],
                       input=script, capture_output=True, text=True, timeout=60)
    assert "250 2.0.0 OK message accepted" in r.stdout, r.stdout + r.stderr
    fm, _, body = frontmatter(newest(daemon.inbox("alice"), before))
    assert fm["subject"] == "via openssl" and "hello over TLS" in body


def test_bare_lf_rejected_and_session_stays_in_sync(daemon):
    before = stored_files(daemon.inbox("alice"))
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=30) as s:
        read_reply(s)
        for cmd in (b"HELO c\r\n", b"MAIL FROM:<a@example.org>\r\n", f"RCPT TO:<alice@{DOMAIN}>\r\n".encode()):
            s.sendall(cmd)
            assert read_reply(s)[:1] == b"2"
        s.sendall(b"DATA\r\n")
        assert read_reply(s).startswith(b"354")
        s.sendall(b"Subject: smuggle\r\n\r\nline\n.\nMAIL FROM:<evil@x>\r\n.\r\n")
        assert read_reply(s).startswith(b"554 5.6.0")
        s.sendall(b"MAIL FROM:<a@example.org>\r\n")
        assert read_reply(s).startswith(b"250")
    assert stored_files(daemon.inbox("alice")) == before


def test_oversized_message_refused_nothing_stored(daemon):
    before = stored_files(daemon.inbox("alice"))
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=120) as s:
        s.ehlo("c")
        with pytest.raises(smtplib.SMTPSenderRefused) as e:
            s.sendmail("a@example.org", [f"alice@{DOMAIN}"], b"Subject: big\r\n\r\n" + b"x" * (27 * 1024 * 1024))
        assert e.value.smtp_code == 552
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=120) as s:
        read_reply(s)
        for cmd in (b"HELO c\r\n", b"MAIL FROM:<a@example.org>\r\n", f"RCPT TO:<alice@{DOMAIN}>\r\n".encode(), b"DATA\r\n"):
            s.sendall(cmd)
            read_reply(s)
        s.sendall(b"Subject: big\r\n\r\n" + (b"y" * 1000 + b"\r\n") * 27000 + b".\r\n")
        assert read_reply(s).startswith(b"552")
    assert stored_files(daemon.inbox("alice")) == before


def test_ingest_matches_smtp_path(aimx, daemon):
    msg = b"From: Z <z@example.org>\r\nTo: alice@it.test\r\nSubject: Via ingest\r\nMessage-ID: <ing-1@x>\r\n\r\nbody\r\n"
    r = subprocess.run([aimx, "ingest", f"alice@{DOMAIN}"], input=msg, env=daemon.env, capture_output=True)
    assert r.returncode == 0, r.stderr
    path = r.stdout.decode().strip()
    fm, keys, _ = frontmatter(path)
    assert "received_from_ip" not in keys and fm["from"] == "Z <z@example.org>"
    check_owned(path, "aimxit-alice", 0o600)
    again = subprocess.run([aimx, "ingest", f"alice@{DOMAIN}"], input=msg, env=daemon.env, capture_output=True)
    assert again.returncode == 0 and again.stdout == b"" and b"duplicate" in again.stderr
