/* dev_env.h: the self-contained development environment behind `make run` (`aimx serve --dev DIR`). */
#ifndef AIMX_DEV_ENV_H
#define AIMX_DEV_ENV_H

#include <stddef.h>

#include "base/err.h"

#define DEV_DOMAIN  "aimx.test"
#define DEV_BIND    "127.0.0.1:2525"
#define DEV_MAILBOX "agent"

struct dev_env {
	char config_path[4096];
	char cert_path[4096];
	char key_path[4096];
};

/* Under DIR (created if missing, made absolute): config.toml for domain aimx.test with a
 * catchall and the mailbox "agent" owned by the invoking user (as root: root catchall with
 * allow_root_catchall, "agent" owned by nobody), data in DIR/data, the socket in DIR
 * (AIMX_RUNTIME_DIR), and a self-signed certificate in DIR/tls. Existing files are kept.
 * 0, or -1 with a message in err. */
int dev_env_prepare(const char *dir, struct dev_env *env, char err[ERR_SIZE]);

#endif
