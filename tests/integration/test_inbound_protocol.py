"""Inbound SMTP protocol and storage details against peers we did not write (swaks, smtplib,
openssl s_client, raw sockets): schema order, size_bytes, pipelining, limits, STARTTLS state,
plaintext injection, TLS garbage, slot isolation, ownership, ingest parity."""

import email.message
import hashlib
import os
import pwd
import re
import smtplib
import socket
import subprocess
import time

import pytest

from daemon_fixture import DOMAIN, as_user, stored_files
from inbound_helpers import (OWNERS, RECEIVED_AT, Smtp, check_store, expected_order, frontmatter,
                             new_files, only_new, running_daemon)

ALICE, BOB = f"alice@{DOMAIN}", f"bob@{DOMAIN}"

# One message with every optional header the schema knows; no trailing CRLF (swaks adds it).
HEADERS = (b"From: Sender Name <s@example.org>\r\nTo: alice@it.test\r\n"
           b"Cc: c1@example.org, C Two <c2@example.org>\r\nReply-To: r@example.org\r\n"
           b"Subject: Exact size\r\nDate: Tue, 03 Mar 2026 10:00:00 +0100\r\n"
           b"Message-ID: <size-%d@example.org>\r\nIn-Reply-To: <parent@example.org>\r\n"
           b"References: <root@example.org> <parent@example.org>\r\n"
           b"List-Id: <list.example.org>\r\nAuto-Submitted: auto-replied\r\n")


@pytest.fixture(scope="module")
def daemon(aimx):
    with running_daemon(aimx) as d:
        yield d
        check_store(d.data)


@pytest.mark.parametrize("tls", [False, True])
def test_swaks_schema_order_and_exact_size(daemon, tls, tmp_path):
    data = HEADERS % int(tls) + b"\r\n.leading dot\r\nline two"
    (tmp_path / "msg.eml").write_bytes(data)
    before = stored_files(daemon.inbox("alice"))
    argv = ["swaks", "--server", f"127.0.0.1:{daemon.port}", "--from", "s@example.org", "--to", ALICE,
            "--data", str(tmp_path / "msg.eml"), "--hide-all"]
    if tls:
        argv += ["--tls", "--tls-verify", "--tls-ca-path", daemon.cert]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    path = only_new(daemon.inbox("alice"), before)
    fm, keys, body = frontmatter(path)
    assert keys == expected_order(keys)
    assert {"cc", "reply_to", "received_from_ip", "in_reply_to", "references", "list_id",
            "auto_submitted"} <= set(keys)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d-\d{6}-exact-size(-\d+)?", fm["id"])
    assert path == os.path.join(daemon.inbox("alice"), fm["id"] + ".md")
    assert fm["size_bytes"] == len(data) + 2  # swaks ends the last line with CRLF, then sends "."
    assert fm["message_id"] == f"size-{int(tls)}@example.org"
    assert fm["from"] == "Sender Name <s@example.org>" and fm["to"] == ALICE
    assert fm["cc"] == "c1@example.org, C Two <c2@example.org>" and fm["reply_to"] == "r@example.org"
    assert fm["date"] == "2026-03-03T10:00:00+01:00"
    assert RECEIVED_AT.fullmatch(fm["received_at"]) and fm["received_from_ip"] == "127.0.0.1"
    assert fm["in_reply_to"] == "parent@example.org"
    assert fm["references"] == "root@example.org parent@example.org"  # DECISIONS 4: the whole chain
    assert fm["list_id"] == "<list.example.org>" and fm["auto_submitted"] == "auto-replied"
    # DECISIONS 5: the thread root is the first References id
    assert fm["thread_id"] == hashlib.sha256(b"root@example.org").hexdigest()[:16]
    assert [fm[k] for k in ("dkim", "spf", "dmarc", "trusted")] == ["none"] * 4
    assert fm["mailbox"] == "alice" and fm["read"] is False
    assert body.replace("\r\n", "\n") == ".leading dot\nline two\n"


