/* paths.h: where aimx keeps its config, data and socket, with the documented overrides. */
#ifndef AIMX_PATHS_H
#define AIMX_PATHS_H

#include <stddef.h>

#define AIMX_PATH_MAX 4096

#define AIMX_DEFAULT_CONFIG_DIR  "/etc/aimx"
#define AIMX_DEFAULT_DATA_DIR    "/var/lib/aimx"
#define AIMX_DEFAULT_RUNTIME_DIR "/run/aimx"

/* The --data-dir flag; it wins over AIMX_DATA_DIR and the config's data_dir. */
void paths_set_data_dir(const char *dir);

/* AIMX_CONFIG_DIR, else /etc/aimx. */
const char *paths_config_dir(void);
/* <config dir>/config.toml */
int paths_config_file(char *out, size_t outsz);
/* <config dir>/dkim/private.key and public.key */
int paths_dkim_private_key(char *out, size_t outsz);
int paths_dkim_public_key(char *out, size_t outsz);

/* --data-dir > AIMX_DATA_DIR > config_data_dir (may be NULL) > /var/lib/aimx. */
const char *paths_data_dir(const char *config_data_dir);

/* AIMX_RUNTIME_DIR, else /run/aimx; the socket and pid file live there. */
const char *paths_runtime_dir(void);
int paths_socket(char *out, size_t outsz);   /* <run>/aimx.sock */
int paths_pid_file(char *out, size_t outsz); /* <run>/aimx.pid */

/* The path setters above return 0, or -1 with errno ENAMETOOLONG when it does not fit. */

#endif
