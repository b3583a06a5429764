"""[limits] in config.toml, through a root `aimx serve`: a smaller message size is advertised and
enforced (552), the recipient cap answers 452, the per-address session cap 421, each with the
value the operator set; an out-of-range value is refused by `aimx config check` (the loader
`aimx serve` starts with) with the key and its range named."""

import os
import subprocess

from daemon_fixture import DOMAIN, write_config
from inbound_helpers import Smtp, frontmatter, running_daemon

LIMITS = "\n[limits]\nmax_message_size = 1572864\nmax_recipients = 2\nsmtp_max_per_ip = 3\n"


def limited(d, text=LIMITS):
    write_config(d.cfg_dir, d.data, text)
    d.restart()


def test_size_recipients_and_per_address_caps_come_from_the_config(aimx):
    with running_daemon(aimx) as d:
        limited(d)
        c = Smtp(d.port)
        ehlo = c.cmd("EHLO limits.test")
        assert b"250-SIZE 1572864\r\n" in ehlo or b"250 SIZE 1572864\r\n" in ehlo, ehlo
        assert c.cmd("MAIL FROM:<a@example.org> SIZE=2000000").startswith(b"552"), "declared"
        assert c.cmd("MAIL FROM:<a@example.org>").startswith(b"250")
        assert c.cmd(f"RCPT TO:<alice@{DOMAIN}>").startswith(b"250")
        assert c.cmd(f"RCPT TO:<bob@{DOMAIN}>").startswith(b"250")
        assert c.cmd(f"RCPT TO:<carol@{DOMAIN}>").startswith(b"452")
        assert c.cmd("DATA").startswith(b"354")
        c.sock.sendall(b"Subject: big\r\n\r\n" + (b"y" * 998 + b"\r\n") * 2048 + b".\r\n")
        assert c.reply().startswith(b"552"), "over 1.5 MiB (its first MiB went to the spool)"
        # the next message of the session is stored as sent, nothing of the refused one before it
        small = b"Subject: small\r\nMessage-ID: <small@example.org>\r\n\r\njust this\r\n"
        assert c.cmd("MAIL FROM:<a@example.org>").startswith(b"250")
        assert c.cmd(f"RCPT TO:<alice@{DOMAIN}>").startswith(b"250")
        assert c.cmd("DATA").startswith(b"354")
        c.sock.sendall(small + b".\r\n")
        assert c.reply().startswith(b"250")
        [md] = [f for f in os.listdir(d.inbox("alice")) if f.endswith(".md")]
        fm = frontmatter(os.path.join(d.inbox("alice"), md))[0]
        assert fm["size_bytes"] == len(small) and fm["subject"] == "small", fm
        others = [Smtp(d.port) for _ in range(2)]  # with c: 3 sessions from 127.0.0.1
        refused = Smtp(d.port)
        assert refused.banner.startswith(b"421 4.7.0 Too many connections from your address")
        for s in [c, *others]:
            s.close()


def test_out_of_range_limit_is_refused_with_its_range(aimx):
    with running_daemon(aimx) as d:
        write_config(d.cfg_dir, d.data, "\n[limits]\nsmtp_max_per_ip = 0\n")
        r = subprocess.run([aimx, "config", "check"], capture_output=True, text=True,
                           env={**os.environ, "AIMX_CONFIG_DIR": d.cfg_dir})
        assert r.returncode != 0, r
        assert "limits.smtp_max_per_ip" in r.stdout + r.stderr, r
        assert "must be between 1 and 10000" in r.stdout + r.stderr, r
