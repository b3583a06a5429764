"""on_receive hooks through a root `aimx serve`: run as the owner with exactly PATH, HOME and
AIMX_*, the stored .md on stdin, after the 250, bounded in time, contained when hostile."""

import grp
import os
import pwd
import signal
import smtplib
import subprocess
import tempfile
import time

import pytest

import daemon_fixture
from daemon_fixture import DOMAIN, Daemon, cleanup, stored_files

OWNER = "aimxit-alice"
GONE = "aimxit-gone"  # an owner deleted while its mail's hooks run


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def section(mailbox, owner, hooks, trust=None):
    text = f'\n[mailboxes.{mailbox}]\naddress = "{mailbox}@{DOMAIN}"\nowner = "{owner}"\n'
    if trust:
        text += f'trust = "{trust}"\n'
    for name, script, extra in hooks:
        text += (f'\n[[mailboxes.{mailbox}.hooks]]\nname = "{name}"\nevent = "on_receive"\n'
                 f'cmd = ["/bin/sh", "-c", {toml_str(script)}]\n{extra}')
    return text


def userdel(user):
    return subprocess.run(["userdel", "-f", user], capture_output=True)


@pytest.fixture(scope="module")
def world(aimx):
    userdel(GONE)
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    "--user-group", GONE], check=True)
    out = tempfile.mkdtemp(prefix="aimx-hooks-out-", dir="/tmp")
    os.chmod(out, 0o1777)
    root = tempfile.mkdtemp(prefix="aimx-hooks-", dir="/tmp")
    d = Daemon(aimx, root)
    probe = (f'id -u > {out}/$AIMX_ID.uid; id -G > {out}/$AIMX_ID.groups; '
             f'env | sort > {out}/$AIMX_ID.env; cat > {out}/$AIMX_ID.stdin; '
             f'grep NoNewPrivs /proc/self/status > {out}/$AIMX_ID.nnp; pwd > {out}/$AIMX_ID.pwd')
    extra = "fire_on_untrusted = true\n"
    config = (
        section("probe", OWNER, [("probe", probe, extra)]) +
        section("slow", OWNER, [("slow", f"sleep 5; touch {out}/slow-done", extra)]) +
        section("hang", OWNER, [("hang", f"echo started >&2; exec sleep 1000 # {out}-hang",
                                 extra + "timeout_secs = 1\n")]) +
        section("gated", OWNER, [("gated", f"touch {out}/gated-fired", "")], trust="verified") +
        section("bomb", OWNER, [("bomb", "b() { b | b & }; b", extra + "timeout_secs = 2\n")]) +
        section("failing", OWNER, [("failing", "echo failing on purpose >&2; exit 7", extra)]) +
        section("gone", GONE, [("gone_first", f"touch {out}/gone-first; sleep 3", extra),
                               ("gone_second", f"touch {out}/gone-second", extra)]))
    daemon_fixture.write_config(d.cfg_dir, d.data, config)
    yield {"daemon": d, "out": out}
    d.stop()
    cleanup(root)
    cleanup(out)
    userdel(GONE)


def send(d, mailbox, subject="hook test", msgid=None):
    msgid = msgid or "<%s@example.org>" % os.urandom(6).hex()
    msg = ("From: Sender <s@example.org>\r\nTo: %s@%s\r\nSubject: %s\r\nMessage-ID: %s\r\n"
           "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nbody\r\n" % (mailbox, DOMAIN, subject,
                                                                       msgid))
    start = time.monotonic()
    with smtplib.SMTP("127.0.0.1", d.port, timeout=30) as s:
        s.sendmail("s@example.org", ["%s@%s" % (mailbox, DOMAIN)], msg)
    return time.monotonic() - start


def wait_for(path, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path):
            time.sleep(0.2)
            return True
        time.sleep(0.05)
    return False


