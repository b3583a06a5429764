/* dkim_keyfile.c: generating, reading and publishing the DKIM key pair files. */
#include "dkim/dkim_keyfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/base64.h"
#include "base/fileio.h"
#include "base/paths.h"
#include "crypto/pem.h"
#include "crypto/x509.h"

static void wipe(struct buf *b)
{
	if (b->data)
		explicit_bzero(b->data, b->len);
	buf_free(b);
}

static int write_pem(const char *path, const char *label, const struct buf *der, mode_t mode,
                     char err[ERR_SIZE])
{
	struct buf pem = BUF_INIT;
	int rc = pem_encode(&pem, label, der->data, der->len);
	if (rc < 0)
		err_set(err, "out of memory");
	else if ((rc = fileio_write_atomic(path, pem.data, pem.len, mode, (uid_t)-1, (gid_t)-1)) < 0)
		err_set(err, "cannot write %.200s: %s", path, strerror(errno));
	wipe(&pem);
	return rc;
}

int dkim_keyfile_generate(const char *private_path, const char *public_path, struct buf *spki,
                          char err[ERR_SIZE])
{
	struct buf priv = BUF_INIT;
	char xerr[ERR_SIZE];
	int rc = x509_rsa_keypair(&priv, spki, xerr);
	if (rc < 0)
		err_set(err, "DKIM key generation failed: %.200s", xerr);
	if (rc == 0)
		rc = write_pem(private_path, "RSA PRIVATE KEY", &priv, 0600, err);
	if (rc == 0)
		rc = write_pem(public_path, "PUBLIC KEY", spki, 0644, err);
	wipe(&priv);
	return rc;
}

int dkim_keyfile_read_public(const char *public_path, struct buf *spki, char err[ERR_SIZE])
{
	struct pem_list pems = PEM_LIST_INIT;
	if (pem_read_file(public_path, "public key", &pems, err) < 0)
		return -1;
	int rc = -1;
	for (size_t k = 0; k < pems.count && rc < 0; k++)
		if (strcmp(pems.obj[k].label, "PUBLIC KEY") == 0)
			rc = buf_append(spki, pems.obj[k].der, pems.obj[k].len);
	if (rc < 0)
		err_set(err, "%.200s: no PUBLIC KEY block", public_path);
	pem_list_free(&pems);
	return rc;
}

int dkim_keyfile_record(const struct buf *spki, struct buf *out)
{
	struct buf b64 = BUF_INIT;
	int rc = base64_encode(&b64, spki->data, spki->len, 0);
	if (rc == 0)
		rc = buf_printf(out, "v=DKIM1; k=rsa; p=%s", b64.data);
	buf_free(&b64);
	return rc;
}

int dkim_keyfile_ensure(struct buf *spki, int *created, char err[ERR_SIZE])
{
	char priv[AIMX_PATH_MAX], pub[AIMX_PATH_MAX], dir[AIMX_PATH_MAX];
	struct stat st;
	*created = 0;
	if (paths_dkim_private_key(priv, sizeof(priv)) < 0 ||
	    paths_dkim_public_key(pub, sizeof(pub)) < 0 ||
	    snprintf(dir, sizeof(dir), "%s/dkim", paths_config_dir()) >= (int)sizeof(dir)) {
		return err_set(err, "DKIM key path too long");
	}
	if (stat(priv, &st) == 0)
		return dkim_keyfile_read_public(pub, spki, err);
	if (fileio_mkdir_p(dir, 0755) < 0)
		return err_set(err, "cannot create %.200s: %s", dir, strerror(errno));
	*created = 1;
	return dkim_keyfile_generate(priv, pub, spki, err);
}
