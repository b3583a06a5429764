/* dmarc.h: DMARC (RFC 7489) record lookup, identifier alignment and the frontmatter verdict. */
#ifndef AIMX_DMARC_H
#define AIMX_DMARC_H

#include <stddef.h>

#include "net/dns.h"

enum dmarc_result { DMARC_NONE, DMARC_PASS, DMARC_FAIL };

struct dmarc_record {
	char policy[16];     /* p=: none | quarantine | reject (recorded, never acted upon) */
	char sub_policy[16]; /* sp=, "" when absent */
	int strict_dkim;     /* adkim=s */
	int strict_spf;      /* aspf=s */
	int pct;             /* pct=, 100 by default */
};

struct dmarc_input {
	const char *from_domain;          /* RFC5322.From domain; NULL: none or several domains */
	const char *const *dkim_pass;     /* d= of every passing DKIM signature */
	size_t ndkim_pass;
	int spf_pass;                     /* the SPF result was pass */
	const char *spf_domain;           /* the domain SPF checked (MAIL FROM or From) */
};

/* Parses one TXT value; 0 when it is a valid DMARC policy record, -1 otherwise. */
int dmarc_parse_record(const char *txt, struct dmarc_record *rec);

/* 1 when domains a and b are aligned: equal (strict), or the same organisational domain
 * per the Public Suffix List (relaxed). Case-insensitive; a trailing dot is ignored. */
int dmarc_aligned(const char *a, const char *b, int strict);

/* mail.md 3.3: pass when an aligned DKIM or SPF pass exists under a published record; none
 * when there is no record or no single From domain; fail otherwise (DNS errors included). */
enum dmarc_result dmarc_evaluate(const struct dns_lookup *dns, const struct dmarc_input *in);

const char *dmarc_result_name(enum dmarc_result r);

#endif
