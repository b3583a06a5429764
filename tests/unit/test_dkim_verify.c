/* test_dkim_verify.c: dkim_verify on a dkimpy-signed RSA + Ed25519 fixture through fake_dns. */
#include <stdlib.h>

#include "dkim/dkim.h"
#include "fake_dns.h"
#include "unit.h"

/* Signed by dkimpy 1.x: sig 0 ed25519-sha256 simple/simple l=28 h=from:to:subject; sig 1
 * rsa-sha256 (1024 bits) relaxed/relaxed h= over-signing From and Subject, and Reply-To
 * (absent). The body holds an 8-bit byte and trailing blank lines. */
static const char fixture[] =
	"DKIM-Signature: v=1; a=ed25519-sha256; c=simple/simple; d=fixture.test;\r\n"
	" i=@fixture.test; l=28; q=dns/txt; s=ed; t=1795353218; h=from : to :\r\n"
	" subject; bh=RWO5umr1e0Hfz8d6YPMpft6T32gUQVaHPAVa0QgV7H0=;\r\n"
	" b=xzhFH6j1Gh4r1OFeB4/tgrIoUar6PKvM6qfjthQ4d4/Hmjik0QXwq8wadgqmqZ2FGu9MW\r\n"
	" Vub3ctWgIxddU4zBQ==\r\n"
	"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=fixture.test;\r\n"
	" i=@fixture.test; q=dns/txt; s=rsa; t=1795353218; h=from : to : subject\r\n"
	" : date : message-id : from : subject : reply-to;\r\n"
	" bh=MpssI8q4wuFMP80yJqB4U46qWeg9/QkQTAtVzMkv6IA=;\r\n"
	" b=w0PRl36Vy5EHQjz61cXCHCsgrU2ZfX8no+fU92dw+GLROwjbe5CoJL8PK9IziaW6M0t+E\r\n"
	" W6kM++HUqAVhVmyT9xJQWyh2yXr3sh8jQlMU8tzkRB65hB/rzPhW4D0H/FiCP4Yy23ppeL1\r\n"
	" 841UarXHW/itXeZZMfwJJVJkiSWNIoQ=\r\n"
	"Received: from a by b; Sun, 22 Nov 2026 09:59:00 +0000\r\n"
	"From: Alice <alice@fixture.test>\r\n"
	"To: agent@it.test\r\n"
	"Subject: fixture   message\r\n"
	"\twith a folded subject\r\n"
	"Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n"
	"Message-ID: <fx1@fixture.test>\r\n"
	"\r\n"
	"Hello  there,\r\n"
	"8-bit: caf\xe9"
	"\r\n"
	"\r\n"
	"\r\n";

#define NOW 1795353318 /* t= + 100 s */
#define RSA_NAME "rsa._domainkey.fixture.test"
#define ED_NAME "ed._domainkey.fixture.test"
#define RSA_P                                                                                   \
	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDi5srHwa3J0WvRtSWWsz2ZPAlcdmgX2u8Tnil+uAaGbWqij0Jh" \
	"anBKgoJFAiC9lnJJfniqLYqtcnZkZIAbbcMoL5MdkdLOoYrN2IyLZpieJoHhYJtunhjy9QOsgJjjmRnwOoAFqA2r" \
	"KhJEKAd5Q5FeZVbuoh3/VJgJ3BJOT8oYaQIDAQAB"
#define RSA_PKCS1                                                                               \
	"MIGJAoGBAOLmysfBrcnRa9G1JZazPZk8CVx2aBfa7xOeKX64BoZtaqKPQmFqcEqCgkUCIL2Wckl+eKotiq1y"     \
	"dmRkgBttwygvkx2R0s6his3YjItmmJ4mgeFgm26eGPL1A6yAmOOZGfA6gAWoDasqEkQoB3lDkV5lVu6iHf9U"     \
	"mAncEk5PyhhpAgMBAAE="
#define RSA_REC "v=DKIM1; k=rsa; p=" RSA_P
#define ED_P "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="
#define ED_REC "v=DKIM1; k=ed25519; p=" ED_P

