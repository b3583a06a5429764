/* spf_check.c: SPF check_host() evaluation (RFC 7208 4, 5, 6) with the lookup and void limits. */
#include "trust/spf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One evaluation's shared state: the client, the sender, the limits' counters. */
struct spf_eval {
	const struct dns_lookup *dns;
	struct ip_addr ip;
	const char *sender;
	const char *helo;
	int lookups, voids, depth;
};

static enum spf_result check_domain(struct spf_eval *e, const char *domain);

const char *spf_result_name(enum spf_result r)
{
	static const char *names[] = {"none", "neutral", "pass", "fail", "softfail", "temperror",
				      "permerror"};
	return r <= SPF_PERMERROR ? names[r] : "permerror";
}

/* 4.3: labels of 1-63 bytes, at least two of them, 253 bytes at most. */
static int domain_valid(const char *d)
{
	size_t n = strlen(d), label = 0, dots = 0;
	if (n && d[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return 0;
	for (size_t k = 0; k < n; k++) {
		if (d[k] == '.') {
			if (label == 0)
				return 0;
			label = 0;
			dots++;
		} else if (++label > 63 || (unsigned char)d[k] <= ' ') {
			return 0;
		}
	}
	return label > 0 && dots > 0;
}

/* Counts a DNS-querying term; 0, or -1 past the limit. */
static int count_lookup(struct spf_eval *e)
{
	return ++e->lookups > SPF_LOOKUP_LIMIT ? -1 : 0;
}

/* Queries and classifies: 0 records, 1 none (void counted), -1 temperror, -2 permerror. */
static int query(struct spf_eval *e, const char *name, uint16_t type, struct dns_result *res)
{
	e->dns->query(e->dns->ctx, name, type, res);
	if (res->status == DNS_OK)
		return 0;
	dns_result_free(res);
	if (res->status == DNS_TEMPFAIL)
		return -1;
	if (res->status == DNS_BADNAME)
		return 1;
	return ++e->voids > SPF_VOID_LIMIT ? -2 : 1;
}

/* The term's target name into out; the return value is spf_macro_expand()'s. */
static int target_of(struct spf_eval *e, const struct spf_term *t, const char *domain,
		     char out[DNS_NAME_MAX])
{
	if (!t->domain_spec) {
		snprintf(out, DNS_NAME_MAX, "%s", domain);
		return 0;
	}
	struct spf_macro_ctx ctx = {e->sender, domain, e->helo, &e->ip, e->dns};
	return spf_macro_expand(t->domain_spec, &ctx, out);
}

/* 1 match, 0 no match, or a negative error as query() returns. */
static int match_addresses(struct spf_eval *e, const char *host, const struct spf_term *t)
{
	struct dns_result res;
	int rc = query(e, host, e->ip.v6 ? DNS_T_AAAA : DNS_T_A, &res);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	int match = 0;
	for (size_t k = 0; k < res.n && !match; k++) {
		struct ip_addr a = {e->ip.v6, {0}};
		memcpy(a.bytes, res.rr[k].addr, e->ip.v6 ? 16 : 4);
		match = ip_in_cidr(&e->ip, &a, e->ip.v6 ? t->cidr6 : t->cidr4);
	}
	dns_result_free(&res);
	return match;
}

static int match_mx(struct spf_eval *e, const char *target, const struct spf_term *t)
{
	struct dns_result res;
	int rc = query(e, target, DNS_T_MX, &res);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	int match = res.n > SPF_MX_LIMIT ? -2 : 0;
	for (size_t k = 0; k < res.n && match == 0; k++)
		match = match_addresses(e, res.rr[k].host, t);
	dns_result_free(&res);
	return match;
}

static int match_exists(struct spf_eval *e, const char *target)
{
	struct dns_result res;
	int rc = query(e, target, DNS_T_A, &res);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	dns_result_free(&res);
	return 1;
}

/* 5.5: a validated name of the client that is target or a subdomain of it; DNS errors miss. */
static int match_ptr(struct spf_eval *e, const char *target)
{
	char names[SPF_PTR_LIMIT][DNS_NAME_MAX];
	size_t n = spf_ptr_validated(e->dns, &e->ip, names, SPF_PTR_LIMIT);
	for (size_t k = 0; k < n; k++)
		if (spf_ptr_within(names[k], target))
			return 1;
	return 0;
}

static int match_include(struct spf_eval *e, const char *target)
{
	enum spf_result r = check_domain(e, target);
	switch (r) {
	case SPF_PASS:
		return 1;
	case SPF_TEMPERROR:
		return -1;
	case SPF_NONE:
	case SPF_PERMERROR:
		return -2;
	default:
		return 0;
	}
}

/* 1 match, 0 no match, -1 temperror, -2 permerror. */
static int match_term(struct spf_eval *e, const struct spf_term *t, const char *domain)
{
	if (t->mechanism == SPF_ALL)
		return 1;
	if (t->mechanism == SPF_IP4 || t->mechanism == SPF_IP6)
		return ip_in_cidr(&e->ip, &t->ip, t->ip.v6 ? t->cidr6 : t->cidr4);
	if (count_lookup(e) < 0)
		return -2;
	char target[DNS_NAME_MAX];
	int rc = target_of(e, t, domain, target);
	if (rc == -1)
		return -2;
	if (rc == -2) /* no name to look up: an include cannot be evaluated, the rest miss */
		return t->mechanism == SPF_INCLUDE ? -2 : 0;
	switch (t->mechanism) {
	case SPF_INCLUDE:
		return match_include(e, target);
	case SPF_A:
		return match_addresses(e, target, t);
	case SPF_MX:
		return match_mx(e, target, t);
	case SPF_EXISTS:
		return match_exists(e, target);
	default:
		return match_ptr(e, target);
	}
}

/* The record of domain: 0 found, 1 none, -1 temperror, -2 permerror (several). */
static int fetch_record(struct spf_eval *e, const char *domain, struct spf_record *rec)
{
	struct dns_result res = {0};
	e->dns->query(e->dns->ctx, domain, DNS_T_TXT, &res);
	if (res.status == DNS_TEMPFAIL) {
		dns_result_free(&res);
		return -1;
	}
	const char *found = NULL;
	int count = 0, nul = 0;
	for (size_t k = 0; k < res.n; k++)
		if (res.rr[k].text && spf_is_record(res.rr[k].text) && count++ == 0) {
			found = res.rr[k].text;
			/* a NUL byte is no record text (4.6): a permerror, not `none` */
			nul = strlen(found) != res.rr[k].text_len;
		}
	int rc = count == 0 ? 1 : count > 1 || nul ? -2 : spf_record_parse(found, rec) < 0 ? -2 : 0;
	dns_result_free(&res);
	return rc;
}

static enum spf_result evaluate(struct spf_eval *e, const struct spf_record *rec,
				const char *domain)
{
	for (size_t k = 0; k < rec->n; k++) {
		int m = match_term(e, &rec->term[k], domain);
		if (m == 1)
			return rec->term[k].qualifier;
		if (m == -1)
			return SPF_TEMPERROR;
		if (m == -2)
			return SPF_PERMERROR;
	}
	if (!rec->redirect)
		return SPF_NEUTRAL;
	char target[DNS_NAME_MAX];
	struct spf_macro_ctx ctx = {e->sender, domain, e->helo, &e->ip, e->dns};
	if (count_lookup(e) < 0 || spf_macro_expand(rec->redirect, &ctx, target) < 0)
		return SPF_PERMERROR;
	enum spf_result r = check_domain(e, target);
	return r == SPF_NONE ? SPF_PERMERROR : r; /* 6.1: a target without a record */
}

static enum spf_result check_domain(struct spf_eval *e, const char *domain)
{
	if (!domain_valid(domain))
		return SPF_NONE;
	if (++e->depth > SPF_MAX_DEPTH) {
		e->depth--;
		return SPF_PERMERROR;
	}
	struct spf_record rec;
	enum spf_result r;
	int found = fetch_record(e, domain, &rec);
	if (found == 0) {
		r = evaluate(e, &rec, domain);
		spf_record_free(&rec);
	} else {
		r = found == 1 ? SPF_NONE : found == -1 ? SPF_TEMPERROR : SPF_PERMERROR;
	}
	e->depth--;
	return r;
}

/* The MAIL FROM identity as check_host() sees it (2.4, 4.3): local@domain, with postmaster
 * for a missing local part and postmaster@helo for an empty sender. NULL without memory. */
static char *sender_identity(const char *sender, const char *helo)
{
	const char *domain = sender[0] ? sender : helo ? helo : "";
	const char *at = strrchr(sender, '@');
	size_t n = strlen(domain) + sizeof("postmaster@");
	char *full = malloc(n);
	if (!full)
		return NULL;
	if (sender[0] && at && at != sender)
		snprintf(full, n, "%s", sender);
	else
		snprintf(full, n, "postmaster@%s", at ? at + 1 : domain);
	return full;
}

enum spf_result spf_check_host(const struct dns_lookup *dns, const char *ip, const char *sender,
			       const char *helo)
{
	struct spf_eval e = {.dns = dns, .helo = helo};
	if (!ip || !sender || ip_parse(ip, &e.ip) < 0)
		return SPF_NONE;
	char *full = sender_identity(sender, helo);
	if (!full)
		return SPF_TEMPERROR;
	e.sender = full;
	enum spf_result r = check_domain(&e, strrchr(full, '@') + 1);
	free(full);
	return r;
}
