/* setup.c: `aimx setup` step by step: port 25, domain and DNS, TLS, trust, install, handoff. */
#include "cli/setup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/fileio.h"
#include "cli/cli.h"
#include "conf/config.h"
#include "conf/config_load.h"
#include "store/datadir_readme.h"
#include "dkim/dkim_keyfile.h"
#include "base/log.h"
#include "base/paths.h"
#include "cli/portcheck.h"
#include "cli/service.h"
#include "cli/setup_config.h"
#include "cli/setup_dns.h"
#include "cli/setup_port25.h"
#include "cli/setup_prompt.h"
#include "cli/setup_ui.h"
#include "cli/setup_user.h"
#include "base/privdrop.h"
#include "base/test_env.h"
#include "crypto/x509.h"

#define TLS_DIR_DEFAULT "/etc/ssl/aimx"
#define STEPS           6

static const char *const step_titles[STEPS] = {
    "Preflight checks on port 25", "Set up domain and DNS", "Set up TLS certificate",
    "Set up trust policy",         "Install AIMX",          "Set up MCP for agent(s)"};

/* What the steps learn and pass on. */
struct setup_state {
	char domain[SETUP_DOMAIN_MAX + 1];
	char config_path[AIMX_PATH_MAX];
	char data_dir[PATH_MAX];
	char config_dir[PATH_MAX];
	char selector[64];
	int enable_ipv6;
	int have_config;
	int already; /* service running, certificate and DKIM key present */
	enum init_system init;
	unsigned port;
	enum trust_mode trust;
	struct strlist senders;
	struct buf dkim_record;
	int dkim_created;
};

/* The TLS directory: /etc/ssl/aimx, or AIMX_TEST_TLS_DIR (test-only, logged). */
static const char *setup_tls_dir(void)
{
	const char *v = test_env("AIMX_TEST_TLS_DIR");
	return v ? v : TLS_DIR_DEFAULT;
}

static int file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void tls_paths(char cert[PATH_MAX], char key[PATH_MAX])
{
	snprintf(cert, PATH_MAX, "%.4000s/cert.pem", setup_tls_dir());
	snprintf(key, PATH_MAX, "%.4000s/key.pem", setup_tls_dir());
}

static void section(int n)
{
	char title[96];
	snprintf(title, sizeof(title), "Step %d: %s", n, step_titles[n - 1]);
	printf("\n");
	setup_ui_header(title);
}

static void step_done(int n, const char *skipped)
{
	if (skipped)
		printf("\n%s Step %d skipped (%s).\n", setup_ui_mark(UI_WARN), n, skipped);
	else
		printf("\n%s Step %d complete.\n", setup_ui_mark(UI_OK), n);
}

static void welcome(void)
{
	printf("\n");
	setup_ui_header("AIMX setup");
	setup_ui_dim("Self-hosted email SMTP and MCP server for AI agents.");
	printf("\n");
	for (int k = 0; k < STEPS; k++)
		printf("  %s %s\n", cli_color() ? "\xe2\x98\x90" : "[ ]", step_titles[k]);
}

/* Selector, enable_ipv6, data_dir and verify_host of an existing config. */
static int read_existing(struct setup_state *s, char verify_host[VERIFY_HOST_MAX], const char *flag)
{
	struct config cfg;
	struct config_report rep = {0};
	snprintf(s->selector, sizeof(s->selector), "aimx");
	s->have_config = file_exists(s->config_path);
	int loaded = s->have_config && config_load(s->config_path, &cfg, &rep) == 0;
	if (s->have_config && !loaded) {
		config_report_print(&rep, stderr);
		cli_error("fix %s (or move it away) and run `sudo aimx setup` again",
		          s->config_path);
	}
	config_report_free(&rep);
	if (s->have_config && !loaded)
		return -1;
	const char *vh = loaded ? cfg.verify_host : NULL;
	int rc = portcheck_verify_host_pick(flag, vh, verify_host);
	snprintf(s->data_dir, sizeof(s->data_dir), "%s",
	         paths_data_dir(loaded ? cfg.data_dir : NULL));
	if (loaded) {
		snprintf(s->selector, sizeof(s->selector), "%s", cfg.dkim_selector);
		s->enable_ipv6 = cfg.enable_ipv6;
		config_free(&cfg);
	}
	return rc;
}

