/* trust_check.c: DKIM, SPF and DMARC verdicts of one inbound message (mail.md 3.1-3.3, DECISIONS 2, 6). */
#include "trust/trust.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dkim/dkim.h"
#include "trust/dmarc.h"
#include "base/log.h"
#include "mime/mime.h"
#include "net/dns.h"
#include "trust/spf.h"

#define AUTH_ADDR_MAX 512
#define AUTH_IP_MAX   64

/* What the header block says about the author and the relaying hosts. */
struct auth_headers {
	char from_domain[DNS_NAME_MAX]; /* "" unless exactly one From field with one domain */
	char from_first[AUTH_ADDR_MAX]; /* first From line: inside <...>, else the whole value */
	char received_ip[AUTH_IP_MAX];  /* first Received: with a bracketed non-loopback IP */
};

static const char *domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');
	return at && at[1] ? at + 1 : NULL;
}

static void first_from_address(const char *value, char out[AUTH_ADDR_MAX])
{
	const char *open = strchr(value, '<'), *close = open ? strchr(open, '>') : NULL;
	if (open && close)
		snprintf(out, AUTH_ADDR_MAX, "%.*s", (int)(close - open - 1), open + 1);
	else
		snprintf(out, AUTH_ADDR_MAX, "%s", value);
}

/* The one domain of all addresses in value, or "" when there are none or several. */
static void single_domain(const char *value, char out[DNS_NAME_MAX])
{
	struct mime_address *list = NULL;
	size_t n = 0;
	out[0] = '\0';
	if (mime_parse_addresses(value, &list, &n) < 0)
		return;
	for (size_t k = 0; k < n; k++) {
		const char *d = domain_of(list[k].addr);
		if (!d || (out[0] && strcasecmp(out, d) != 0)) {
			out[0] = '\0';
			break;
		}
		snprintf(out, DNS_NAME_MAX, "%s", d);
	}
	mime_addresses_free(list, n);
}

/* A bracketed IP literal ("[192.0.2.1]", "[IPv6:2001:db8::1]", "[2001:db8::1]") in value
 * that is not loopback, copied to out; 0 when there is none. */
static int bracketed_ip(const char *value, char out[AUTH_IP_MAX])
{
	for (const char *p = strchr(value, '['); p; p = strchr(p + 1, '[')) {
		const char *end = strchr(p, ']');
		if (!end || end - p - 1 >= AUTH_IP_MAX)
			continue;
		char ip[AUTH_IP_MAX];
		snprintf(ip, sizeof(ip), "%.*s", (int)(end - p - 1), p + 1);
		const char *text = strncasecmp(ip, "IPv6:", 5) == 0 ? ip + 5 : ip;
		unsigned char bin[16];
		if (inet_pton(AF_INET, text, bin) == 1 && bin[0] != 127) {
			snprintf(out, AUTH_IP_MAX, "%s", text);
			return 1;
		}
		static const unsigned char loop6[16] = {[15] = 1};
		if (inet_pton(AF_INET6, text, bin) == 1 && memcmp(bin, loop6, 16) != 0) {
			snprintf(out, AUTH_IP_MAX, "%s", text);
			return 1;
		}
	}
	return 0;
}

static void note_field(const struct mime_field *f, struct auth_headers *h, int *nfrom)
{
	int is_from = f->name_len == 4 && strncasecmp(f->name, "From", 4) == 0;
	int is_received = f->name_len == 8 && strncasecmp(f->name, "Received", 8) == 0;
	if (!is_from && !(is_received && !h->received_ip[0]))
		return;
	char *value = mime_field_unfold(f->value, f->value_len);
	if (!value)
		return;
	if (is_from && (*nfrom)++ == 0) {
		first_from_address(value, h->from_first);
		single_domain(value, h->from_domain);
	} else if (is_from) {
		h->from_domain[0] = '\0'; /* several From fields: no single author domain */
	} else {
		bracketed_ip(value, h->received_ip);
	}
	free(value);
}