def wait_log(d, text, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in d.logs():
            return True
        time.sleep(0.1)
    return False


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def children_of(pid):
    """The children of pid but the master's long-lived writer and session workers (unless zombies)."""
    kids = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/comm") as f:
                resident = f.read().strip() in ("aimx-writer", "aimx-smtp")
            with open(f"/proc/{entry}/stat") as f:
                resident = resident and f.read().rsplit(")", 1)[1].split()[0] != "Z"
            if parent_of(int(entry)) == pid and not resident:
                kids.append(int(entry))
        except (OSError, IndexError, ValueError):
            pass  # exited meanwhile
    return kids


def hook_pids(pattern, seconds=5.0):
    """Pids of the owner's processes whose command line contains pattern, once there are any
    (the runner logs `firing` a moment before the hook's exec)."""
    deadline = time.monotonic() + seconds
    while True:
        pids = subprocess.run(["pgrep", "-u", OWNER, "-f", pattern], capture_output=True,
                              text=True).stdout.split()
        if pids or time.monotonic() > deadline:
            return [int(p) for p in pids]
        time.sleep(0.05)


def test_hook_runs_as_owner_with_clean_env_and_the_md_on_stdin(world):
    d, out = world["daemon"], world["out"]
    send(d, "probe", msgid="<probe-1@example.org>")
    md = stored_files(d.inbox("probe"))[0]
    stem = os.path.basename(md)[:-3]
    assert wait_for(os.path.join(out, stem + ".pwd")), d.logs()
    pw = pwd.getpwnam(OWNER)
    assert open(os.path.join(out, stem + ".uid")).read().strip() == str(pw.pw_uid)
    assert open(os.path.join(out, stem + ".nnp")).read().split() == ["NoNewPrivs:", "1"]
    groups = set(open(os.path.join(out, stem + ".groups")).read().split())
    want = {str(pw.pw_gid)} | {str(g.gr_gid) for g in grp.getgrall() if OWNER in g.gr_mem}
    assert groups == want and "0" not in groups
    env = dict(line.split("=", 1) for line in open(os.path.join(out, stem + ".env")).read()
               .splitlines() if "=" in line)
    names = {k for k in env if k not in ("PWD", "SHLVL", "_", "OLDPWD")}  # set by sh itself
    assert names == {"PATH", "HOME", "AIMX_HOOK_NAME", "AIMX_EVENT", "AIMX_MAILBOX",
                     "AIMX_FROM", "AIMX_TO", "AIMX_SUBJECT", "AIMX_FILEPATH",
                     "AIMX_MESSAGE_ID", "AIMX_ID", "AIMX_DATE"}, env
    assert env["AIMX_HOOK_NAME"] == "probe" and env["AIMX_EVENT"] == "on_receive"
    assert env["AIMX_MAILBOX"] == "probe" and env["AIMX_ID"] == stem
    assert env["AIMX_MESSAGE_ID"] == "probe-1@example.org"
    assert env["AIMX_FROM"] == "Sender <s@example.org>" and env["AIMX_TO"] == "probe@" + DOMAIN
    assert env["AIMX_SUBJECT"] == "hook test" and env["AIMX_FILEPATH"] == md
    assert env["AIMX_DATE"] == "2026-11-22T10:00:00Z" and env["HOME"] == pw.pw_dir
    assert open(os.path.join(out, stem + ".stdin"), "rb").read() == open(md, "rb").read()
    assert wait_log(d, "hook.done hook_name=probe")
    assert "sandbox=setuid email_id=" + stem + " exit_code=0" in d.logs()


def test_reply_does_not_wait_for_a_slow_hook(world):
    d, out = world["daemon"], world["out"]
    elapsed = send(d, "slow")
    assert elapsed < 3, elapsed
    assert not os.path.exists(os.path.join(out, "slow-done"))
    # the hook's parent (the runner) has left the session and is not the master's child
    hook = hook_pids("slow-done")
    assert len(hook) == 1, hook
    runner = parent_of(hook[0])
    assert runner != d.proc.pid and parent_of(runner) != d.proc.pid
    assert runner not in children_of(d.proc.pid)
    # neither holds the client socket, the listeners or any other socket of the daemon
    for pid in (runner, hook[0]):
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        assert not [l for l in links if l.startswith("socket:")], (pid, links)
    assert wait_for(os.path.join(out, "slow-done"), 15), d.logs()


def test_hanging_hook_is_killed_at_its_timeout(world):
    d, out = world["daemon"], world["out"]
    send(d, "hang")
    assert wait_log(d, "hook_name=hang event=on_receive mailbox=hang owner=aimxit-alice "
                       "sandbox=setuid"), d.logs()
    line = [l for l in d.logs().splitlines() if "hook.done hook_name=hang" in l][0]
    assert "timed_out=true" in line and "exit_code=-1" in line and "started" in line
    r = subprocess.run(["pgrep", "-f", out + "-hang"], capture_output=True)
    assert r.returncode == 1, r.stdout


def test_untrusted_mail_on_a_verified_mailbox_fires_nothing(world):
    d, out = world["daemon"], world["out"]
    send(d, "gated")
    assert wait_log(d, "hook.skipped hook_name=gated event=on_receive mailbox=gated "
                       "trusted=false fire_on_untrusted=false"), d.logs()
    time.sleep(0.5)
    assert not os.path.exists(os.path.join(out, "gated-fired"))


def test_fork_bomb_does_not_stop_the_daemon(world):
    d = world["daemon"]
    send(d, "bomb")
    time.sleep(0.5)
    send(d, "probe", subject="after the bomb")  # the daemon still accepts and stores
    assert any("after-the-bomb" in f for f in stored_files(d.inbox("probe")))
    assert wait_log(d, "hook.done hook_name=bomb", 30), d.logs()
    time.sleep(1)
    r = subprocess.run(["pgrep", "-u", OWNER, "-f", "b | b"], capture_output=True)
    assert r.returncode == 1, r.stdout


def test_master_keeps_no_runners_or_zombies(world):
    d = world["daemon"]
    before = d.logs().count("hook.done hook_name=probe")
    for k in range(5):
        send(d, "probe", subject="burst %d" % k)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if d.logs().count("hook.done hook_name=probe") == before + 5 and \
                not children_of(d.proc.pid):
            break
        time.sleep(0.1)
    assert d.logs().count("hook.done hook_name=probe") == before + 5, d.logs()
    assert children_of(d.proc.pid) == []


def test_owner_deleted_while_its_hooks_run(world):
    d, out = world["daemon"], world["out"]
    send(d, "gone")
    assert wait_for(os.path.join(out, "gone-first")), d.logs()
    r = userdel(GONE)
    assert r.returncode == 0, r.stderr
    assert wait_log(d, "hook.exec_error hook_name=gone_second event=on_receive mailbox=gone "
                       "owner=aimxit-gone error=user-not-found"), d.logs()
    assert not os.path.exists(os.path.join(out, "gone-second"))
    assert len([f for f in stored_files(d.inbox("gone")) if f.endswith(".md")]) == 1


def test_ingest_runs_hooks_in_the_foreground(world, aimx):
    d, out = world["daemon"], world["out"]
    msg = (b"From: s@example.org\r\nTo: probe@it.test\r\nSubject: via ingest\r\n"
           b"Message-ID: <ingest-1@example.org>\r\n\r\nbody\r\n")
    r = subprocess.run([aimx, "ingest", "probe@" + DOMAIN], input=msg, env=d.env,
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    stem = os.path.basename(r.stdout.decode().strip())[:-3]
    assert os.path.exists(os.path.join(out, stem + ".pwd")), r.stderr  # already, no waiting
    assert b"hook.done hook_name=probe" in r.stderr


def test_ingest_exit_status_ignores_the_hook(world, aimx):
    d = world["daemon"]
    msg = (b"From: s@example.org\r\nTo: failing@it.test\r\nSubject: hook fails\r\n"
           b"Message-ID: <ingest-2@example.org>\r\n\r\nbody\r\n")
    r = subprocess.run([aimx, "ingest", "failing@" + DOMAIN], input=msg, env=d.env,
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert b"level=warn event=hook.done hook_name=failing" in r.stderr
    assert b"exit_code=7" in r.stderr and b'stderr_tail="failing on purpose\\n"' in r.stderr


def test_master_as_pid1_reaps_runners_and_stops_promptly(aimx):
    """In a container the master may be PID 1: detached runners are then reparented to it.
    It must reap them (no zombies), keep accepting, and not wait for them when stopping."""
    out = tempfile.mkdtemp(prefix="aimx-hooks-pid1-out-", dir="/tmp")
    os.chmod(out, 0o1777)
    root = tempfile.mkdtemp(prefix="aimx-hooks-pid1-", dir="/tmp")
    d = Daemon(aimx, root, prefix=("unshare", "--pid", "--fork"))
    master = None
    try:
        [master] = children_of(d.proc.pid)
        nspid = [l for l in open(f"/proc/{master}/status") if l.startswith("NSpid:")][0]
        assert nspid.split()[-1] == "1", nspid
        extra = "fire_on_untrusted = true\n"
        daemon_fixture.write_config(d.cfg_dir, d.data, (
            section("quick", OWNER, [("quick", f"touch {out}/$AIMX_ID.done", extra)]) +
            section("slow", OWNER, [("slow", f"sleep 3; touch {out}/slow-done", extra)]) +
            section("long", OWNER, [("long", f"exec sleep 60 # {out}-long",
                                     extra + "timeout_secs = 600\n")])))
        send(d, "slow")
        # the hook's sh forks for `sleep`: until that child execs, it matches as well
        hook = hook_pids("slow-done")
        hook = [p for p in hook if parent_of(p) not in hook]
        assert len(hook) == 1, d.logs()
        assert parent_of(parent_of(hook[0])) == master  # the runner is PID 1's child
        for k in range(3):
            send(d, "quick", subject="quick %d" % k)
        assert wait_for(os.path.join(out, "slow-done"), 15), d.logs()
        stems = [os.path.basename(f)[:-3] for f in stored_files(d.inbox("quick"))]
        assert len(stems) == 3
        assert all(wait_for(os.path.join(out, s + ".done")) for s in stems), d.logs()
        deadline = time.monotonic() + 10
        while children_of(master) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert children_of(master) == []  # runners and sessions reaped: no zombies
        send(d, "long")
        assert wait_log(d, "hook.firing hook_name=long"), d.logs()
        start = time.monotonic()
        os.kill(master, signal.SIGTERM)  # unshare does not forward signals
        assert d.proc.wait(timeout=30) == 0, d.logs()
        assert time.monotonic() - start < 10
        time.sleep(0.2)
        r = subprocess.run(["pgrep", "-f", out + "-long"], capture_output=True)
        assert r.returncode == 1, r.stdout
    finally:
        if d.proc.poll() is None:
            if master:
                os.kill(master, signal.SIGKILL)  # PID 1 of its namespace: takes all with it
            d.proc.wait(timeout=30)
        cleanup(root)
        cleanup(out)
