/* fuzz_util.c: input slicing and the answer-everything DNS of the fuzz targets. */
#include "tests/fuzz/support/fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/config_load.h"

char *fuzz_util_cstr(const unsigned char *data, size_t n)
{
	char *s = malloc(n + 1);
	if (s) {
		if (n)
			memcpy(s, data, n);
		s[n] = '\0';
	}
	return s;
}

size_t fuzz_util_line(const unsigned char *data, size_t len)
{
	const unsigned char *nl = len ? memchr(data, '\n', len) : NULL;
	return nl ? (size_t)(nl - data) : len;
}

static const char CONFIG[] =
    "domain = \"example.org\"\n"
    "trust = \"verified\"\ntrusted_senders = [\"*@example.com\"]\n"
    "[mailboxes.alice]\naddress = \"alice@example.org\"\nowner = \"nobody\"\n";

const struct config *fuzz_util_config(void)
{
	static struct config cfg;
	static int loaded;
	struct config_report rep = {0};
	if (!loaded && config_parse(CONFIG, sizeof(CONFIG) - 1, "fuzz", &cfg, &rep) == 0)
		loaded = 1;
	config_report_free(&rep);
	return loaded ? &cfg : NULL;
}

static const unsigned char V4[4] = {192, 0, 2, 1};
static const unsigned char V6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

static int fill(const struct fuzz_util_dns *f, const char *name, uint16_t type,
                struct dns_record *rr)
{
	memset(rr, 0, sizeof(*rr));
	rr->type = type;
	rr->ttl = 300;
	if (type == DNS_T_TXT) {
		rr->text = (char *)fuzz_util_cstr((const unsigned char *)f->txt, f->txt_len);
		rr->text_len = f->txt_len;
		return rr->text ? 0 : -1;
	}
	if (type == DNS_T_A)
		memcpy(rr->addr, V4, sizeof(V4));
	else if (type == DNS_T_AAAA)
		memcpy(rr->addr, V6, sizeof(V6));
	else if (type == DNS_T_MX) {
		rr->preference = 10;
		snprintf(rr->host, sizeof(rr->host), "mx.%.240s", name);
	} else
		snprintf(rr->host, sizeof(rr->host), "mail.example.org");
	return 0;
}

static int answer(void *ctx, const char *name, uint16_t type, struct dns_result *out)
{
	struct fuzz_util_dns *f = ctx;
	f->queries++;
	memset(out, 0, sizeof(*out));
	out->status = DNS_TEMPFAIL;
	if (strncasecmp(name, "tf.", 3) == 0)
		return -1;
	out->status = DNS_NXDOMAIN;
	if (strncasecmp(name, "nx.", 3) == 0)
		return -1;
	out->rr = calloc(1, sizeof(*out->rr));
	if (!out->rr || fill(f, name, type, out->rr) < 0) {
		out->status = DNS_TEMPFAIL;
		return -1;
	}
	out->n = 1;
	out->status = DNS_OK;
	return 0;
}

struct dns_lookup fuzz_util_dns_lookup(struct fuzz_util_dns *f)
{
	return (struct dns_lookup){answer, f};
}
