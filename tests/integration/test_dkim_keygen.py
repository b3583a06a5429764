"""`aimx dkim-keygen`: key files, modes and formats openssl reads, the printed TXT record, the
existing-key and --force paths, and the selector saved in the config (DECISIONS 24)."""

import base64
import os
import re
import stat
import subprocess

import dkim

from conftest import run

TOOLS = os.path.join(os.path.dirname(__file__), "..", "..", "build", "tools")


def setup_config(isolated_env, extra=""):
    cfg = os.path.join(isolated_env["AIMX_CONFIG_DIR"], "config.toml")
    with open(cfg, "w") as f:
        f.write('domain = "keys.test"\ndata_dir = "%s"\n%s' % (isolated_env["AIMX_DATA_DIR"], extra))
    os.chmod(cfg, 0o640)
    return cfg


def record_of(stdout):
    m = re.search(r"^  (\S+)\n  (v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+)$", stdout, re.M)
    assert m, stdout
    return m.group(1), m.group(2)


def test_generates_keys_and_prints_the_record(aimx, isolated_env):
    setup_config(isolated_env)
    r = run([aimx, "dkim-keygen"], env=isolated_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("DKIM keypair generated successfully.\n\nAdd this DNS TXT record:\n")
    name, record = record_of(r.stdout)
    assert name == "aimx._domainkey.keys.test"
    kdir = os.path.join(isolated_env["AIMX_CONFIG_DIR"], "dkim")
    priv, pub = os.path.join(kdir, "private.key"), os.path.join(kdir, "public.key")
    assert stat.S_IMODE(os.stat(priv).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(pub).st_mode) == 0o644
    assert open(priv).read().startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    assert open(pub).read().startswith("-----BEGIN PUBLIC KEY-----\n")
    check = subprocess.run(["openssl", "rsa", "-in", priv, "-check", "-noout", "-text"],
                           capture_output=True, text=True)
    assert check.returncode == 0 and "Private-Key: (2048 bit" in check.stdout, check.stderr
    der = subprocess.run(["openssl", "rsa", "-in", priv, "-pubout", "-outform", "DER"],
                         capture_output=True, check=True).stdout
    assert record == "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()
    # a message signed with the key verifies against the printed record (dkimpy)
    msg = b"From: a@keys.test\r\nTo: b@example.org\r\nSubject: k\r\n\r\nhello\r\n"
    signed = subprocess.run([os.path.join(TOOLS, "dkim_sign"), priv, "keys.test", "aimx"],
                            input=msg, capture_output=True, check=True).stdout
    assert dkim.verify(signed, dnsfunc=lambda n, timeout=5: record.encode())


def test_existing_keys_are_kept_unless_forced(aimx, isolated_env):
    setup_config(isolated_env)
    first = record_of(run([aimx, "dkim-keygen"], env=isolated_env).stdout)
    again = run([aimx, "dkim-keygen"], env=isolated_env)
    assert again.returncode == 0
    assert "Warning: DKIM keys already exist. Use --force to overwrite." in again.stderr
    assert record_of(again.stdout) == first
    forced = run([aimx, "dkim-keygen", "--force"], env=isolated_env)
    assert forced.returncode == 0 and record_of(forced.stdout)[1] != first[1]


def test_selector_is_saved_in_the_config(aimx, isolated_env):
    cfg = setup_config(isolated_env)
    r = run([aimx, "dkim-keygen", "--selector", "s2026"], env=isolated_env)
    assert r.returncode == 0, r.stderr
    assert record_of(r.stdout)[0] == "s2026._domainkey.keys.test"
    assert 'dkim_selector = "s2026"' in open(cfg).read()
    assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o640
    # now the default: a second run prints the saved selector's record
    assert record_of(run([aimx, "dkim-keygen"], env=isolated_env).stdout)[0] == \
        "s2026._domainkey.keys.test"


def test_bad_selector_and_missing_config(aimx, isolated_env):
    setup_config(isolated_env)
    r = run([aimx, "dkim-keygen", "--selector", "bad selector!"], env=isolated_env)
    assert r.returncode == 1 and "invalid selector" in r.stderr
    os.unlink(os.path.join(isolated_env["AIMX_CONFIG_DIR"], "config.toml"))
    r = run([aimx, "dkim-keygen"], env=isolated_env)
    assert r.returncode == 1 and "config.toml" in r.stderr
