/* dns_records_check.c: the published DNS records checked against what this host needs (6.3). */
#include "cli/dns_records.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"

#define SPF_TERM_MAX 64

static void verdict(struct dns_check *c, enum dns_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void verdict(struct dns_check *c, enum dns_verdict v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	c->verdict = v;
}

/* A failed query: NXDOMAIN or NODATA is "No <noun> record found" (missing), anything else
 * "<lookup> lookup failed: <why>" (fail). */
static void lookup_verdict(struct dns_check *c, enum dns_status st, const char *noun,
                           const char *lookup)
{
	if (st == DNS_NXDOMAIN || st == DNS_NODATA)
		verdict(c, DNS_MISSING, "No %s record found", noun);
	else
		verdict(c, DNS_FAIL, "%s lookup failed: %s", lookup,
		        st == DNS_BADNAME ? "the name cannot be looked up"
		                          : "no answer from the DNS servers (timeout or server "
		                            "failure)");
}

/* One more answer in a "[a, b]" list (quoted as "a" when quote). */
static void list_add(struct buf *list, const char *text, int quote)
{
	buf_append_str(list, list->len ? ", " : "[");
	buf_printf(list, quote ? "\"%s\"" : "%s", text);
}

static const char *list_end(struct buf *list)
{
	buf_append_str(list, list->len ? "]" : "[]");
	return list->data ? list->data : "[]";
}

static void check_address(struct dns_check *c, const struct dns_lookup *lk, const char *domain,
                          const char *ip, int v6)
{
	unsigned char want[16];
	char text[INET6_ADDRSTRLEN];
	struct dns_result res = {0};
	int family = v6 ? AF_INET6 : AF_INET;
	size_t alen = v6 ? 16 : 4;
	c->label = v6 ? "AAAA" : "A";
	if (inet_pton(family, ip, want) != 1) {
		verdict(c, DNS_FAIL, "this server's address %s is not valid", ip);
		return;
	}
	if (lk->query(lk->ctx, domain, v6 ? DNS_T_AAAA : DNS_T_A, &res) < 0) {
		lookup_verdict(c, res.status, c->label, v6 ? "AAAA record" : "A record");
		dns_result_free(&res);
		return;
	}
	struct buf list = BUF_INIT;
	int found = 0;
	for (size_t k = 0; k < res.n; k++) {
		found |= memcmp(res.rr[k].addr, want, alen) == 0;
		list_add(&list, inet_ntop(family, res.rr[k].addr, text, sizeof(text)) ? text : "?",
		         0);
	}
	if (found)
		verdict(c, DNS_PASS, "%s", "");
	else
		verdict(c, DNS_FAIL, "%s record points to %s, expected %s", c->label,
		        list_end(&list), ip);
	buf_free(&list);
	dns_result_free(&res);
}

static void check_mx(struct dns_check *c, const struct dns_lookup *lk, const char *domain)
{
	struct dns_result res = {0};
	c->label = "MX";
	if (lk->query(lk->ctx, domain, DNS_T_MX, &res) < 0) {
		lookup_verdict(c, res.status, "MX", "MX");
		dns_result_free(&res);
		return;
	}
	struct buf list = BUF_INIT;
	char text[DNS_NAME_MAX + 16];
	int found = 0;
	for (size_t k = 0; k < res.n; k++) {
		found |= strcasestr(res.rr[k].host, domain) != NULL;
		snprintf(text, sizeof(text), "%u %s.", res.rr[k].preference, res.rr[k].host);
		list_add(&list, text, 1);
	}
	if (found)
		verdict(c, DNS_PASS, "%s", "");
	else
		verdict(c, DNS_FAIL, "MX record found but does not point to %s: %s", domain,
		        list_end(&list));
	buf_free(&list);
	dns_result_free(&res);
}

/* An ip4:/+ip4:/ip6:/+ip6: term of the SPF record naming ip (a /cidr suffix is ignored;
 * addresses are compared as bytes, so every spelling of an IPv6 address matches). */
static int spf_names_ip(const char *record, const char *ip)
{
	unsigned char want[16], got[16];
	int v6 = strchr(ip, ':') != NULL, family = v6 ? AF_INET6 : AF_INET;
	if (inet_pton(family, ip, want) != 1)
		return 0;
	for (const char *p = record; *p;) {
		p += strspn(p, " \t\r\n");
		size_t n = strcspn(p, " \t\r\n");
		const char *t = p + (*p == '+');
		size_t tn = n - (size_t)(t - p);
		p += n;
		char term[SPF_TERM_MAX];
		if (tn <= 4 || tn - 4 >= sizeof(term) || strncasecmp(t, v6 ? "ip6:" : "ip4:", 4))
			continue;
		snprintf(term, sizeof(term), "%.*s", (int)(tn - 4), t + 4);
		term[strcspn(term, "/")] = '\0';
		if (inet_pton(family, term, got) == 1 && memcmp(got, want, v6 ? 16 : 4) == 0)
			return 1;
	}
	return 0;
}

static const char *txt_of(const struct dns_record *rr)
{
	return rr->text ? rr->text : "";
}

static void check_spf(struct dns_check *c, const struct dns_lookup *lk, const char *domain,
                      const char *ip, const char *label)
{
	struct dns_result res = {0};
	c->label = label;
	if (lk->query(lk->ctx, domain, DNS_T_TXT, &res) < 0) {
		lookup_verdict(c, res.status, "SPF", "SPF");
		dns_result_free(&res);
		return;
	}
	struct buf list = BUF_INIT;
	int found = 0;
	for (size_t k = 0; k < res.n; k++)
		if (strncmp(txt_of(&res.rr[k]), "v=spf1", 6) == 0) {
			found |= spf_names_ip(txt_of(&res.rr[k]), ip);
			list_add(&list, txt_of(&res.rr[k]), 1);
		}
	if (!list.len)
		verdict(c, DNS_MISSING, "No SPF record found");
	else if (found)
		verdict(c, DNS_PASS, "%s", "");
	else
		verdict(c, DNS_FAIL, "SPF record found but does not include %s: %s", ip,
		        list_end(&list));
	buf_free(&list);
	dns_result_free(&res);
}

/* The first non-empty p= tag of a DKIM key record, whitespace removed, into out. 1, or 0. */
static int dkim_p(const char *record, struct buf *out)
{
	buf_reset(out);
	for (const char *p = record; *p;) {
		size_t n = strcspn(p, ";");
		const char *t = p + strspn(p, " \t\r\n");
		if (t < p + n && strncmp(t, "p=", 2) == 0)
			for (const char *v = t + 2; v < p + n; v++)
				if (!isspace((unsigned char)*v))
					buf_append_char(out, *v);
		p += n + (p[n] == ';');
		if (out->len)
			return buf_append_char(out, '\0') == 0;
	}
	return 0;
}

/* Whether a published record carries the same p= as the local record. */
static int dkim_same_key(const char *published, const char *local)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	int same = dkim_p(published, &a) && dkim_p(local, &b) && strcmp(a.data, b.data) == 0;
	buf_free(&a);
	buf_free(&b);
	return same;
}

