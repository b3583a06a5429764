"""Shared fixtures for the integration tests: the binary under test and how to run it."""

import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# Every applet in aimx.c's table, in the order `aimx --list` prints them.
APPLETS = [
    "config",
    "dkim-keygen",
    "doctor",
    "hooks",
    "ingest",
    "logs",
    "mailboxes",
    "mcp",
    "portcheck",
    "send",
    "serve",
    "setup",
    "uninstall",
    "version",
]

ALIASES = {"mailbox": "mailboxes", "hook": "hooks"}

VERSION_RE = r"^AIMX \(AI Mail Exchange\) version \S+ \(\S+\) \S+ built \S+$"


@pytest.fixture(scope="session")
def aimx():
    """Absolute path of the binary under test, from AIMX_BIN (set by `make integration`)."""
    path = os.environ.get("AIMX_BIN")
    if not path:
        pytest.fail("AIMX_BIN is not set: run the tests with `make integration`", pytrace=False)
    path = os.path.abspath(path)
    if not os.access(path, os.X_OK):
        pytest.fail(f"AIMX_BIN={path} is not an executable file", pytrace=False)
    return path


@pytest.fixture
def isolated_env(tmp_path):
    """An environment whose config, data and runtime dirs are empty temp dirs,
    so nothing a test runs can touch /etc/aimx, /var/lib/aimx or a live daemon."""
    env = dict(os.environ)
    for name in ("config", "data", "run"):
        (tmp_path / name).mkdir()
    env["AIMX_CONFIG_DIR"] = str(tmp_path / "config")
    env["AIMX_DATA_DIR"] = str(tmp_path / "data")
    env["AIMX_RUNTIME_DIR"] = str(tmp_path / "run")
    env["NO_COLOR"] = "1"
    env.pop("CLICOLOR_FORCE", None)
    return env


def run(argv, env=None, stdin=subprocess.DEVNULL, timeout=30):
    """Run argv to completion; returns the CompletedProcess with text stdout/stderr."""
    return subprocess.run(
        [str(a) for a in argv],
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
