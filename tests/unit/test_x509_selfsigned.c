/* test_x509_selfsigned.c: unit tests for lib/crypto/x509.c (key, certificate, files). */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bearssl.h>

#include "base/err.h"
#include "base/buf.h"
#include "base/fileio.h"
#include "net/tls_conn.h"
#include "unit.h"
#include "crypto/x509.h"

#define T_2023 ((time_t)1700000000) /* 2023-11-14 22:13:20 UTC */
#define T_2049 ((time_t)2500000000) /* 2049-03-22 04:26:40 UTC */
#define T_LEAP ((time_t)1709208000) /* 2024-02-29 12:00:00 UTC */

/* One DER element: tag and contents. */
struct tlv {
	unsigned char tag;
	const unsigned char *val;
	size_t len;
};

/* Read the element at *p (advancing past it); 0, or -1 when it does not fit in *left. */
static int tlv_next(const unsigned char **p, size_t *left, struct tlv *t)
{
	if (*left < 2)
		return -1;
	const unsigned char *q = *p;
	size_t len = q[1], hdr = 2;
	if (len & 0x80) {
		size_t n = len & 0x7F;
		if (n == 0 || n > 3 || *left < 2 + n)
			return -1;
		len = 0;
		for (size_t i = 0; i < n; i++)
			len = (len << 8) | q[2 + i];
		hdr += n;
	}
	if (*left - hdr < len)
		return -1;
	t->tag = q[0];
	t->val = q + hdr;
	t->len = len;
	*p += hdr + len;
	*left -= hdr + len;
	return 0;
}

/* The `index`th child of a constructed element. */
static int tlv_child(const struct tlv *parent, size_t index, struct tlv *out)
{
	const unsigned char *p = parent->val;
	size_t left = parent->len;
	for (size_t i = 0; i <= index; i++)
		if (tlv_next(&p, &left, out) < 0)
			return -1;
	return 0;
}

/* The TBSCertificate of a certificate, and the certificate itself. */
static int tbs_of(const struct buf *der, struct tlv *cert, struct tlv *tbs)
{
	const unsigned char *p = (const unsigned char *)der->data;
	size_t left = der->len;
	if (tlv_next(&p, &left, cert) < 0 || left != 0)
		return -1;
	return tlv_child(cert, 0, tbs);
}

static int tlv_is(const struct tlv *t, unsigned char tag, const char *text)
{
	return t->tag == tag && t->len == strlen(text) && memcmp(t->val, text, t->len) == 0;
}

static void make(struct x509_selfsigned *ss, enum x509_key_kind kind, time_t now)
{
	char err[ERR_SIZE];
	int rc = x509_selfsigned_make(ss, "mail.example.test", kind, now, err);
	CHECK(rc == 0);
	if (rc != 0)
		fprintf(stderr, "    x509_selfsigned_make: %s\n", err);
}

static void check_validity(const struct buf *der, unsigned char tag_after, const char *before,
                           const char *after)
{
	struct tlv cert, tbs, validity, nb, na;
	CHECK(tbs_of(der, &cert, &tbs) == 0);
	CHECK(tlv_child(&tbs, 4, &validity) == 0);
	CHECK(tlv_child(&validity, 0, &nb) == 0 && tlv_is(&nb, 0x17, before));
	CHECK(tlv_child(&validity, 1, &na) == 0 && tlv_is(&na, tag_after, after));
}

static void test_validity_encoding(void)
{
	struct x509_selfsigned ss;
	make(&ss, X509_KEY_EC_P256, T_2023);
	check_validity(&ss.cert_der, 0x17, "231114211320Z", "331114221320Z");
	x509_selfsigned_free(&ss);
	make(&ss, X509_KEY_EC_P256, T_2049);
	check_validity(&ss.cert_der, 0x18, "490322032640Z", "20590322042640Z");
	x509_selfsigned_free(&ss);
	make(&ss, X509_KEY_EC_P256, T_LEAP);
	check_validity(&ss.cert_der, 0x17, "240229110000Z", "340228120000Z");
	x509_selfsigned_free(&ss);
}