def test_pipelined_transactions_and_dot_unstuffing(daemon):
    before = stored_files(daemon.inbox("alice"))
    message = (b"Subject: pipelined %d\r\n\r\n.a line that started with a dot\r\n"
               b"..two dots\r\n.\tdot tab\r\nlast\r\n")
    stuffed = b"\r\n".join(b"." + ln if ln.startswith(b".") else ln for ln in message.split(b"\r\n"))
    c = Smtp(daemon.port)
    # Two whole transactions in one write: RFC 2920 lets a client send DATA at the end of a group.
    c.send(b"EHLO client.example.org\r\n" + b"".join(
        b"MAIL FROM:<a@example.org>\r\nRCPT TO:<%s>\r\nDATA\r\n" % ALICE.encode() + stuffed % k + b".\r\n"
        for k in (1, 2)) + b"QUIT\r\n")
    codes = []
    while True:
        r = c.reply()
        if not r:
            break
        codes.append(int(r[:3]))
    c.close()
    assert codes == [250] + [250, 250, 354, 250] * 2 + [221], codes
    new = new_files(daemon.inbox("alice"), before)
    assert len(new) == 2
    for path in new:
        fm, _, body = frontmatter(path)
        k = int(fm["subject"].rsplit(" ", 1)[1])
        assert fm["size_bytes"] == len(message % k)
        assert body == ".a line that started with a dot\r\n..two dots\r\n.\tdot tab\r\nlast\r\n"


def test_each_recipient_routed_to_its_owner(daemon):
    """DECISIONS 1: routing by the configured address, local part case-insensitive, else catchall;
    one copy per mailbox per transaction, however many RCPTs route to it."""
    before = {m: stored_files(daemon.inbox(m)) for m in OWNERS}
    msg = email.message.EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", ALICE, "Three mailboxes"
    msg.set_content("to everyone")
    rcpts = [ALICE, "BOB@IT.TEST", f"nobody@{DOMAIN}", f"alice@{DOMAIN.upper()}", f"other@{DOMAIN}"]
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        assert s.send_message(msg, to_addrs=rcpts) == {}
    for mailbox, rcpt in (("alice", ALICE), ("bob", "BOB@IT.TEST"), ("catchall", f"nobody@{DOMAIN}")):
        path = only_new(daemon.inbox(mailbox), before[mailbox])
        fm, _, body = frontmatter(path)
        assert (fm["mailbox"], fm["delivered_to"], fm["to"]) == (mailbox, rcpt, ALICE)
        assert body.strip() == "to everyone"
        assert os.stat(path).st_uid == pwd.getpwnam(OWNERS[mailbox]).pw_uid
    check_store(daemon.data)


def test_owner_can_read_its_mail_and_no_one_else_can(daemon):
    """The point of the product: the agent, running as the mailbox owner, can cat its mail."""
    before = stored_files(daemon.inbox("alice"))
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.sendmail("a@example.org", [ALICE], b"Subject: readable\r\n\r\nfor alice only\r\n")
    path = only_new(daemon.inbox("alice"), before)
    r = subprocess.run(as_user("aimxit-alice", ["cat", path]), capture_output=True, text=True)
    assert r.returncode == 0 and "for alice only" in r.stdout, (
        r.stderr, {p: oct(os.stat(p).st_mode) for p in (daemon.data, os.path.dirname(daemon.inbox("alice")))})
    r = subprocess.run(as_user("aimxit-alice", ["ls", daemon.inbox("alice")]), capture_output=True, text=True)
    assert r.returncode == 0 and os.path.basename(path) in r.stdout, r.stderr
    r = subprocess.run(as_user("aimxit-bob", ["cat", path]), capture_output=True, text=True)
    assert r.returncode != 0 and "for alice only" not in r.stdout


def test_attachments_bundle_owned_and_named(daemon):
    before = stored_files(daemon.inbox("bob"))
    msg = email.message.EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", BOB, "Two reports"
    msg["Message-ID"] = "<bundle-1@example.org>"
    msg.set_content("Reports attached.")
    one, two = os.urandom(3000), b"second,report\r\n" * 100
    msg.add_attachment(one, maintype="application", subtype="pdf", filename="report.pdf")
    msg.add_attachment(two, maintype="application", subtype="pdf", filename="report.pdf")
    msg.add_attachment(b"\x89PNG fake", maintype="image", subtype="png", filename=".hidden.png")
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.starttls(context=daemon.tls_context())
        s.send_message(msg)
    path = only_new(daemon.inbox("bob"), before)
    bundle = os.path.dirname(path)
    fm, keys, body = frontmatter(path)
    assert keys == expected_order(keys)
    assert bundle == os.path.join(daemon.inbox("bob"), fm["id"]) and path == os.path.join(bundle, fm["id"] + ".md")
    assert fm["attachments"] == [
        {"filename": "report.pdf", "content_type": "application/pdf", "size": len(one), "path": "report.pdf"},
        {"filename": "report-1.pdf", "content_type": "application/pdf", "size": len(two), "path": "report-1.pdf"},
        {"filename": "hidden.png", "content_type": "image/png", "size": 9, "path": "hidden.png"},
    ]
    for att, data in zip(fm["attachments"], (one, two, b"\x89PNG fake")):
        with open(os.path.join(bundle, att["path"]), "rb") as f:
            assert f.read() == data
    assert sorted(os.listdir(bundle)) == sorted([fm["id"] + ".md", "report.pdf", "report-1.pdf", "hidden.png"])
    assert body.strip() == "Reports attached."
    check_store(daemon.data)


