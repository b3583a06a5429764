"""`aimx doctor` against a root daemon with a 0640 root:root config: a healthy install (every
section, DNS served by dnsmasq, exit 0) and broken ones (daemon down, missing DKIM key,
wrong DNS, unresolvable owners, folder owner/group/mode drift, a file for a folder, orphan
storage and config, a missing catchall user, a legacy aimx-hook user), each finding and its
fix asserted with the exit status."""

import grp
import os
import pwd
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import run
from daemon_fixture import DOMAIN, Daemon, as_user, cleanup
from dns_fixture import DnsServer

SERVER_IP = "192.0.2.25"


def make_folder(path, owner, mode=0o700, group=None):
    os.makedirs(path, exist_ok=True)
    pw = pwd.getpwnam(owner)
    os.chown(path, pw.pw_uid, grp.getgrnam(group).gr_gid if group else pw.pw_gid)
    os.chmod(path, mode)


def dkim_record(daemon):
    r = run([daemon.aimx, "dkim-keygen"], env=daemon.env)
    assert r.returncode == 0, r.stderr
    m = re.search(r"^  (v=DKIM1; k=rsa; p=\S+)$", r.stdout, re.M)
    assert m, r.stdout
    return m.group(1)


def publish_good(dns, dkim):
    dns.clear()
    dns.a(DOMAIN, SERVER_IP)
    dns.mx(DOMAIN, DOMAIN, 10)
    dns.txt(DOMAIN, "v=spf1 ip4:%s -all" % SERVER_IP)
    dns.txt("aimx._domainkey." + DOMAIN, dkim)
    dns.txt("_dmarc." + DOMAIN, "v=DMARC1; p=reject; rua=mailto:postmaster@" + DOMAIN)
    dns.start()


@pytest.fixture
def install(aimx):
    """A running daemon with its mailbox folders, DKIM key and correct DNS records."""
    root = tempfile.mkdtemp(prefix="aimx-doctor-", dir="/tmp")
    daemon = Daemon(aimx, root)
    for name, owner in (("alice", "aimxit-alice"), ("bob", "aimxit-bob"),
                        ("catchall", "aimx-catchall")):
        for kind in ("inbox", "sent"):
            make_folder(os.path.join(daemon.data, kind, name), owner)
    dns = DnsServer()
    daemon.dkim = dkim_record(daemon)
    publish_good(dns, daemon.dkim)
    daemon.doctor_env = dict(daemon.env, AIMX_RESOLV_CONF=dns.resolv_conf,
                             AIMX_TEST_SERVER_IP4=SERVER_IP, AIMX_TEST_SERVER_IP6="none")
    daemon.dns = dns
    try:
        yield daemon
    finally:
        dns.close()
        if daemon.proc.poll() is None:
            daemon.stop()
        cleanup(root)


def doctor(daemon, prefix=()):
    return run([*prefix, daemon.aimx, "doctor"], env=daemon.doctor_env, timeout=120)


def section(out, name):
    """The lines of one report section (from its header to the next blank line)."""
    m = re.search(r"^%s\n(.*?)(?:\n\n|\Z)" % re.escape(name), out, re.M | re.S)
    assert m, "no %s section in:\n%s" % (name, out)
    return m.group(1)


def checks(out):
    return out[out.index("\nChecks\n"):]


def finding(out, badge, message, fix=None):
    """The Checks section holds "  [badge] message" (and the fix on the next line)."""
    text = checks(out)
    line = "  [%s] %s\n" % (badge, message)
    assert line in text, "missing %r in:\n%s" % (line, text)
    if fix is not None:
        assert line + "        [>] " + fix + "\n" in text, text


