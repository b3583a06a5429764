"""`aimx logs`: journalctl under systemd (a recording journalctl on PATH), the OpenRC log files
and /var/log/messages under a test log root (AIMX_TEST_LOG_DIR, test-only), the follow error
off systemd, the hint on failure, and usage errors."""

import os

import pytest

from conftest import run

HINT = "If you are on systemd, run `journalctl -u aimx` directly."


@pytest.fixture
def openrc(isolated_env, tmp_path):
    root = tmp_path / "log"
    (root / "aimx").mkdir(parents=True)
    env = dict(isolated_env, AIMX_TEST_INIT="openrc", AIMX_TEST_LOG_DIR=str(root))
    return env, root


def test_openrc_log_files_tail_in_name_order(aimx, openrc):
    env, root = openrc
    (root / "aimx" / "aimx.log").write_text("a1\na2\na3\n")
    (root / "aimx" / "0-old.log").write_text("o1\no2\n")
    (root / "aimx" / "notes.txt").write_text("not a log\n")
    (root / "messages").write_text("syslog line\n")
    r = run([aimx, "logs", "-n", "4"], env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "o2\na1\na2\na3\n"
    r = run([aimx, "logs", "--lines=1"], env=env)
    assert r.stdout == "a3\n"
    r = run([aimx, "logs"], env=env)
    assert r.stdout == "o1\no2\na1\na2\na3\n"
    assert "test_only_setting" in r.stderr and "AIMX_TEST_LOG_DIR" in r.stderr


def test_default_is_the_last_50_lines(aimx, openrc):
    env, root = openrc
    (root / "aimx" / "aimx.log").write_text("".join("line %d\n" % i for i in range(80)))
    r = run([aimx, "logs"], env=env)
    assert r.stdout.splitlines() == ["line %d" % i for i in range(30, 80)]


def test_messages_when_no_log_files(aimx, openrc):
    env, root = openrc
    (root / "aimx" / "aimx.log").write_text("")
    (root / "messages").write_text("m1\nm2\nm3 without newline")
    r = run([aimx, "logs", "-n", "2"], env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "m2\nm3 without newline\n"


def test_nothing_to_read_fails_with_hint(aimx, openrc):
    env, root = openrc
    r = run([aimx, "logs"], env=env)
    assert r.returncode == 1
    assert r.stdout == ""
    assert HINT in r.stderr
    assert ("Error: no log source found for unit 'aimx': checked %s/aimx/*.log and %s/messages"
            % (root, root)) in r.stderr
    assert r.stderr.index(HINT) < r.stderr.index("Error:")


def test_follow_is_an_error_off_systemd(aimx, openrc):
    env, root = openrc
    (root / "aimx" / "aimx.log").write_text("a\n")
    r = run([aimx, "logs", "-f"], env=env)
    assert r.returncode == 1
    assert r.stdout == ""
    assert "Error: log follow is only supported on systemd" in r.stderr


@pytest.fixture
def systemd(isolated_env, tmp_path):
    """AIMX_TEST_INIT=systemd and a PATH holding only a journalctl that records its argv."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    record = tmp_path / "argv"
    script = bindir / "journalctl"
    script.write_text('#!/bin/sh\nprintf "%%s\\n" "$@" > %s\necho "journal line"\n'
                      'exit "${JOURNAL_RC:-0}"\n' % record)
    script.chmod(0o755)
    env = dict(isolated_env, AIMX_TEST_INIT="systemd", PATH=str(bindir))
    return env, record


def test_systemd_runs_journalctl(aimx, systemd):
    env, record = systemd
    r = run([aimx, "logs", "-n", "7"], env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "journal line\n"
    assert record.read_text().split() == ["-u", "aimx", "-n", "7", "--no-pager"]
    r = run([aimx, "logs"], env=env)
    assert record.read_text().split() == ["-u", "aimx", "-n", "50", "--no-pager"]
    r = run([aimx, "logs", "--follow"], env=env)
    assert r.returncode == 0, r.stderr
    assert record.read_text().split() == ["-f", "-u", "aimx"]


def test_systemd_journalctl_failure(aimx, systemd):
    env, record = systemd
    r = run([aimx, "logs"], env=dict(env, JOURNAL_RC="1"))
    assert r.returncode == 1
    assert HINT in r.stderr and "Error: journalctl exited non-zero" in r.stderr


def test_systemd_without_journalctl(aimx, systemd, tmp_path):
    env, record = systemd
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run([aimx, "logs"], env=dict(env, PATH=str(empty)))
    assert r.returncode == 1
    assert "Error: journalctl not found" in r.stderr


@pytest.mark.parametrize("argv", [["-n", "abc"], ["-n", "-3"], ["-n"], ["extra"], ["--bogus"]])
def test_usage_errors(aimx, openrc, argv):
    env, root = openrc
    r = run([aimx, "logs", *argv], env=env)
    assert r.returncode == 2, (argv, r.stdout, r.stderr)


def test_help(aimx, isolated_env):
    r = run([aimx, "logs", "--help"], env=isolated_env)
    assert r.returncode == 0
    assert "usage: aimx logs [-n N] [-f]" in r.stdout
