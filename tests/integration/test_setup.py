"""aimx setup as root with every path redirected: config, data and runtime dirs, the TLS dir,
the service dir and init system, the catchall user and home (test-only variables), dnsmasq as
the resolver, an aiosmtpd peer and the probe service of test_portcheck for port 25. Service
manager commands go to a stand-in (AIMX_TEST_SERVICE_CTL) that records them and starts or
queries a real `aimx serve` on a free port, so setup's readiness poll, its "already
configured" detection and its live-daemon port probe all meet the real daemon."""

import base64
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import time
import uuid

import pytest
from aiosmtpd.controller import Controller

from conftest import run
from daemon_fixture import free_port
from dns_fixture import DnsServer
from test_portcheck import Greeter, Probe

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="setup runs as root")

DOMAIN = "agent.setup.test"
SERVER_IP = "192.0.2.25"

CTL = """#!/bin/sh
echo "$*" >> "{root}/ctl.log"
alive() {{ [ -f "{root}/serve.pid" ] && kill -0 "$(cat "{root}/serve.pid")" 2>/dev/null; }}
case "$*" in
"systemctl restart aimx"|"rc-service aimx restart")
	if alive; then kill "$(cat "{root}/serve.pid")"; sleep 1; fi
	setsid "{aimx}" serve --bind 127.0.0.1:{port} --tls-cert "{root}/tls/cert.pem" \\
		--tls-key "{root}/tls/key.pem" >>"{root}/serve.log" 2>&1 </dev/null &
	echo $! > "{root}/serve.pid" ;;
"systemctl is-active --quiet aimx"|"rc-service aimx status")
	alive; exit $? ;;
esac
exit 0
"""


class Host:
    """A redirected host: the environment, the fake service manager and the peers."""

    def __init__(self, aimx, root, init="systemd"):
        self.aimx, self.root = aimx, root
        self.port = free_port()
        self.user = "aimxst-" + uuid.uuid4().hex[:8]
        for d in ("config", "data", "run", "units"):
            os.makedirs(os.path.join(root, d))
        ctl = os.path.join(root, "ctl")
        with open(ctl, "w") as f:
            f.write(CTL.format(root=root, aimx=aimx, port=self.port))
        os.chmod(ctl, 0o755)
        self.mx = Controller(Greeter(), hostname="127.0.0.1", port=free_port())
        self.mx.start()
        self.probe = Probe(self.port)
        self.dns = DnsServer().start()  # no records yet: every name is NXDOMAIN
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "NO_COLOR": "1",
            "AIMX_CONFIG_DIR": os.path.join(root, "config"),
            "AIMX_DATA_DIR": os.path.join(root, "data"),
            "AIMX_RUNTIME_DIR": os.path.join(root, "run"),
            "AIMX_RESOLV_CONF": self.dns.resolv_conf,
            "AIMX_TEST_TLS_DIR": os.path.join(root, "tls"),
            "AIMX_TEST_SERVICE_DIR": os.path.join(root, "units"),
            "AIMX_TEST_SERVICE_CTL": ctl,
            "AIMX_TEST_INIT": init,
            "AIMX_TEST_CATCHALL_USER": self.user,
            "AIMX_TEST_CATCHALL_HOME": os.path.join(root, "catchall-home"),
            "AIMX_TEST_PORTCHECK_PORT": str(self.port),
            "AIMX_SMTP_PORT": str(self.mx.port),
            "AIMX_TEST_SERVER_IP4": SERVER_IP,
        }

    def publish(self, dkim_value):
        """Serve the records setup asks for, all correct."""
        self.dns.clear()
        self.dns.a(DOMAIN, SERVER_IP)
        self.dns.mx(DOMAIN, DOMAIN, 10)
        self.dns.txt(DOMAIN, f"v=spf1 ip4:{SERVER_IP} -all")
        self.dns.txt(f"aimx._domainkey.{DOMAIN}", dkim_value)
        self.dns.txt(f"_dmarc.{DOMAIN}", f"v=DMARC1; p=reject; rua=mailto:postmaster@{DOMAIN}")
        self.dns.start()

    def setup(self, *args, answers=None):
        """`aimx setup` with the probe service; answers: the text typed at its prompts."""
        argv = [self.aimx, "setup", "--verify-host", f"http://127.0.0.1:{self.probe.port}", *args]
        if answers is None:
            return run(argv, env=self.env, timeout=120)
        return subprocess.run(argv, env=self.env, input=answers, capture_output=True, text=True,
                              timeout=120)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def serve_pid(self):
        try:
            return int(open(self.path("serve.pid")).read())
        except (OSError, ValueError):
            return None

    def close(self):
        pid = self.serve_pid()
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        self.mx.stop()
        self.probe.close()
        self.dns.close()
        subprocess.run(["userdel", self.user], capture_output=True)
        subprocess.run(["groupdel", self.user], capture_output=True)