def test_smtputf8_and_8bitmime_from_smtplib(daemon):
    before = stored_files(daemon.inbox("alice"))
    msg = email.message.EmailMessage()
    msg["From"] = "J\u00f6rg <j\u00f6rg@b\u00fccher.example>"
    msg["To"], msg["Subject"] = ALICE, "Gr\u00fc\u00dfe \u65e5\u672c"
    msg.set_content("K\u00e4se und \u00d6l\n", cte="8bit")
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.ehlo("client.example.org")
        s.send_message(msg)  # SMTPUTF8 and BODY=8BITMIME: the sender is not ASCII
    fm, _, body = frontmatter(only_new(daemon.inbox("alice"), before))
    assert fm["from"] == "J\u00f6rg <j\u00f6rg@b\u00fccher.example>"
    assert fm["subject"] == "Gr\u00fc\u00dfe \u65e5\u672c"
    assert fm["id"].endswith("-gr\u00fc\u00dfe-\u65e5\u672c")
    assert "K\u00e4se und \u00d6l" in body


def test_size_parameter_checked_at_mail(daemon):
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.ehlo("c")
        code, text = s.docmd("MAIL", "FROM:<a@example.org> SIZE=26214401")
        assert (code, text[:5]) == (552, b"5.3.4")
        code, _ = s.docmd("MAIL", "FROM:<a@example.org> SIZE=26214400")
        assert code == 250