/* Verifies msg against the two key records given (NULL: absent). */
static void verify_with(const char *msg, const char *rsa_rec, const char *ed_rec,
			struct dkim_result *r, int *queries)
{
	struct fake_rr rr[2];
	size_t n = 0;
	if (rsa_rec)
		rr[n++] = (struct fake_rr){RSA_NAME, DNS_T_TXT, rsa_rec, DNS_OK};
	if (ed_rec)
		rr[n++] = (struct fake_rr){ED_NAME, DNS_T_TXT, ed_rec, DNS_OK};
	struct fake_dns f = {rr, n, 0};
	struct dns_lookup dns = fake_dns_lookup(&f);
	CHECK(dkim_verify(msg, strlen(msg), &dns, NOW, r) == 0);
	if (queries)
		*queries = f.queries;
}

static void verify(const char *msg, struct dkim_result *r)
{
	verify_with(msg, RSA_REC, ED_REC, r, NULL);
}

/* The fixture with the first occurrence of `from` replaced by `to` (NULL: as is); malloc'd. */
static char *edited(const char *from, const char *to)
{
	const char *at = from ? strstr(fixture, from) : NULL;
	CHECK(!from || at != NULL);
	if (!at)
		return strdup(fixture);
	size_t head = (size_t)(at - fixture), fl = strlen(from), tl = strlen(to);
	char *out = malloc(sizeof(fixture) + tl);
	memcpy(out, fixture, head);
	memcpy(out + head, to, tl);
	strcpy(out + head + tl, at + fl);
	return out;
}

/* Verifies the fixture, edited once, against the key records given and checks both
 * signatures' statuses and the reason of the first one that did not pass. */
static void check_case(const char *from, const char *to, const char *rsa_rec, const char *ed_rec,
		       enum dkim_sig_status ed, enum dkim_sig_status rsa, const char *reason)
{
	char *msg = edited(from, to);
	struct dkim_result r;
	verify_with(msg, rsa_rec, ed_rec, &r, NULL);
	CHECK(r.nsigs == 2 && r.sig[0].status == ed && r.sig[1].status == rsa);
	if (reason)
		CHECK_CONTAINS(ed != DKIM_SIG_PASS ? r.sig[0].reason : r.sig[1].reason, reason);
	free(msg);
}

static void check_edit(const char *from, const char *to, enum dkim_sig_status ed,
		       enum dkim_sig_status rsa, const char *reason)
{
	check_case(from, to, RSA_REC, ED_REC, ed, rsa, reason);
}

static void check_keys(const char *rsa_rec, const char *ed_rec, enum dkim_sig_status ed,
		       enum dkim_sig_status rsa, const char *reason)
{
	check_case(NULL, NULL, rsa_rec, ed_rec, ed, rsa, reason);
}

static void test_fixture_passes(void)
{
	struct dkim_result r;
	int queries;
	verify_with(fixture, RSA_REC, ED_REC, &r, &queries);
	CHECK(r.nsigs == 2 && queries == 2);
	CHECK(r.sig[0].status == DKIM_SIG_PASS && r.sig[1].status == DKIM_SIG_PASS);
	CHECK_STR(r.sig[0].domain, "fixture.test");
	CHECK_STR(r.sig[0].selector, "ed");
	CHECK_STR(r.sig[0].algorithm, "ed25519-sha256");
	CHECK(r.sig[0].body_length == 28 && r.sig[1].body_length == -1);
	CHECK_STR(r.sig[1].algorithm, "rsa-sha256");
	CHECK_STR(dkim_verdict(&r), "pass");
	/* a later passing signature is enough */
	verify_with(fixture, RSA_REC, NULL, &r, NULL);
	CHECK(r.sig[0].status == DKIM_SIG_PERMERROR && r.sig[1].status == DKIM_SIG_PASS);
	CHECK_STR(dkim_verdict(&r), "pass");
	CHECK_CONTAINS(r.sig[0].reason, "no key");
}

