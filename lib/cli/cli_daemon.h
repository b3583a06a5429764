/* cli_daemon.h: the applets' way to the config (when readable) and to the daemon. */
#ifndef AIMX_CLI_DAEMON_H
#define AIMX_CLI_DAEMON_H

#include "base/paths.h"
#include "conf/config.h"
#include "control/aimx.h"

/* Load config.toml when this caller can read it and it is valid (nothing is printed);
 * path gets the file name either way. 0 with cfg loaded, -1 otherwise. */
int cli_config_try_load(struct config *cfg, char path[AIMX_PATH_MAX]);

enum cli_call_result {
	CLI_CALL_DONE,      /* the daemon answered OK */
	CLI_CALL_NO_DAEMON, /* socket missing (ENOENT, ECONNREFUSED, EACCES); nothing printed */
	CLI_CALL_FAILED,    /* printed: "Error: [CODE] reason", a connect error or a bad reply */
};
/* One AIMX/1 request; resp is always to be freed with aimx_response_free. */
enum cli_call_result cli_call(const struct aimx_request *req, struct aimx_response *resp);

#endif
