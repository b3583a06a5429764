/* test_tls_creds.c: unit tests for lib/net/tls_creds.c (loading certificate chains and keys). */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/err.h"
#include "base/buf.h"
#include "base/fileio.h"
#include "net/tls_conn.h"
#include "crypto/pem.h"
#include "unit.h"
#include "crypto/x509.h"

#define FIX "../fixtures/tls/"

static void check_loads(const char *cert, const char *key, int key_type, size_t chain_len,
                        unsigned issuer_key_type)
{
	struct tls_creds creds;
	char err[ERR_SIZE] = "";
	int rc = tls_creds_load(&creds, cert, key, err);
	CHECK(rc == 0);
	if (rc != 0) {
		fprintf(stderr, "    %s + %s: %s\n", cert, key, err);
		return;
	}
	CHECK(creds.key.type == key_type);
	CHECK(creds.chain_len == chain_len);
	CHECK(creds.issuer_key_type == issuer_key_type);
	CHECK(creds.chain[0].data_len > 100 && creds.chain[0].data[0] == 0x30);
	tls_creds_free(&creds);
	CHECK(creds.chain == NULL && creds.key.data == NULL && creds.chain_len == 0);
	tls_creds_free(&creds); /* a second free is harmless */
}

static void test_fixture_formats(void)
{
	check_loads(FIX "rsa.crt", FIX "rsa_pkcs8.key", BR_KEYTYPE_RSA, 1, BR_KEYTYPE_RSA);
	check_loads(FIX "rsa.crt", FIX "rsa_pkcs1.key", BR_KEYTYPE_RSA, 1, BR_KEYTYPE_RSA);
	check_loads(FIX "ec_p256.crt", FIX "ec_p256_sec1.key", BR_KEYTYPE_EC, 1, BR_KEYTYPE_EC);
	check_loads(FIX "ec_p256.crt", FIX "ec_p256_pkcs8.key", BR_KEYTYPE_EC, 1, BR_KEYTYPE_EC);
	check_loads(FIX "ec_p384.crt", FIX "ec_p384_pkcs8.key", BR_KEYTYPE_EC, 1, BR_KEYTYPE_EC);
	/* An EC leaf signed by an RSA CA: ECDH_RSA suites need to know the issuer's type. */
	check_loads(FIX "chain.crt", FIX "ec_p256_sec1.key", BR_KEYTYPE_EC, 2, BR_KEYTYPE_RSA);
}

static void write_text(const char *path, const char *text, size_t len)
{
	CHECK(fileio_write_atomic(path, text, len, 0600, (uid_t)-1, (gid_t)-1) == 0);
}

/* Concatenate files into `out`. */
static void cat_files(const char *out, const char *a, const char *b)
{
	struct buf text = BUF_INIT;
	CHECK(fileio_read_file(a, &text) == 0 && fileio_read_file(b, &text) == 0);
	write_text(out, text.data, text.len);
	buf_free(&text);
}

static void test_combined_file(const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/combined.pem", dir);
	cat_files(path, FIX "ec_p256_pkcs8.key", FIX "ec_p256.crt");
	check_loads(path, path, BR_KEYTYPE_EC, 1, BR_KEYTYPE_EC);
	CHECK(unlink(path) == 0);
}

static void test_own_generated_files(const char *dir)
{
	static const enum x509_key_kind kinds[] = {X509_KEY_RSA2048, X509_KEY_EC_P256};
	static const int types[] = {BR_KEYTYPE_RSA, BR_KEYTYPE_EC};
	char cert[512], key[512], err[ERR_SIZE];
	snprintf(cert, sizeof(cert), "%s/own.crt", dir);
	snprintf(key, sizeof(key), "%s/own.key", dir);
	for (size_t i = 0; i < 2; i++) {
		CHECK(x509_selfsigned_write("own.test", kinds[i], cert, key, err) == 0);
		check_loads(cert, key, types[i], 1, (unsigned)types[i]);
	}
	CHECK(unlink(cert) == 0 && unlink(key) == 0);
}

static void check_fails(const char *cert, const char *key, const char *want)
{
	struct tls_creds creds;
	char err[ERR_SIZE] = "";
	CHECK(tls_creds_load(&creds, cert, key, err) == -1);
	CHECK_CONTAINS(err, want);
	CHECK(creds.chain == NULL && creds.key.data == NULL);
}

