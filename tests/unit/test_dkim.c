/* test_dkim.c: unit tests for DKIM tag lists, canonicalisation (RFC 6376 3.4.6) and key records. */
#include <stdlib.h>

#include "bearssl_hash.h"
#include "dkim/dkim.h"
#include "dkim/dkim_key.h"
#include "fake_dns.h"
#include "unit.h"

static void test_tags(void)
{
	struct dkim_tags t;
	static const char sig[] = " v=1; a=rsa-sha256;\r\n\td=example.net ; b=dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSb\r\n av+yuU4zGeeruD00lszZVoG4ZHRNiYzR;";
	CHECK(dkim_tags_parse(sig, strlen(sig), &t) == 0 && t.n == 4);
	CHECK_STR(dkim_tags_get(&t, "d"), "example.net");
	CHECK_STR(dkim_tags_get(&t, "b"),
	          "dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSb av+yuU4zGeeruD00lszZVoG4ZHRNiYzR");
	CHECK(dkim_tags_get(&t, "x") == NULL);
	dkim_tags_free(&t);
	CHECK(dkim_tags_parse("v=1; v=1", 8, &t) == -1);         /* duplicate */
	CHECK(dkim_tags_parse("v=1; novalue", 12, &t) == -1);     /* no '=' */
	CHECK(dkim_tags_parse("1v=1", 4, &t) == -1);              /* name must start with ALPHA */
	CHECK(dkim_tags_parse("a=; b=2;;", 9, &t) == 0 && t.n == 2);
	dkim_tags_free(&t);
	static const char spaced[] = "\r\n v \t= 1 ;\r\n\th =\r\n from :\r\n to ; "
				     "a_very_long_unknown_tag_name=kept out; zz=unknown";
	CHECK(dkim_tags_parse(spaced, strlen(spaced), &t) == 0 && t.n == 3);
	CHECK_STR(dkim_tags_get(&t, "v"), "1");
	CHECK_STR(dkim_tags_get(&t, "h"), "from : to");
	CHECK_STR(dkim_tags_get(&t, "zz"), "unknown");
	dkim_tags_free(&t);
	CHECK(dkim_tags_parse("a=1; long_name_with_a bad=2", 27, &t) == -1);
	CHECK(dkim_tags_parse("a=1; =2", 7, &t) == -1);
	CHECK(dkim_tags_parse("a=1; b-c=2", 10, &t) == -1);
	CHECK(dkim_list_has("sha1 : SHA256", "sha256") && !dkim_list_has("sha2567", "sha256"));
	char many[40 * 6 + 1] = "";
	for (int k = 0; k < 40; k++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "t%02d=1;", k);
	CHECK(dkim_tags_parse(many, strlen(many), &t) == -1); /* more than DKIM_MAX_TAGS */
}

static void canon_header(const char *field, int relaxed, const char *want)
{
	struct buf out = BUF_INIT;
	int rc = relaxed ? dkim_canon_header_relaxed(field, strlen(field), &out)
			 : dkim_canon_header_simple(field, strlen(field), &out);
	CHECK(rc == 0 && out.data);
	CHECK_STR(out.data, want);
	buf_free(&out);
}

static void body_hash(const char *body, int relaxed, long long limit, const char *canonical)
{
	unsigned char got[32], want[32];
	unsigned long long len;
	dkim_body_hash(body, strlen(body), relaxed, limit, got, &len);
	br_sha256_context sha;
	br_sha256_init(&sha);
	br_sha256_update(&sha, canonical, strlen(canonical));
	br_sha256_out(&sha, want);
	CHECK(memcmp(got, want, 32) == 0);
}

