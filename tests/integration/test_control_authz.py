"""AIMX/1 over the real socket, as real users against a root daemon: ownership by kernel-reported uid."""

import json
import os
import pwd
import smtplib
import stat
import subprocess


import pytest

from daemon_fixture import DOMAIN, daemon_under_tmp, free_port, snapshot, stored_files, uds_call

ALICE, BOB = "aimxit-alice", "aimxit-bob"


@pytest.fixture(scope="module")
def daemon(aimx):
    with daemon_under_tmp(aimx, "aimx-it-control-") as d:
        for mb in ("alice", "bob"):
            with smtplib.SMTP("127.0.0.1", d.port, timeout=30) as s:
                s.sendmail("x@example.org", [f"{mb}@{DOMAIN}"],
                           f"Subject: seed {mb}\r\nMessage-ID: <seed-{mb}@x>\r\n\r\nhi\r\n")
        yield d


def err(code, reason):
    return f"AIMX/1 ERR {code} {reason}\nCode: {code}\n\n".encode()


def json_reply(reply):
    head, body = reply.split(b"\n\n", 1)
    assert head.startswith(b"AIMX/1 OK\nContent-Length: "), reply
    assert int(head.split(b": ")[1]) == len(body)
    return json.loads(body)


def message_id_of(daemon, mailbox):
    files = [p for p in stored_files(daemon.inbox(mailbox)) if p.endswith(".md")]
    return os.path.basename(files[0])[:-3]


def bob_state(daemon):
    return snapshot([daemon.inbox("bob"), os.path.join(daemon.data, "sent", "bob")]), open(daemon.config, "rb").read()


@pytest.mark.parametrize("frame,reply", [
    (b"HELLO\n", err("MALFORMED", "malformed request: expected 'AIMX/1 <verb>', got \"HELLO\"")),
    (b"AIMX/1 PING\n\n", err("PROTOCOL", "unknown verb 'PING'")),
    (b"AIMX/1 HOOK-LIST\nOwner: alice\n\n",
     err("MALFORMED", "malformed request: HOOK-LIST takes no headers, got \"Owner: alice\"")),
    (b"AIMX/1 MAILBOX-CREATE\nContent-Length: 0\n\n", err("MALFORMED", "malformed request: missing required header: Name")),
    (b"AIMX/1 MARK-READ\nMailbox: a\nId: x\nContent-Length: 5\n\n",
     err("MALFORMED", "malformed request: MARK verb must have Content-Length: 0, got 5")),
    (b"AIMX/1 HOOK-CREATE\nMailbox: a\nEvent: on_receive\nContent-Length: 99999999\n\n",
     err("MALFORMED", "malformed request: Content-Length 99999999 exceeds cap 26214400")),
    (b"AIMX/1 MARK-READ\nMailbox: a\x00b\nId: x\nContent-Length: 0\n\n",
     err("MALFORMED", "malformed request: header line contains a NUL byte")),
    (b"AIMX/1 MARK-READ\nMailbox: caf\xe9\nId: x\nContent-Length: 0\n\n",
     err("MALFORMED", "malformed request: header line contains invalid UTF-8")),
    (b"AIMX/1 MAILBOX-LIST\n" + b"X" * 70000 + b"\n\n",
     err("MALFORMED", "malformed request: header line exceeds 8192 bytes")),
], ids=["not-aimx", "unknown-verb", "stray-header", "missing-header", "mark-with-body",
        "oversized-body", "nul", "invalid-utf8", "oversized-line"])
def test_malformed_frames_get_exact_errors(daemon, frame, reply):
    assert uds_call(daemon, frame, ALICE) == reply


def test_empty_connection_gets_no_reply(daemon):
    assert uds_call(daemon, b"", ALICE) == b""


