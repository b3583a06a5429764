"""Fault injection: a full disk (a small tmpfs as data_dir). DATA is answered 452, never 250; the
daemon keeps serving; stored mail is intact; the control socket's writes fail with a clear
[IO] error; everything works again once space is freed."""

import contextlib
import errno
import os
import smtplib
import subprocess

import pytest

from daemon_fixture import DOMAIN, as_user, snapshot, uds_call
from inbound_helpers import check_store, frontmatter, running_daemon

ALICE = "aimxit-alice"
DATA_SIZE = "4m"


def message(n, size=2000):
    return (f"From: s{n}@example.org\r\nTo: alice@{DOMAIN}\r\nSubject: disk {n}\r\n"
            f"Message-ID: <disk-{n}@example.org>\r\n\r\n" + "y" * size + "\r\n").encode()


def deliver(d, n, size=2000):
    """The DATA reply code of one delivery to alice."""
    with smtplib.SMTP("127.0.0.1", d.port, timeout=15) as s:
        s.ehlo("disk.test")
        try:
            s.sendmail(f"s{n}@example.org", [f"alice@{DOMAIN}"], message(n, size))
        except smtplib.SMTPDataError as e:
            return e.smtp_code, e.smtp_error
        return 250, b""


def fill(path):
    """Write zeros to path until the file system says ENOSPC."""
    with open(path, "wb") as f:
        chunk = b"\0" * 65536
        try:
            while True:
                f.write(chunk)
                f.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC, e


@contextlib.contextmanager
def tmpfs_data(root):
    """A DATA_SIZE tmpfs mounted on root/data for the daemon's data_dir."""
    data = os.path.join(root, "data")
    os.makedirs(data)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DATA_SIZE},mode=0755", "tmpfs", data],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", data], check=False)


def daemon_on_tmpfs(aimx, drop="/nonexistent/drop"):
    """A daemon whose data_dir is a small tmpfs; outbound mail goes to the file `drop`."""
    return running_daemon(aimx, extra_env={"AIMX_TEST_MAIL_DROP": str(drop)}, prepare=tmpfs_data)


def stored_ids(d):
    ids = []
    for name in os.listdir(d.inbox("alice")):
        if name.endswith(".md"):
            ids.append(frontmatter(os.path.join(d.inbox("alice"), name))[0]["message_id"])
    return sorted(ids)


def test_full_disk_refuses_with_452_and_recovers(aimx):
    with daemon_on_tmpfs(aimx) as d:
        for n in range(3):
            assert deliver(d, n) == (250, b"")
        before = snapshot([d.inbox("alice")])
        filler = os.path.join(d.data, "filler")
        fill(filler)
        for n, size in ((3, 200000), (4, 200000), (5, 3000000)):  # 3 MB: past the DATA spool
            code, text = deliver(d, n, size=size)
            assert code == 452, (n, code, text)
            assert b"storage" in text.lower(), text
        assert snapshot([d.inbox("alice")]) == before  # nothing half-written, nothing lost
        check_store(d.data)
        os.unlink(filler)
        for n in range(3, 6):
            assert deliver(d, n) == (250, b"")
        assert stored_ids(d) == [f"disk-{n}@example.org" for n in range(6)]
        check_store(d.data)


def test_full_disk_control_writes_say_io(aimx, tmp_path):
    drop = tmp_path / "drop"
    with daemon_on_tmpfs(aimx, drop) as d:
        assert deliver(d, 0) == (250, b"")
        mid = stored_ids(d) and os.listdir(d.inbox("alice"))[0][:-3]
        filler = os.path.join(d.data, "filler")
        fill(filler)
        mark = f"AIMX/1 MARK-READ\nMailbox: alice\nId: {mid}\nContent-Length: 0\n\n".encode()
        reply = uds_call(d, mark, ALICE)
        assert reply.startswith(b"AIMX/1 ERR IO "), reply
        assert b"space" in reply.lower(), reply
        key = subprocess.run([aimx, "dkim-keygen"], env=d.env, capture_output=True, text=True)
        assert key.returncode == 0, key.stderr
        before = snapshot([d.inbox("alice")])
        r = subprocess.run(as_user(ALICE, [aimx, "send", "--from", f"alice@{DOMAIN}", "--to",
                                           "x@example.org", "--subject", "s", "--body", "b"]),
                           env=d.env, capture_output=True, text=True, timeout=30)
        assert r.returncode != 0, r.stdout
        assert "space" in (r.stderr + r.stdout).lower(), r.stderr
        assert "nothing was sent" in r.stderr, r.stderr
        assert not drop.exists()  # refused before delivery
        assert snapshot([d.inbox("alice")]) == before
        os.unlink(filler)
        r = subprocess.run(as_user(ALICE, [aimx, "send", "--from", f"alice@{DOMAIN}", "--to",
                                           "x@example.org", "--subject", "s", "--body", "b"]),
                           env=d.env, capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        assert drop.exists()
        assert len(os.listdir(os.path.join(d.data, "sent", "alice"))) == 1
        assert uds_call(d, mark, ALICE) == b"AIMX/1 OK\n"
        assert frontmatter(os.path.join(d.inbox("alice"), mid + ".md"))[0]["read"] is True