def test_healthy_install(install):
    r = doctor(install)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    conf = section(out, "Configuration")
    assert "Domain:           %s\n" % DOMAIN in conf
    assert "Config file:      %s\n" % install.config in conf
    assert "Data directory:   %s\n" % install.data in conf
    assert "DKIM selector:    aimx\n" in conf
    assert "DKIM key:         present\n" in conf
    assert "Global trust:     none\n" in conf
    assert conf.endswith("Trusted senders:  (none)")
    svc = section(out, "Service")
    assert "SMTP server:      running\n" in svc
    client = re.search(r"^Client version:   (\S+ \(\S+\))$", svc, re.M).group(1)
    assert "Server version:   %s" % client in svc
    mb = out[out.index("\nMailboxes\n"):out.index("\nOwnership\n")]
    assert "Total:            3 (0 messages, 0 unread)\n" in mb
    assert "  | Mailbox  | Address       | Total | Unread | Trust | Senders | Hooks |\n" in mb
    assert "  | alice    | alice@it.test |     0 |      0 | none  |       0 |     0 |\n" in mb
    own = section(out, "Ownership")
    alice_uid = pwd.getpwnam("aimxit-alice").pw_uid
    assert re.search(r"^  alice     owner=aimxit-alice  \[OK\]  uid=%d$" % alice_uid, own, re.M)
    assert "catchall" not in own
    assert section(out, "DNS") == ("  A: [OK]\n  MX: [OK]\n  SPF: [OK]\n  DKIM: [OK]\n"
                                   "  DMARC: [OK]")
    assert "Run `aimx logs`" in section(out, "Logs")
    assert checks(out) == "\nChecks\n  All checks passed.\n"
    assert "Error" not in r.stderr


def test_counts_messages_in_inboxes(install):
    inbox = os.path.join(install.data, "inbox", "alice")
    with open(os.path.join(inbox, "2025-01-01-000000-a.md"), "w") as f:
        f.write('+++\nid = "a"\nread = false\n+++\nhi\n')
    with open(os.path.join(inbox, "2025-01-02-000000-b.md"), "w") as f:
        f.write('+++\nid = "b"\nread = true\n+++\nhi\n')
    r = doctor(install)
    assert "Total:            3 (2 messages, 1 unread)\n" in r.stdout
    assert "  | alice    | alice@it.test |     2 |      1 |" in r.stdout


def test_daemon_down_and_missing_dkim_key(install):
    install.stop()
    os.unlink(os.path.join(install.cfg_dir, "dkim", "private.key"))
    os.unlink(os.path.join(install.cfg_dir, "dkim", "public.key"))
    r = doctor(install)
    svc = section(r.stdout, "Service")
    assert "SMTP server:      not running\n" in svc
    assert "Server version:   (daemon not running)" in svc
    assert "DKIM key:         MISSING - run `sudo aimx dkim-keygen`\n" in r.stdout
    # without a local key the published record is only checked to exist
    assert "  DKIM: [OK]\n" in section(r.stdout, "DNS")
    assert r.returncode == 0, r.stdout + r.stderr


def test_stale_pid_file_is_not_running(install):
    pid_file = os.path.join(install.run_dir, "aimx.pid")
    install.stop()
    dead = subprocess.Popen(["true"])
    dead.wait()
    with open(pid_file, "w") as f:
        f.write("%d\n" % dead.pid)
    r = doctor(install)
    assert "SMTP server:      not running\n" in r.stdout


def test_wrong_dns(install):
    dns = install.dns
    dns.clear()
    dns.a(DOMAIN, "198.51.100.9")
    dns.txt(DOMAIN, "v=spf1 ip4:198.51.100.9 -all")
    dns.txt("aimx._domainkey." + DOMAIN, "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A")
    dns.txt("_dmarc." + DOMAIN, "v=DMARC1; p=none")
    dns.start()
    r = doctor(install)
    got = section(r.stdout, "DNS")
    assert got == (
        "  A: [FAIL] - A record points to [198.51.100.9], expected %s\n"
        "         [>] Add: A  %s  %s\n"
        "  MX: [FAIL] - No MX record found\n"
        "         [>] Add: MX  %s  10 %s.\n"
        "  SPF: [FAIL] - SPF record found but does not include %s: "
        "[\"v=spf1 ip4:198.51.100.9 -all\"]\n"
        "         [>] Add: TXT  %s  v=spf1 ip4:%s -all\n"
        "  DKIM: [FAIL] - DKIM record found but public key does not match local key\n"
        "         [>] Add: TXT  aimx._domainkey.%s  %s\n"
        "         !! Outbound DKIM signatures will FAIL verification at receivers until DNS "
        "matches.\n"
        "  DMARC: [WARN] - DMARC record uses p=none (no enforcement). Consider p=quarantine "
        "or p=reject for production."
        % (SERVER_IP, DOMAIN, SERVER_IP, DOMAIN, DOMAIN, SERVER_IP, DOMAIN, SERVER_IP,
           DOMAIN, install.dkim))
    # DNS verdicts are reported, not findings: the exit status stays 0
    assert r.returncode == 0, r.stdout + r.stderr


