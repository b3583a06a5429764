/* serve.c: the daemon: SMTP listener with STARTTLS plus the AIMX/1 control socket.
 *
 * usage: aimx serve [--bind ADDR:PORT] [--tls-cert PEM] [--tls-key PEM]
 *                   [--data-dir DIR]
 *        aimx serve --dev DIR
 *
 * Run the mail server in the foreground, as root (normally under systemd or
 * OpenRC). It accepts SMTP for the configured domain, with STARTTLS when a
 * certificate is available, and stores each message as Markdown in the data
 * directory's inbox/MAILBOX/ (durably, before answering 250). Each session
 * runs in its own process; at most 100 at once (more get a 421). SIGTERM or
 * SIGINT stop it cleanly (a DATA in flight is finished first); SIGHUP
 * reloads config.toml and keeps the old one if the new file is invalid.
 * Once a message is stored, the mailbox's on_receive hooks run (for trusted
 * senders, or all with fire_on_untrusted) as the mailbox owner.
 * It also answers AIMX/1 requests (mailbox and hook management, read state,
 * and SEND: outbound mail, DKIM-signed and delivered to the recipients' MX)
 * on <runtime dir>/aimx.sock, mode 0666: callers are identified by the uid
 * the kernel reports. The config is re-read whenever the file changes, so a
 * new mailbox routes mail at the next connection.
 *
 *   --bind ADDR:PORT   listen address (default 0.0.0.0:25)
 *   --tls-cert PEM     STARTTLS certificate (default /etc/ssl/aimx/cert.pem)
 *   --tls-key PEM      STARTTLS private key (default /etc/ssl/aimx/key.pem)
 *   --data-dir DIR     mail store (default: AIMX_DATA_DIR, else the config's
 *                      data_dir, else /var/lib/aimx)
 *   --dev DIR          development mode (what `make run` uses): no root and no
 *                      setup; DIR gets a config for aimx.test with a catchall
 *                      and the mailbox "agent", data in DIR/data, the socket in
 *                      DIR and a self-signed certificate; binds 127.0.0.1:2525
 *
 * Needs a valid config. An unreadable --tls-cert or --tls-key is fatal;
 * unreadable default files only disable STARTTLS, with a warning. Refuses
 * to start while another daemon answers on the socket.
 * Exit: 0 after a clean stop, 1 on a startup error, 2 on a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/err.h"
#include "applets.h"
#include "base/fileio.h"
#include "cli/cli.h"
#include "conf/config.h"
#include "smtp/smtp_listen.h"
#include "store/datadir_readme.h"
#include "serve/daemon.h"
#include "serve/dev_env.h"
#include "base/log.h"
#include "base/paths.h"
#include "control/control_listen.h"
#include "usage.h"

#define DEFAULT_BIND     "0.0.0.0:25"
#define DEFAULT_TLS_CERT "/etc/ssl/aimx/cert.pem"
#define DEFAULT_TLS_KEY  "/etc/ssl/aimx/key.pem"

struct serve_opts {
	const char *bind;
	const char *tls_cert, *tls_key; /* NULL: the defaults, optional */
	const char *dev_dir;
};

static int parse_opts(int argc, char **argv, struct serve_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char **dst = strcmp(argv[i], "--bind") == 0       ? &o->bind
				   : strcmp(argv[i], "--tls-cert") == 0 ? &o->tls_cert
				   : strcmp(argv[i], "--tls-key") == 0  ? &o->tls_key
				   : strcmp(argv[i], "--dev") == 0      ? &o->dev_dir
									: NULL;
		if (!dst || i + 1 >= argc)
			return cli_usage_error(USAGE_serve, "serve: unexpected argument '%s'", argv[i]);
		*dst = argv[++i];
	}
	return 0;
}

/* Explicit files must load; the default ones only enable STARTTLS when present. */
static int load_tls(const struct serve_opts *o, struct tls_creds *creds, int *enabled)
{
	char err[ERR_SIZE];
	int explicit = o->tls_cert || o->tls_key;
	const char *cert = o->tls_cert ? o->tls_cert : DEFAULT_TLS_CERT;
	const char *key = o->tls_key ? o->tls_key : DEFAULT_TLS_KEY;
	*enabled = tls_creds_load(creds, cert, key, err) == 0;
	if (*enabled)
		return 0;
	if (explicit) {
		cli_error("TLS cert/key not readable at %s / %s: %s", cert, key, err);
		return -1;
	}
	log_event(LOG_WARN, "tls.disabled", "reason", err, NULL);
	return 0;
}

