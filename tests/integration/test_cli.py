"""The multicall binary as a user meets it: static linking, global flags, dispatch, help, install."""

import os
import re
import shutil
import subprocess

import pytest

from conftest import ALIASES, APPLETS, REPO_ROOT, VERSION_RE, run


def test_binary_is_statically_linked(aimx):
    assert shutil.which("file"), "file(1) is missing: scripts/bootstrap installs it"
    r = run(["file", "-L", aimx])
    assert r.returncode == 0, r.stderr
    assert "statically linked" in r.stdout, r.stdout


def test_ldd_says_not_dynamic(aimx):
    assert shutil.which("ldd"), "ldd(1) is missing"
    r = run(["ldd", aimx])
    out = r.stdout + r.stderr
    assert "not a dynamic executable" in out, f"ldd exit {r.returncode}: {out}"


def test_help_lists_every_applet(aimx):
    r = run([aimx, "--help"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: aimx"), r.stdout
    listed = {line.split()[0] for line in r.stdout.splitlines() if line.startswith("  ") and line.split()}
    missing = [a for a in APPLETS if a not in listed]
    assert not missing, f"--help does not list {missing}:\n{r.stdout}"


def test_short_help_is_the_same(aimx):
    long_help = run([aimx, "--help"])
    short_help = run([aimx, "-h"])
    assert short_help.returncode == 0
    assert short_help.stdout == long_help.stdout


def test_list_prints_exactly_the_applets(aimx):
    r = run([aimx, "--list"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == APPLETS
    assert r.stdout.endswith("\n")
    assert r.stderr == ""


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_flag(aimx, flag):
    r = run([aimx, flag])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 1, r.stdout
    assert re.match(VERSION_RE, lines[0]), lines[0]


def test_version_applet_without_daemon(aimx, isolated_env):
    # No daemon answers in the isolated runtime dir: the client line, then "not running".
    flag = run([aimx, "--version"], env=isolated_env)
    applet = run([aimx, "version"], env=isolated_env)
    assert applet.returncode == 0, applet.stderr
    assert applet.stdout == flag.stdout + "server: not running\n"
    assert re.match(VERSION_RE, applet.stdout.splitlines()[0])


def test_version_applet_rejects_arguments(aimx, isolated_env):
    r = run([aimx, "version", "extra"], env=isolated_env)
    assert r.returncode == 2
    assert r.stdout == ""


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("applet", APPLETS)
def test_applet_help(aimx, applet, flag):
    r = run([aimx, applet, flag])
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"usage: aimx {applet}"), r.stdout
    assert "not built yet" not in r.stdout
    assert r.stderr == ""


@pytest.mark.parametrize("alias,applet", sorted(ALIASES.items()))
def test_alias_reaches_applet_help(aimx, alias, applet):
    r = run([aimx, alias, "--help"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"usage: aimx {applet}"), r.stdout
    assert r.stdout == run([aimx, applet, "--help"]).stdout


def test_unknown_applet_exits_2_and_lists_applets(aimx):
    r = run([aimx, "bogus"])
    assert r.returncode == 2
    assert "bogus" in r.stderr
    for applet in APPLETS:
        assert re.search(rf"^{re.escape(applet)}$", r.stderr, re.M), f"{applet} missing:\n{r.stderr}"


def test_unknown_global_option_exits_2(aimx):
    r = run([aimx, "--bogus"])
    assert r.returncode == 2
    assert "--bogus" in r.stderr


def test_no_arguments_prints_help_and_exits_2(aimx):
    r = run([aimx])
    assert r.returncode == 2
    assert r.stdout.startswith("usage: aimx"), r.stdout


def test_symlink_dispatch(aimx, tmp_path):
    link = tmp_path / "aimx-send"
    link.symlink_to(aimx)
    r = run([link, "--help"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: aimx send"), r.stdout
    assert r.stdout == run([aimx, "send", "--help"]).stdout


def test_symlink_alias_dispatch(aimx, tmp_path):
    link = tmp_path / "aimx-hook"
    link.symlink_to(aimx)
    r = run([link, "-h"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: aimx hooks"), r.stdout


def test_symlink_to_unknown_applet_exits_2(aimx, tmp_path):
    link = tmp_path / "aimx-bogus"
    link.symlink_to(aimx)
    r = run([link, "--help"])
    assert r.returncode == 2
    assert "bogus" in r.stderr
    assert "send" in r.stderr.splitlines()


@pytest.mark.parametrize("form", ["separate", "joined"])
def test_data_dir_before_applet_is_accepted(aimx, isolated_env, tmp_path, form):
    data = tmp_path / "elsewhere"
    data.mkdir()
    args = ["--data-dir", str(data)] if form == "separate" else [f"--data-dir={data}"]
    r = run([aimx, *args, "version"], env=isolated_env)
    assert r.returncode == 0, r.stderr
    assert re.match(VERSION_RE, r.stdout.splitlines()[0]), r.stdout


def test_make_install(aimx, tmp_path):
    dest = tmp_path / "root"
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    # -o aimx: install the binary under test as it is; never rebuild it underneath the tests.
    r = run(
        ["make", "-s", "-C", REPO_ROOT, "-o", "aimx", "install", "PREFIX=/usr", f"DESTDIR={dest}"],
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr

    binary = dest / "usr/bin/aimx"
    assert binary.is_file() and not binary.is_symlink()
    assert os.access(binary, os.X_OK)
    assert binary.read_bytes() == (REPO_ROOT / "aimx").read_bytes()

    links = sorted(p.name for p in (dest / "usr/bin").iterdir() if p.name != "aimx")
    assert links == sorted(f"aimx-{a}" for a in APPLETS)
    for name in links:
        link = dest / "usr/bin" / name
        assert link.is_symlink(), name
        assert os.readlink(link) == "aimx", name

    assert (dest / "usr/share/man/man1/aimx.1").is_file()
    assert (dest / "usr/share/man/man5/aimx.toml.5").is_file()

    r = run([dest / "usr/bin/aimx-version"])
    assert r.returncode == 0, r.stderr
    assert re.match(VERSION_RE, r.stdout.splitlines()[0]), r.stdout


def test_data_dir_is_global_after_the_applet_name(aimx, isolated_env, tmp_path):
    cfg = REPO_ROOT / "tests" / "fixtures" / "config" / "upstream-minimal.toml"
    for argv in (
        [aimx, "config", "check", "--data-dir", tmp_path, "--config", cfg],
        [aimx, "config", "--data-dir=" + str(tmp_path), "check", "--config", cfg],
    ):
        r = run(argv, env=isolated_env)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("ok: ")


def test_data_dir_without_value_is_a_usage_error(aimx, isolated_env):
    r = run([aimx, "config", "check", "--data-dir"], env=isolated_env)
    assert r.returncode == 2
    assert "--data-dir needs a directory" in r.stderr