/* mkdir -p with mode, then the canonical path back into dir. */
static int make_dir(char dir[PATH_MAX], mode_t mode, int force_mode)
{
	char real[PATH_MAX];
	struct stat st;
	if (fileio_mkdir_p(dir, mode) < 0 || !realpath(dir, real) || stat(real, &st) < 0 ||
	    (force_mode && (st.st_mode & 07777) != mode && chmod(real, mode) < 0)) {
		cli_error("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	memcpy(dir, real, strlen(real) + 1);
	return 0;
}

static int step_domain(struct setup_state *s, const struct setup_opts *o)
{
	char why[ERR_SIZE], err[ERR_SIZE], cert[PATH_MAX], key[PATH_MAX];
	if (o->domain && setup_domain_check(o->domain, why) < 0) {
		cli_error("%s", why);
		return -1;
	}
	if (o->domain)
		snprintf(s->domain, sizeof(s->domain), "%s", o->domain);
	else if (setup_prompt_domain(s->domain) < 0)
		return -1;
	printf("\naimx setup for %s\n\n", s->domain);
	snprintf(s->config_dir, sizeof(s->config_dir), "%s", paths_config_dir());
	if (make_dir(s->data_dir, 0755, 0) < 0 || make_dir(s->config_dir, 0755, 1) < 0)
		return -1;
	tls_paths(cert, key);
	char dkim_priv[AIMX_PATH_MAX];
	s->already = paths_dkim_private_key(dkim_priv, sizeof(dkim_priv)) == 0 &&
	             file_exists(dkim_priv) && file_exists(cert) && service_is_running(s->init);
	if (s->already)
		printf("%s\n", "Existing aimx configuration detected. Skipping install, proceeding "
		               "to verification.");
	struct buf spki = BUF_INIT;
	int rc = dkim_keyfile_ensure(&spki, &s->dkim_created, err);
	if (rc < 0)
		cli_error("%s", err);
	else if ((rc = dkim_keyfile_record(&spki, &s->dkim_record)) < 0)
		cli_error("out of memory");
	buf_free(&spki);
	if (rc == 0)
		rc = setup_dns_step(s->domain, s->selector, s->enable_ipv6, s->dkim_record.data,
		                    o->yes);
	return rc;
}

static int step_tls(const struct setup_state *s)
{
	char cert[PATH_MAX], key[PATH_MAX], dir[PATH_MAX], err[ERR_SIZE];
	tls_paths(cert, key);
	if (file_exists(cert)) {
		printf("\nTLS certificate already exists.\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", setup_tls_dir());
	if (make_dir(dir, 0755, 0) < 0)
		return -1;
	printf("\nGenerating self-signed TLS certificate...\n");
	if (x509_selfsigned_write(s->domain, X509_KEY_RSA2048, cert, key, err) < 0) {
		cli_error("TLS certificate: %s", err);
		return -1;
	}
	printf("TLS certificate generated in %s/\n", dir);
	return 0;
}

static int noninteractive_env(void)
{
	const char *v = getenv("AIMX_NONINTERACTIVE");
	return v &&
	       (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0);
}

/* 1 when the trust step ran, 0 when skipped (a config exists), -1 on error. */
static int step_trust(struct setup_state *s, const struct setup_opts *o)
{
	char why[ERR_SIZE];
	if (s->have_config) {
		printf("\nExisting trust policy preserved.\n");
		if (o->trusted_senders)
			printf("--trusted-senders is not applied: edit trusted_senders in %s.\n",
			       s->config_path);
		return 0;
	}
	s->trust = TRUST_NONE;
	if (o->trusted_senders) {
		if (setup_senders_parse(o->trusted_senders, &s->senders, why) < 0) {
			cli_error("--trusted-senders: %s", why);
			return -1;
		}
		s->trust = s->senders.n ? TRUST_VERIFIED : TRUST_NONE;
	} else if (!o->yes && !noninteractive_env()) {
		return setup_prompt_trust(&s->trust, &s->senders) < 0 ? -1 : 1;
	}
	if (s->trust == TRUST_NONE)
		log_event(LOG_WARN, "setup.no_trusted_senders", "message", setup_no_senders_warning,
		          NULL);
	printf("\nTrust: %s", config_trust_mode_name(s->trust));
	for (size_t k = 0; k < s->senders.n; k++)
		printf("%s%s", k ? ", " : " (", s->senders.v[k]);
	printf("%s\n", s->senders.n ? ")" : "");
	return 1;
}

static int catchall_user(void)
{
	char err[ERR_SIZE];
	int created;
	const char *user = setup_catchall_user(), *home = setup_catchall_home();
	printf("\n");
	setup_ui_header("Catchall");
	if (setup_catchall_ensure(user, home, &created, err) < 0) {
		cli_error("%s", err);
		return -1;
	}
	if (created)
		printf("  Created system user %s\n", user);
	else
		printf("  System user %s already present (skipping creation)\n", user);
	printf("  Home directory %s (0700)\n", home);
	if (setup_worker_user_ensure(&created, err) < 0) {
		cli_error("%s", err);
		return -1;
	}
	printf("  %s system user %s (SMTP sessions run as it, jailed)\n",
	       created ? "Created" : "Found", PRIVDROP_USER);
	return 0;
}

static int write_config(const struct setup_state *s)
{
	char err[ERR_SIZE];
	int changed = 0;
	struct setup_config_new n = {s->domain, s->data_dir, s->selector,
	                             s->trust,  &s->senders, setup_catchall_user()};
	int rc = s->have_config ? setup_config_update(s->config_path, s->domain, n.catchall_owner,
	                                              &changed, err)
	                        : setup_config_create(s->config_path, &n, err);
	if (rc < 0) {
		cli_error("%s", err);
		return -1;
	}
	if (!s->have_config || changed)
		printf("Config written to %s\n", s->config_path);
	return 0;
}

static int mailbox_dirs(const struct setup_state *s)
{
	struct config cfg;
	struct config_report rep = {0};
	char err[ERR_SIZE];
	int rc = config_load(s->config_path, &cfg, &rep);
	config_report_print(&rep, stderr);
	config_report_free(&rep);
	if (rc < 0)
		return -1;
	rc = setup_mailbox_dirs(&cfg, s->data_dir, err);
	config_free(&cfg);
	if (rc < 0)
		cli_error("%s", err);
	return rc;
}

static int start_service(const struct setup_state *s)
{
	char exe[PATH_MAX], err[ERR_SIZE];
	printf("\nStarting aimx serve (%s)...\n", service_init_name(s->init));
	if (service_exe_path(exe, sizeof(exe)) < 0) {
		cli_error("cannot resolve current executable path: %s. Re-run `sudo aimx setup` "
		          "from the installed binary.",
		          strerror(errno));
		return -1;
	}
	if (service_install(s->init, exe, s->data_dir, s->config_dir, err) < 0) {
		cli_error("%s", err);
		return -1;
	}
	printf("  Waiting for aimx serve to bind port 25... ");
	fflush(stdout);
	if (service_wait_listening(s->port) < 0) {
		printf("%s\n", setup_ui_mark(UI_FAIL));
		cli_error("aimx did not bind port 25 within the readiness window.\nCheck `%s` for "
		          "errors, then run `sudo aimx setup` again.",
		          s->init == INIT_SYSTEMD ? "sudo journalctl -u aimx" : "sudo aimx logs");
		return -1;
	}
	printf("%s\n`aimx serve` is running.\n", setup_ui_mark(UI_OK));
	return 0;
}

static int step_install(const struct setup_state *s)
{
	if (s->already)
		printf("\naimx is already installed and the service is running.\n");
	if (catchall_user() < 0 || write_config(s) < 0 || mailbox_dirs(s) < 0)
		return -1;
	printf("%s\n",
	       s->dkim_created ? "DKIM keypair generated." : "DKIM keypair already exists.");
	if (datadir_readme_refresh(s->data_dir) < 0) {
		cli_error("cannot write %s/README.md: %s", s->data_dir, strerror(errno));
		return -1;
	}
	return s->already ? 0 : start_service(s);
}

static void handoff(const char *domain)
{
	printf("\n");
	setup_ui_header("AIMX setup \xe2\x80\x94 complete");
	section(6);
	printf("\nEach user wires aimx into their AI agents (Claude Code, Codex, OpenCode,\n"
	       "Gemini, Goose, ...) as themselves, not as root. Point the agent's MCP\n"
	       "configuration at the stdio server:\n\n  %s aimx mcp\n",
	       setup_ui_mark(UI_ARROW));
	printf("\n%s AIMX has been set up successfully.\n\n", cli_color() ? "\xe2\x98\x91" : "[x]");
	printf("AIMX is now running at @%s and ready to send and receive email.\n\n", domain);
	printf("Once you've wired your MCP to your LLM, try asking your agent, e.g.\n"
	       "  claude -p \"Set up agent@%s and respond to me via email the moment you "
	       "receive my instructions via email.\"\n\n",
	       domain);
}

static int run_steps(struct setup_state *s, const struct setup_opts *o)
{
	char verify_host[VERIFY_HOST_MAX];
	if (read_existing(s, verify_host, o->verify_host) < 0)
		return -1;
	section(1);
	printf("\n");
	if (setup_port25_preflight(verify_host) < 0)
		return -1;
	step_done(1, NULL);
	section(2);
	if (step_domain(s, o) < 0)
		return -1;
	step_done(2, NULL);
	section(3);
	if (!s->already && step_tls(s) < 0)
		return -1;
	step_done(3, s->already ? "TLS certificate already exists" : NULL);
	section(4);
	int trust = step_trust(s, o);
	if (trust < 0)
		return -1;
	step_done(4, trust ? NULL : "existing trust policy preserved");
	section(5);
	if (step_install(s) < 0)
		return -1;
	step_done(5, s->already ? "aimx already installed" : NULL);
	handoff(s->domain);
	return 0;
}

/* Say up front which test-only redirections are in force (each logs itself once). */
static void announce_test_env(void)
{
	static const char *const vars[] = {
	    "AIMX_TEST_INIT",       "AIMX_TEST_SERVICE_DIR",   "AIMX_TEST_SERVICE_CTL",
	    "AIMX_TEST_TLS_DIR",    "AIMX_TEST_CATCHALL_USER", "AIMX_TEST_CATCHALL_HOME",
	    "AIMX_TEST_SERVER_IP4", "AIMX_TEST_SERVER_IP6",    "AIMX_RESOLV_CONF"};
	for (size_t k = 0; k < sizeof(vars) / sizeof(vars[0]); k++)
		test_env(vars[k]);
}

int setup_run(const struct setup_opts *o)
{
	announce_test_env();
	struct setup_state s = {0};
	s.dkim_record = (struct buf)BUF_INIT;
	s.init = service_init_detect();
	s.port = portcheck_local_port();
	if (paths_config_file(s.config_path, sizeof(s.config_path)) < 0) {
		cli_error("config path too long");
		return EXIT_ERR;
	}
	welcome();
	int rc = run_steps(&s, o);
	strlist_free(&s.senders);
	buf_free(&s.dkim_record);
	return rc < 0 ? EXIT_ERR : EXIT_OK;
}