static void test_tampering(void)
{
	/* text after the l= bytes is not covered by the Ed25519 signature */
	check_edit("caf\xe9\r\n\r\n", "caf\xe9\r\n\r\nappended footer\r\n", DKIM_SIG_PASS,
		   DKIM_SIG_FAIL, "body hash mismatch");
	check_edit("Hello", "Jello", DKIM_SIG_FAIL, DKIM_SIG_FAIL, "body hash mismatch");
	check_edit("caf\xe9", "caf\xe8", DKIM_SIG_FAIL, DKIM_SIG_FAIL, "body hash mismatch");
	check_edit("To: agent@it.test", "To: agent@it.tesT", DKIM_SIG_FAIL, DKIM_SIG_FAIL,
		   "signature mismatch");
	/* relaxed header canonicalisation tolerates whitespace changes, simple does not */
	check_edit("Subject: fixture   message", "Subject:   fixture message", DKIM_SIG_FAIL,
		   DKIM_SIG_PASS, "signature mismatch");
	/* relaxed body canonicalisation tolerates trailing whitespace, simple does not */
	check_edit("Hello  there,", "Hello \tthere, ", DKIM_SIG_FAIL, DKIM_SIG_PASS,
		   "body hash mismatch");
	/* a From added above: bottom-up selection still picks the signed one for h=from once,
	 * the over-signed RSA signature covers the absence of a second From */
	check_edit("Received:", "From: Mallory <m@evil.test>\r\nReceived:", DKIM_SIG_PASS,
		   DKIM_SIG_FAIL, "signature mismatch");
	/* Reply-To was listed while absent */
	check_edit("Message-ID: <fx1@fixture.test>\r\n",
		   "Message-ID: <fx1@fixture.test>\r\nReply-To: m@evil.test\r\n", DKIM_SIG_PASS,
		   DKIM_SIG_FAIL, "signature mismatch");
	/* fields not in h= may be added anywhere */
	check_edit("Received:", "X-Added: yes\r\nReceived:", DKIM_SIG_PASS, DKIM_SIG_PASS, NULL);
	/* the received bytes with bare LF line ends verify as CRLF */
	char *lf = malloc(sizeof(fixture));
	size_t o = 0;
	for (const char *p = fixture; *p; p++)
		if (*p != '\r')
			lf[o++] = *p;
	lf[o] = '\0';
	struct dkim_result r;
	verify(lf, &r);
	CHECK(r.sig[0].status == DKIM_SIG_PASS && r.sig[1].status == DKIM_SIG_PASS);
	free(lf);
}

static void test_key_records(void)
{
	check_keys("v=DKIM1; p=" RSA_PKCS1, ED_REC, DKIM_SIG_PASS, DKIM_SIG_PASS, NULL);
	check_keys("p=" RSA_P "; n=notes are ignored; zz=1", "k=ed25519; t=s; p=" ED_P,
		   DKIM_SIG_PASS, DKIM_SIG_PASS, NULL);
	check_keys("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3 DQEBAQUAA4GNADCBiQKBgQDi5srHwa3J0WvRtSWWsz2"
		   "ZPAlcdmgX2u8Tnil+uAaGbWqij0JhanBKgoJFAiC9lnJJfniqLYqtcnZkZIAbbcMoL5MdkdLOoYrN2I"
		   "yLZpieJoHhYJtunhjy9QOsgJjjmRnwOoAFqA2rKhJEKAd5Q5FeZVbuoh3/VJgJ3BJOT8oYaQI\tDAQAB",
		   ED_REC, DKIM_SIG_PASS, DKIM_SIG_PASS, NULL);
	check_keys("v=DKIM1; k=rsa; p=", ED_REC, DKIM_SIG_PASS, DKIM_SIG_FAIL, "revoked");
	check_keys("v=DKIM1; h=sha1; p=" RSA_P, ED_REC, DKIM_SIG_PASS, DKIM_SIG_PERMERROR,
		   "not supported");
	check_keys("v=DKIM1; h=sha1:sha256; s=email; p=" RSA_P, ED_REC, DKIM_SIG_PASS,
		   DKIM_SIG_PASS, NULL);
	check_keys(RSA_REC, "v=DKIM1; k=rsa; p=" RSA_P, DKIM_SIG_PERMERROR, DKIM_SIG_PASS,
		   "does not match");
	check_keys(ED_REC, ED_REC, DKIM_SIG_PASS, DKIM_SIG_PERMERROR, "does not match");
	check_keys("v=DKIM1; p=MIGfMA0G%%%", ED_REC, DKIM_SIG_PASS, DKIM_SIG_PERMERROR, "malformed");
	check_keys(RSA_REC, "v=DKIM1; k=ed25519; p=AAAA", DKIM_SIG_PERMERROR, DKIM_SIG_PASS,
		   "malformed");
	check_keys(RSA_REC, "v=DKIM1; s=http; k=ed25519; p=" ED_P, DKIM_SIG_PERMERROR,
		   DKIM_SIG_PASS, "not supported");
	/* the other key of the same kind: the signature does not verify */
	check_keys(RSA_REC, "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
		   DKIM_SIG_FAIL, DKIM_SIG_PASS, "signature mismatch");
}

