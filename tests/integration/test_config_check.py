"""test_config_check.py: `aimx config check` on upstream-written and broken config files."""
import os
import pwd
import re
import shutil
import subprocess
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("AIMX_BIN", os.path.join(ROOT, "aimx"))
FIX = os.path.join(ROOT, "tests", "fixtures", "config")

# (fixture, domain, mailboxes, hooks)
GOOD = [
    ("upstream-minimal.toml", "agent.example.com", 1, 0),
    ("upstream-verified.toml", "mail.example.org", 4, 0),
    ("upstream-hooks.toml", "agent.example.com", 3, 3),
    ("upstream-full.toml", "agent.example.com", 3, 3),
    ("handedit-defaults.toml", "example.net", 2, 1),
]

# fixture -> [(line, key, message substring)], every one must be printed. A key of None
# means the KEY part may be left out (legacy table headers are not keys of the model).
BAD = {
    "bad-multi.toml": [
        (3, "trust", "invalid top-level trust value 'verfied'"),
        (4, "trusted_sender", "unknown key"),
        (15, "mailboxes.support.owner", "has invalid owner 'Support'"),
        (19, "mailboxes.support.hooks[0].cmd", "non-absolute `cmd[0]` 'notify-send'"),
        (23, "mailboxes.support.hooks[0].timeout_secs", "must be > 0"),
    ],
    "bad-legacy.toml": [
        (11, "mailboxes.support.hooks[0].run_as", "the field was removed"),
        (12, "mailboxes.support.hooks[0].dangerously_support_untrusted", "fire_on_untrusted"),
        (13, "mailboxes.support.hooks[0].stdin", "hook 'old_style' carries removed field 'stdin'"),
        (15, None, "template hooks were removed"),
    ],
    "bad-owners-hooks.toml": [
        (8, "mailboxes.catchall.owner", "has owner='root' but allow_root_catchall=false"),
        (10, "mailboxes.catchall.hooks", "catchall does not support hooks"),
        (17, "mailboxes.alice.owner", "cannot be owned by root"),
        (18, "mailboxes.alice.allow_root_catchall", "is not a catchall"),
        (29, "mailboxes.bob.hooks[0].fire_on_untrusted", "on_receive only"),
        (32, "mailboxes.bob.hooks[1].name", "duplicate hook name 'notify'"),
    ],
}


def run(args, env=None, **kw):
    e = dict(os.environ)
    e.pop("AIMX_CONFIG_DIR", None)
    e["NO_COLOR"] = "1"
    if env:
        e.update(env)
    return subprocess.run([BIN] + args, env=e, capture_output=True, text=True, timeout=30, **kw)


def ok_line(domain, mailboxes, hooks):
    return re.compile(
        r"^ok: %s, %d mailbox(es)?, %d hooks?$" % (re.escape(domain), mailboxes, hooks), re.M
    )


@pytest.fixture
def cfgdir(tmp_path):
    d = tmp_path / "etc-aimx"
    d.mkdir()
    return d


@pytest.mark.parametrize("name,domain,mailboxes,hooks", GOOD)
def test_good_fixture_is_ok(cfgdir, name, domain, mailboxes, hooks):
    path = cfgdir / "config.toml"
    shutil.copy(os.path.join(FIX, name), path)
    os.chmod(path, 0o640)
    p = run(["config", "check", "--config", str(path)])
    assert p.returncode == 0, p.stderr
    assert ok_line(domain, mailboxes, hooks).search(p.stdout), (p.stdout, p.stderr)


