"""aimx uninstall as root on a redirected host: the unit or script lives in a temp service dir
(AIMX_TEST_SERVICE_DIR), service manager commands go to a recording stand-in
(AIMX_TEST_SERVICE_CTL), and the binary removed is a copy of the one under test."""

import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="uninstall runs as root")

CTL = '#!/bin/sh\necho "$*" >> "{log}"\nexit 0\n'


@pytest.fixture
def box(aimx, tmp_path, isolated_env):
    """A copy of aimx to remove, a service dir, a recording service manager."""
    os.chmod(tmp_path, 0o755)
    (tmp_path / "bin").mkdir()
    (tmp_path / "units").mkdir()
    binary = tmp_path / "bin" / "aimx"
    shutil.copy2(aimx, binary)
    ctl = tmp_path / "ctl"
    ctl.write_text(CTL.format(log=tmp_path / "ctl.log"))
    ctl.chmod(0o755)
    env = dict(isolated_env)
    env.update({"AIMX_TEST_SERVICE_DIR": str(tmp_path / "units"),
                "AIMX_TEST_SERVICE_CTL": str(ctl), "AIMX_TEST_INIT": "systemd"})
    env.pop("AIMX_DATA_DIR")
    (tmp_path / "config" / "config.toml").write_text(
        f'domain = "u.test"\ndata_dir = "{tmp_path}/mail"\n')
    return tmp_path, binary, env


def uninstall(binary, env, *args, answers=None):
    return subprocess.run([str(binary), "uninstall", *args], env=env, input=answers or "",
                          capture_output=True, text=True, timeout=60)


def calls(root):
    log = root / "ctl.log"
    return log.read_text().splitlines() if log.exists() else []


def test_systemd_unit_and_binary_removed(box):
    root, binary, env = box
    unit = root / "units" / "aimx.service"
    unit.write_text("[Unit]\n")
    r = uninstall(binary, env, "-y")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not unit.exists() and not binary.exists()
    assert calls(root) == ["systemctl stop aimx", "systemctl disable aimx",
                           "systemctl daemon-reload", "systemctl reset-failed aimx"]
    assert f"delete {binary}." in r.stdout
    assert f"Config ({root}/config) and mailbox data ({root}/mail) will be kept." in r.stdout
    assert "Uninstall complete." in r.stdout
    assert f"Removed binary: {binary}\n" in r.stdout
    assert f"To wipe config and data manually: sudo rm -rf {root}/config {root}/mail\n" in r.stdout
    assert (root / "config" / "config.toml").exists()
    assert "test_only_setting variable=AIMX_TEST_SERVICE_DIR" in r.stderr


def test_openrc_script_removed(box):
    root, binary, env = box
    env["AIMX_TEST_INIT"] = "openrc"
    script = root / "units" / "aimx"
    script.write_text("#!/sbin/openrc-run\n")
    r = uninstall(binary, env, "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not script.exists() and not binary.exists()
    assert calls(root) == ["rc-service aimx stop", "rc-update del aimx default"]


def test_prompt_yes_and_no(box):
    root, binary, env = box
    (root / "units" / "aimx.service").write_text("[Unit]\n")
    for answer in ("n\n", "\n", "yes\n"):
        r = uninstall(binary, env, answers=answer)
        assert r.returncode == 1
        assert "Proceed with uninstall? (y/N) " in r.stdout
        assert "Error: Uninstall cancelled." in r.stderr
        assert binary.exists() and (root / "units" / "aimx.service").exists()
        assert calls(root) == []
    r = uninstall(binary, env, answers="y\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not binary.exists()


def test_no_unit_installed(box):
    root, binary, env = box
    r = uninstall(binary, env, "-y")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "aimx.service is not installed; skipping service teardown." in r.stdout
    assert calls(root) == []
    assert not binary.exists()


def test_unknown_init_system(box):
    root, binary, env = box
    env["AIMX_TEST_INIT"] = "none"
    r = uninstall(binary, env, "-y")
    assert r.returncode == 1
    assert "Could not detect init system (systemd or OpenRC)" in r.stderr
    assert binary.exists()


def test_root_only_and_usage(box):
    root, binary, env = box
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        str(binary), "uninstall", "-y"], env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 1
    assert "`aimx uninstall` requires root. Run with: sudo aimx uninstall" in r.stderr
    assert uninstall(binary, env, "--force").returncode == 2
    assert binary.exists()