static void check_structure(const struct buf *der, const unsigned char *sig_oid, size_t oid_len)
{
	struct tlv cert, tbs, version, serial, alg, alg_outer, alg_oid, sig;
	CHECK(tbs_of(der, &cert, &tbs) == 0);
	CHECK(tlv_child(&tbs, 0, &version) == 0 && version.tag == 0xA0 && version.len == 3 &&
	      version.val[2] == 2);
	CHECK(tlv_child(&tbs, 1, &serial) == 0 && serial.tag == 0x02 && serial.len == 16 &&
	      (serial.val[0] & 0xC0) == 0x40);
	CHECK(tlv_child(&tbs, 2, &alg) == 0 && tlv_child(&alg, 0, &alg_oid) == 0 &&
	      alg_oid.len == oid_len && memcmp(alg_oid.val, sig_oid, oid_len) == 0);
	CHECK(tlv_child(&cert, 1, &alg_outer) == 0 && alg_outer.len == alg.len &&
	      memcmp(alg_outer.val, alg.val, alg.len) == 0);
	CHECK(tlv_child(&cert, 2, &sig) == 0 && sig.tag == 0x03 && sig.val[0] == 0);
}

static void test_structure(void)
{
	static const unsigned char sha256_rsa[] = {0x2A, 0x86, 0x48, 0x86, 0xF7,
	                                           0x0D, 0x01, 0x01, 0x0B};
	static const unsigned char ecdsa_sha256[] = {0x2A, 0x86, 0x48, 0xCE,
	                                             0x3D, 0x04, 0x03, 0x02};
	struct x509_selfsigned rsa, ec;
	make(&rsa, X509_KEY_RSA2048, T_2023);
	make(&ec, X509_KEY_EC_P256, T_2023);
	check_structure(&rsa.cert_der, sha256_rsa, sizeof(sha256_rsa));
	check_structure(&ec.cert_der, ecdsa_sha256, sizeof(ecdsa_sha256));
	CHECK_STR(rsa.key_pem_label, "RSA PRIVATE KEY");
	CHECK_STR(ec.key_pem_label, "EC PRIVATE KEY");
	x509_selfsigned_free(&rsa);
	x509_selfsigned_free(&ec);
}

static void test_serials_differ(void)
{
	struct x509_selfsigned a, b;
	struct tlv ca, ta, sa, cb, tb, sb;
	make(&a, X509_KEY_EC_P256, T_2023);
	make(&b, X509_KEY_EC_P256, T_2023);
	CHECK(tbs_of(&a.cert_der, &ca, &ta) == 0 && tlv_child(&ta, 1, &sa) == 0);
	CHECK(tbs_of(&b.cert_der, &cb, &tb) == 0 && tlv_child(&tb, 1, &sb) == 0);
	CHECK(sa.len == sb.len && memcmp(sa.val, sb.val, sa.len) != 0);
	x509_selfsigned_free(&a);
	x509_selfsigned_free(&b);
}

static void append_dn(void *ctx, const void *data, size_t len)
{
	CHECK(buf_append(ctx, data, len) == 0);
}

/* Validate `der` with BearSSL's X.509 engine, trusting the certificate's own DN and key as a
 * CA (so the signature is checked), for `name` at unix time `at`. */
static int bearssl_validate(const struct buf *der, const char *name, time_t at)
{
	br_x509_decoder_context dec;
	struct buf dn = BUF_INIT;
	br_x509_decoder_init(&dec, append_dn, &dn);
	br_x509_decoder_push(&dec, der->data, der->len);
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dec);
	if (!pk) {
		buf_free(&dn);
		return -1;
	}
	br_x509_trust_anchor ta = {{(unsigned char *)dn.data, dn.len}, BR_X509_TA_CA, *pk};
	br_x509_minimal_context xc;
	br_x509_minimal_init_full(&xc, &ta, 1);
	br_x509_minimal_set_time(&xc, (uint32_t)(at / 86400 + 719528), (uint32_t)(at % 86400));
	xc.vtable->start_chain(&xc.vtable, name);
	xc.vtable->start_cert(&xc.vtable, (uint32_t)der->len);
	xc.vtable->append(&xc.vtable, (const unsigned char *)der->data, der->len);
	xc.vtable->end_cert(&xc.vtable);
	int err = (int)xc.vtable->end_chain(&xc.vtable);
	buf_free(&dn);
	return err;
}

