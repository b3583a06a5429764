"""Inbound bad input end to end: connection cap, graceful stop, long lines, NUL, MIME bombs, the corpus."""

import hashlib
import json
import os
import signal
import smtplib
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import REPO_ROOT
from daemon_fixture import DOMAIN, Daemon, cleanup, stored_files
from inbound_helpers import check_store, expected_order, frontmatter, read_reply


@pytest.fixture
def daemon(aimx):
    root = tempfile.mkdtemp(prefix="aimx-it-hostile-")
    d = Daemon(aimx, root)
    yield d
    if d.proc.poll() is None:
        d.stop()
    cleanup(root)


def md_files(d, mailbox="alice"):
    return [p for p in stored_files(d.inbox(mailbox)) if p.endswith(".md")]


def send_raw(d, body, rcpt=f"alice@{DOMAIN}"):
    with smtplib.SMTP("127.0.0.1", d.port, timeout=120) as s:
        s.sendmail("a@example.org", [rcpt], body)


def test_connection_cap_421_and_master_survives(daemon):
    held = []
    try:
        for k in range(100):  # 20 (the per-address cap) from each of 5 addresses
            c = socket.create_connection(("127.0.0.1", daemon.port), timeout=30,
                                         source_address=(f"127.0.0.{2 + k // 20}", 0))
            assert read_reply(c).startswith(b"220 ")
            held.append(c)
        extra = [socket.create_connection(("127.0.0.1", daemon.port), timeout=30,
                                          source_address=("127.0.1.1", 0)) for _ in range(100)]
        for c in extra:
            assert c.recv(200) == b"421 4.7.0 Too many connections, try again later\r\n"
            c.close()
    finally:
        for c in held:
            c.close()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            with smtplib.SMTP("127.0.0.1", daemon.port, timeout=10) as s:
                if s.noop()[0] == 250:
                    return
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError):
            time.sleep(0.2)  # the held sessions' children may still be exiting
    pytest.fail("the master did not serve again after the burst")


def test_sigterm_finishes_the_data_in_flight(daemon):
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=30)
    read_reply(s)
    for cmd in (b"HELO c\r\n", b"MAIL FROM:<a@example.org>\r\n", f"RCPT TO:<alice@{DOMAIN}>\r\n".encode(), b"DATA\r\n"):
        s.sendall(cmd)
        read_reply(s)
    s.sendall(b"Subject: in flight\r\n\r\nfirst half\r\n")
    time.sleep(0.3)
    daemon.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    s.sendall(b"second half\r\n.\r\n")
    replies = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        replies += chunk
    s.close()
    lines = replies.split(b"\r\n")
    assert lines[0].startswith(b"250 ") and lines[1].startswith(b"421 "), replies
    assert daemon.proc.wait(timeout=40) == 0
    fm, _, body = frontmatter(md_files(daemon)[0])
    assert fm["subject"] == "in flight" and "second half" in body


def test_ten_mib_line_nul_bytes_and_8bit_headers_are_stored(daemon):
    send_raw(daemon, b"Subject: long\r\n\r\n" + b"z" * (10 * 1024 * 1024) + b"\r\n")
    send_raw(daemon, b"Subject: nul\r\n\r\nbefore\x00after\r\n")
    send_raw(daemon, "Subject: caf\u00e9 \u65e5\u672c\r\nFrom: J\u00f6rg <j@example.org>\r\n\r\nx\r\n".encode())
    send_raw(daemon, b"Subject: caf\xe9 latin1\r\n\r\nx\r\n")
    stored = {fm["subject"]: (fm, body) for fm, _, body in map(frontmatter, md_files(daemon))}
    subjects = sorted(stored)
    assert subjects[0] == "caf\u00e9 \u65e5\u672c" and "long" in subjects and "nul" in subjects
    fm, body = stored["long"]
    assert fm["size_bytes"] == 17 + 10 * 1024 * 1024 + 2 and body == "z" * (10 * 1024 * 1024) + "\r\n"
    fm, body = stored["nul"]
    assert body.startswith("before") and body.endswith("after\r\n") and len(body) <= len("before\ufffdafter\r\n")
    assert any(s.startswith("caf") and s.endswith("latin1") for s in subjects)