/* RFC 6376 3.4.6 example, both forms. */
static void test_canonicalisation(void)
{
	canon_header("A: X\r\n", 1, "a:X\r\n");
	canon_header("B : Y\t\r\n\tZ  \r\n", 1, "b:Y Z\r\n");
	canon_header("A: X\r\n", 0, "A: X\r\n");
	canon_header("B : Y\t\r\n\tZ  \r\n", 0, "B : Y\t\r\n\tZ  \r\n");
	canon_header("Subject:\r\n", 1, "subject:\r\n");
	canon_header("Bare: lf\n folded\n", 0, "Bare: lf\r\n folded\r\n");
	/* relaxed: " C \r\nD \t E\r\n\r\n\r\n" -> " C\r\nD E\r\n" */
	body_hash(" C \r\nD \t E\r\n\r\n\r\n", 1, -1, " C\r\nD E\r\n");
	/* simple: trailing empty lines removed, one CRLF kept */
	body_hash(" C \r\nD \t E\r\n\r\n\r\n", 0, -1, " C \r\nD \t E\r\n");
	body_hash("", 0, -1, "\r\n");
	unsigned char empty_relaxed[32], none[32];
	unsigned long long n1, n2;
	dkim_body_hash("\r\n\r\n", 4, 1, -1, empty_relaxed, &n1);
	dkim_body_hash("", 0, 1, -1, none, &n2);
	CHECK(n1 == 0 && n2 == 0 && memcmp(empty_relaxed, none, 32) == 0);
	body_hash("no final crlf", 0, -1, "no final crlf\r\n");
	body_hash("abcdef\r\n", 0, 3, "abc");
	unsigned long long full;
	unsigned char d[32];
	dkim_body_hash("abcdef\r\n", 8, 0, 3, d, &full);
	CHECK(full == 8);
}

static void test_key_records(void)
{
	struct dkim_key k;
	CHECK(dkim_key_parse("v=DKIM1; k=rsa; p=", 18, &k) == DKIM_KEY_REVOKED);
	CHECK(dkim_key_parse("v=DKIM1; p=!!!", 14, &k) == DKIM_KEY_BAD_DATA);
	CHECK(dkim_key_parse("v=DKIM2; p=AAAA", 15, &k) == DKIM_KEY_SYNTAX);
	CHECK(dkim_key_parse("k=rsa; v=DKIM1; p=AAAA", 22, &k) == DKIM_KEY_SYNTAX);
	CHECK(dkim_key_parse("v=DKIM1; k=dsa; p=AAAA", 22, &k) == DKIM_KEY_UNSUPPORTED);
	CHECK(dkim_key_parse("v=DKIM1; h=sha1; p=AAAA", 23, &k) == DKIM_KEY_UNSUPPORTED);
	CHECK(dkim_key_parse("v=DKIM1; k=rsa", 14, &k) == DKIM_KEY_SYNTAX);
	static const char ed[] = "v=DKIM1; k=ed25519; t=y:s; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
	CHECK(dkim_key_parse(ed, strlen(ed), &k) == DKIM_KEY_OK);
	CHECK(k.type == DKIM_KEY_ED25519 && k.testing && k.strict_i && k.ed25519[0] == 0xd7);
	/* a 512-bit RSA SubjectPublicKeyInfo: refused by RFC 8301's floor */
	static const char small[] = "p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMvA3SfJwWn4u4YY7Qk2hmdINRTbxTH5"
				    "kYpUZCNcd0BRGqhtsFRq5TVPOvQh3gEUs0Fx4Ws5Ej8Fn2UVAnm5xuUCAwEAAQ==";
	CHECK(dkim_key_parse(small, strlen(small), &k) == DKIM_KEY_SIZE);
}

static void test_verify_bounds(void)
{
	struct fake_dns f = {NULL, 0, 0};
	struct dns_lookup dns = fake_dns_lookup(&f);
	struct dkim_result r;
	static const char unsigned_msg[] = "From: a@b\r\n\r\nbody\r\n";
	CHECK(dkim_verify(unsigned_msg, strlen(unsigned_msg), &dns, 0, &r) == 0);
	CHECK_STR(dkim_verdict(&r), "none");
	struct buf m = BUF_INIT;
	for (int k = 0; k < 12; k++)
		buf_append(&m, "DKIM-Signature: v=1; a=rsa-sha256; d=x.test; s=s; h=from; bh=; b=\r\n", 67);
	buf_append(&m, unsigned_msg, strlen(unsigned_msg));
	CHECK(dkim_verify(m.data, m.len, &dns, 0, &r) == 0);
	CHECK(r.nsigs == DKIM_MAX_SIGNATURES && r.sig[0].status == DKIM_SIG_PERMERROR);
	CHECK_STR(dkim_verdict(&r), "fail");
	CHECK(f.queries == 0); /* malformed signatures never reach DNS */
	buf_free(&m);
}

void suite_dkim(void)
{
	test_tags();
	test_canonicalisation();
	test_key_records();
	test_verify_bounds();
}