static void test_bearssl_validates(enum x509_key_kind kind)
{
	struct x509_selfsigned ss;
	make(&ss, kind, T_2023);
	CHECK(bearssl_validate(&ss.cert_der, "mail.example.test", T_2023) == BR_ERR_OK);
	CHECK(bearssl_validate(&ss.cert_der, "MAIL.example.TEST", T_2023 + 86400) == BR_ERR_OK);
	CHECK(bearssl_validate(&ss.cert_der, "other.example.test", T_2023) ==
	      BR_ERR_X509_BAD_SERVER_NAME);
	CHECK(bearssl_validate(&ss.cert_der, "mail.example.test", T_2023 - 7200) ==
	      BR_ERR_X509_EXPIRED);
	CHECK(bearssl_validate(&ss.cert_der, "mail.example.test", T_2023 + 3654L * 86400) ==
	      BR_ERR_X509_EXPIRED);
	/* A flipped bit in the signed part breaks the signature. */
	ss.cert_der.data[ss.cert_der.len / 2] ^= 0x01;
	CHECK(bearssl_validate(&ss.cert_der, "mail.example.test", T_2023) != BR_ERR_OK);
	x509_selfsigned_free(&ss);
}

static void check_key_matches(enum x509_key_kind kind)
{
	struct x509_selfsigned ss;
	make(&ss, kind, T_2023);
	br_skey_decoder_context sk;
	br_skey_decoder_init(&sk);
	br_skey_decoder_push(&sk, ss.key_der.data, ss.key_der.len);
	CHECK(br_skey_decoder_last_error(&sk) == 0);
	if (kind == X509_KEY_RSA2048) {
		const br_rsa_private_key *rsa = br_skey_decoder_get_rsa(&sk);
		CHECK(rsa && rsa->n_bitlen == 2048);
	} else {
		const br_ec_private_key *ec = br_skey_decoder_get_ec(&sk);
		CHECK(ec && ec->curve == BR_EC_secp256r1);
	}
	x509_selfsigned_free(&ss);
	CHECK(ss.key_der.data == NULL && ss.cert_der.data == NULL);
}


/* A hostname of exactly len characters: labels of 63 letters joined by dots. */
static void long_name(char *out, size_t len)
{
	for (size_t k = 0; k < len; k++)
		out[k] = k % 64 == 63 && k + 1 < len ? '.' : 'a';
	out[len] = '\0';
}

static void test_bad_domains(void)
{
	static const char *const bad[] = {
	    "",
	    "-a.test",
	    "a-.test",
	    "a..test",
	    ".a.test",
	    "a.test.",
	    "a test",
	    "a_b.test",
	    "*.test",
	    "caf\xc3\xa9.test",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}; /* label of 64 */
	char too_long[X509_DOMAIN_MAX + 2];
	long_name(too_long, X509_DOMAIN_MAX + 1);
	struct x509_selfsigned over;
	char over_err[ERR_SIZE] = "";
	CHECK(x509_selfsigned_make(&over, too_long, X509_KEY_EC_P256, T_2023, over_err) == -1);
	CHECK_CONTAINS(over_err, "at most 253 characters");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct x509_selfsigned ss;
		char err[ERR_SIZE] = "";
		CHECK(x509_selfsigned_make(&ss, bad[i], X509_KEY_EC_P256, T_2023, err) == -1);
		CHECK_CONTAINS(err, "is not a hostname");
		CHECK(ss.cert_der.data == NULL);
	}
	static const char *const good[] = {
	    "a",
	    "xn--bcher-kva.example",
	    "a-b.c-d.test",
	    "9.test",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",   /* 63 */
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}; /* 64 */
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct x509_selfsigned ss;
		char err[ERR_SIZE] = "";
		CHECK(x509_selfsigned_make(&ss, good[i], X509_KEY_EC_P256, T_2023, err) == 0);
		x509_selfsigned_free(&ss);
	}
	/* Longer than a CN may be (65 and 253): CN=aimx, and the name matches through the SAN. */
	static const size_t lengths[] = {X509_CN_MAX + 1, X509_DOMAIN_MAX};
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t len = lengths[i];
		char name[X509_DOMAIN_MAX + 1];
		struct x509_selfsigned ss;
		char err[ERR_SIZE] = "";
		long_name(name, len);
		CHECK(x509_selfsigned_make(&ss, name, X509_KEY_RSA2048, T_2023, err) == 0);
		CHECK(bearssl_validate(&ss.cert_der, name, T_2023) == BR_ERR_OK);
		CHECK(memmem(ss.cert_der.data, ss.cert_der.len, X509_LONG_CN, 4) != NULL);
		x509_selfsigned_free(&ss);
	}
}

