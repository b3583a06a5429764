/* paths.c: the config, data and runtime directories and the files in them, with overrides. */
#include "base/paths.h"

#include <stdlib.h>
#include <string.h>

#include "base/path_join.h"

static char *data_dir_override; /* --data-dir, owned copy; NULL when not given */

/* An empty string counts as not set, for env values and the --data-dir/config values alike. */
static const char *nonempty(const char *s)
{
	return s && s[0] ? s : NULL;
}

static const char *env_dir(const char *name, const char *fallback)
{
	const char *v = nonempty(getenv(name));
	return v ? v : fallback;
}

/* NULL or "" clears the override. The copy outlives the caller's string; without memory to
 * make it we stop rather than silently fall back to another data directory. */
void paths_set_data_dir(const char *dir)
{
	char *copy = NULL;
	if (nonempty(dir) && !(copy = strdup(dir)))
		abort();
	free(data_dir_override);
	data_dir_override = copy;
}

const char *paths_config_dir(void)
{
	return env_dir("AIMX_CONFIG_DIR", AIMX_DEFAULT_CONFIG_DIR);
}

int paths_config_file(char *out, size_t outsz)
{
	return path_join(out, outsz, paths_config_dir(), "config.toml");
}

int paths_dkim_private_key(char *out, size_t outsz)
{
	return path_join(out, outsz, paths_config_dir(), "dkim/private.key");
}

int paths_dkim_public_key(char *out, size_t outsz)
{
	return path_join(out, outsz, paths_config_dir(), "dkim/public.key");
}

const char *paths_data_dir(const char *config_data_dir)
{
	if (data_dir_override)
		return data_dir_override;
	const char *env = nonempty(getenv("AIMX_DATA_DIR"));
	if (env)
		return env;
	const char *conf = nonempty(config_data_dir);
	return conf ? conf : AIMX_DEFAULT_DATA_DIR;
}

const char *paths_runtime_dir(void)
{
	return env_dir("AIMX_RUNTIME_DIR", AIMX_DEFAULT_RUNTIME_DIR);
}

int paths_socket(char *out, size_t outsz)
{
	return path_join(out, outsz, paths_runtime_dir(), "aimx.sock");
}

int paths_pid_file(char *out, size_t outsz)
{
	return path_join(out, outsz, paths_runtime_dir(), "aimx.pid");
}
