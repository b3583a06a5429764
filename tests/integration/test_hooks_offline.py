"""`aimx hooks` while the daemon is down, as real users on a config they can read: only root
and the mailbox owner get past the local check; nobody else's attempt reaches the config."""

import os
import tempfile

import pytest

import daemon_fixture
from conftest import run
from daemon_fixture import as_user, cleanup

ALICE, BOB = "aimxit-alice", "aimxit-bob"
UNKNOWN = "aimxit-no-such-user"  # an owner getpwnam does not know

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run as the test users")

ROOT_REQUIRED = ("Error: not authorized: aimx hooks {} requires root (run with sudo)\nhint: if "
                 "the daemon is running, hook CRUD over UDS would handle this without sudo.\n")


def hook_section(mailbox, owner):
    return (f'\n[mailboxes.{mailbox}]\naddress = "{mailbox}@{daemon_fixture.DOMAIN}"\n'
            f'owner = "{owner}"\n\n[[mailboxes.{mailbox}.hooks]]\nname = "{mailbox}_hook"\n'
            f'event = "on_receive"\ncmd = ["/bin/true"]\n')


@pytest.fixture
def offline():
    """A tree under /tmp the test users can reach: a 0644 config (alice's mailbox "carol" and
    the unowned "ghost" with a hook each) and an empty runtime dir, so no daemon answers."""
    daemon_fixture.ensure_users()
    root = tempfile.mkdtemp(prefix="aimx-hooks-offline-")
    os.chmod(root, 0o755)
    for d in ("etc", "data", "run"):
        os.mkdir(os.path.join(root, d), 0o755)
    config = daemon_fixture.write_config(os.path.join(root, "etc"), os.path.join(root, "data"),
                                         hook_section("carol", ALICE) +
                                         hook_section("ghost", UNKNOWN))
    os.chmod(config, 0o644)
    env = dict(os.environ, AIMX_CONFIG_DIR=os.path.join(root, "etc"),
               AIMX_DATA_DIR=os.path.join(root, "data"),
               AIMX_RUNTIME_DIR=os.path.join(root, "run"), NO_COLOR="1")
    env.pop("CLICOLOR_FORCE", None)
    yield {"env": env, "config": config}
    cleanup(root)


def hooks_as(aimx, offline, user, *args):
    before = open(offline["config"], "rb").read()
    r = run(as_user(user, [aimx, "hooks", *args]), env=offline["env"])
    assert open(offline["config"], "rb").read() == before
    return r


CREATE = ["create", "--event", "on_receive", "--cmd", '["/bin/true"]', "--mailbox"]


@pytest.mark.parametrize("argv", [CREATE + ["carol"], ["delete", "carol_hook", "-y"],
                                  ["delete", "carol_hook"]])
def test_non_owner_is_refused(aimx, offline, argv):
    r = hooks_as(aimx, offline, BOB, *argv)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == "Error: not authorized: caller does not own mailbox 'carol'\n"


@pytest.mark.parametrize("argv", [CREATE + ["ghost"], ["delete", "ghost_hook", "-y"]])
def test_unknown_owner_reads_as_no_such_mailbox(aimx, offline, argv):
    r = hooks_as(aimx, offline, BOB, *argv)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == "Error: not authorized: no such mailbox\n"


@pytest.mark.parametrize("argv,verb", [(CREATE + ["carol"], "create"),
                                       (["delete", "carol_hook", "-y"], "delete")])
def test_owner_passes_the_check_and_then_needs_root(aimx, offline, argv, verb):
    r = hooks_as(aimx, offline, ALICE, *argv)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == ROOT_REQUIRED.format(verb)