static void test_fixture_errors(void)
{
	check_fails(FIX "missing.crt", FIX "rsa_pkcs8.key",
	            "certificate file " FIX "missing.crt: No such file or directory");
	check_fails(FIX "rsa.crt", FIX "missing.key",
	            "key file " FIX "missing.key: No such file or directory");
	check_fails(FIX "rsa.crt", FIX "ec_p256_sec1.key", "does not match the certificate");
	check_fails(FIX "ec_p256.crt", FIX "ec_p384_pkcs8.key", "does not match the certificate");
	check_fails(FIX "ec_p384.crt", FIX "ec_p256_sec1.key", "does not match the certificate");
	check_fails(FIX "ec_p256.crt", FIX "rsa_pkcs1.key", "does not match the certificate");
	check_fails(FIX "rsa.crt", FIX "ed25519.key", "unsupported key type");
	check_fails(FIX "rsa.crt", FIX "ec_secp256k1.key", "unsupported key type");
	check_fails(FIX "ec_p256.crt", FIX "ec_encrypted_pkcs8.key", "encrypted keys");
	check_fails(FIX "ec_p256.crt", FIX "ec_encrypted_sec1.key", "encrypted keys");
	check_fails(FIX "rsa.crt", FIX "rsa.crt",
	            "no RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY block");
	check_fails(FIX "rsa_pkcs8.key", FIX "rsa_pkcs8.key", "no CERTIFICATE block");
	check_fails(FIX, FIX "rsa_pkcs8.key", "certificate file " FIX ": Is a directory");
}

/* Write `text` to dir/name and expect loading it as the certificate (with `key`) to fail. */
static void check_bad_cert_text(const char *dir, const char *text, const char *want)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/bad.crt", dir);
	write_text(path, text, strlen(text));
	check_fails(path, FIX "rsa_pkcs8.key", want);
	CHECK(unlink(path) == 0);
}

static void test_bad_texts(const char *dir)
{
	check_bad_cert_text(dir, "", "no CERTIFICATE block");
	check_bad_cert_text(dir, "\x01\x02garbage\xff\n", "no CERTIFICATE block");
	check_bad_cert_text(dir, "-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n",
	                    "invalid PEM encoding");
	check_bad_cert_text(dir, "-----BEGIN CERTIFICATE-----\nMIIB\n", "without its END line");
	check_bad_cert_text(dir,
	                    "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n"
	                    "-----END CERTIFICATE-----\n",
	                    "not valid X.509: certificate #1");
	char key[512];
	snprintf(key, sizeof(key), "%s/bad.key", dir);
	const char *bad_key = "-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n";
	write_text(key, bad_key, strlen(bad_key));
	check_fails(FIX "rsa.crt", key, "invalid PRIVATE KEY");
	CHECK(unlink(key) == 0);
}

static void test_chain_with_bad_second_cert(const char *dir)
{
	char path[512];
	struct buf text = BUF_INIT;
	snprintf(path, sizeof(path), "%s/chain.crt", dir);
	CHECK(fileio_read_file(FIX "ec_p256.crt", &text) == 0);
	CHECK(buf_append_str(&text, "-----BEGIN CERTIFICATE-----\nMAA=\n"
	                            "-----END CERTIFICATE-----\n") == 0);
	write_text(path, text.data, text.len);
	check_fails(path, FIX "ec_p256_sec1.key", "not valid X.509: certificate #2");
	buf_free(&text);
	CHECK(unlink(path) == 0);
}

static void test_too_large(const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/huge.crt", dir);
	size_t len = PEM_FILE_MAX + 1;
	char *big = malloc(len);
	CHECK(big != NULL);
	if (!big)
		return;
	memset(big, '\n', len);
	write_text(path, big, len);
	free(big);
	check_fails(path, FIX "rsa_pkcs8.key", "larger than 1 MiB");
	CHECK(unlink(path) == 0);
}

void suite_tls_creds(void)
{
	const char *dir = unit_tmpdir("tls-creds");
	test_fixture_formats();
	test_combined_file(dir);
	test_own_generated_files(dir);
	test_fixture_errors();
	test_bad_texts(dir);
	test_chain_with_bad_second_cert(dir);
	test_too_large(dir);
	CHECK(rmdir(dir) == 0);
}
