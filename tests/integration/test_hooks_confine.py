"""Hook confinement through a root `aimx serve`: the hook runs in its own mount namespace where
the whole tree is read-only but its owner's home, /tmp and /var/tmp, /dev holds only the
harmless devices, and a process cannot take more than 512 MiB of heap. The owner owns a
directory outside those places: it may write there from a shell, never from its hook."""

import os
import shutil
import smtplib
import subprocess
import tempfile
import time

import pytest

import daemon_fixture
from daemon_fixture import DOMAIN, Daemon, cleanup

OWNER = "aimxit-confined"
OUTSIDE = "/var/lib/aimxit-confined-outside"  # owned by OWNER, outside its allowed places
DEVICES = {"null", "zero", "full", "random", "urandom", "tty", "fd", "stdin", "stdout", "stderr"}

PROBE = r"""
o={out}/$AIMX_ID
try() {{ if (echo x > "$1") 2>/dev/null; then echo "$1 written"; else echo "$1 refused"; fi; }}
{{ try "{outside}/from-hook"; try "$HOME/from-hook"; try /tmp/aimxit-confined-$AIMX_ID;
   try /var/tmp/aimxit-confined-$AIMX_ID; try "$AIMX_FILEPATH"; }} > $o.writes
ls -A /dev > $o.dev
echo hello > /dev/null && head -c 4 /dev/urandom | wc -c > $o.urandom
python3 -c 'bytearray(700 * 1024 * 1024)' 2>/dev/null; echo $? > $o.bigmem
python3 -c 'bytearray(100 * 1024 * 1024)'; echo $? > $o.smallmem
touch $o.done
"""


def userdel(user):
    return subprocess.run(["userdel", "-r", "-f", user], capture_output=True)


@pytest.fixture(scope="module")
def world(aimx):
    userdel(OWNER)
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", "--user-group", OWNER],
                   check=True)
    os.makedirs(OUTSIDE, exist_ok=True)
    shutil.chown(OUTSIDE, OWNER, OWNER)
    out = tempfile.mkdtemp(prefix="aimx-confine-out-", dir="/tmp")
    os.chmod(out, 0o1777)
    root = tempfile.mkdtemp(prefix="aimx-confine-", dir="/tmp")
    d = Daemon(aimx, root)
    script = PROBE.format(out=out, outside=OUTSIDE)
    quoted = script.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    config = (f'\n[mailboxes.box]\naddress = "box@{DOMAIN}"\nowner = "{OWNER}"\n'
              f'\n[[mailboxes.box.hooks]]\nname = "probe"\nevent = "on_receive"\n'
              f'cmd = ["/bin/sh", "-c", "{quoted}"]\nfire_on_untrusted = true\n')
    daemon_fixture.write_config(d.cfg_dir, d.data, config)
    yield {"daemon": d, "out": out}
    d.stop()
    cleanup(root)
    cleanup(out)
    shutil.rmtree(OUTSIDE, ignore_errors=True)
    userdel(OWNER)


def probe(world):
    """The probe's output stem, firing the hook on the first call only."""
    if "stem" not in world:
        world["stem"] = fire(world["daemon"], world["out"])
    return world["stem"]


def fire(d, out):
    with smtplib.SMTP("127.0.0.1", d.port, timeout=30) as s:
        s.sendmail("s@example.org", [f"box@{DOMAIN}"],
                   f"From: s@example.org\r\nTo: box@{DOMAIN}\r\nSubject: confine\r\n\r\nb\r\n")
    deadline = time.time() + 20
    while time.time() < deadline:
        done = [f for f in os.listdir(out) if f.endswith(".done")]
        if done:
            return os.path.join(out, done[0][:-len(".done")])
        time.sleep(0.1)
    raise AssertionError("the hook did not finish:\n" + d.logs())


def test_hook_writes_only_to_its_owners_places(world):
    # from a shell, the owner may write to its directory outside home and /tmp
    subprocess.run(["su", "-s", "/bin/sh", OWNER, "-c", f"echo x > {OUTSIDE}/from-shell"],
                   check=True)
    stem = probe(world)
    writes = dict(line.rsplit(" ", 1) for line in open(stem + ".writes").read().splitlines())
    home = os.path.expanduser("~" + OWNER)
    by_place = {k.replace(home, "$HOME").split("/aimxit-confined-")[0]: v
                for k, v in writes.items()}
    md = [k for k in writes if k.endswith(".md")]
    assert writes[f"{OUTSIDE}/from-hook"] == "refused", writes
    assert writes[f"{home}/from-hook"] == "written", writes
    assert by_place["/tmp"] == "written" and by_place["/var/tmp"] == "written", writes
    assert len(md) == 1 and writes[md[0]] == "refused", writes  # its own stored mail: read-only
    assert not os.path.exists(f"{OUTSIDE}/from-hook")
    assert os.path.exists(f"{home}/from-hook")


def test_hook_sees_a_private_dev(world):
    stem = probe(world)
    assert set(open(stem + ".dev").read().split()) == DEVICES
    assert open(stem + ".urandom").read().strip() == "4"
    assert os.path.exists("/dev/shm") and os.path.exists("/dev/pts")  # the host's /dev is whole


def test_hook_heap_is_capped(world):
    stem = probe(world)
    assert open(stem + ".bigmem").read().strip() == "1"    # MemoryError at 700 MiB
    assert open(stem + ".smallmem").read().strip() == "0"  # 100 MiB is fine