static void scan_headers(const char *raw, size_t len, struct auth_headers *h)
{
	memset(h, 0, sizeof(*h));
	size_t pos = 0;
	struct mime_field f;
	int nfrom = 0;
	while (mime_field_next(raw, len, &pos, &f) == 1)
		note_field(&f, h, &nfrom);
}

/* mail.md 3.2: pass/fail/softfail/neutral kept, everything else "none". */
static enum spf_result check_spf(const struct trust_input *in, const struct auth_headers *h,
				 const struct dns_lookup *dns, const char **domain)
{
	const char *ip = in->peer_ip ? in->peer_ip : (h->received_ip[0] ? h->received_ip : NULL);
	const char *sender = in->mail_from && in->mail_from[0] ? in->mail_from : h->from_first;
	*domain = domain_of(sender);
	if (!ip || !*domain)
		return SPF_NONE;
	return spf_check_host(dns, ip, sender, *domain);
}

static const char *spf_verdict(enum spf_result r)
{
	switch (r) {
	case SPF_PASS:
	case SPF_FAIL:
	case SPF_SOFTFAIL:
	case SPF_NEUTRAL:
		return spf_result_name(r);
	default:
		return "none";
	}
}

static size_t passing_domains(const struct dkim_result *d, const char *out[DKIM_MAX_SIGNATURES])
{
	size_t n = 0;
	for (size_t k = 0; k < d->nsigs; k++)
		if (d->sig[k].status == DKIM_SIG_PASS)
			out[n++] = d->sig[k].domain;
	return n;
}

/* Computes DKIM, SPF and DMARC through dns (bounded by the resolver's deadline). */
static void trust_check_message(const struct trust_input *in, const struct dns_lookup *dns,
                                time_t now, struct trust_verdicts *out)
{
	trust_verdicts_none(out);
	struct auth_headers h;
	scan_headers(in->raw, in->len, &h);
	struct dkim_result dk;
	if (dkim_verify(in->raw, in->len, dns, now, &dk) < 0)
		dk.nsigs = 0;
	snprintf(out->dkim, sizeof(out->dkim), "%s", dkim_verdict(&dk));
	const char *spf_domain = NULL;
	enum spf_result spf = check_spf(in, &h, dns, &spf_domain);
	snprintf(out->spf, sizeof(out->spf), "%s", spf_verdict(spf));
	const char *passing[DKIM_MAX_SIGNATURES];
	struct dmarc_input di = {h.from_domain[0] ? h.from_domain : NULL, passing,
				 passing_domains(&dk, passing), spf == SPF_PASS, spf_domain};
	snprintf(out->dmarc, sizeof(out->dmarc), "%s", dmarc_result_name(dmarc_evaluate(dns, &di)));
	for (size_t k = 0; di.from_domain && k < di.ndkim_pass; k++)
		out->dkim_aligned |= dmarc_aligned(passing[k], di.from_domain, 0);
	log_event(LOG_INFO, "auth.result", "dkim", out->dkim, "spf", out->spf, "dmarc", out->dmarc,
		  "from_domain", h.from_domain, "spf_domain", spf_domain ? spf_domain : "",
		  "dkim_aligned", out->dkim_aligned ? "true" : "false", NULL);
}

void trust_check_message_default(const struct trust_input *in, struct trust_verdicts *out)
{
	struct dns_resolver r;
	if (dns_resolver_init(&r) < 0) {
		log_event(LOG_WARN, "auth.resolver", "error", "cannot read the resolver configuration",
			  "verdicts", "none", NULL);
		trust_verdicts_none(out);
		return;
	}
	dns_resolver_set_budget(&r, TRUST_BUDGET_MS);
	struct dns_lookup dns = dns_lookup_resolver(&r);
	trust_check_message(in, &dns, time(NULL), out);
}
