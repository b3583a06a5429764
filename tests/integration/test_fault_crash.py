"""Fault injection: kill -9 of the whole daemon, of the master alone, of session processes and
of the privileged writer while 10 clients deliver 1,000 messages. Every message that got 250 is on disk, complete and
parseable; readers never see a partial file; leftovers are cleaned; nothing acknowledged is
lost, also when the senders retry with the same Message-ID as real MTAs do."""

import os
import queue
import random
import signal
import smtplib
import threading
import time

from daemon_fixture import DOMAIN
from inbound_helpers import Smtp, check_store, frontmatter, running_daemon

CLIENTS = 10
MESSAGES = 1000
KILL_AT = (100, 250, 400, 550, 700, 850)  # acknowledged counts at which a kill is due


def message(i):
    """Message i: ~4 KiB, every 7th one multipart with an attachment (stored as a bundle); the
    last body line says the message is complete."""
    body = "".join(f"line {n} of message {i} " + "x" * 40 + "\r\n" for n in range(60))
    head = (f"From: sender{i}@example.org\r\nTo: alice@{DOMAIN}\r\nSubject: crash {i}\r\n"
            f"Message-ID: <crash-{i}@example.org>\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\n")
    end = f"END-OF-MESSAGE-{i}\r\n"
    if i % 7:
        return head + "\r\n" + body + end
    return (head + 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
            "--b\r\nContent-Type: text/plain\r\n\r\n" + body + end +
            '--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; '
            f'filename="a{i}.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            + "QUJDREVGR0g=\r\n" * 40 + "--b--\r\n")


class Load:
    """CLIENTS senders, each a new connection per message; a message without 250 goes back in
    the queue and is sent again (same bytes, same Message-ID) until it gets one."""

    def __init__(self, port):
        self.port, self.todo, self.acked = port, queue.Queue(), set()
        self.lock, self.errors = threading.Lock(), 0
        for i in range(MESSAGES):
            self.todo.put(i)
        self.threads = [threading.Thread(target=self.send_loop, daemon=True) for _ in range(CLIENTS)]

    def start(self):
        for t in self.threads:
            t.start()

    def done(self):
        with self.lock:
            return len(self.acked) == MESSAGES

    def count(self):
        with self.lock:
            return len(self.acked)

    def send_one(self, i):
        with smtplib.SMTP("127.0.0.1", self.port, timeout=15) as s:
            s.ehlo("crash.test")
            s.sendmail(f"sender{i}@example.org", [f"alice@{DOMAIN}"], message(i).encode())

    def send_loop(self):
        while not self.done():
            try:
                i = self.todo.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                self.send_one(i)
            except (smtplib.SMTPException, OSError):
                with self.lock:
                    self.errors += 1
                self.todo.put(i)
                time.sleep(0.05)
                continue
            with self.lock:
                self.acked.add(i)

    def wait(self, timeout=240):
        deadline = time.time() + timeout
        while not self.done():
            assert time.time() < deadline, f"only {self.count()} of {MESSAGES} acknowledged"
            time.sleep(0.1)


WRITER = "aimx-writer"  # the writer's comm; sessions are "aimx-smtp"


def comm_of(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""  # exited meanwhile


def children_of(pid):
    """The pids whose parent is pid (the writer, sessions and control requests of a master)."""
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(p) for p in f.read().split()]
        except FileNotFoundError:
            pass  # a thread that has just exited
    return out


def gone(pids, timeout):
    """True once none of pids is running (exited or a zombie about to be reaped)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        alive = []
        for p in pids:
            try:
                with open(f"/proc/{p}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                        alive.append(p)
            except OSError:
                pass  # gone between the listing and the read
        if not alive:
            return True
        time.sleep(0.05)
    return False


class Reader(threading.Thread):
    """An agent reading the inbox while mail arrives: every name it can see (no leading dot)
    must be a complete message."""

    def __init__(self, inbox):
        super().__init__(daemon=True)
        self.inbox, self.stop, self.seen, self.bad = inbox, threading.Event(), set(), []

    def run(self):
        while not self.stop.is_set():
            for name in os.listdir(self.inbox) if os.path.isdir(self.inbox) else []:
                if name.startswith(".") or name in self.seen:
                    continue
                path = os.path.join(self.inbox, name)
                md = os.path.join(path, name + ".md") if os.path.isdir(path) else path
                try:
                    check_complete(md)
                except FileNotFoundError:
                    continue  # a bundle's .md is looked up before the rename ends
                except AssertionError as e:
                    self.bad.append((name, str(e)))
                self.seen.add(name)
            time.sleep(0.02)


def check_complete(md):
    """The stored message parses and its body ends with the END line of its own number; the
    number it is."""
    fm, _, body = frontmatter(md)
    i = int(fm["message_id"].split("-")[1].split("@")[0])
    assert f"END-OF-MESSAGE-{i}" in body, (md, body[-200:])
    return i


def stored(inbox):
    """{message number: copies} over every visible message; each must be complete."""
    counts = {}
    for name in os.listdir(inbox):
        if name.startswith("."):
            continue
        path = os.path.join(inbox, name)
        i = check_complete(os.path.join(path, name + ".md") if os.path.isdir(path) else path)
        counts[i] = counts.get(i, 0) + 1
    return counts


def leftovers(inbox):
    return sorted(n for n in os.listdir(inbox) if n.startswith("."))


def run_with_kills(d, kill):
    """Deliver MESSAGES under load, calling kill(d) at each KILL_AT count; then check the store."""
    load, reader = Load(d.port), Reader(d.inbox("alice"))
    load.start()
    reader.start()
    for at in KILL_AT:
        while load.count() < at:
            time.sleep(0.01)
        kill(d)
    load.wait()
    reader.stop.set()
    reader.join()
    assert not reader.bad, reader.bad[:3]
    counts = stored(d.inbox("alice"))
    lost = sorted(load.acked - set(counts))
    assert not lost, f"{len(lost)} acknowledged messages not stored: {lost[:10]}"
    extra = sum(counts.values()) - len(counts)
    print(f"acknowledged {len(load.acked)}, stored {len(counts)} (+{extra} duplicate copies of "
          f"retried messages), {load.errors} failed attempts retried")
    return counts


def kill_all(d):
    """kill -9 of the master and every child at once (a crash of the whole service)."""
    pids = [d.proc.pid] + children_of(d.proc.pid)
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass  # a session that ended between the listing and the kill
    d.proc.wait(timeout=10)
    assert gone(pids, 10)
    d.respawn()


def kill_master(d):
    """kill -9 of the master alone: its sessions must not serve on unsupervised; they finish the
    DATA in flight and stop by themselves, an idle one at once with 421."""
    idle = Smtp(d.port, timeout=5)
    assert idle.cmd("EHLO idle.test").startswith(b"250")
    kids = children_of(d.proc.pid)
    d.proc.send_signal(signal.SIGKILL)
    d.proc.wait(timeout=10)
    assert idle.rest().startswith(b"421 "), "an idle session outlived its master"
    idle.close()
    assert gone(kids, 15), "session processes outlived their master"
    d.respawn()


def kill_sessions(d):
    """kill -9 of a few session processes at random; the master goes on serving."""
    for _ in range(20):
        kids = [p for p in children_of(d.proc.pid) if comm_of(p) != WRITER]
        for p in random.sample(kids, min(2, len(kids))):
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)


def test_kill_all_loses_nothing_acknowledged(aimx):
    with running_daemon(aimx) as d:
        run_with_kills(d, kill_all)
        d.restart()  # the next start sweeps the leftovers of the last crash
        assert leftovers(d.inbox("alice")) == []
        check_store(d.data)


def test_kill_master_stops_its_sessions_and_loses_nothing(aimx):
    with running_daemon(aimx) as d:
        run_with_kills(d, kill_master)
        d.restart()
        assert leftovers(d.inbox("alice")) == []
        check_store(d.data)


def kill_writer(d):
    """kill -9 of the privileged writer; the master starts a new one within a second."""
    [writer] = [p for p in children_of(d.proc.pid) if comm_of(p) == WRITER]
    os.kill(writer, signal.SIGKILL)
    assert gone([writer], 10)


def spool_entries(d):
    return os.listdir(os.path.join(d.data, ".aimx", "spool"))


def test_kill_sessions_loses_nothing_and_leaves_nothing(aimx):
    """A killed session never wrote into a mailbox (the writer does): nothing to sweep there,
    and its files in transit were unnamed, so its spool holds nothing either."""
    with running_daemon(aimx) as d:
        run_with_kills(d, kill_sessions)
        assert leftovers(d.inbox("alice")) == []
        assert spool_entries(d) == []
        check_store(d.data)


def test_kill_writer_loses_nothing_and_is_restarted(aimx):
    """The master sees the writer die, sweeps its half-made bundles and starts a new one: the
    sessions that were waiting for it answer 451 and the senders retry."""
    with running_daemon(aimx) as d:
        run_with_kills(d, kill_writer)
        assert d.logs().count("daemon.writer_exited") == len(KILL_AT), d.logs()
        deadline = time.time() + 5
        while leftovers(d.inbox("alice")) and time.time() < deadline:
            time.sleep(0.1)
        assert leftovers(d.inbox("alice")) == []
        check_store(d.data)