def test_owner_creates_lists_and_receives_at_once(daemon):
    reply = uds_call(daemon, b"AIMX/1 MAILBOX-CREATE\nName: alice-bot\nOwner: aimxit-bob\nContent-Length: 0\n\n", ALICE)
    assert reply == b"AIMX/1 OK\n"
    inbox = daemon.inbox("alice-bot")
    st = os.stat(inbox)
    assert st.st_uid == pwd.getpwnam(ALICE).pw_uid and stat.S_IMODE(st.st_mode) == 0o700
    cst = os.stat(daemon.config)
    assert (cst.st_uid, cst.st_gid, stat.S_IMODE(cst.st_mode)) == (0, 0, 0o640)
    assert 'owner = "aimxit-alice"' in open(daemon.config).read().split("[mailboxes.alice-bot]")[1]
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.sendmail("x@example.org", [f"alice-bot@{DOMAIN}"], "Subject: hot\r\n\r\nreload\r\n")
    assert [p for p in stored_files(inbox) if p.endswith("-hot.md")]
    # a body line "read = true" is not the frontmatter's: that message stays unread
    body_says_read = os.path.join(inbox, "2026-01-01-000000-note.md")
    with open(body_says_read, "wb") as f:
        f.write(b'+++\nid = "2026-01-01-000000-note"\nread = false\n+++\n\nread = true\n')
    os.chown(body_says_read, pwd.getpwnam(ALICE).pw_uid, pwd.getpwnam(ALICE).pw_gid)
    rows = json_reply(uds_call(daemon, b"AIMX/1 MAILBOX-LIST\n\n", ALICE))
    assert [r["name"] for r in rows] == ["alice", "alice-bot"]
    assert list(rows[1]) == ["name", "address", "inbox_path", "sent_path", "total", "unread", "sent_count", "registered"]
    assert rows[1]["address"] == f"alice-bot@{DOMAIN}" and rows[1]["total"] == 2 and rows[1]["unread"] == 2
    os.unlink(body_says_read)  # later tests count alice-bot's one message
    all_rows = json_reply(uds_call(daemon, b"AIMX/1 MAILBOX-LIST\n\n"))
    assert {"alice", "alice-bot", "bob", "catchall"} <= {r["name"] for r in all_rows}


def test_mark_read_and_unread_by_owner(daemon):
    mid = message_id_of(daemon, "alice")
    frame = f"AIMX/1 MARK-READ\nMailbox: alice\nId: {mid}\nContent-Length: 0\n\n".encode()
    assert uds_call(daemon, frame, ALICE) == b"AIMX/1 OK\n"
    path = os.path.join(daemon.inbox("alice"), mid + ".md")
    text = open(path).read()
    assert "\nread = true\nread_at = \"" in text
    assert os.stat(path).st_uid == pwd.getpwnam(ALICE).pw_uid and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert uds_call(daemon, frame.replace(b"MARK-READ", b"MARK-UNREAD"), ALICE) == b"AIMX/1 OK\n"
    assert "\nread = false\n" in open(path).read() and "read_at" not in open(path).read()
    bad = b"AIMX/1 MARK-READ\nMailbox: alice\nId: ../bob/x\nContent-Length: 0\n\n"
    assert uds_call(daemon, bad, ALICE) == err("NOTFOUND", "email id '../bob/x' contains invalid characters")


def test_hook_lifecycle_by_owner(daemon):
    body = b'{"cmd":["/bin/echo","hi"],"fire_on_untrusted":false,"type":"cmd"}'
    frame = b"AIMX/1 HOOK-CREATE\nMailbox: alice\nEvent: on_receive\nContent-Length: %d\n\n" % len(body) + body
    assert uds_call(daemon, frame, ALICE) == b"AIMX/1 OK\n"
    hooks = json_reply(uds_call(daemon, b"AIMX/1 HOOK-LIST\n\n", ALICE))
    assert hooks == [{"name": "9f5503741a28", "mailbox": "alice", "event": "on_receive",
                      "cmd": ["/bin/echo", "hi"], "fire_on_untrusted": False, "timeout_secs": 60}]
    assert json_reply(uds_call(daemon, b"AIMX/1 HOOK-LIST\n\n", BOB)) == []
    legacy = b'{"cmd":["/bin/true"],"origin":"mcp"}'
    reply = uds_call(daemon, b"AIMX/1 HOOK-CREATE\nMailbox: alice\nEvent: on_receive\nContent-Length: %d\n\n" % len(legacy) + legacy, ALICE)
    assert reply.startswith(b"AIMX/1 ERR PROTOCOL ")
    assert uds_call(daemon, b"AIMX/1 HOOK-DELETE\nHook-Name: 9f5503741a28\nContent-Length: 0\n\n", BOB) == \
        err("ENOENT", "hook '9f5503741a28' not found")
    assert uds_call(daemon, b"AIMX/1 HOOK-DELETE\nHook-Name: 9f5503741a28\nContent-Length: 0\n\n", ALICE) == b"AIMX/1 OK\n"