static void check_dkim(struct dns_check *c, const struct dns_lookup *lk,
                       const struct dns_records *r)
{
	char name[sizeof(r->selector) + sizeof(r->domain) + 16];
	struct dns_result res = {0};
	c->label = "DKIM";
	snprintf(name, sizeof(name), "%s._domainkey.%s", r->selector, r->domain);
	if (lk->query(lk->ctx, name, DNS_T_TXT, &res) < 0) {
		lookup_verdict(c, res.status, "DKIM", "DKIM");
		dns_result_free(&res);
		return;
	}
	const char *local = r->dkim >= 0 ? r->row[r->dkim].value : NULL;
	int any = 0, match = 0;
	for (size_t k = 0; k < res.n; k++)
		if (strstr(txt_of(&res.rr[k]), "v=DKIM1")) {
			any = 1;
			match |= !local || dkim_same_key(txt_of(&res.rr[k]), local);
		}
	if (!any)
		verdict(c, DNS_MISSING, "No DKIM record found");
	else if (match)
		verdict(c, DNS_PASS, "%s", "");
	else
		verdict(c, DNS_FAIL, "DKIM record found but public key does not match local key");
	dns_result_free(&res);
}

/* A "p=none" tag (case-insensitive, surrounding whitespace ignored). */
static int dmarc_p_none(const char *record)
{
	for (const char *p = record; *p;) {
		size_t n = strcspn(p, ";");
		const char *t = p + strspn(p, " \t\r\n");
		size_t tn = n - (size_t)(t - p);
		while (tn && isspace((unsigned char)t[tn - 1]))
			tn--;
		if (tn == 6 && strncasecmp(t, "p=none", 6) == 0)
			return 1;
		p += n + (p[n] == ';');
	}
	return 0;
}

static void check_dmarc(struct dns_check *c, const struct dns_lookup *lk, const char *domain)
{
	char name[DNS_NAME_MAX + 8];
	struct dns_result res = {0};
	c->label = "DMARC";
	snprintf(name, sizeof(name), "_dmarc.%s", domain);
	if (lk->query(lk->ctx, name, DNS_T_TXT, &res) < 0) {
		lookup_verdict(c, res.status, "DMARC", "DMARC");
		dns_result_free(&res);
		return;
	}
	int any = 0, none = 0;
	for (size_t k = 0; k < res.n; k++)
		if (strstr(txt_of(&res.rr[k]), "v=DMARC1")) {
			any = 1;
			none |= dmarc_p_none(txt_of(&res.rr[k]));
		}
	if (!any)
		verdict(c, DNS_MISSING, "No DMARC record found");
	else if (none)
		verdict(c, DNS_WARN,
		        "DMARC record uses p=none (no enforcement). Consider "
		        "p=quarantine or p=reject for production.");
	else
		verdict(c, DNS_PASS, "%s", "");
	dns_result_free(&res);
}

static struct dns_check *next_check(struct dns_checks *out, int row)
{
	struct dns_check *c = &out->c[out->n++];
	memset(c, 0, sizeof(*c));
	c->row = row;
	return c;
}

void dns_records_check(const struct dns_records *r, const struct dns_lookup *lk,
                       struct dns_checks *out)
{
	out->n = 0;
	check_address(next_check(out, r->a), lk, r->domain, r->ip4, 0);
	if (r->ip6[0])
		check_address(next_check(out, r->aaaa), lk, r->domain, r->ip6, 1);
	check_mx(next_check(out, r->mx), lk, r->domain);
	check_spf(next_check(out, r->spf), lk, r->domain, r->ip4, "SPF");
	if (r->ip6[0])
		check_spf(next_check(out, r->spf), lk, r->domain, r->ip6, "SPF (IPv6)");
	check_dkim(next_check(out, r->dkim), lk, r);
	check_dmarc(next_check(out, r->dmarc), lk, r->domain);
}

int dns_records_all_pass(const struct dns_checks *c)
{
	for (size_t k = 0; k < c->n; k++)
		if (c->c[k].verdict == DNS_FAIL || c->c[k].verdict == DNS_MISSING)
			return 0;
	return 1;
}
