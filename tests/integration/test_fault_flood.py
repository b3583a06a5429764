"""Fault injection: floods. 300 slowloris connections from one address are capped per address
(421) and closed by the idle and total timeouts while a client elsewhere is served at once;
one non-root uid holding 500 control connections with half frames cannot keep another uid's
or root's request from being answered within 1 s."""

import os
import smtplib
import socket
import subprocess
import sys
import threading
import time

from daemon_fixture import DOMAIN, as_user, uds_call
from inbound_helpers import read_reply, running_daemon

PER_IP = 20    # SMTP_MAX_PER_IP
PER_UID = 32   # UDS_MAX_PER_UID
IDLE_S, TOTAL_S = 3, 8
VERSION = b"AIMX/1 VERSION\n\n"


def dribble(socks, stop):
    """One byte of "EHLO slow" every 2 s on each socket: never idle, never done."""
    line, k = b"EHLO slow.example\r\n", 0
    while not stop.is_set():
        for s in socks:
            try:
                s.send(line[k % len(line):k % len(line) + 1])
            except OSError:
                pass
        k += 1
        stop.wait(2)


def closed_within(sock, seconds):
    """Everything the server sends until it closes, or None if still open after seconds."""
    sock.settimeout(seconds)
    out = b""
    try:
        while chunk := sock.recv(4096):
            out += chunk
    except socket.timeout:
        return None
    except ConnectionResetError:
        pass
    return out


def test_slowloris_is_capped_per_address_and_timed_out(aimx):
    env = {"AIMX_TEST_SMTP_IDLE_MS": str(IDLE_S * 1000), "AIMX_TEST_SMTP_SESSION_S": str(TOTAL_S)}
    with running_daemon(aimx, extra_env=env) as d:
        held, refused = [], 0
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
            first = read_reply(s)
            if first.startswith(b"220 "):
                held.append(s)
            else:
                assert first == b"421 4.7.0 Too many connections from your address, try again later\r\n"
                refused += 1
                s.close()
        assert (len(held), refused) == (PER_IP, 300 - PER_IP)
        silent = held.pop()
        stop = threading.Event()
        threading.Thread(target=dribble, args=(held, stop), daemon=True).start()
        try:
            start = time.time()
            with smtplib.SMTP("127.0.0.1", d.port, timeout=5, source_address=("127.0.0.2", 0)) as c:
                c.sendmail("a@example.org", [f"alice@{DOMAIN}"], b"Subject: served\r\n\r\nx\r\n")
            assert time.time() - start < 2
            assert closed_within(silent, IDLE_S + 3) is not None, "idle timeout did not close"
            for s in held:
                assert closed_within(s, TOTAL_S + 5) is not None, "total timeout did not close"
        finally:
            stop.set()
            for s in held:
                s.close()


FLOOD = r"""
import socket, sys, time
socks, refused = [], 0
for _ in range(500):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    try:
        s.sendall(b"AIMX/1 MAILBOX-LIST\nContent-Len")  # half a frame, never finished
    except OSError:
        pass  # refused and closed before we wrote: the refusal is still in our queue
    socks.append(s)
time.sleep(1)
for s in socks:
    s.setblocking(False)
    try:
        if s.recv(200).startswith(b"AIMX/1 ERR IO too many connections from your user"):
            refused += 1
    except (BlockingIOError, ConnectionResetError):
        pass
print(refused, flush=True)
time.sleep(120)
"""


def test_control_flood_of_one_uid_does_not_block_others(aimx):
    with running_daemon(aimx) as d:
        flood = subprocess.Popen(as_user("aimxit-alice", [sys.executable, "-c", FLOOD, d.socket]),
                                 stdout=subprocess.PIPE, text=True)
        try:
            refused = int(flood.stdout.readline())
            assert refused == 500 - PER_UID
            for user in ("aimxit-bob", None):
                start = time.time()
                reply = uds_call(d, VERSION, user)
                assert reply.startswith(b"AIMX/1 OK"), reply
                assert time.time() - start < 1, (user, time.time() - start)
        finally:
            flood.kill()
            flood.wait()