static int prepare_dev(struct serve_opts *o, char *config_path, size_t size)
{
	struct dev_env env;
	char err[ERR_SIZE];
	if (dev_env_prepare(o->dev_dir, &env, err) < 0) {
		cli_error("%s", err);
		return -1;
	}
	snprintf(config_path, size, "%s", env.config_path);
	static char cert[sizeof(env.cert_path)], key[sizeof(env.key_path)];
	snprintf(cert, sizeof(cert), "%s", env.cert_path);
	snprintf(key, sizeof(key), "%s", env.key_path);
	o->tls_cert = o->tls_cert ? o->tls_cert : cert;
	o->tls_key = o->tls_key ? o->tls_key : key;
	o->bind = o->bind ? o->bind : DEV_BIND;
	return 0;
}

static void banner(const struct serve_opts *o, const struct daemon *srv, int tls)
{
	char sock[AIMX_PATH_MAX];
	if (paths_socket(sock, sizeof(sock)) < 0)
		sock[0] = '\0';
	fprintf(stderr,
		"aimx SMTP listener\n  bind:  %s\n  tls:   %s\n  send:  %s (mode 0o666, "
		"world-writable)\n  data:  %s\n",
		o->bind, tls ? "enabled" : "disabled", sock, srv->conf.data_dir);
	if (o->dev_dir)
		fprintf(stderr,
			"dev mode: try `swaks --server %s --to %s@%s --tls` ; the message "
			"lands in %s/inbox/%s/\n",
			o->bind, DEV_MAILBOX, DEV_DOMAIN, srv->conf.data_dir, DEV_MAILBOX);
}

/* Test-only environment variables change behaviour: say so loudly. */
static void warn_test_env(void)
{
	static const char *const vars[] = {"AIMX_TEST_MAIL_DROP", "AIMX_RESOLV_CONF",
					   "AIMX_SMTP_PORT", "AIMX_TEST_DELETE_PAUSE_MS",
					   "AIMX_TEST_SMTP_IDLE_MS", "AIMX_TEST_SMTP_SESSION_S",
					   "AIMX_TLS_CA_FILE", "AIMX_TEST_SMTP_CLIENT_MS"};
	for (size_t k = 0; k < sizeof(vars) / sizeof(vars[0]); k++)
		if (getenv(vars[k]))
			log_event(LOG_WARN, "daemon.test_only_setting", "variable", vars[k], "value",
				  getenv(vars[k]), "note", "for tests only, never in production", NULL);
}

/* Open SMTP, then the AIMX/1 socket (which refuses when another daemon answers). */
static int open_listeners(const struct serve_opts *o, struct daemon *srv)
{
	char err[ERR_SIZE];
	srv->listen_fd = smtp_listen(o->bind, err);
	if (srv->listen_fd >= 0)
		srv->uds_fd = control_listen(err);
	if (srv->listen_fd < 0 || srv->uds_fd < 0) {
		cli_error("%s", err);
		return -1;
	}
	return 0;
}

int applet_serve(int argc, char **argv)
{
	struct serve_opts o = {0};
	static struct daemon srv = {.listen_fd = -1, .uds_fd = -1};
	if (parse_opts(argc, argv, &o) != 0)
		return EXIT_USAGE;
	umask(077);
	if (o.dev_dir ? prepare_dev(&o, srv.conf.path, sizeof(srv.conf.path)) < 0
		      : paths_config_file(srv.conf.path, sizeof(srv.conf.path)) < 0)
		return EXIT_ERR;
	o.bind = o.bind ? o.bind : DEFAULT_BIND;
	if (config_watch_load(&srv.conf) < 0)
		return EXIT_ERR;
	if (fileio_mkdir_p(srv.conf.data_dir, 0755) < 0) {
		cli_error("cannot create the data directory %s: %s", srv.conf.data_dir, strerror(errno));
		return EXIT_ERR;
	}
	if (datadir_readme_refresh(srv.conf.data_dir) < 0)
		log_event(LOG_WARN, "datadir.readme_failed", "error", strerror(errno), NULL);
	static struct tls_creds creds;
	int tls;
	if (load_tls(&o, &creds, &tls) < 0)
		return EXIT_ERR;
	srv.tls = tls ? &creds : NULL;
	if (daemon_signals_install(&srv) < 0) {
		cli_error("cannot set up signal handling: %s", strerror(errno));
		return EXIT_ERR;
	}
	if (open_listeners(&o, &srv) < 0)
		return EXIT_ERR;
	banner(&o, &srv, tls);
	warn_test_env();
	/* test-only: short SMTP timeouts so tests need not wait 300 / 600 s */
	srv.idle_timeout_ms = getenv("AIMX_TEST_SMTP_IDLE_MS") ? atoi(getenv("AIMX_TEST_SMTP_IDLE_MS")) : 0;
	srv.session_timeout_s =
		getenv("AIMX_TEST_SMTP_SESSION_S") ? atoi(getenv("AIMX_TEST_SMTP_SESSION_S")) : 0;
	int rc = daemon_run(&srv);
	control_listen_close();
	tls_creds_free(&creds);
	config_free(&srv.conf.cfg);
	return rc == 0 ? EXIT_OK : EXIT_ERR;
}