static void test_dns_outcomes(void)
{
	struct fake_rr rr[] = {
		{RSA_NAME, DNS_T_TXT, NULL, DNS_TEMPFAIL},
		{ED_NAME, DNS_T_A, "192.0.2.1", DNS_OK}, /* the name exists: NODATA for TXT */
	};
	struct fake_dns f = {rr, 2, 0};
	struct dns_lookup dns = fake_dns_lookup(&f);
	struct dkim_result r;
	CHECK(dkim_verify(fixture, strlen(fixture), &dns, NOW, &r) == 0);
	CHECK(r.sig[0].status == DKIM_SIG_PERMERROR && r.sig[1].status == DKIM_SIG_TEMPERROR);
	CHECK_CONTAINS(r.sig[0].reason, "no key");
	CHECK_CONTAINS(r.sig[1].reason, "temporarily");
	CHECK_STR(dkim_verdict(&r), "fail");
	/* a TXT record that is no key record, next to a good one */
	struct fake_rr two[] = {
		{ED_NAME, DNS_T_TXT, "google-site-verification=abc", DNS_OK},
		{ED_NAME, DNS_T_TXT, ED_REC, DNS_OK},
	};
	f = (struct fake_dns){two, 2, 0};
	CHECK(dkim_verify(fixture, strlen(fixture), &dns, NOW, &r) == 0);
	CHECK(r.sig[0].status == DKIM_SIG_PASS);
}

