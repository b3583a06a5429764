/* dkim-keygen.c: generate the DKIM RSA key pair and print its DNS TXT record.
 *
 * usage: aimx dkim-keygen [--selector S] [--force]
 *
 * Write a 2048-bit RSA key pair to /etc/aimx/dkim/ (AIMX_CONFIG_DIR/dkim/):
 * private.key (0600, PKCS#1 PEM) and public.key (0644, SPKI PEM), then print
 * the TXT record to publish:
 *   S._domainkey.DOMAIN  v=DKIM1; k=rsa; p=BASE64
 * When keys exist and --force is not given they are kept: a warning, then
 * the record of the existing key. Needs a readable config (for the domain).
 *
 *   --selector S   DKIM selector (default: the config's dkim_selector, else
 *                  aimx). Run as root with a writable config, it is saved as
 *                  dkim_selector; otherwise the line to add is printed
 *   --force        replace existing keys
 *
 * Exit: 0 ok, 1 error, 2 usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "applets.h"
#include "cli/cli.h"
#include "cli/cli_opt.h"
#include "conf/config.h"
#include "conf/config_load.h"
#include "conf/config_report.h"
#include "dkim/dkim_keyfile.h"
#include "base/fileio.h"
#include "control/ops.h"
#include "base/paths.h"
#include "usage.h"

#define SELECTOR_MAX 63

/* A selector is a DNS name under _domainkey: letters, digits, '-', '.' between labels. */
static int selector_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > SELECTOR_MAX || s[0] == '.' || s[n - 1] == '.' || strstr(s, ".."))
		return 0;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.')
			return 0;
	return 1;
}

static void print_record(const char *selector, const char *domain, const struct buf *spki)
{
	struct buf record = BUF_INIT;
	if (dkim_keyfile_record(spki, &record) < 0)
		return;
	printf("Add this DNS TXT record:\n  %s._domainkey.%s\n  %s\n\n", selector, domain,
	       record.data);
	buf_free(&record);
}

/* DECISIONS 24: keep the selector in the config when we can, else say what to add. */
static void remember_selector(const char *config_path, const struct config *cfg,
			      const char *selector)
{
	if (cfg->dkim_selector && strcmp(cfg->dkim_selector, selector) == 0)
		return;
	struct ops_result r;
	if (geteuid() == 0 && access(config_path, W_OK) == 0 &&
	    ops_set_dkim_selector(config_path, selector, &r) == 0) {
		printf("Saved dkim_selector = \"%s\" in %s.\n", selector, config_path);
		return;
	}
	printf("Add this line to %s (top level):\n  dkim_selector = \"%s\"\n", config_path,
	       selector);
}

static int make_key_dir(void)
{
	char dir[AIMX_PATH_MAX];
	if (snprintf(dir, sizeof(dir), "%s/dkim", paths_config_dir()) >= (int)sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return fileio_mkdir_p(dir, 0755);
}

static int load_config(char path[AIMX_PATH_MAX], struct config *cfg)
{
	struct config_report rep = {0};
	if (paths_config_file(path, AIMX_PATH_MAX) < 0)
		return -1;
	int rc = config_load(path, cfg, &rep);
	config_report_print(&rep, stderr);
	config_report_free(&rep);
	return rc;
}

static int keygen(const char *selector_flag, int force)
{
	char config_path[AIMX_PATH_MAX], private_path[AIMX_PATH_MAX], public_path[AIMX_PATH_MAX];
	struct config cfg;
	if (load_config(config_path, &cfg) < 0)
		return EXIT_ERR;
	const char *selector = selector_flag ? selector_flag : cfg.dkim_selector;
	int rc = EXIT_ERR;
	if (!selector_valid(selector))
		cli_error("invalid selector '%s': letters, digits, '-' and '.' only", selector);
	else if (paths_dkim_private_key(private_path, sizeof(private_path)) < 0 ||
		 paths_dkim_public_key(public_path, sizeof(public_path)) < 0)
		cli_error("DKIM key path too long");
	else if (make_key_dir() < 0)
		cli_error("cannot create %s/dkim: %s", paths_config_dir(), strerror(errno));
	else
		rc = EXIT_OK;
	struct buf spki = BUF_INIT;
	char err[ERR_SIZE] = "";
	if (rc == EXIT_OK && !force && access(private_path, F_OK) == 0) {
		fprintf(stderr, "Warning: DKIM keys already exist. Use --force to overwrite.\n");
		rc = dkim_keyfile_read_public(public_path, &spki, err) < 0 ? EXIT_ERR : EXIT_OK;
	} else if (rc == EXIT_OK) {
		rc = dkim_keyfile_generate(private_path, public_path, &spki, err) < 0 ? EXIT_ERR
		                                                                       : EXIT_OK;
		if (rc == EXIT_OK)
			printf("DKIM keypair generated successfully.\n\n");
	}
	if (rc == EXIT_ERR && err[0])
		cli_error("%s", err);
	if (rc == EXIT_OK) {
		print_record(selector, cfg.domain, &spki);
		remember_selector(config_path, &cfg, selector);
	}
	buf_free(&spki);
	config_free(&cfg);
	return rc;
}

int applet_dkim_keygen(int argc, char **argv)
{
	const char *selector = NULL;
	int force = 0;
	const struct cli_opt opts[] = {{"--selector", NULL, NULL, &selector, NULL},
				       {"--force", NULL, &force, NULL, NULL}};
	int rc = cli_parse(argc, argv, 1, opts, 2, NULL, 0, "dkim-keygen", USAGE_dkim_keygen);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	return keygen(selector, force);
}