def test_no_server_ip_skips_dns(install):
    install.doctor_env["AIMX_TEST_SERVER_IP4"] = "none"
    r = doctor(install)
    assert section(r.stdout, "DNS") == "  skipped - could not determine server IP"


def test_folder_drift_orphans_and_fixes(install):
    data = install.data
    bob_inbox = os.path.join(data, "inbox", "bob")
    bob_sent = os.path.join(data, "sent", "bob")
    alice_inbox = os.path.join(data, "inbox", "alice")
    alice_sent = os.path.join(data, "sent", "alice")
    catchall_sent = os.path.join(data, "sent", "catchall")
    os.chmod(bob_inbox, 0o755)
    make_folder(bob_sent, "aimxit-alice")
    make_folder(alice_inbox, "aimxit-alice", group="root")
    os.rmdir(alice_sent)
    open(alice_sent, "w").close()
    os.rmdir(catchall_sent)
    make_folder(os.path.join(data, "inbox", "stale"), "aimxit-bob")
    r = doctor(install)
    out = r.stdout
    alice = pwd.getpwnam("aimxit-alice")
    bob = pwd.getpwnam("aimxit-bob")
    alice_group = grp.getgrgid(alice.pw_gid).gr_name
    bob_group = grp.getgrgid(bob.pw_gid).gr_name
    catchall_group = grp.getgrgid(pwd.getpwnam("aimx-catchall").pw_gid).gr_name
    finding(out, "WARN", "mailbox 'alice' inbox dir group gid 0 does not match owner "
            "'aimxit-alice' primary gid %d" % alice.pw_gid,
            "chgrp the directory: `sudo chgrp -R %s %s`" % (alice_group, alice_inbox))
    finding(out, "FAIL", "mailbox 'alice' sent path is not a directory: %s" % alice_sent,
            "move the file away (`sudo mv %s %s.bak`), then `sudo install -d -m 0700 -o "
            "aimxit-alice -g %s %s`" % (alice_sent, alice_sent, alice_group, alice_sent))
    finding(out, "WARN", "mailbox 'bob' inbox dir mode is 0755, expected 0700",
            "tighten permissions: `sudo chmod 0700 %s`" % bob_inbox)
    finding(out, "FAIL", "mailbox 'bob' sent dir is owned by uid %d but config owner "
            "'aimxit-bob' resolves to uid %d" % (alice.pw_uid, bob.pw_uid),
            "chown the directory: `sudo chown -R aimxit-bob:%s %s`" % (bob_group, bob_sent))
    finding(out, "FAIL", "mailbox 'catchall' sent directory is missing: %s" % catchall_sent,
            "create it: `sudo install -d -m 0700 -o aimx-catchall -g %s %s`"
            % (catchall_group, catchall_sent))
    finding(out, "WARN", "storage directory `inbox/stale/` has no matching mailbox in "
            "config.toml", "remove the stale directory (`sudo rm -r %s/inbox/stale`) or add "
            "a matching `[mailboxes.stale]` block to config.toml" % data)
    assert "  Summary: 3 fail, 3 warn, 0 info\n" in out
    assert r.returncode == 1
    assert "Error: aimx doctor found failing checks (see Checks section above)" in r.stderr

    # every fix, run as printed, clears its finding
    fixes = re.findall(r"`(sudo [^`]+)`", checks(out))
    for cmd in fixes:
        if "rm -r" in cmd or "aimx " in cmd:
            continue
        subprocess.run(cmd[len("sudo "):], shell=True, check=True)
    shutil.rmtree(os.path.join(data, "inbox", "stale"))
    again = doctor(install)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "All checks passed." in again.stdout


def add_mailbox(install, name, owner):
    with open(install.config, "a") as f:
        f.write('\n[mailboxes.%s]\naddress = "%s@%s"\nowner = "%s"\n' % (name, name, DOMAIN,
                                                                         owner))


