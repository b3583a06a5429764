/* serve.c: the daemon: SMTP listener with STARTTLS plus the AIMX/1 control socket.
 *
 * usage: aimx serve [--bind ADDR:PORT] [--tls-cert PEM] [--tls-key PEM]
 *                   [--data-dir DIR]
 *
 * Run the mail server in the foreground, as root (normally under systemd or
 * OpenRC). It accepts SMTP with STARTTLS, stores each inbound message as
 * Markdown in the data directory's inbox/MAILBOX/ before answering 250, runs
 * hooks as the mailbox owner, signs and delivers outbound mail, and answers
 * AIMX/1 requests on /run/aimx/aimx.sock (mode 0666; callers are identified
 * by their uid). SIGTERM or SIGINT stop it cleanly; SIGHUP reloads
 * config.toml and keeps the old one if the new file is invalid.
 *
 *   --bind ADDR:PORT   listen address (default 0.0.0.0:25)
 *   --tls-cert PEM     STARTTLS certificate (default /etc/ssl/aimx/cert.pem)
 *   --tls-key PEM      STARTTLS private key (default /etc/ssl/aimx/key.pem)
 *   --data-dir DIR     mail store (default: AIMX_DATA_DIR, else the config's
 *                      data_dir, else /var/lib/aimx)
 *
 * Needs a valid config and the DKIM private key. An unreadable --tls-cert or
 * --tls-key is fatal; unreadable default files only disable STARTTLS, with a
 * warning. Refuses to start while another daemon answers on the socket.
 * Exit: 0 after a clean stop, 1 on a startup error, 2 on a usage error.
 */
#include "applets.h"
#include "cli.h"

int applet_serve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("serve");
}
