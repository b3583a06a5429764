"""Fault injection: size. A 100 MB message is refused with 552 at the 25 MiB cap while the
session keeps serving; a message just under the cap, with a large attachment, is stored
intact (through the DATA spool: past 1 MiB the message waits in an unnamed file of the data
dir). The session's peak memory for each is printed (bench/ territory: not asserted)."""

import base64
import hashlib
import os

from daemon_fixture import DOMAIN
from inbound_helpers import Smtp, frontmatter, running_daemon

CAP = 25 * 1024 * 1024


def comm_of(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def session_pids(d):
    """The master's session workers (its other child is the writer); one of them serves."""
    with open(f"/proc/{d.proc.pid}/task/{d.proc.pid}/children") as f:
        kids = [int(p) for p in f.read().split() if comm_of(int(p)) == "aimx-smtp"]
    assert kids, "no session worker"
    return kids


def peak_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def data_phase(c):
    assert c.cmd("EHLO size.test").startswith(b"250")
    assert c.cmd("MAIL FROM:<big@example.org>").startswith(b"250")
    assert c.cmd(f"RCPT TO:<alice@{DOMAIN}>").startswith(b"250")
    assert c.cmd("DATA").startswith(b"354")


def test_hundred_megabytes_refused_at_the_cap(aimx):
    with running_daemon(aimx) as d:
        c = Smtp(d.port, timeout=120)
        data_phase(c)
        line = b"z" * 998 + b"\r\n"
        c.sock.sendall(b"Subject: huge\r\n\r\n")
        for _ in range(100 * 1024 * 1024 // len(line)):
            c.sock.sendall(line)
        c.sock.sendall(b".\r\n")
        assert c.reply().startswith(b"552 5.3.4"), "over the cap"
        print(f"session peak RSS for a refused 100 MB message: {max(peak_kib(p) for p in session_pids(d))} KiB")
        assert c.cmd("NOOP").startswith(b"250")  # the session goes on
        c.close()
        assert not os.path.isdir(d.inbox("alice")) or os.listdir(d.inbox("alice")) == []


def test_just_under_the_cap_is_stored_intact(aimx):
    blob = os.urandom(18 * 1024 * 1024)
    b64 = base64.encodebytes(blob).replace(b"\n", b"\r\n")
    msg = (b"Subject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
           b"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n"
           b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
           b"Content-Disposition: attachment; filename=\"blob.bin\"\r\n\r\n" + b64 + b"--b--\r\n")
    assert CAP - 2 * 1024 * 1024 < len(msg) < CAP
    with running_daemon(aimx) as d:
        c = Smtp(d.port, timeout=120)
        data_phase(c)
        c.sock.sendall(msg + b".\r\n")
        assert c.reply().startswith(b"250"), "just under the cap"
        print(f"session peak RSS for a stored {len(msg)} B message: {max(peak_kib(p) for p in session_pids(d))} KiB")
        c.close()
        [bundle] = os.listdir(d.inbox("alice"))
        fm = frontmatter(os.path.join(d.inbox("alice"), bundle, bundle + ".md"))[0]
        [att] = fm["attachments"]
        with open(os.path.join(d.inbox("alice"), bundle, att["path"]), "rb") as f:
            assert hashlib.sha256(f.read()).digest() == hashlib.sha256(blob).digest()