@pytest.fixture
def host(aimx, tmp_path):
    os.chmod(tmp_path, 0o755)
    h = Host(aimx, str(tmp_path))
    yield h
    h.close()


def tree(*tops):
    """Bytes, mode, owner and mtime of every file and directory under tops."""
    out = {}
    for top in tops:
        for dirpath, dirs, files in os.walk(top):
            for name in [""] + dirs + files:
                p = os.path.join(dirpath, name) if name else dirpath
                st = os.lstat(p)
                data = open(p, "rb").read() if stat.S_ISREG(st.st_mode) else b""
                out[p] = (st.st_mode, st.st_uid, st.st_gid, st.st_mtime_ns, data)
    return out


def mode_owner(path):
    st = os.stat(path)
    return stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid


def dkim_value(host):
    """The DKIM TXT value for the key setup made, computed with openssl."""
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in",
                          host.path("config", "dkim", "public.key"), "-outform", "DER"],
                         capture_output=True, check=True).stdout
    return "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()


def test_fresh_setup_noninteractive(host):
    assert_no_user(host.user)
    r = host.setup("--domain", DOMAIN, "--trusted-senders", "boss@example.com, *@corp.test",
                   "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    # every test-only redirection is announced
    for var in ("AIMX_TEST_TLS_DIR", "AIMX_TEST_SERVICE_DIR", "AIMX_TEST_SERVICE_CTL",
                "AIMX_TEST_INIT", "AIMX_TEST_CATCHALL_USER", "AIMX_TEST_CATCHALL_HOME"):
        assert re.search(r"test_only_setting variable=%s " % var, r.stderr), var
    assert "Outbound port 25... [OK]" in r.stdout
    assert "Inbound port 25... [OK]" in r.stdout
    assert f"AIMX is now running at @{DOMAIN}" in r.stdout
    # the records to publish, checked once against dnsmasq, which has none of them yet
    assert re.search(r"^  A    %s +%s$" % (re.escape(DOMAIN), SERVER_IP), r.stdout, re.M)
    assert re.search(r"^  MX   %s +10 %s\.$" % (re.escape(DOMAIN), re.escape(DOMAIN)),
                     r.stdout, re.M)
    assert f"  TXT  aimx._domainkey.{DOMAIN}" in r.stdout
    assert dkim_value(host) in r.stdout
    assert "Some DNS records are not yet correct." in r.stdout

    # config: created 0640 root:root, the catchall owned by the (new) catchall user
    cfg = host.path("config", "config.toml")
    assert mode_owner(cfg) == (0o640, 0, 0)
    text = open(cfg).read()
    assert f'domain = "{DOMAIN}"' in text
    assert f'data_dir = "{host.path("data")}"' in text
    assert 'trust = "verified"' in text
    assert '"boss@example.com"' in text and '"*@corp.test"' in text
    assert f'[mailboxes.catchall]\naddress = "*@{DOMAIN}"\nowner = "{host.user}"' in text
    assert mode_owner(host.path("config")) == (0o755, 0, 0)

    # the catchall user exists and owns its folders (it was made before they were chowned)
    pw = pwd.getpwnam(host.user)
    assert pw.pw_dir == host.path("catchall-home")
    assert pw.pw_shell.endswith("nologin")
    assert mode_owner(host.path("catchall-home")) == (0o700, pw.pw_uid, pw.pw_gid)
    for folder in ("inbox", "sent"):
        assert mode_owner(host.path("data", folder, "catchall")) == (0o700, pw.pw_uid, pw.pw_gid)
    readme = open(host.path("data", "README.md")).read()
    assert readme.startswith("<!-- aimx-readme-version: 7 -->\n")

    # DKIM and TLS keys
    assert mode_owner(host.path("config", "dkim", "private.key"))[0] == 0o600
    assert mode_owner(host.path("config", "dkim", "public.key"))[0] == 0o644
    assert mode_owner(host.path("tls", "key.pem"))[0] == 0o600
    assert mode_owner(host.path("tls", "cert.pem"))[0] == 0o644

    # the unit, and what was asked of the service manager
    unit = open(host.path("units", "aimx.service")).read()
    assert mode_owner(host.path("units", "aimx.service")) == (0o644, 0, 0)
    assert f"\nExecStart={host.aimx} serve --data-dir {host.path('data')}\n" in unit
    assert f"\nReadWritePaths={host.path('data')} {host.path('config')}\n" in unit
    assert f"\nEnvironment=AIMX_CONFIG_DIR={host.path('config')}\n" in unit
    for line in ("RuntimeDirectory=aimx", "Restart=on-failure", "ProtectSystem=full",
                 "WantedBy=multi-user.target"):
        assert "\n" + line + "\n" in unit
    assert "NoNewPrivileges" not in unit.split("[Unit]")[1]
    # systemd's own parser accepts every line of it (systemd-analyze: Debian's systemd)
    if shutil.which("systemd-analyze"):
        v = run(["systemd-analyze", "verify", host.path("units", "aimx.service")])
        assert (v.returncode, v.stderr) == (0, ""), v.stderr
    calls = open(host.path("ctl.log")).read().splitlines()
    assert calls[-4:] == ["systemctl daemon-reload", "systemctl enable aimx",
                          "systemctl reset-failed aimx", "systemctl restart aimx"]
    assert "`aimx serve` is running." in r.stdout


def assert_no_user(name):
    with pytest.raises(KeyError):
        pwd.getpwnam(name)


def test_catchall_user_comes_first(host):
    """DECISIONS 27: when the user cannot be made, nothing is written for it yet."""
    host.env["PATH"] = "/nonexistent"  # neither useradd nor BusyBox adduser
    r = host.setup(DOMAIN, "--yes")
    assert r.returncode == 1
    assert f"Error: Failed to create system user '{host.user}'" in r.stderr
    assert_no_user(host.user)
    assert not os.path.exists(host.path("config", "config.toml"))
    assert not os.path.exists(host.path("data", "inbox"))
    assert not os.path.exists(host.path("catchall-home"))


def test_second_run_changes_nothing(host):
    r = host.setup(DOMAIN, "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    before = tree(host.path("config"), host.path("data"), host.path("tls"), host.path("units"),
                  host.path("catchall-home"))
    calls_before = open(host.path("ctl.log")).read()
    pid = host.serve_pid()
    host.publish(dkim_value(host))
    time.sleep(0.05)  # a rewrite would show in the mtimes
    r = host.setup(DOMAIN, "--yes", "--trusted-senders", "new@example.com")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "All DNS records verified. Your email server is ready!" in r.stdout
    assert "--trusted-senders is not applied: edit trusted_senders in" in r.stdout
    assert "Existing aimx configuration detected. Skipping install" in r.stdout
    assert "`aimx serve` is already running on port 25. Probing the live daemon." in r.stdout
    assert "Step 3 skipped (TLS certificate already exists)" in r.stdout
    assert "Step 4 skipped (existing trust policy preserved)" in r.stdout
    assert "Step 5 skipped (aimx already installed)" in r.stdout
    after = tree(host.path("config"), host.path("data"), host.path("tls"), host.path("units"),
                 host.path("catchall-home"))
    assert after == before
    assert host.serve_pid() == pid
    new_calls = open(host.path("ctl.log")).read()[len(calls_before):].split("\n")
    assert "systemctl restart aimx" not in new_calls


def test_wrong_dns_reported_with_the_fix(host):
    assert host.setup(DOMAIN, "--yes").returncode == 0
    host.publish(dkim_value(host))
    host.dns.clear()
    host.dns.a(DOMAIN, "198.51.100.7")  # someone else's address
    host.dns.mx(DOMAIN, DOMAIN, 10)
    host.dns.txt(f"_dmarc.{DOMAIN}", "v=DMARC1; p=none")
    host.dns.start()
    r = host.setup(DOMAIN, "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "  A: [FAIL]" in r.stdout
    assert re.search(r"\[>\] Add: A +%s +%s" % (re.escape(DOMAIN), SERVER_IP), r.stdout)
    assert "  MX: [OK]" in r.stdout
    assert "  DMARC: [WARN]" in r.stdout
    assert "  DKIM: [FAIL]" in r.stdout
    assert "All DNS records verified" not in r.stdout


def test_new_domain_moves_addresses_and_keeps_keys(host):
    assert host.setup(DOMAIN, "--yes").returncode == 0
    key = open(host.path("config", "dkim", "private.key"), "rb").read()
    r = host.setup("other.setup.test", "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    text = open(host.path("config", "config.toml")).read()
    assert 'domain = "other.setup.test"' in text
    assert 'address = "*@other.setup.test"' in text
    assert DOMAIN not in text
    assert mode_owner(host.path("config", "config.toml")) == (0o640, 0, 0)
    assert open(host.path("config", "dkim", "private.key"), "rb").read() == key


@pytest.mark.parametrize("domain,why", [
    ("localhost", "Domain must have at least two labels (e.g. example.com)"),
    ("-bad.example.com", "Domain label must not start or end with a hyphen: '-bad'"),
    ("bad-.example.com", "Domain label must not start or end with a hyphen: 'bad-'"),
    ("under_score.example.com", "Domain label contains invalid characters: 'under_score'"),
    ("a..example.com", "Invalid domain label: ''"),
    ("example.com.", "Invalid domain label: ''"),
    ("x" * 64 + ".example.com", "Invalid domain label: '" + "x" * 64 + "'"),
    (("a" * 60 + ".") * 4 + "example.com",
     "Domain exceeds maximum length of 253 characters"),
])
def test_domain_validation(host, domain, why):
    r = host.setup("--domain=" + domain, "--yes")
    assert r.returncode == 1
    assert f"Error: {why}" in r.stderr
    assert not os.path.exists(host.path("config", "config.toml"))


def test_broken_config_stops_before_any_change(host):
    cfg = host.path("config", "config.toml")
    with open(cfg, "w") as f:
        f.write('domain = "x.test"\n[mailboxes.a]\naddress = "a@x.test"\n')
    r = host.setup(DOMAIN, "--yes")
    assert r.returncode == 1
    assert "missing required field 'owner'" in r.stderr
    assert f"Error: fix {cfg} (or move it away)" in r.stderr
    assert os.listdir(host.path("config")) == ["config.toml"]
    assert os.listdir(host.path("data")) == []


def test_port25_blocked_stops_setup(host):
    host.env["AIMX_SMTP_PORT"] = str(free_port())  # nothing answers: outbound is blocked
    r = host.setup(DOMAIN, "--yes")
    assert r.returncode == 1
    assert "Outbound port 25... [FAIL]" in r.stdout
    assert "Inbound port 25... [OK]" in r.stdout
    assert "    - Hetzner Cloud" in r.stderr
    assert "Error: Port 25 checks failed." in r.stderr
    assert os.listdir(host.path("config")) == [] and os.listdir(host.path("data")) == []


def test_usage_errors(host):
    r = host.setup("--yes")
    assert r.returncode == 2 and "--yes needs the domain" in r.stderr
    r = host.setup("a.test", "--domain", "b.test")
    assert r.returncode == 2
    r = host.setup(DOMAIN, "--yes", "--trusted-senders", "nobody")
    assert r.returncode == 1
    assert "invalid sender 'nobody': expected exactly one '@', got 0" in r.stderr
    assert not os.path.exists(host.path("config", "config.toml"))


def test_interactive_prompts(host):
    answers = "\n".join([
        "not a domain",       # invalid: asked again
        DOMAIN, "y", "y",     # domain, confirm, DNS access
        "",                   # check DNS now (nothing published: not correct)
        "q",                  # skip the DNS check
        "bad@@x", "me@example.com", "y",  # one invalid sender, then a confirmed list
    ]) + "\n"
    r = host.setup(answers=answers)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Enter the domain you want to use for email" in r.stdout
    assert "[FAIL] Domain label contains invalid characters: 'not a domain'" in r.stdout
    assert f"Domain: {DOMAIN}" in r.stdout
    assert r.stdout.count("Press Enter to verify DNS records now.") == 2
    assert "Some DNS records are not yet correct." in r.stdout
    assert "Update your DNS records and run `aimx doctor` to re-verify." in r.stdout
    assert "[FAIL] invalid sender 'bad@@x': expected exactly one '@', got 2" in r.stdout
    text = open(host.path("config", "config.toml")).read()
    assert 'trust = "verified"' in text and '"me@example.com"' in text


def test_no_dns_access_cancels(host):
    r = host.setup(answers=f"{DOMAIN}\ny\nn\n")
    assert r.returncode == 1
    assert "Setup cancelled. You need DNS access to proceed." in r.stderr
    r = host.setup(answers="\n")
    assert r.returncode == 1 and "No domain entered. Setup cancelled." in r.stderr


def test_openrc_script(aimx, tmp_path):
    os.chmod(tmp_path, 0o755)
    h = Host(aimx, str(tmp_path), init="openrc")
    try:
        r = h.setup(DOMAIN, "--yes")
        assert r.returncode == 0, r.stdout + r.stderr
        script = open(h.path("units", "aimx")).read()
        assert mode_owner(h.path("units", "aimx")) == (0o755, 0, 0)
        assert script.startswith("#!/sbin/openrc-run\n")
        assert f"\ncommand={aimx}\n" in script
        assert f'\ncommand_args="serve --data-dir {h.path("data")}"\n' in script
        assert "checkpath -d -m 0755 -o root:root /run/aimx" in script
        # openrc-run sources it with /bin/sh: it must parse as POSIX sh
        v = run(["sh", "-n", h.path("units", "aimx")])
        assert (v.returncode, v.stderr) == (0, ""), v.stderr
        calls = open(h.path("ctl.log")).read().splitlines()
        assert calls[-2:] == ["rc-update add aimx default", "rc-service aimx restart"]
    finally:
        h.close()


def test_not_root(host):
    r = run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", host.aimx,
             "setup", DOMAIN, "--yes"], env=host.env)
    assert r.returncode == 1
    assert "`aimx setup` requires root." in r.stderr


def test_certificate_openssl_and_starttls(host):
    r = host.setup(DOMAIN, "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    cert = host.path("tls", "cert.pem")
    text = run(["openssl", "x509", "-in", cert, "-text", "-noout"]).stdout
    assert f"Subject: CN = {DOMAIN}" in text
    assert f"DNS:{DOMAIN}" in text
    assert "sha256WithRSAEncryption" in text and "Public-Key: (2048 bit)" in text
    # the daemon setup started serves STARTTLS with it: openssl s_client ...
    s = subprocess.run(["openssl", "s_client", "-starttls", "smtp", "-connect",
                        f"127.0.0.1:{host.port}", "-servername", DOMAIN, "-CAfile", cert,
                        "-verify_hostname", DOMAIN, "-verify_return_error"],
                       input="QUIT\n", capture_output=True, text=True, timeout=30)
    assert "Verify return code: 0 (ok)" in s.stdout, s.stdout + s.stderr
    # ... and Python's ssl module, checking the chain and the name
    ctx = ssl.create_default_context(cafile=cert)
    with socket.create_connection(("127.0.0.1", host.port), timeout=30) as raw:
        f = raw.makefile("rb")
        assert f.readline().startswith(b"220 ")
        raw.sendall(b"EHLO client.test\r\n")
        while not f.readline().startswith(b"250 "):
            pass
        raw.sendall(b"STARTTLS\r\n")
        assert f.readline().startswith(b"220 ")
        with ctx.wrap_socket(raw, server_hostname=DOMAIN) as tls:
            assert tls.getpeercert()["subject"] == ((("commonName", DOMAIN),),)
            tls.sendall(b"EHLO client.test\r\n")
            assert tls.recv(4096).startswith(b"250")