static void test_kind_parse(void)
{
	CHECK(x509_key_kind_parse("rsa") == X509_KEY_RSA2048);
	CHECK(x509_key_kind_parse("ec") == X509_KEY_EC_P256);
	CHECK(x509_key_kind_parse("RSA") == -1);
	CHECK(x509_key_kind_parse("") == -1);
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static int starts_with_file(const char *path, const char *prefix)
{
	struct buf b = BUF_INIT;
	int ok =
	    fileio_read_file(path, &b) == 0 && b.data && strncmp(b.data, prefix, strlen(prefix)) == 0;
	buf_free(&b);
	return ok;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void check_write(enum x509_key_kind kind, const char *key_banner)
{
	const char *dir = unit_tmpdir("x509");
	char cert[512], key[512], err[ERR_SIZE] = "", terr[ERR_SIZE] = "";
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	/* Twice: the second run replaces both files. */
	for (int round = 0; round < 2; round++) {
		CHECK(x509_selfsigned_write("mail.example.test", kind, cert, key, err) == 0);
		CHECK_STR(err, "");
	}
	CHECK(mode_of(cert) == 0644);
	CHECK(mode_of(key) == 0600);
	CHECK(starts_with_file(cert, "-----BEGIN CERTIFICATE-----\n"));
	CHECK(starts_with_file(key, key_banner));
	CHECK(count_entries(dir) == 2);
	struct tls_creds creds;
	int rc = tls_creds_load(&creds, cert, key, terr);
	CHECK(rc == 0);
	if (rc != 0)
		fprintf(stderr, "    tls_creds_load: %s\n", terr);
	tls_creds_free(&creds);
	CHECK(unlink(cert) == 0 && unlink(key) == 0 && rmdir(dir) == 0);
}

static void test_write_errors(void)
{
	char err[ERR_SIZE] = "";
	CHECK(x509_selfsigned_write("mail.example.test", X509_KEY_EC_P256, "/nonexistent/c.pem",
	                            "/nonexistent/k.pem", err) == -1);
	CHECK_CONTAINS(err, "key file /nonexistent/k.pem");
	CHECK(x509_selfsigned_write("bad domain", X509_KEY_EC_P256, "/tmp/c.pem", "/tmp/k.pem",
	                            err) == -1);
	CHECK_CONTAINS(err, "not a hostname");
}

void suite_x509_selfsigned(void)
{
	test_validity_encoding();
	test_structure();
	test_serials_differ();
	test_bearssl_validates(X509_KEY_RSA2048);
	test_bearssl_validates(X509_KEY_EC_P256);
	check_key_matches(X509_KEY_RSA2048);
	check_key_matches(X509_KEY_EC_P256);
	test_bad_domains();
	test_kind_parse();
	check_write(X509_KEY_RSA2048, "-----BEGIN RSA PRIVATE KEY-----\n");
	check_write(X509_KEY_EC_P256, "-----BEGIN EC PRIVATE KEY-----\n");
	test_write_errors();
}
