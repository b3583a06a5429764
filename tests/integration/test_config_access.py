"""Production realism for the config: a 0640 root:root config.toml read by root and by a non-root user."""

import os
import shutil

import pytest

from conftest import REPO_ROOT, run

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "config" / "upstream-minimal.toml"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create a root:root 0640 config")


@pytest.fixture
def root_config(tmp_path):
    """A config dir laid out as on a real install: dir 0755, config.toml 0640 root:root."""
    cfg_dir = tmp_path / "etc-aimx"
    cfg_dir.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(cfg_dir, 0o755)
    path = cfg_dir / "config.toml"
    shutil.copyfile(FIXTURE, path)
    os.chown(path, 0, 0)
    os.chmod(path, 0o640)
    return cfg_dir


def as_nobody(argv):
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *argv]


def test_root_reads_0640_config(aimx, root_config, isolated_env):
    isolated_env["AIMX_CONFIG_DIR"] = str(root_config)
    r = run([aimx, "config", "check"], env=isolated_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok: ")


def test_non_root_gets_clear_permission_error(aimx, root_config, isolated_env):
    isolated_env["AIMX_CONFIG_DIR"] = str(root_config)
    r = run(as_nobody([aimx, "config", "check"]), env=isolated_env)
    assert r.returncode == 1
    assert f"{root_config}/config.toml: cannot read: Permission denied" in r.stderr
    assert r.stdout == ""


def test_config_is_not_modified_by_check(aimx, root_config, isolated_env):
    path = root_config / "config.toml"
    before = path.read_bytes(), os.stat(path).st_mode
    isolated_env["AIMX_CONFIG_DIR"] = str(root_config)
    run([aimx, "config", "check"], env=isolated_env)
    assert (path.read_bytes(), os.stat(path).st_mode) == before
    assert sorted(os.listdir(root_config)) == ["config.toml"]
