"""AIMX/1 under pressure: 50 concurrent writers, a stalled client, a daemon killed mid force-delete."""

import os
import smtplib
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from daemon_fixture import DOMAIN, Daemon, cleanup, uds_call

USERS = ("aimxit-alice", "aimxit-bob")


@pytest.fixture
def daemon(aimx):
    root = tempfile.mkdtemp(prefix="aimx-it-stress-")
    d = Daemon(aimx, root, {"AIMX_TEST_DELETE_PAUSE_MS": "3000"})
    yield d
    if d.proc.poll() is None:
        d.stop()
    cleanup(root)


def config_names(aimx, d):
    r = subprocess.run([aimx, "config", "check", "--config", d.config], env=d.env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = open(d.config).read()
    return {line[len("[mailboxes."):-1] for line in text.splitlines() if line.startswith("[mailboxes.")}


def test_fifty_concurrent_creates_and_deletes(aimx, daemon):
    results = {}

    def worker(k):
        user = USERS[k % 2]
        name = f"stress-{k}"
        create = f"AIMX/1 MAILBOX-CREATE\nName: {name}\nContent-Length: 0\n\n".encode()
        delete = f"AIMX/1 MAILBOX-DELETE\nName: {name}\nContent-Length: 0\n\n".encode()
        ok = uds_call(daemon, create, user) == b"AIMX/1 OK\n"
        if k % 3 == 0:
            ok = ok and uds_call(daemon, delete, user) == b"AIMX/1 OK\n"
        results[k] = ok

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(results.get(k) for k in range(50)), results
    expected = {f"stress-{k}" for k in range(50) if k % 3}
    assert config_names(aimx, daemon) == expected | {"alice", "bob", "catchall"}
    assert uds_call(daemon, b"AIMX/1 VERSION\n\n").startswith(b"AIMX/1 OK\n")


def test_stalled_client_does_not_block_others(daemon):
    stalled = socket.socket(socket.AF_UNIX)
    stalled.connect(daemon.socket)
    stalled.sendall(b"AIMX/1 MAILBOX-CREATE\nName: half")
    start = time.time()
    assert uds_call(daemon, b"AIMX/1 MAILBOX-LIST\n\n").startswith(b"AIMX/1 OK\n")
    assert time.time() - start < 2
    stalled.settimeout(40)
    assert stalled.recv(100) == b""  # dropped after the 30 s read timeout, no reply
    assert 25 < time.time() - start < 40
    stalled.close()


def test_daemon_killed_between_rewrite_and_wipe(aimx, daemon):
    assert "AIMX_TEST_DELETE_PAUSE_MS" in daemon.logs()
    create = b"AIMX/1 MAILBOX-CREATE\nName: doomed\nOwner: aimxit-bob\nContent-Length: 0\n\n"
    assert uds_call(daemon, create) == b"AIMX/1 OK\n"
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        s.sendmail("x@example.org", [f"doomed@{DOMAIN}"], "Subject: keep\r\n\r\nx\r\n")
    before = sorted(os.listdir(daemon.inbox("doomed")))
    assert before
    frame = b"AIMX/1 MAILBOX-DELETE\nName: doomed\nForce: true\nContent-Length: 0\n\n"
    s = socket.socket(socket.AF_UNIX)
    s.connect(daemon.socket)
    s.sendall(frame)
    s.shutdown(socket.SHUT_WR)
    time.sleep(1.0)  # inside the 3 s pause: config rewritten, nothing wiped yet
    subprocess.run(["pkill", "-KILL", "-P", str(daemon.proc.pid)])  # the request's child...
    daemon.proc.kill()  # ...and the master: a crash, not a stop
    daemon.proc.wait(timeout=10)
    s.close()
    assert "doomed" not in config_names(aimx, daemon)  # the mailbox is gone from the config...
    assert sorted(os.listdir(daemon.inbox("doomed"))) == before  # ...and its mail was not half wiped