def test_unresolvable_owner_exits_1(install):
    add_mailbox(install, "ghost", "aimxit-nosuchuser")
    r = doctor(install)
    out = r.stdout
    own = section(out, "Ownership")
    assert re.search(r"^  ghost     owner=aimxit-nosuchuser  \[FAIL\]  user not found$", own,
                     re.M)
    fix = ("create the user (`sudo useradd --system --no-create-home --user-group "
           "aimxit-nosuchuser`) or remove the mailbox (`sudo aimx mailboxes delete ghost "
           "--yes`)")
    finding(out, "WARN", "mailbox 'ghost' owner 'aimxit-nosuchuser' does not resolve via "
            "getpwnam", fix)
    finding(out, "WARN", "config load: mailbox 'ghost' owner 'aimxit-nosuchuser' is orphan",
            fix)
    finding(out, "WARN", "mailbox 'ghost' has a config entry but no storage directories "
            "(inbox/sent both missing)",
            "remove the mailbox: `sudo aimx mailboxes delete ghost --yes`")
    assert "  Summary: 0 fail, 3 warn, 0 info\n" in out
    assert r.returncode == 1
    assert ("Error: aimx doctor found mailboxes with unresolvable owners (see Ownership "
            "section)") in r.stderr
    # the fix that is printed works: the daemon removes the mailbox
    gone = run([install.aimx, "mailboxes", "delete", "ghost", "--yes"], env=install.env)
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert doctor(install).returncode == 0


def test_orphan_config_of_a_resolvable_owner(install):
    add_mailbox(install, "carol", "aimxit-bob")
    r = doctor(install)
    inbox = os.path.join(install.data, "inbox", "carol")
    sent = os.path.join(install.data, "sent", "carol")
    group = grp.getgrgid(pwd.getpwnam("aimxit-bob").pw_gid).gr_name
    finding(r.stdout, "WARN", "mailbox 'carol' has a config entry but no storage directories "
            "(inbox/sent both missing)",
            "provision storage: `sudo install -d -m 0700 -o aimxit-bob -g %s %s %s`, or "
            "remove the mailbox: `sudo aimx mailboxes delete carol --yes`"
            % (group, inbox, sent))
    finding(r.stdout, "FAIL", "mailbox 'carol' inbox directory is missing: %s" % inbox)
    assert r.returncode == 1


def with_passwd(install, edit):
    """argv prefix running doctor in a mount namespace where /etc/passwd is edited."""
    path = os.path.join(install.root, "passwd")
    with open("/etc/passwd") as f:
        lines = f.read().splitlines(True)
    with open(path, "w") as f:
        f.write("".join(edit(lines)))
    return ["unshare", "-m", "sh", "-c", 'mount --bind "$0" /etc/passwd && exec "$@"', path]


def test_missing_catchall_user_and_legacy_hook_user(install):
    def edit(lines):
        kept = [l for l in lines if not l.startswith("aimx-catchall:")]
        return kept + ["aimx-hook:x:4242:4242::/nonexistent:/usr/sbin/nologin\n"]
    r = doctor(install, prefix=with_passwd(install, edit))
    out = r.stdout
    finding(out, "FAIL", "catchall mailbox is configured with owner 'aimx-catchall' but that "
            "system user does not resolve",
            "create it: `sudo useradd --system --no-create-home --home-dir "
            "/var/lib/aimx-catchall --shell /usr/sbin/nologin --user-group aimx-catchall`")
    finding(out, "INFO", "stale 'aimx-hook' system user is still present; aimx no longer "
            "manages it", "remove via `sudo userdel aimx-hook` when safe")
    # the catchall is not in the Ownership section, so only the failing check decides
    assert "aimx-catchall" not in section(out, "Ownership")
    assert r.returncode == 1
    assert "Error: aimx doctor found failing checks" in r.stderr


def test_missing_worker_user_is_a_warning(install):
    r = doctor(install, prefix=with_passwd(
        install, lambda lines: [l for l in lines if not l.startswith("aimx-smtpd:")]))
    finding(r.stdout, "WARN", "system user 'aimx-smtpd' is missing: SMTP sessions run as "
            "'nobody' instead, shared with other services",
            "create it (`sudo aimx setup`, or `sudo useradd --system --no-create-home "
            "--home-dir /nonexistent --shell /usr/sbin/nologin --user-group aimx-smtpd`), "
            "then restart aimx")
    assert r.returncode == 0, r.stdout + r.stderr


def test_non_root_cannot_read_the_config(install):
    r = run(as_user("aimxit-alice", [install.aimx, "doctor"]), env=install.doctor_env)
    assert r.returncode == 1
    assert "Error: aimx doctor needs to read %s: run `sudo aimx doctor`" % install.config \
        in r.stderr
    assert "Checks" not in r.stdout


def test_usage(install):
    r = run([install.aimx, "doctor", "--bogus"], env=install.doctor_env)
    assert r.returncode == 2
    h = run([install.aimx, "doctor", "--help"], env=install.doctor_env)
    assert h.returncode == 0 and "usage: aimx doctor" in h.stdout
