/* dmarc.c: DMARC policy discovery, alignment and verdict (RFC 7489 3.1, 6.3, 6.6). */
#include "trust/dmarc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "trust/psl.h"

#define DMARC_TAG_MAX 64

/* Lowercase copy of a domain without its trailing dot; -1 when it does not fit. */
static int domain_norm(const char *in, char out[DNS_NAME_MAX])
{
	size_t n = strlen(in);
	if (n && in[n - 1] == '.')
		n--;
	if (n == 0 || n >= DNS_NAME_MAX)
		return -1;
	for (size_t k = 0; k < n; k++)
		out[k] = (char)tolower((unsigned char)in[k]);
	out[n] = '\0';
	return 0;
}

/* The organisational domain; the domain itself when it is a public suffix or unknown. */
static void org_domain(const char *domain, char out[DNS_NAME_MAX])
{
	if (psl_org_domain(domain, out, DNS_NAME_MAX) < 0)
		snprintf(out, DNS_NAME_MAX, "%s", domain);
}

int dmarc_aligned(const char *a, const char *b, int strict)
{
	char na[DNS_NAME_MAX], nb[DNS_NAME_MAX];
	if (!a || !b || domain_norm(a, na) < 0 || domain_norm(b, nb) < 0)
		return 0;
	if (strcmp(na, nb) == 0)
		return 1;
	if (strict)
		return 0;
	char oa[DNS_NAME_MAX], ob[DNS_NAME_MAX];
	org_domain(na, oa);
	org_domain(nb, ob);
	return strcmp(oa, ob) == 0;
}

