/* spf.h: SPF check_host() (RFC 7208) over our resolver, with record parsing and macros. */
#ifndef AIMX_SPF_H
#define AIMX_SPF_H

#include <stddef.h>

#include "dns.h"
#include "ip_addr.h"

#define SPF_LOOKUP_LIMIT 10 /* DNS-querying terms per evaluation (4.6.4) */
#define SPF_VOID_LIMIT   2  /* NXDOMAIN/NODATA answers per evaluation (4.6.4) */
#define SPF_MX_LIMIT     10 /* MX names looked up per mx mechanism */
#define SPF_MAX_TERMS    64
#define SPF_MAX_DEPTH    12 /* include/redirect nesting, a backstop behind the lookup limit */

enum spf_result { SPF_NONE, SPF_NEUTRAL, SPF_PASS, SPF_FAIL, SPF_SOFTFAIL, SPF_TEMPERROR,
		  SPF_PERMERROR };

enum spf_result spf_check_host(const struct dns_lookup *dns, const char *ip, const char *sender,
			       const char *helo);
const char *spf_result_name(enum spf_result r);

/* Parsed records (spf_record.c). */
enum spf_mechanism { SPF_ALL, SPF_INCLUDE, SPF_A, SPF_MX, SPF_PTR, SPF_IP4, SPF_IP6, SPF_EXISTS };

struct spf_term {
	enum spf_result qualifier; /* PASS, FAIL, SOFTFAIL or NEUTRAL */
	enum spf_mechanism mechanism;
	char *domain_spec;         /* NULL: the current domain */
	int cidr4, cidr6;          /* prefix lengths, 32/128 when absent */
	struct ip_addr ip;         /* ip4/ip6 */
};

struct spf_record {
	size_t n;
	struct spf_term term[SPF_MAX_TERMS];
	char *redirect; /* NULL when absent */
	int has_exp;
};

/* 1 when txt starts an SPF record ("v=spf1" then a space or the end). */
int spf_is_record(const char *txt);
/* 0, or -1 on any syntax error (a permerror). */
int spf_record_parse(const char *txt, struct spf_record *r);
void spf_record_free(struct spf_record *r);

/* Macro expansion (spf_macro.c). */
struct spf_macro_ctx {
	const char *sender;        /* local@domain */
	const char *domain;        /* the current domain */
	const char *helo;
	const struct ip_addr *ip;
};

/* Expands a domain-spec into out (truncated from the left to 253 bytes as in 7.3); -1 on a
 * syntax error (permerror). */
int spf_macro_expand(const char *spec, const struct spf_macro_ctx *ctx, char *out, size_t cap);

#endif