def test_size_limit_is_exact_after_unstuffing(daemon):
    """26214400 bytes (after dot-unstuffing) are accepted and stored; one more is 552 after DATA."""
    before = stored_files(daemon.inbox("alice"))
    head = b"Subject: at the limit\r\n\r\n"
    line = b"." * 998 + b"\r\n"  # every line is dot-stuffed on the wire: 26 MiB + 26k bytes sent
    fill = 26214400 - len(head)
    body = line * (fill // len(line)) + b"z" * (fill % len(line) - 2) + b"\r\n"
    message = head + body
    assert len(message) == 26214400
    wire = message.replace(b"\r\n.", b"\r\n..")
    for extra, want in ((b"", b"250 "), (b"!", b"552 5.3.4")):
        c = Smtp(daemon.port, timeout=120)
        c.envelope([ALICE])
        c.send(wire[:-2] + extra + b"\r\n.\r\n")
        assert c.reply().startswith(want), want
        assert c.cmd("NOOP").startswith(b"250")
        c.close()
    path = only_new(daemon.inbox("alice"), before)
    fm, _, stored = frontmatter(path)
    assert fm["subject"] == "at the limit" and fm["size_bytes"] == 26214400
    assert stored.encode() == body


def test_recipient_cap_452_on_the_101st(daemon):
    """RFC 5321 4.5.3.1.8: a server must accept at least 100 recipients; the 101st gets 452,
    and the message still goes to the 100 it accepted (here all routed to the catchall: one copy)."""
    before = stored_files(daemon.inbox("catchall"))
    c = Smtp(daemon.port)
    assert c.cmd("EHLO c").startswith(b"250")
    assert c.cmd("MAIL FROM:<a@example.org>").startswith(b"250")
    for k in range(100):
        r = c.cmd(f"RCPT TO:<user{k}@{DOMAIN}>")
        assert r.startswith(b"250 "), (k, r)
    assert c.cmd(f"RCPT TO:<user100@{DOMAIN}>").startswith(b"452 4.5.3")
    assert c.cmd("DATA").startswith(b"354")
    assert c.cmd(b"Subject: hundred\r\nMessage-ID: <hundred@example.org>\r\n\r\nx\r\n.").startswith(b"250")
    c.close()
    fm, _, _ = frontmatter(only_new(daemon.inbox("catchall"), before))
    assert fm["subject"] == "hundred" and fm["delivered_to"] == f"user0@{DOMAIN}"


def test_many_messages_on_one_connection(daemon):
    """A client delivering a batch over one connection is not cut off by the command cap."""
    before = stored_files(daemon.inbox("bob"))
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        for k in range(30):
            s.sendmail("a@example.org", [BOB], b"Subject: batch %d\r\n\r\nx\r\n" % k)
    assert len(new_files(daemon.inbox("bob"), before)) == 30


@pytest.mark.parametrize("smuggle", [b"line\r.\r", b"line\n.\r\n", b"line\r\n.\n", b"bare\rCR\r\n"])
def test_bare_cr_or_lf_rejected_after_the_real_end(daemon, smuggle):
    """DECISIONS 3: only CRLF.CRLF ends DATA; a message with a bare CR or LF is read to that end
    and refused 554 5.6.0; nothing is stored and the next command is read as a command."""
    before = stored_files(daemon.inbox("alice"))
    c = Smtp(daemon.port)
    c.envelope([ALICE])
    c.send(b"Subject: smuggle\r\n\r\n" + smuggle + b"MAIL FROM:<evil@example.org>\r\nRCPT TO:<bob@it.test>\r\n"
           b"DATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n")
    assert c.reply().startswith(b"554 5.6.0"), c.buf
    assert c.cmd("MAIL FROM:<a@example.org>").startswith(b"250")
    assert c.cmd("QUIT").startswith(b"221") and c.rest() == b""
    c.close()
    assert stored_files(daemon.inbox("alice")) == before
    assert not any(frontmatter(p)[0]["subject"] == "smuggled" for p in new_files(daemon.inbox("bob"), []))


def test_overlong_command_line_is_refused_and_session_continues(daemon):
    c = Smtp(daemon.port)
    assert c.cmd("NOOP " + "x" * 1100).startswith(b"500")
    assert c.cmd("HELO c").startswith(b"250")
    assert c.cmd("MAIL FROM:<" + "a" * 2000 + "@example.org>").startswith(b"500")
    assert c.cmd("MAIL FROM:<a@example.org>").startswith(b"250")
    c.close()


def test_command_flood_is_cut_off(daemon):
    """A client that only talks (no message delivered) is cut at the command cap with a 421."""
    c = Smtp(daemon.port)
    c.send(b"NOOP\r\n" * 1000)
    replies = c.rest().split(b"\r\n")
    c.close()
    assert replies[-1] == b"" and replies[-2].startswith(b"421 4.7.0"), replies[-3:]
    assert all(r.startswith(b"250 ") for r in replies[:-2]) and len(replies) < 1000


@pytest.mark.parametrize("verb", ["VRFY bob", "EXPN staff", "AUTH PLAIN AGJvYgBzZWNyZXQ=", "BDAT 10 LAST",
                                  "TURN", "ETRN it.test"])
def test_unoffered_commands_are_refused(daemon, verb):
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.ehlo("c")
        code, _ = s.docmd(*verb.split(" ", 1))
        assert code == 500
        assert s.noop()[0] == 250


def test_starttls_state_reset_and_second_starttls_refused(daemon):
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.ehlo("c")
        assert s.docmd("MAIL", "FROM:<a@example.org>")[0] == 250
        s.starttls(context=daemon.tls_context())
        assert s.sock.version() == "TLSv1.2" and "ECDHE" in s.sock.cipher()[0]
        # RFC 3207 4.2: everything from before the handshake is forgotten, greeting included.
        assert s.docmd("MAIL", "FROM:<a@example.org>")[0] == 503
        s.ehlo("c")
        assert not s.has_extn("starttls") and s.has_extn("size")
        code, text = s.docmd("STARTTLS")
        assert (code, text) == (503, b"5.5.1 TLS already active")
        assert s.docmd("MAIL", "FROM:<a@example.org>")[0] == 250  # the session goes on


def test_plaintext_injected_with_starttls_is_discarded(daemon):
    """CVE-2011-0411 class: bytes sent after STARTTLS in the same packet are neither answered in
    plaintext nor executed inside TLS; the handshake itself still succeeds."""
    c = Smtp(daemon.port)
    assert c.cmd("EHLO c").startswith(b"250")
    c.send(b"STARTTLS\r\nRSET\r\nMAIL FROM:<evil@example.org>\r\n")
    while b"\r\n" not in c.buf:
        c.buf += c.sock.recv(4096)
    assert c.buf.startswith(b"220 ") and c.buf.endswith(b"\r\n") and c.buf.count(b"\r\n") == 1, c.buf
    c.buf = b""
    c.sock = daemon.tls_context().wrap_socket(c.sock, server_hostname=DOMAIN)
    reply = c.cmd("EHLO c")
    assert reply.startswith(f"250-{DOMAIN} Hello c\r\n".encode()), reply
    assert c.cmd("RCPT TO:<alice@it.test>").startswith(b"503")  # the injected MAIL never ran
    assert c.cmd("NOOP").startswith(b"250 ") and c.buf == b""
    c.close()


@pytest.mark.parametrize("garbage", [
    b"EHLO in plaintext after STARTTLS\r\n",
    bytes(range(256)) * 8,
    b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\xff",  # a ClientHello whose body is nonsense
    b"\x16\x03\x01\x40\x00" + b"\x01" * 100,       # a record header promising more than is sent
])
def test_tls_garbage_after_starttls_closes_only_that_session(daemon, garbage):
    c = Smtp(daemon.port)
    assert c.cmd("EHLO c").startswith(b"250")
    assert c.cmd("STARTTLS").startswith(b"220")
    try:
        c.send(garbage)
        c.sock.shutdown(socket.SHUT_WR)
        leftover = c.rest()
    except OSError:  # the server already dropped the connection (reset): also a clean refusal
        leftover = c.buf
    assert not re.search(rb"(^|\n)[2-5]\d\d[ -]", leftover), leftover  # no SMTP reply in plaintext
    c.close()
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        assert s.noop()[0] == 250


def test_slow_clients_do_not_block_others(daemon):
    """A client trickling one byte at a time (in a command and in DATA) holds only its own slot."""
    before = stored_files(daemon.inbox("alice"))
    cmd_slow = Smtp(daemon.port)
    data_slow = Smtp(daemon.port)
    data_slow.envelope([ALICE])
    tail = b"Subject: trickled\r\n\r\nslowly\r\n.\r\n"
    line = b"EHLO slow.example.org\r\n"
    for k in range(10):
        cmd_slow.send(line[k:k + 1])
        data_slow.send(tail[k:k + 1])
        with smtplib.SMTP("127.0.0.1", daemon.port, timeout=10) as s:
            s.sendmail("a@example.org", [ALICE], b"Subject: meanwhile %d\r\n\r\nx\r\n" % k)
        time.sleep(0.1)
    cmd_slow.send(line[10:])
    assert cmd_slow.reply().startswith(b"250-")
    data_slow.send(tail[10:])
    assert data_slow.reply().startswith(b"250 ")
    cmd_slow.close()
    data_slow.close()
    subjects = sorted(frontmatter(p)[0]["subject"] for p in new_files(daemon.inbox("alice"), before))
    assert subjects == sorted([f"meanwhile {k}" for k in range(10)] + ["trickled"])


def test_mailbox_dir_drift_is_healed(daemon):
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.sendmail("a@example.org", [ALICE], b"Subject: first\r\n\r\nx\r\n")
    os.chown(daemon.inbox("alice"), 0, 0)
    os.chmod(daemon.inbox("alice"), 0o755)
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.sendmail("a@example.org", [ALICE], b"Subject: second\r\n\r\nx\r\n")
    st = os.stat(daemon.inbox("alice"))
    assert (st.st_uid, st.st_mode & 0o7777) == (pwd.getpwnam("aimxit-alice").pw_uid, 0o700)


def test_ingest_stores_like_smtp(aimx, daemon):
    """The same bytes through SMTP (to alice) and `aimx ingest` (to bob) give the same file,
    except the envelope and arrival fields."""
    msg = email.message.EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Zed <z@example.org>", ALICE, "Parity check"
    msg["Date"] = "Wed, 04 Mar 2026 08:09:10 -0500"
    msg.set_content("same bytes, two doors\n")
    msg.add_attachment(b"attached", maintype="text", subtype="csv", filename="data.csv")
    raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    before = {m: stored_files(daemon.inbox(m)) for m in ("alice", "bob")}
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.sendmail("z@example.org", [ALICE], raw)
    r = subprocess.run([aimx, "ingest", BOB], input=raw, env=daemon.env, capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    via_ingest = only_new(daemon.inbox("bob"), before["bob"])
    assert r.stdout.decode() == via_ingest + "\n"
    via_smtp = only_new(daemon.inbox("alice"), before["alice"])
    (fa, ka, ba), (fb, kb, bb) = frontmatter(via_smtp), frontmatter(via_ingest)
    assert [k for k in ka if k != "received_from_ip"] == kb and "received_from_ip" not in kb
    differ = {"id", "received_at", "received_from_ip", "delivered_to", "mailbox"}
    assert {k: v for k, v in fa.items() if k not in differ} == {k: v for k, v in fb.items() if k not in differ}
    assert (fb["delivered_to"], fb["mailbox"]) == (BOB, "bob") and fb["size_bytes"] == len(raw)
    assert ba == bb
    assert fa["id"].split("-", 4)[4] == fb["id"].split("-", 4)[4] == "parity-check"
    with open(os.path.join(os.path.dirname(via_ingest), "data.csv"), "rb") as f:
        assert f.read() == b"attached"
    check_store(daemon.data)