CROSS_USER = [
    ("delete bob", b"AIMX/1 MAILBOX-DELETE\nName: bob\nContent-Length: 0\n\n", err("MAILBOX", "mailbox 'bob' does not exist")),
    ("force-delete bob", b"AIMX/1 MAILBOX-DELETE\nName: bob\nForce: true\nContent-Length: 0\n\n",
     err("MAILBOX", "mailbox 'bob' does not exist")),
    ("mark bob's mail", None, err("EACCES", "not authorized")),
    ("hook on bob", b"AIMX/1 HOOK-CREATE\nMailbox: bob\nEvent: on_receive\nContent-Length: 19\n\n{\"cmd\":[\"/bin/id\"]}",
     err("EACCES", "not authorized")),
]


@pytest.mark.parametrize("what,frame,reply", CROSS_USER, ids=[c[0] for c in CROSS_USER])
def test_alice_cannot_touch_bob(daemon, what, frame, reply):
    if frame is None:
        frame = f"AIMX/1 MARK-READ\nMailbox: bob\nId: {message_id_of(daemon, 'bob')}\nContent-Length: 0\n\n".encode()
    before = bob_state(daemon)
    assert uds_call(daemon, frame, ALICE) == reply
    assert bob_state(daemon) == before


def test_alice_cannot_see_bob(daemon):
    rows = json_reply(uds_call(daemon, b"AIMX/1 MAILBOX-LIST\n\n", ALICE))
    assert "bob" not in {r["name"] for r in rows}


def test_owner_root_refused_for_root_and_ignored_for_users(daemon):
    frame = b"AIMX/1 MAILBOX-CREATE\nName: escalate\nOwner: root\nContent-Length: 0\n\n"
    assert uds_call(daemon, frame).startswith(b"AIMX/1 ERR VALIDATION ")
    assert uds_call(daemon, frame, BOB) == b"AIMX/1 OK\n"
    assert os.stat(daemon.inbox("escalate")).st_uid == pwd.getpwnam(BOB).pw_uid


def test_nonempty_delete_and_force(daemon):
    frame = b"AIMX/1 MAILBOX-DELETE\nName: alice-bot\nContent-Length: 0\n\n"
    assert uds_call(daemon, frame, ALICE) == err(
        "NONEMPTY", "mailbox 'alice-bot' has 1 files (1 in inbox, 0 in sent); archive or remove them first")
    force = frame.replace(b"Content-Length", b"Force: true\nContent-Length")
    assert uds_call(daemon, force, ALICE) == b"AIMX/1 OK\n"
    assert os.listdir(daemon.inbox("alice-bot")) == []
    assert "[mailboxes.alice-bot]" not in open(daemon.config).read()


def test_second_daemon_refuses_to_start(aimx, daemon):
    r = subprocess.run([aimx, "serve", "--bind", f"127.0.0.1:{free_port()}"], env=daemon.env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and "already running" in r.stderr
    assert uds_call(daemon, b"AIMX/1 VERSION\n\n").startswith(b"AIMX/1 OK\n")


def test_delivery_keeps_working_across_config_reloads(daemon):
    # Regression: the master's data dir pointed into the config freed by a reload.
    for k in range(3):
        frame = f"AIMX/1 MAILBOX-CREATE\nName: reload-{k}\nContent-Length: 0\n\n".encode()
        assert uds_call(daemon, frame, ALICE) == b"AIMX/1 OK\n"
        with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
            for mb in ("alice", f"reload-{k}"):
                s.sendmail("x@example.org", [f"{mb}@{DOMAIN}"], f"Subject: after reload {k}\r\n\r\nx\r\n")
        assert [p for p in stored_files(daemon.inbox(f"reload-{k}")) if p.endswith(".md")]
