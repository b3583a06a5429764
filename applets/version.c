/* version.c: print the client version and, when the daemon answers, the server's (DECISIONS 23).
 *
 * usage: aimx version
 *
 * Print this binary's version line, the same as `aimx --version`:
 *   AIMX (AI Mail Exchange) version TAG (HASH) TRIPLE built DATE
 * then the running daemon's, asked with the AIMX/1 VERSION request:
 *   server: version TAG (HASH) TRIPLE built DATE
 * or "server: not running" when nothing answers on the socket. A
 * difference means the daemon has not been restarted since the binary was
 * replaced.
 *
 * Exit: 0 ok, 2 usage error.
 */
#include <cJSON.h>
#include <stdio.h>

#include "control/aimx_client.h"
#include "applets.h"
#include "cli/cli.h"
#include "base/version.h"

static const char *field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : "unknown";
}

static void print_server(void)
{
	struct aimx_request req = {.verb = AIMX_VERSION};
	struct aimx_response resp = {0};
	char err[ERR_SIZE];
	int sys_errno;
	enum aimx_call_status st = aimx_client_call(&req, &resp, err, &sys_errno);
	cJSON *o = st == AIMX_CALL_OK && resp.ok && resp.json.data
			   ? cJSON_ParseWithLength(resp.json.data, resp.json.len)
			   : NULL;
	if (st == AIMX_CALL_NO_DAEMON)
		printf("server: not running\n");
	else if (!o)
		printf("server: unknown (%s)\n", st == AIMX_CALL_OK ? resp.reason : err);
	else
		printf("server: version %s (%s) %s built %s\n", field(o, "tag"), field(o, "git_hash"),
		       field(o, "target"), field(o, "build_date"));
	cJSON_Delete(o);
	aimx_response_free(&resp);
}

int applet_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "aimx version: takes no arguments\n");
		return EXIT_USAGE;
	}
	printf("%s\n", version_line());
	fflush(stdout);
	print_server();
	return EXIT_OK;
}