static void test_signature_tags(void)
{
	check_edit("i=@fixture.test", "i=user@sub.fixture.test", DKIM_SIG_FAIL, DKIM_SIG_PASS,
		   "signature mismatch");
	check_case("i=@fixture.test", "i=user@sub.fixture.test", RSA_REC, "t=s; k=ed25519; p=" ED_P,
		   DKIM_SIG_PERMERROR, DKIM_SIG_PASS, "t=s");
	check_edit("i=@fixture.test", "i=user@other.test", DKIM_SIG_PERMERROR, DKIM_SIG_PASS,
		   "i= not within d=");
	check_edit("i=@fixture.test", "i=fixture.test", DKIM_SIG_PERMERROR, DKIM_SIG_PASS,
		   "i= not within d=");
	/* the domain follows the last "@": a quoted local-part may hold one */
	check_edit("i=@fixture.test", "i=\"a@other.test\"@fixture.test", DKIM_SIG_FAIL,
		   DKIM_SIG_PASS, "signature mismatch");
	check_edit("i=@fixture.test", "i=a@fixture.test@other.test", DKIM_SIG_PERMERROR,
		   DKIM_SIG_PASS, "i= not within d=");
	check_edit("t=1795353218;", "t=1795353218; x=1795353000;", DKIM_SIG_PERMERROR,
		   DKIM_SIG_PASS, "x= earlier than t=");
	check_edit("t=1795353218;", "t=1795353218; x=1795353300;", DKIM_SIG_FAIL, DKIM_SIG_PASS,
		   "expired");
	check_edit("t=1795353218;", "t=1795353218; x=1795353400;", DKIM_SIG_FAIL, DKIM_SIG_PASS,
		   "signature mismatch");
	check_edit("t=1795353218;", "t=17953x3218;", DKIM_SIG_PERMERROR, DKIM_SIG_PASS, "t=");
	check_edit("a=rsa-sha256", "a=rsa-sha1", DKIM_SIG_PASS, DKIM_SIG_FAIL, "RFC 8301");
	check_edit("a=ed25519-sha256", "a=dsa-sha256", DKIM_SIG_PERMERROR, DKIM_SIG_PASS,
		   "unknown algorithm");
	check_edit("c=simple/simple", "c=fancy/simple", DKIM_SIG_PERMERROR, DKIM_SIG_PASS,
		   "canonicalization");
	check_edit("q=dns/txt", "q=http/well-known", DKIM_SIG_PERMERROR, DKIM_SIG_PASS, "q=");
	check_edit("v=1; a=ed", "v=2; a=ed", DKIM_SIG_PERMERROR, DKIM_SIG_PASS, "version");
	check_edit("h=from : to :\r\n subject", "h=to :\r\n subject", DKIM_SIG_PERMERROR,
		   DKIM_SIG_PASS, "From");
	check_edit("d=fixture.test;", "d=;", DKIM_SIG_PERMERROR, DKIM_SIG_PASS, "empty");
	check_edit("l=28;", "l=29;", DKIM_SIG_FAIL, DKIM_SIG_PASS, "l= is longer");
	check_edit("l=28;", "l=28; l=28;", DKIM_SIG_PERMERROR, DKIM_SIG_PASS, "tag-list");
	check_edit("s=ed;", "s=ed; zz=unknown tags are signed but ignored;", DKIM_SIG_FAIL,
		   DKIM_SIG_PASS, "signature mismatch");
	/* base64 errors in b= and bh= */
	check_edit("b=xzhF", "b=x!hF", DKIM_SIG_PERMERROR, DKIM_SIG_PASS, "b= malformed");
	check_edit("b=xzhF", "b=xz=hF", DKIM_SIG_PERMERROR, DKIM_SIG_PASS, "b= malformed");
	check_edit("b=xzhF", "b=;x=hF", DKIM_SIG_PERMERROR, DKIM_SIG_PASS, "bad l=, x=");
	check_edit("b=xzhF", "b=; ; b2=", DKIM_SIG_PERMERROR, DKIM_SIG_PASS, "b= malformed");
	check_edit("bh=RWO5", "bh=R*O5", DKIM_SIG_PERMERROR, DKIM_SIG_PASS, "bh= malformed");
	check_edit("bh=RWO5umr1e0Hfz8d6YPMpft6T32gUQVaHPAVa0QgV7H0=", "bh=RWO5", DKIM_SIG_PERMERROR,
		   DKIM_SIG_PASS, "bh= malformed");
	/* well-formed base64 of the wrong length */
	check_edit("Vub3ctWgIxddU4zBQ==", "Vub3ctWgIxdd", DKIM_SIG_PERMERROR, DKIM_SIG_PASS,
		   "b= malformed");
	check_edit("Vub3ctWgIxddU4zBQ==", "Vub3ctWgIxddU4z", DKIM_SIG_FAIL, DKIM_SIG_PASS,
		   "signature mismatch");
	check_edit("841UarXHW/itXeZZMfwJJVJkiSWNIoQ=", "841UarXHW/itXeZZMfwJJVJkiSWN",
		   DKIM_SIG_PASS, DKIM_SIG_FAIL, "signature mismatch");
}

/* The header hash input of RFC 6376 3.7 and 5.4.2: bottom-up instances, absent names. */
static void test_header_selection(void)
{
	static const char msg[] = "From: a\r\nTo: b\r\nFROM : c\r\nSubject:  S \r\n\r\nbody\r\n";
	static const char sig[] = "DKIM-Signature: v=1;\r\n b=\r\n";
	struct dkim_message m;
	struct buf out = BUF_INIT;
	CHECK(dkim_message_index(msg, strlen(msg), &m) == 0 && m.n == 4);
	CHECK_STR(m.body, "body\r\n");
	CHECK(dkim_header_input(&m, "from : subject:from:from:x-absent:to", 1, sig, strlen(sig),
				&out) == 0);
	CHECK(buf_append(&out, "", 1) == 0);
	CHECK_STR(out.data,
		  "from:c\r\nsubject:S\r\nfrom:a\r\nto:b\r\ndkim-signature:v=1; b=");
	out.len = 0;
	CHECK(dkim_header_input(&m, "From:From", 0, sig, strlen(sig), &out) == 0);
	CHECK(buf_append(&out, "", 1) == 0);
	CHECK_STR(out.data, "FROM : c\r\nFrom: a\r\nDKIM-Signature: v=1;\r\n b=");
	buf_free(&out);
	dkim_message_free(&m);
}

