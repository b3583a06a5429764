/* dev_env.c: generates the no-root, no-setup environment `make run` serves from. */
#include "serve/dev_env.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/buf.h"
#include "base/fileio.h"
#include "base/paths.h"
#include "crypto/x509.h"

static int write_config(const char *path, const char *dir)
{
	struct passwd *pw = getpwuid(geteuid());
	int root = geteuid() == 0;
	const char *user = pw ? pw->pw_name : "nobody";
	struct buf b = BUF_INIT;
	int rc = buf_printf(&b,
			    "# Development config written by `aimx serve --dev` (make run).\n"
			    "domain = \"%s\"\n"
			    "data_dir = \"%s/data\"\n"
			    "dkim_selector = \"aimx\"\n"
			    "enable_ipv6 = false\n\n"
			    "[mailboxes.%s]\n"
			    "address = \"%s@%s\"\n"
			    "owner = \"%s\"\n\n"
			    "[mailboxes.catchall]\n"
			    "address = \"*@%s\"\n"
			    "owner = \"%s\"\n%s",
			    DEV_DOMAIN, dir, DEV_MAILBOX, DEV_MAILBOX, DEV_DOMAIN,
			    root ? "nobody" : user, DEV_DOMAIN, root ? "root" : user,
			    root ? "allow_root_catchall = true\n" : "");
	if (rc == 0)
		rc = fileio_write_atomic(path, b.data, b.len, 0640, (uid_t)-1, (gid_t)-1);
	buf_free(&b);
	return rc;
}

static int join(char *out, size_t outsz, const char *dir, const char *name)
{
	int n = snprintf(out, outsz, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= outsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int dev_env_prepare(const char *dir, struct dev_env *env, char err[ERR_SIZE])
{
	char abs[PATH_MAX], tls_dir[PATH_MAX];
	struct stat st;
	if (fileio_mkdir_p(dir, 0755) < 0 || !realpath(dir, abs) || join(tls_dir, sizeof(tls_dir), abs, "tls") < 0 ||
	    fileio_mkdir_p(tls_dir, 0700) < 0 ||
	    join(env->config_path, sizeof(env->config_path), abs, "config.toml") < 0 ||
	    join(env->cert_path, sizeof(env->cert_path), tls_dir, "cert.pem") < 0 ||
	    join(env->key_path, sizeof(env->key_path), tls_dir, "key.pem") < 0) {
		return err_set(err, "cannot prepare %s: %s", dir, strerror(errno));
	}
	if (stat(env->config_path, &st) < 0 && write_config(env->config_path, abs) < 0)
		return err_set(err, "cannot write %s: %s", env->config_path, strerror(errno));
	char xerr[ERR_SIZE];
	if (stat(env->cert_path, &st) < 0 &&
	    x509_selfsigned_write(DEV_DOMAIN, X509_KEY_EC_P256, env->cert_path, env->key_path, xerr) < 0) {
		return err_set(err, "cannot make the dev certificate: %s", xerr);
	}
	if (setenv("AIMX_RUNTIME_DIR", abs, 0) < 0)
		return err_set(err, "cannot set AIMX_RUNTIME_DIR: %s", strerror(errno));
	return 0;
}