def test_root_catchall_warning_is_not_an_error(cfgdir):
    path = cfgdir / "config.toml"
    shutil.copy(os.path.join(FIX, "upstream-full.toml"), path)
    p = run(["config", "check", "--config", str(path)])
    assert p.returncode == 0, p.stderr
    assert "allow_root_catchall" in p.stderr, p.stderr


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_fixture_lists_every_error(cfgdir, name):
    path = cfgdir / name
    shutil.copy(os.path.join(FIX, name), path)
    p = run(["config", "check", "--config", str(path)])
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert not re.search(r"^ok", p.stdout, re.M), p.stdout
    lines = p.stderr.splitlines()
    for line, key, msg in BAD[name]:
        prefix = "%s:%d: " % (path, line) + ("%s: " % key if key else "")
        hits = [l for l in lines if l.startswith(prefix)]
        assert hits, "missing %r...%r in:\n%s" % (prefix, msg, p.stderr)
        assert any(msg in l for l in hits), "no %r in %r" % (msg, hits)
    # Every error is one `FILE:LINE: KEY: MESSAGE` line (LINE and KEY may be absent).
    errors = [l for l in lines if l.startswith(str(path) + ":")]
    assert len(errors) >= len(BAD[name])
    for l in errors:
        assert re.match(r"^%s:(\d+: )?(\S+: )?\S" % re.escape(str(path)), l), l


def test_relative_path_is_printed_as_given(cfgdir):
    shutil.copy(os.path.join(FIX, "bad-multi.toml"), cfgdir / "c.toml")
    p = run(["config", "check", "--config", "c.toml"], cwd=str(cfgdir))
    assert p.returncode == 1
    assert re.search(r"^c\.toml:3: trust: invalid top-level trust value 'verfied'", p.stderr, re.M), p.stderr


def test_default_path_comes_from_aimx_config_dir(cfgdir):
    shutil.copy(os.path.join(FIX, "upstream-hooks.toml"), cfgdir / "config.toml")
    p = run(["config", "check"], env={"AIMX_CONFIG_DIR": str(cfgdir)})
    assert p.returncode == 0, p.stderr
    assert ok_line("agent.example.com", 3, 3).search(p.stdout), p.stdout

    shutil.copy(os.path.join(FIX, "bad-multi.toml"), cfgdir / "config.toml")
    p = run(["config", "check"], env={"AIMX_CONFIG_DIR": str(cfgdir)})
    assert p.returncode == 1
    assert "%s:3: trust: " % (cfgdir / "config.toml") in p.stderr, p.stderr


def test_missing_file(cfgdir):
    missing = cfgdir / "nope.toml"
    p = run(["config", "check", "--config", str(missing)])
    assert p.returncode == 1
    assert "Config file not found at %s. Run 'sudo aimx setup' first" % missing in p.stderr, p.stderr
    assert not re.search(r"^ok", p.stdout, re.M)

    p = run(["config", "check"], env={"AIMX_CONFIG_DIR": str(cfgdir)})
    assert p.returncode == 1
    assert "Config file not found at %s. Run 'sudo aimx setup' first" % (cfgdir / "config.toml") in p.stderr


def test_directory_is_an_io_error(cfgdir):
    p = run(["config", "check", "--config", str(cfgdir)])
    assert p.returncode == 1
    assert "Is a directory" in p.stderr, p.stderr
    assert "not found" not in p.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a root:root 0640 config")
def test_unprivileged_user_cannot_read_root_config():
    # Production shape: the config is 0640 root:root in a world-readable directory; a plain
    # user gets the system's EACCES words, not "not found" and not a parse of nothing.
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no 'nobody' user")
    if not shutil.which("setpriv"):
        pytest.skip("no setpriv")
    d = tempfile.mkdtemp(prefix="aimx-cfgcheck-", dir="/tmp")
    try:
        os.chmod(d, 0o755)
        path = os.path.join(d, "config.toml")
        shutil.copy(os.path.join(FIX, "upstream-minimal.toml"), path)
        os.chown(path, 0, 0)
        os.chmod(path, 0o640)
        binary = os.path.join(d, "aimx")
        shutil.copy(os.path.realpath(BIN), binary)
        os.chmod(binary, 0o755)
        p = subprocess.run(
            ["setpriv", "--reuid=%d" % nobody.pw_uid, "--regid=%d" % nobody.pw_gid,
             "--clear-groups", binary, "config", "check", "--config", path],
            capture_output=True, text=True, timeout=30,
            env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        )
        assert p.returncode == 1, (p.stdout, p.stderr)
        assert "Permission denied" in p.stderr, p.stderr
        assert "not found" not in p.stderr
        # The same file is fine for root.
        p = run(["config", "check", "--config", path])
        assert p.returncode == 0, p.stderr
    finally:
        shutil.rmtree(d)