def test_mime_bombs_are_bounded(daemon):
    parts = "".join("--b\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % k for k in range(10000))
    wide = f"Subject: wide\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n{parts}--b--\r\n"
    deep = "Subject: deep\r\n"
    for k in range(1000):
        deep += f'Content-Type: multipart/mixed; boundary="d{k}"\r\n\r\n--d{k}\r\n'
    deep += "Content-Type: text/plain\r\n\r\nbottom\r\n"
    start = time.time()
    send_raw(daemon, wide.encode())
    send_raw(daemon, deep.encode())
    assert time.time() - start < 30
    assert sorted(frontmatter(p)[0]["subject"] for p in md_files(daemon)) == ["deep", "wide"]


def test_corpus_through_ingest(aimx, daemon, tmp_path):
    """Every fact tests/corpus/gen.py records in manifest.json holds for the file `aimx ingest` stores."""
    r = subprocess.run(["/usr/bin/python3", str(REPO_ROOT / "tests/corpus/gen.py"), str(tmp_path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    manifest = json.load(open(tmp_path / "manifest.json"))["messages"]
    assert len(manifest) >= 30
    for entry in manifest:
        where = (entry["file"], entry["about"])
        with open(tmp_path / entry["file"], "rb") as f:
            r = subprocess.run([aimx, "ingest", f"alice@{DOMAIN}"], stdin=f, env=daemon.env, capture_output=True,
                               timeout=60)
        assert r.returncode == 0, (where, r.stderr)
        path = r.stdout.decode().strip()
        assert path.startswith(daemon.inbox("alice") + "/") and path.endswith(".md"), (where, path)
        fm, keys, body = frontmatter(path)
        assert keys == expected_order(keys) and "received_from_ip" not in keys, where
        assert (fm["subject"], fm["from"], fm["to"]) == (entry["subject"], entry["from"], entry["to"]), where
        assert fm.get("cc") == entry.get("cc"), where
        if "date" in entry:
            assert fm["date"] == entry["date"], where
        text = body.replace("\r\n", "\n")
        for piece in entry["body_contains"]:
            assert piece in text, (where, piece, text[:2000])
        for piece in entry["body_absent"]:
            assert piece not in text, (where, piece)
        got = fm.get("attachments", [])
        assert [a["filename"] for a in got] == [a["filename"] for a in entry["attachments"]], where
        for att, want in zip(got, entry["attachments"]):
            assert (att["content_type"], att["size"], att["path"]) == (want["content_type"], want["size"],
                                                                       want["filename"]), (where, att)
            with open(os.path.join(os.path.dirname(path), att["path"]), "rb") as f:
                assert hashlib.sha256(f.read()).hexdigest() == want["sha256"], (where, att)
    check_store(daemon.data)


def test_disk_full_gives_452_and_leaves_nothing(aimx):
    """The data dir is a 256 KiB tmpfs from the start (the workers' spool lives on it)."""
    root = tempfile.mkdtemp(prefix="aimx-it-hostile-full-")
    data = os.path.join(root, "data")
    os.makedirs(data)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", data],
                       capture_output=True, text=True)
    if r.returncode != 0 and ("permission denied" in r.stderr.lower() or "not permitted" in r.stderr.lower()):
        pytest.skip(f"cannot mount a tmpfs here (EPERM: no CAP_SYS_ADMIN in this container): {r.stderr.strip()}")
    assert r.returncode == 0, r.stderr
    daemon = None
    try:
        daemon = Daemon(aimx, root)
        with smtplib.SMTP("127.0.0.1", daemon.port, timeout=60) as s:
            with pytest.raises(smtplib.SMTPDataError) as e:
                s.sendmail("a@example.org", [f"alice@{DOMAIN}"], b"Subject: huge\r\n\r\n" + b"q" * 400000 + b"\r\n")
            assert e.value.smtp_code == 452
        assert [f for f in os.listdir(daemon.inbox("alice"))] == []
        send_raw(daemon, b"Subject: small\r\n\r\nfits\r\n")
        assert [frontmatter(p)[0]["subject"] for p in md_files(daemon)] == ["small"]
    finally:
        if daemon and daemon.proc.poll() is None:
            daemon.stop()
        subprocess.run(["umount", "-l", data], check=False)
        cleanup(root)


def test_slow_clients_are_cut_and_their_slot_freed(aimx):
    root = tempfile.mkdtemp(prefix="aimx-it-slow-")
    d = Daemon(aimx, root, {"AIMX_TEST_SMTP_IDLE_MS": "1500", "AIMX_TEST_SMTP_SESSION_S": "3"})
    try:
        assert "AIMX_TEST_SMTP_SESSION_S" in d.logs()  # the loud test-only warning
        idle = socket.create_connection(("127.0.0.1", d.port), timeout=30)
        assert read_reply(idle).startswith(b"220 ")
        start = time.time()
        assert idle.recv(200).startswith(b"421 4.4.2")  # nothing sent: idle timeout
        assert 1.0 < time.time() - start < 10
        trickle = socket.create_connection(("127.0.0.1", d.port), timeout=30)
        read_reply(trickle)
        start, got = time.time(), b""
        for ch in b"NOOP NOOP NOOP NOOP NOOP NOOP NOOP":
            try:
                trickle.sendall(bytes([ch]))
            except OSError:
                break
            time.sleep(1)
            trickle.setblocking(False)
            try:
                got += trickle.recv(200)
            except BlockingIOError:
                pass
            trickle.setblocking(True)
            if got:
                break
        assert got.startswith(b"421 "), got  # one byte a second still hits the session cap
        assert time.time() - start < 10
        with smtplib.SMTP("127.0.0.1", d.port, timeout=10) as s:
            assert s.noop()[0] == 250
    finally:
        d.stop()
        cleanup(root)