static const char *skip_wsp(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

/* Splits the next `tag=value` off *p into tag and value (both trimmed); 1, 0 at the end,
 * -1 on a syntax error or an over-long tag. */
static int next_tag(const char **p, char tag[DMARC_TAG_MAX], char value[DMARC_TAG_MAX])
{
	const char *s = skip_wsp(*p);
	if (!*s)
		return 0;
	const char *eq = strchr(s, '=');
	const char *semi = strchr(s, ';');
	if (!eq || (semi && semi < eq))
		return -1;
	const char *end = semi ? semi : s + strlen(s);
	size_t tl = (size_t)(eq - s);
	while (tl && (s[tl - 1] == ' ' || s[tl - 1] == '\t'))
		tl--;
	const char *v = skip_wsp(eq + 1);
	size_t vl = (size_t)(end - v);
	while (vl && isspace((unsigned char)v[vl - 1]))
		vl--;
	if (tl == 0 || tl >= DMARC_TAG_MAX)
		return -1;
	memcpy(tag, s, tl);
	tag[tl] = '\0';
	snprintf(value, DMARC_TAG_MAX, "%.*s", (int)(vl < DMARC_TAG_MAX ? vl : DMARC_TAG_MAX - 1), v);
	*p = semi ? semi + 1 : end;
	return 1;
}

static int policy_valid(const char *v)
{
	return !strcasecmp(v, "none") || !strcasecmp(v, "quarantine") || !strcasecmp(v, "reject");
}

static int alignment_mode(const char *v, int *strict)
{
	if (!strcasecmp(v, "r") || !strcasecmp(v, "s")) {
		*strict = (tolower((unsigned char)v[0]) == 's');
		return 0;
	}
	return -1;
}

/* Applies one tag; unknown tags are ignored (6.3); a bad known value invalidates. */
static int apply_tag(struct dmarc_record *rec, const char *tag, const char *value, int *has_rua)
{
	if (!strcasecmp(tag, "p")) {
		if (!policy_valid(value))
			return -1;
		snprintf(rec->policy, sizeof(rec->policy), "%.15s", value);
	} else if (!strcasecmp(tag, "sp")) {
		if (policy_valid(value))
			snprintf(rec->sub_policy, sizeof(rec->sub_policy), "%.15s", value);
	} else if (!strcasecmp(tag, "adkim")) {
		return alignment_mode(value, &rec->strict_dkim);
	} else if (!strcasecmp(tag, "aspf")) {
		return alignment_mode(value, &rec->strict_spf);
	} else if (!strcasecmp(tag, "pct")) {
		int n = 0;
		if (sscanf(value, "%d", &n) == 1 && n >= 0 && n <= 100)
			rec->pct = n;
	} else if (!strcasecmp(tag, "rua")) {
		*has_rua = 1;
	}
	return 0;
}

int dmarc_parse_record(const char *txt, struct dmarc_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->pct = 100;
	const char *p = txt;
	char tag[DMARC_TAG_MAX], value[DMARC_TAG_MAX];
	if (next_tag(&p, tag, value) != 1 || strcmp(tag, "v") != 0 || strcmp(value, "DMARC1") != 0)
		return -1;
	int has_rua = 0, rc;
	while ((rc = next_tag(&p, tag, value)) == 1)
		if (apply_tag(rec, tag, value, &has_rua) < 0)
			return -1;
	if (rc < 0)
		return -1;
	if (!rec->policy[0]) {
		if (!has_rua) /* 6.6.3: no valid p= and no rua: not a policy record */
			return -1;
		snprintf(rec->policy, sizeof(rec->policy), "none");
	}
	return 0;
}

/* A TXT value that starts the DMARC record set: "v=DMARC1" then ';', blanks or its end. */
static int is_dmarc_txt(const char *t)
{
	if (strncmp(t, "v=DMARC1", 8) != 0)
		return 0;
	t = skip_wsp(t + 8);
	return *t == ';' || *t == '\0';
}

/* 1 record used, 0 no (single) record, -1 temporary failure. */
static int lookup_at(const struct dns_lookup *dns, const char *domain, struct dmarc_record *rec)
{
	char name[DNS_NAME_MAX + 8];
	if (snprintf(name, sizeof(name), "_dmarc.%s", domain) >= (int)sizeof(name))
		return 0;
	struct dns_result res = {0};
	dns->query(dns->ctx, name, DNS_T_TXT, &res);
	int rc = 0, found = 0;
	if (res.status == DNS_TEMPFAIL)
		rc = -1;
	for (size_t k = 0; rc == 0 && k < res.n; k++)
		if (res.rr[k].text && is_dmarc_txt(res.rr[k].text) && found++ == 0 &&
		    dmarc_parse_record(res.rr[k].text, rec) < 0)
			found = 2; /* an invalid record counts as none */
	dns_result_free(&res);
	return rc < 0 ? -1 : found == 1;
}

/* The policy record for from_domain: at _dmarc.<domain>, else at _dmarc.<organisational
 * domain>. Returns 1 found, 0 none, -1 DNS temporary failure. */
static int dmarc_find_record(const struct dns_lookup *dns, const char *from_domain,
                             struct dmarc_record *rec)
{
	char domain[DNS_NAME_MAX], org[DNS_NAME_MAX];
	if (domain_norm(from_domain, domain) < 0)
		return 0;
	int rc = lookup_at(dns, domain, rec);
	if (rc != 0)
		return rc;
	org_domain(domain, org);
	if (strcmp(org, domain) == 0)
		return 0;
	return lookup_at(dns, org, rec);
}

static int dkim_aligned_pass(const struct dmarc_input *in, int strict)
{
	for (size_t k = 0; k < in->ndkim_pass; k++)
		if (dmarc_aligned(in->dkim_pass[k], in->from_domain, strict))
			return 1;
	return 0;
}

enum dmarc_result dmarc_evaluate(const struct dns_lookup *dns, const struct dmarc_input *in)
{
	if (!in->from_domain || !in->from_domain[0])
		return DMARC_NONE;
	struct dmarc_record rec;
	int found = dmarc_find_record(dns, in->from_domain, &rec);
	if (found < 0)
		return DMARC_FAIL;
	if (found == 0)
		return DMARC_NONE;
	if (dkim_aligned_pass(in, rec.strict_dkim))
		return DMARC_PASS;
	if (in->spf_pass && dmarc_aligned(in->spf_domain, in->from_domain, rec.strict_spf))
		return DMARC_PASS;
	return DMARC_FAIL;
}

const char *dmarc_result_name(enum dmarc_result r)
{
	return r == DMARC_PASS ? "pass" : r == DMARC_FAIL ? "fail" : "none";
}