static void test_hostile(void)
{
	struct buf m = BUF_INIT;
	static const char garbage[] = "DKIM-Signature: ;;=;==;\x01\r\n";
	static const char long_h[] = "DKIM-Signature: v=1; a=rsa-sha256; d=fixture.test; s=rsa; "
				     "bh=AAAA; b=AAAA; h=";
	CHECK(buf_append(&m, garbage, strlen(garbage)) == 0);
	CHECK(buf_append(&m, long_h, strlen(long_h)) == 0);
	char name[16];
	for (int k = 0; k < 1000; k++) {
		int n = snprintf(name, sizeof(name), "x-h%d:", k);
		CHECK(n > 0 && buf_append(&m, name, (size_t)n) == 0);
	}
	CHECK(buf_append(&m, "from\r\n", 6) == 0);
	CHECK(buf_append(&m, fixture, strlen(fixture)) == 0);
	CHECK(buf_append(&m, "", 1) == 0);
	struct dkim_result r;
	int queries;
	verify_with(m.data, RSA_REC, ED_REC, &r, &queries);
	CHECK(r.nsigs == 4 && queries == 2); /* the hostile ones never reach DNS */
	CHECK(r.sig[0].status == DKIM_SIG_PERMERROR && r.sig[1].status == DKIM_SIG_PERMERROR);
	CHECK_CONTAINS(r.sig[0].reason, "tag-list");
	CHECK_CONTAINS(r.sig[1].reason, "more than 64");
	CHECK(r.sig[2].status == DKIM_SIG_PASS && r.sig[3].status == DKIM_SIG_PASS);
	buf_free(&m);
	/* no header section: the signature text is body, there is nothing to verify */
	char *headless = malloc(sizeof(fixture) + 2);
	memcpy(headless, "\r\n", 2);
	memcpy(headless + 2, fixture, sizeof(fixture));
	verify(headless, &r);
	CHECK(r.nsigs == 0);
	CHECK_STR(dkim_verdict(&r), "none");
	free(headless);
}

/* A header section that does not end with an empty line cannot be split from a body: the
 * message is not evaluated ("none"), with or without bytes after the fields. */
static void test_no_header_end(void)
{
	static const char blank[] = "Message-ID: <fx1@fixture.test>\r\n\r\n";
	char *msg = edited(blank, "Message-ID: <fx1@fixture.test>\r\n");
	struct dkim_result r;
	int queries;
	verify_with(msg, RSA_REC, ED_REC, &r, &queries);
	CHECK(r.nsigs == 0 && queries == 0);
	CHECK_STR(dkim_verdict(&r), "none");
	free(msg);
	msg = edited(blank, "Message-ID: <fx1@fixture.test>\r\nno field line\r\n");
	verify_with(msg, RSA_REC, ED_REC, &r, &queries);
	CHECK(r.nsigs == 0 && queries == 0);
	CHECK_STR(dkim_verdict(&r), "none");
	free(msg);
	static const char fields_only[] = "DKIM-Signature: v=1; a=rsa-sha256\r\nFrom: a@b";
	verify_with(fields_only, RSA_REC, ED_REC, &r, NULL);
	CHECK(r.nsigs == 0);
	/* the same bytes with the empty line back: evaluated (the signature is malformed) */
	static const char closed[] = "DKIM-Signature: v=1; a=rsa-sha256\r\nFrom: a@b\r\n\r\n";
	verify_with(closed, RSA_REC, ED_REC, &r, NULL);
	CHECK(r.nsigs == 1 && r.sig[0].status == DKIM_SIG_PERMERROR);
	CHECK_STR(dkim_verdict(&r), "fail");
}

void suite_dkim_verify(void)
{
	test_fixture_passes();
	test_tampering();
	test_key_records();
	test_dns_outcomes();
	test_signature_tags();
	test_header_selection();
	test_hostile();
	test_no_header_end();
}
