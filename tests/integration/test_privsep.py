"""Privilege separation: the processes that read network bytes (the SMTP session workers) run
as the workers' user, never root, chrooted into the spool, with no way to the config, the
DKIM key, the mailboxes or the control socket; the privileged writer holds no network socket.
Read from /proc, as an operator would check it."""

import os
import pwd
import time

import pytest

from daemon_fixture import ensure_users
from inbound_helpers import Smtp, running_daemon

WORKER_USER = "aimx-smtpd"


def comm_of(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def children_named(master, name, seconds=5.0):
    deadline = time.monotonic() + seconds
    while True:
        with open(f"/proc/{master}/task/{master}/children") as f:
            kids = [int(p) for p in f.read().split() if comm_of(int(p)) == name]
        if kids or time.monotonic() > deadline:
            return kids
        time.sleep(0.05)


def status_of(pid):
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def tcp_inodes():
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            inodes |= {line.split()[9] for line in list(f)[1:]}
    return inodes


def socket_inodes(pid):
    out = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        link = os.readlink(f"/proc/{pid}/fd/{fd}")
        if link.startswith("socket:["):
            out.add(link[len("socket:["):-1])
    return out


@pytest.fixture(scope="module")
def worker_user():
    if os.geteuid() != 0:
        pytest.skip("privilege separation is a root daemon's: run the suite as root")
    ensure_users()
    return pwd.getpwnam(WORKER_USER)


def test_session_worker_is_jailed_and_unprivileged(aimx, worker_user):
    with running_daemon(aimx) as d:
        c = Smtp(d.port)
        assert c.cmd("EHLO jail.test").startswith(b"250")
        workers = children_named(d.proc.pid, "aimx-smtp")
        [worker] = [w for w in workers if socket_inodes(w) & tcp_inodes()]  # the one serving us
        st = status_of(worker)
        uids, gids = st["Uid"].split(), st["Gid"].split()
        assert uids == [str(worker_user.pw_uid)] * 4, st["Uid"]
        assert gids == [str(worker_user.pw_gid)] * 4, st["Gid"]
        assert st["Groups"].strip() == "" and st["NoNewPrivs"] == "1", st
        assert int(st["CapEff"], 16) == 0 and int(st["CapPrm"], 16) == 0, st
        spool = os.path.join(d.data, ".aimx", "spool")
        assert os.readlink(f"/proc/{worker}/root") == spool
        assert (os.stat(spool).st_uid, os.stat(spool).st_mode & 0o7777) == (worker_user.pw_uid, 0o700)
        # nothing of the server is reachable from inside: the root is the (empty) spool
        jail = f"/proc/{worker}/root"
        for path in (d.config, os.path.join(d.cfg_dir, "dkim", "private.key"), d.data,
                     os.path.join(d.data, "inbox"), d.socket, "/etc/passwd", "/etc/shadow"):
            assert not os.path.lexists(jail + path), path
        # and no open file leads there: past the standard three, its fds are sockets (the
        # client's, the master's channel, the writer's channels) and its own eventfd and
        # signalfd
        links = [os.readlink(f"/proc/{worker}/fd/{fd}") for fd in os.listdir(f"/proc/{worker}/fd")
                 if int(fd) > 2]
        assert all(l.startswith(("socket:", "anon_inode:")) for l in links), links
        assert c.cmd("QUIT").startswith(b"221")
        c.close()


def test_writer_is_privileged_but_reads_no_network(aimx, worker_user):
    with running_daemon(aimx) as d:
        c = Smtp(d.port)
        assert c.cmd("EHLO jail.test").startswith(b"250")
        [writer] = children_named(d.proc.pid, "aimx-writer")
        workers = children_named(d.proc.pid, "aimx-smtp")
        assert status_of(writer)["Uid"].split()[0] == "0"
        tcp = tcp_inodes()
        assert socket_inodes(writer) and not socket_inodes(writer) & tcp
        assert [w for w in workers if socket_inodes(w) & tcp]  # the client is a worker's
        c.cmd("QUIT")
        c.close()
