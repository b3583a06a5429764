"""`aimx send` as a real non-root owner through a root daemon: Markdown rendered, DKIM-signed
(dkimpy verifies with the dkim-keygen key), delivered over verified STARTTLS to an aiosmtpd MX
found through dnsmasq, a sent copy filed, after_send hooks after the reply; refusals."""

import email
import email.policy
import os
import pathlib
import re
import ssl
import subprocess
import tempfile
import time

import dkim
import pytest
from aiosmtpd.controller import Controller

import daemon_fixture
from daemon_fixture import DOMAIN, Daemon, as_user, cleanup, free_port, stored_files, uds_call
from dns_fixture import DnsServer
from mx_fixture import Recorder, TLSController, make_ca

PORT = free_port()
ALICE = "aimxit-alice"


@pytest.fixture(scope="module")
def world(aimx):
    tmp = tempfile.mkdtemp(prefix="aimx-send-", dir="/tmp")
    os.chmod(tmp, 0o755)
    ca, cert, key = make_ca(tmp)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    mx = {"tls": Recorder(), "perm": Recorder(data_reply="550 5.7.1 no thanks"),
          "temp": Recorder(data_reply="421 4.3.2 busy")}
    controllers = [TLSController(mx["tls"], "127.0.0.11", PORT, ctx),
                   Controller(mx["perm"], hostname="127.0.0.12", port=PORT),
                   Controller(mx["temp"], hostname="127.0.0.13", port=PORT)]
    for c in controllers:
        c.start()
    dns = DnsServer()
    dns.a("mx.tls.test", "127.0.0.11")
    dns.a("mx.perm.test", "127.0.0.12")
    dns.a("mx.temp.test", "127.0.0.13")
    dns.mx("example.test", "mx.tls.test", 10)
    dns.mx("other.test", "mx.tls.test", 10)
    dns.mx("refuses.test", "mx.perm.test", 10)
    dns.mx("busy.test", "mx.temp.test", 10)
    dns.start()
    root = tempfile.mkdtemp(prefix="aimx-send-d-", dir="/tmp")
    d = Daemon(aimx, root, {"AIMX_RESOLV_CONF": dns.resolv_conf, "AIMX_SMTP_PORT": str(PORT),
                            "AIMX_TLS_CA_FILE": ca})
    r = subprocess.run([aimx, "dkim-keygen"], env=d.env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    record = re.search(r"v=DKIM1; k=rsa; p=\S+", r.stdout).group(0).encode()
    hook_out = os.path.join(tmp, "after_send")
    os.mkdir(hook_out)
    os.chmod(hook_out, 0o1777)
    daemon_fixture.write_config(d.cfg_dir, d.data, f'''
[[mailboxes.alice.hooks]]
name = "sent_log"
event = "after_send"
cmd = ["/bin/sh", "-c", "env | grep ^AIMX_ | sort > {hook_out}/$AIMX_SEND_STATUS.$$"]
'''.replace("[[mailboxes.alice.hooks]]", "[[mailboxes.alice.hooks]]"))
    yield {"daemon": d, "mx": mx, "record": record, "hook_out": hook_out, "aimx": aimx}
    d.stop()
    for c in controllers:
        c.stop()
    dns.close()
    cleanup(root)
    cleanup(tmp)


def send(world, *args, user=ALICE):
    argv = [world["aimx"], "send", *args]
    if user:
        argv = as_user(user, argv)
    return subprocess.run(argv, env=world["daemon"].env, capture_output=True, text=True,
                          timeout=120)


def verify(world, raw):
    return dkim.verify(raw, dnsfunc=lambda name, timeout=5: world["record"])


def sent_copies(world):
    return stored_files(os.path.join(world["daemon"].data, "sent", "alice"))


def test_markdown_mail_is_signed_delivered_and_filed(world):
    before = len(world["mx"]["tls"].messages)
    r = send(world, "--from", "alice@" + DOMAIN, "--to", "bob@example.test", "--subject",
             "Hi there", "--body", "# Hello\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert r.returncode == 0, (r.stderr, world["daemon"].logs())
    mid = r.stdout.strip()
    assert re.fullmatch(r"<[0-9a-f-]{36}@it\.test>", mid) and "Email sent." in r.stderr
    mail_from, rcpts, raw, tls = world["mx"]["tls"].messages[before]
    assert mail_from == "alice@" + DOMAIN and rcpts == ["bob@example.test"] and tls
    assert verify(world, raw)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative" and msg["Message-ID"] == mid
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "# Hello" in plain and "Sent from AIMX" not in plain  # DECISIONS 30
    assert re.search(r'<h1 style="[^"]+">Hello</h1>', html)
    assert "<table" in html and "<li" in html
    copies = sent_copies(world)
    text = open(copies[-1]).read()
    assert 'delivery_status = "delivered"' in text and 'tls = "verified"' in text
    assert 'outbound = true' in text and 'outbound_format = "markdown"' in text
    assert 'message_id = "%s"' % mid.strip("<>") in text
    assert text.rstrip().endswith("| 1 | 2 |")  # the Markdown source, not the wire message
    st = os.stat(copies[-1])
    assert st.st_uid == int(subprocess.check_output(["id", "-u", ALICE])) and st.st_mode & 0o777 == 0o600


def test_after_send_hook_runs_after_the_reply(world):
    out = world["hook_out"]
    deadline = time.monotonic() + 10
    files = []
    while time.monotonic() < deadline and not files:
        files = [f for f in os.listdir(out) if f.startswith("delivered.")]
        time.sleep(0.1)
    assert files, world["daemon"].logs()
    env = open(os.path.join(out, files[0])).read()
    assert "AIMX_EVENT=after_send" in env and "AIMX_SEND_STATUS=delivered" in env
    assert re.search(r"^AIMX_MESSAGE_ID=[0-9a-f-]{36}@it\.test$", env, re.M)  # no <>


def test_text_only_and_attachment(world):
    tmp_path = pathlib.Path(tempfile.mkdtemp(prefix="aimx-att-", dir="/tmp"))  # alice reads it
    os.chmod(tmp_path, 0o755)
    att = tmp_path / "report.pdf"
    att.write_bytes(b"%PDF-1.4 " + os.urandom(5000))
    os.chmod(att, 0o644)
    before = len(world["mx"]["tls"].messages)
    r = send(world, "--from", "alice@" + DOMAIN, "--to", "bob@example.test", "--subject",
             "Grüße – report", "--body", "plain *text*", "--text-only", "--attachment", str(att))
    assert r.returncode == 0, r.stderr
    raw = world["mx"]["tls"].messages[before][2]
    assert verify(world, raw)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/mixed"
    parts = list(msg.iter_attachments())
    assert len(parts) == 1 and parts[0].get_filename() == "report.pdf"
    assert parts[0].get_content() == att.read_bytes()
    assert msg.get_body(("plain",)).get_content().strip() == "plain *text*"
    assert msg.get_body(("html",)) is None
    pdfs = [p for p in sent_copies(world) if p.endswith("/report.pdf")]
    assert len(pdfs) == 1 and open(pdfs[0], "rb").read() == att.read_bytes()
    md = [p for p in sent_copies(world) if os.path.dirname(p) == os.path.dirname(pdfs[0])
          and p.endswith(".md")]
    assert len(md) == 1 and 'outbound_format = "text"' in open(md[0]).read()
    cleanup(str(tmp_path))


def test_cc_and_bcc_each_receive_and_bcc_is_hidden(world):
    frame_msg = ("From: alice@it.test\r\nTo: bob@example.test\r\nCc: carol@other.test\r\n"
                 "Bcc: dave@other.test\r\nSubject: copies\r\n\r\nbody\r\n").encode()
    before = len(world["mx"]["tls"].messages)
    frame = b"AIMX/1 SEND\nContent-Length: %d\n\n" % len(frame_msg) + frame_msg
    reply = uds_call(world["daemon"], frame, user=ALICE)
    assert reply.startswith(b"AIMX/1 OK <"), reply
    got = world["mx"]["tls"].messages[before:]
    rcpts = sorted(r for m in got for r in m[1])
    assert rcpts == ["bob@example.test", "carol@other.test", "dave@other.test"]
    for m in got:
        assert b"dave@other.test" not in m[2].split(b"\r\n\r\n")[0]
        assert verify(world, m[2])


def test_permanent_failure_is_filed_and_temporary_is_not(world):
    n = len(sent_copies(world))
    r = send(world, "--from", "alice@" + DOMAIN, "--to", "x@refuses.test", "--subject", "no",
             "--body", "b")
    assert r.returncode == 1 and "Error [DELIVERY]:" in r.stderr and "550" in r.stderr
    assert len(sent_copies(world)) == n + 1
    assert 'delivery_status = "failed"' in open(sent_copies(world)[-1]).read()
    r = send(world, "--from", "alice@" + DOMAIN, "--to", "x@busy.test", "--subject", "later",
             "--body", "b")
    assert r.returncode == 1 and "Error [TEMP]:" in r.stderr
    assert len(sent_copies(world)) == n + 1


@pytest.mark.parametrize("args,user,code,text", [
    (["--from", "bob@it.test"], ALICE, 1, "Error: not authorized: bob@it.test"),
    (["--from", "anything@it.test"], ALICE, 1, "Error [MAILBOX]:"),
    (["--from", "alice@elsewhere.test"], ALICE, 1, "Error [DOMAIN]:"),
    (["--from", "alice@it.test"], None, 2, "Error: send is a per-user operation, run without sudo"),
])
def test_refusals(world, args, user, code, text):
    r = send(world, *args, "--to", "bob@example.test", "--subject", "s", "--body", "b",
             user=user)
    assert r.returncode == code and text in r.stderr, r.stderr


def test_usage_errors(world):
    r = send(world, "--from", "alice@it.test", "--to", "b@example.test", "--subject", "s",
             "--body", "b", "--text-only", "--html-body", "<p>x</p>")
    assert r.returncode == 2
    r = send(world, "--from", "alice@it.test", "--to", "b@example.test", "--subject", "a\nb",
             "--body", "b")
    assert r.returncode == 1 and "Header 'Subject' contains CRLF characters" in r.stderr
    r = send(world, "--from", "alice@it.test", "--to", "b@example.test", "--subject", "s",
             "--body", "b", "--attachment", "/nonexistent/file.pdf")
    assert r.returncode == 1 and "Attachment file not found: /nonexistent/file.pdf" in r.stderr
