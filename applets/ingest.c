/* ingest.c: store one RFC 5322 message from stdin for a recipient.
 *
 * usage: aimx ingest [--data-dir DIR] RCPT < MESSAGE
 *
 * Read one raw message from stdin and store it as if it had arrived over
 * SMTP: routed by RCPT to the mailbox with that address (local part compared
 * case-insensitively, else the catchall *@DOMAIN), written as Markdown with
 * TOML frontmatter in the data directory's inbox/MAILBOX/ (a bundle
 * directory when it has attachments), durably, before the command returns.
 * There is no SMTP peer, so no received_from_ip is recorded. A message whose
 * Message-ID this mailbox already stored in the last 24 hours is skipped.
 * For tests, pipelines and manual imports. Prints the stored file's path,
 * then runs the mailbox's on_receive hooks in the foreground (as the daemon
 * would, trust gate included) and waits for them; a hook's outcome never
 * changes the exit status. A duplicate fires no hooks.
 *
 *   --data-dir DIR   mail store (default: AIMX_DATA_DIR, else the config's
 *                    data_dir, else /var/lib/aimx)
 *
 * Needs a readable config. Messages over 128 MiB are refused.
 * Exit: 0 stored (or duplicate), 1 error, 2 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applets.h"
#include "cli/cli.h"
#include "conf/config.h"
#include "conf/config_load.h"
#include "trust/trust.h"
#include "base/fileio.h"
#include "hooks/hook_receive.h"
#include "store/ingest.h"
#include "base/paths.h"
#include "usage.h"

/* SMTP caps messages at 25 MiB of wire bytes; a local import (a base64 attachment of
 * 20 MiB is 27 MiB on the wire) may be larger, but not unbounded. */
#define INGEST_STDIN_MAX (128 * 1024 * 1024)

static int read_stdin(struct buf *raw)
{
	raw->limit = INGEST_STDIN_MAX;
	return fileio_read_fd(STDIN_FILENO, raw);
}

static int store(const struct config *cfg, const char *rcpt, const struct buf *raw)
{
	const char *data = raw->data ? raw->data : "";
	struct trust_input ai = {data, raw->len, NULL, NULL};
	struct trust_verdicts verdicts;
	trust_check_message_default(&ai, &verdicts);
	struct ingest_request req = {cfg, paths_data_dir(cfg->data_dir), rcpt, NULL, NULL,
				     data, raw->len, 0, &verdicts};
	struct ingest_result res;
	if (ingest_message(&req, &res) < 0) {
		cli_error("%s", res.error);
		return EXIT_ERR;
	}
	if (res.status == INGEST_DUPLICATE)
		fprintf(stderr, "duplicate Message-ID: already stored in mailbox '%s'\n",
			res.mailbox->name);
	else
		printf("%s\n", res.path);
	fflush(stdout);
	hook_receive_fire(cfg, &res); /* in the foreground; never changes the exit status */
	ingest_result_free(&res);
	return EXIT_OK;
}

int applet_ingest(int argc, char **argv)
{
	if (argc != 2)
		return cli_usage_error(USAGE_ingest, "ingest: expected one recipient address");
	char config_path[AIMX_PATH_MAX];
	struct config cfg;
	struct config_report rep = {0};
	if (paths_config_file(config_path, sizeof(config_path)) < 0)
		return EXIT_ERR;
	int rc = config_load(config_path, &cfg, &rep);
	config_report_print(&rep, stderr);
	config_report_free(&rep);
	if (rc < 0)
		return EXIT_ERR;
	struct buf raw = BUF_INIT;
	if (read_stdin(&raw) < 0) {
		cli_error("cannot read the message from stdin: %s",
			  errno == E2BIG ? "it is larger than 128 MiB" : strerror(errno));
		rc = EXIT_ERR;
	} else {
		umask(077);
		rc = store(&cfg, argv[1], &raw);
	}
	buf_free(&raw);
	config_free(&cfg);
	return rc;
}
