"""The daemon's life as an operator sees it: SIGHUP reloads (and signals right after start), an ECDSA
certificate, SIGTERM with idle sessions, Message-ID dedup across a restart, IPv6, `make run`'s dev mode."""

import os
import pwd
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import tempfile
import time

import pytest

from daemon_fixture import DOMAIN, as_user, free_port, stored_files, write_config
from inbound_helpers import Smtp, check_store, frontmatter, only_new, running_daemon

CAROL = f'\n[mailboxes.carol]\naddress = "carol@{DOMAIN}"\nowner = "aimxit-bob"\n'
SUPPORT = f'\n[mailboxes.support]\naddress = "help@{DOMAIN}"\nowner = "aimxit-alice"\n'


def wait_for_log(daemon, needle, count=1, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if daemon.logs().count(needle) >= count:
            return
        time.sleep(0.05)
    pytest.fail(f"{needle!r} did not appear {count} time(s) in the log (daemon exit status {daemon.proc.poll()}):\n"
                + daemon.logs())


def deliver(daemon, rcpt, subject=None, raw=None):
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
        return s.sendmail("a@example.org", [rcpt], raw or f"Subject: {subject}\r\n\r\nx\r\n".encode())


def test_sighup_reloads_config_and_routes_new_mailboxes(aimx):
    with running_daemon(aimx) as d:
        deliver(d, f"alice@{DOMAIN}", "the master loop runs")  # see test_signal_right_after_start
        # SIGHUP forces a reload even when the file did not change (nothing else would reload it).
        d.proc.send_signal(signal.SIGHUP)
        wait_for_log(d, "event=config.reloaded")
        write_config(d.cfg_dir, d.data, extra=CAROL + SUPPORT)
        d.proc.send_signal(signal.SIGHUP)
        wait_for_log(d, "event=config.reloaded", count=2)
        before = stored_files(d.inbox("catchall"))
        deliver(d, f"carol@{DOMAIN}", "for carol")
        deliver(d, f"help@{DOMAIN}", "for support")  # DECISIONS 1: routed by address, not by name
        deliver(d, f"support@{DOMAIN}", "not a configured address")
        fm, _, _ = frontmatter(only_new(d.inbox("carol"), []))
        assert (fm["subject"], fm["mailbox"]) == ("for carol", "carol")
        fm, _, _ = frontmatter(only_new(d.inbox("support"), []))
        assert (fm["subject"], fm["delivered_to"]) == ("for support", f"help@{DOMAIN}")
        fm, _, _ = frontmatter(only_new(d.inbox("catchall"), before))
        assert fm["subject"] == "not a configured address"
        check_store(d.data, owners={"alice": "aimxit-alice", "bob": "aimxit-bob", "catchall": "aimx-catchall",
                                    "carol": "aimxit-bob", "support": "aimxit-alice"})


def test_sighup_with_a_broken_config_keeps_the_old_one(aimx):
    with running_daemon(aimx) as d:
        deliver(d, f"alice@{DOMAIN}", "the master loop runs")
        with open(d.config, "a") as f:
            f.write("\n[mailboxes.broken\naddress = \n")
        d.proc.send_signal(signal.SIGHUP)
        wait_for_log(d, "event=config.reload_failed")
        assert d.proc.poll() is None
        before = stored_files(d.inbox("alice"))
        deliver(d, f"alice@{DOMAIN}", "still routed")
        assert frontmatter(only_new(d.inbox("alice"), before))[0]["subject"] == "still routed"


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_signal_right_after_start(aimx, sig, tmp_path):
    """systemd may send SIGHUP (reload) or SIGTERM (stop) as soon as the daemon is up: the moment
    its sockets exist, a SIGHUP must reload and a SIGTERM must stop it cleanly, never kill it."""
    with running_daemon(aimx) as d:
        d.stop()
        for attempt in range(5):
            port = free_port()
            log = open(tmp_path / f"serve-{attempt}.log", "w+")
            proc = subprocess.Popen([aimx, "serve", "--bind", f"127.0.0.1:{port}", "--tls-cert", d.cert,
                                     "--tls-key", d.key], env=d.env, stdout=log, stderr=subprocess.STDOUT)
            try:
                deadline = time.time() + 10
                while not os.path.exists(d.socket):
                    assert proc.poll() is None and time.time() < deadline, open(log.name).read()
                proc.send_signal(sig)
                if sig == signal.SIGTERM:
                    assert proc.wait(timeout=10) == 0, (attempt, proc.returncode, open(log.name).read())
                    assert not os.path.exists(d.socket)
                    continue
                try:
                    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
                        assert s.noop()[0] == 250
                except (OSError, smtplib.SMTPException) as e:
                    time.sleep(0.2)
                    pytest.fail(f"attempt {attempt}: {e!r}; daemon exit status {proc.poll()}; log:\n"
                                + open(log.name).read())
                assert proc.poll() is None, (attempt, proc.returncode, open(log.name).read())
                proc.send_signal(signal.SIGTERM)
                assert proc.wait(timeout=10) == 0, open(log.name).read()
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                if os.path.exists(d.socket):
                    os.unlink(d.socket)  # left by a killed daemon; the next attempt needs the name
                log.close()


def test_ecdsa_certificate_with_openssl_and_smtplib(aimx):
    with running_daemon(aimx, kind="ec") as d:
        script = (f"EHLO c\nMAIL FROM:<s@example.org>\nRCPT TO:<alice@{DOMAIN}>\nDATA\n"
                  "Subject: over ECDSA\n\nhello over TLS\n.\nQUIT\n")
        r = subprocess.run(["openssl", "s_client", "-starttls", "smtp", "-crlf", "-ign_eof",
                            "-connect", f"127.0.0.1:{d.port}", "-CAfile", d.cert, "-verify_return_error",
                            "-servername", DOMAIN], input=script, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "Verify return code: 0 (ok)" in r.stdout and "Peer signature type: ECDSA" in r.stdout, r.stdout
        assert "250 2.0.0 OK message accepted" in r.stdout and "221 " in r.stdout, r.stdout
        fm, _, body = frontmatter(only_new(d.inbox("alice"), []))
        assert fm["subject"] == "over ECDSA" and body == "hello over TLS\r\n"
        with smtplib.SMTP("127.0.0.1", d.port, timeout=30) as s:
            s.starttls(context=d.tls_context())
            assert "ECDSA" in s.sock.cipher()[0], s.sock.cipher()
            s.sendmail("a@example.org", [f"bob@{DOMAIN}"], b"Subject: ec smtplib\r\n\r\nx\r\n")
        assert frontmatter(only_new(d.inbox("bob"), []))[0]["subject"] == "ec smtplib"
        check_store(d.data)


def test_sigterm_while_idle_sessions_are_open(aimx):
    """Sessions that are not in DATA are told 421 at once; the daemon exits 0 without waiting out
    its grace period."""
    with running_daemon(aimx) as d:
        idle = [Smtp(d.port) for _ in range(5)]
        assert idle[0].cmd("EHLO c").startswith(b"250")
        d.proc.send_signal(signal.SIGTERM)
        for c in idle:
            assert c.rest().startswith(b"421 "), c
            c.close()
        assert d.proc.wait(timeout=10) == 0, d.logs()


def test_duplicate_message_id_skipped_across_restart(aimx):
    """mail.md 2.8: the same Message-ID into the same mailbox within 24 h is stored once (the
    sender still gets 250), also after a restart; another mailbox still gets its copy."""
    msg = b"Subject: once\r\nMessage-ID: <dup-restart@example.org>\r\n\r\nx\r\n"
    with running_daemon(aimx) as d:
        assert deliver(d, f"alice@{DOMAIN}", raw=msg) == {}
        first = only_new(d.inbox("alice"), [])
        assert deliver(d, f"alice@{DOMAIN}", raw=msg) == {}
        d.restart()
        assert deliver(d, f"ALICE@{DOMAIN}", raw=msg) == {}
        assert [p for p in stored_files(d.inbox("alice")) if p.endswith(".md")] == [first]
        assert deliver(d, f"bob@{DOMAIN}", raw=msg) == {}
        assert frontmatter(only_new(d.inbox("bob"), []))[0]["message_id"] == "dup-restart@example.org"


def test_ipv6_listener_records_the_peer(aimx):
    with socket.socket(socket.AF_INET6) as probe:
        try:
            probe.bind(("::1", 0))
        except OSError as e:
            pytest.skip(f"no IPv6 loopback here: {e}")
    with running_daemon(aimx) as d:
        d.stop()
        port = free_port()
        argv = [aimx, "serve", "--bind", f"[::1]:{port}", "--tls-cert", d.cert, "--tls-key", d.key]
        d.proc = subprocess.Popen(argv, env=d.env, stdout=d.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while True:
            try:
                s = smtplib.SMTP("::1", port, timeout=10)
                break
            except OSError:
                assert d.proc.poll() is None and time.time() < deadline, d.logs()
                time.sleep(0.05)
        with s:
            s.starttls(context=d.tls_context())
            s.sendmail("a@example.org", [f"bob@{DOMAIN}"], b"Subject: over v6\r\n\r\nx\r\n")
        fm, _, _ = frontmatter(only_new(d.inbox("bob"), []))
        assert (fm["subject"], fm["received_from_ip"]) == ("over v6", "::1")


DEV_PORT = 2525


def dev_children(pid):
    """(comm, real uid) of each child process of pid."""
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        kids = [int(k) for k in f.read().split()]
    out = []
    for k in kids:
        with open("/proc/%d/comm" % k) as f:
            comm = f.read().strip()
        with open("/proc/%d/status" % k) as f:
            uid = next(int(l.split()[1]) for l in f if l.startswith("Uid:"))
        out.append((comm, uid))
    return out


def test_dev_mode_as_a_normal_user(aimx):
    """`make run`: `aimx serve --dev DIR` needs no root and no setup, says how to send a test mail
    and where it will land, and the mail sent that way over STARTTLS lands there."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", DEV_PORT)) == 0:
            pytest.skip(f"127.0.0.1:{DEV_PORT} is in use (a `make run` already going?); dev mode binds it")
    top = tempfile.mkdtemp(prefix="aimx-it-dev-")
    user = "aimxit-alice"
    pw = pwd.getpwnam(user)
    os.chmod(top, 0o755)
    os.chown(top, pw.pw_uid, pw.pw_gid)
    run_dir = os.path.join(top, "run")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIMX_")}
    log = open(os.path.join(top, "serve.log"), "w+")
    proc = subprocess.Popen(as_user(user, [aimx, "serve", "--dev", run_dir]), env=env, cwd=top,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 10
        hint = None
        while time.time() < deadline and not hint:
            assert proc.poll() is None, open(log.name).read()
            hint = next((ln for ln in open(log.name) if "swaks" in ln), None)
            time.sleep(0.05)
        assert hint, open(log.name).read()
        swaks = re.search(r"`(swaks [^`]*)`", hint)
        inbox = re.search(r"(/\S+?)/?\s*$", hint)
        assert swaks and inbox, hint
        assert inbox.group(1) == os.path.join(run_dir, "data", "inbox", "agent"), hint
        argv = swaks.group(1).split() + ["--header", "Subject: dev smoke", "--hide-all"]
        assert "--tls" in argv and f"127.0.0.1:{DEV_PORT}" in argv and "agent@aimx.test" in argv
        r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr + open(log.name).read()
        path = only_new(inbox.group(1), [])
        fm, _, _ = frontmatter(path)
        assert (fm["subject"], fm["mailbox"]) == ("dev smoke", "agent")
        assert os.stat(path).st_uid == pw.pw_uid
        # the same processes as a root daemon's, all of them the invoking user's
        kids = dev_children(proc.pid)
        assert {"aimx-writer", "aimx-smtp"} <= {comm for comm, _ in kids}, kids
        assert {uid for _, uid in kids} == {pw.pw_uid}, kids
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0, open(log.name).read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        print(open(log.name).read())
        log.close()
        shutil.rmtree(top, ignore_errors=True)
