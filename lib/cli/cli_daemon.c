/* cli_daemon.c: the applets' way to the config (when readable) and to the daemon. */
#include "cli/cli_daemon.h"

#include <stdio.h>
#include <string.h>

#include "conf/config_load.h"
#include "control/aimx_client.h"
#include "cli/cli.h"

int cli_config_try_load(struct config *cfg, char path[AIMX_PATH_MAX])
{
	struct config_report rep = {0};
	if (paths_config_file(path, AIMX_PATH_MAX) < 0) {
		path[0] = '\0';
		return -1;
	}
	int rc = config_load(path, cfg, &rep);
	config_report_free(&rep);
	return rc;
}

enum cli_call_result cli_call(const struct aimx_request *req, struct aimx_response *resp)
{
	char err[ERR_SIZE];
	int sys_errno;
	switch (aimx_client_call(req, resp, err, &sys_errno)) {
	case AIMX_CALL_OK:
		break;
	case AIMX_CALL_NO_DAEMON:
		return CLI_CALL_NO_DAEMON;
	case AIMX_CALL_CONNECT:
		cli_error("%s", err);
		return CLI_CALL_FAILED;
	case AIMX_CALL_MALFORMED:
		cli_error("Malformed response from aimx daemon: %s", err);
		return CLI_CALL_FAILED;
	}
	if (!resp->ok) {
		cli_error("[%s] %s", resp->code, resp->reason);
		return CLI_CALL_FAILED;
	}
	return CLI_CALL_DONE;
}
