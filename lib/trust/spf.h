/* spf.h: SPF check_host() (RFC 7208) over our resolver, with record parsing and macros. */
#ifndef AIMX_SPF_H
#define AIMX_SPF_H

#include <stddef.h>

#include "net/dns.h"
#include "net/ip.h"

#define SPF_LOOKUP_LIMIT 10 /* DNS-querying terms per evaluation (4.6.4) */
#define SPF_VOID_LIMIT   2  /* NXDOMAIN/NODATA answers per evaluation (4.6.4) */
#define SPF_MX_LIMIT     10 /* MX names looked up per mx mechanism (4.6.4) */
#define SPF_MAX_DEPTH    12 /* include/redirect nesting, a backstop behind the lookup limit */
#define SPF_PTR_LIMIT    10 /* PTR names validated per ptr mechanism or %{p} (4.6.4) */

enum spf_result { SPF_NONE, SPF_NEUTRAL, SPF_PASS, SPF_FAIL, SPF_SOFTFAIL, SPF_TEMPERROR,
		  SPF_PERMERROR };

/* check_host() for a MAIL FROM identity. ip: the client, IPv4 or IPv6 text (IPv4-mapped IPv6
 * counts as IPv4). sender: the MAIL FROM address; without a local part it is postmaster@
 * sender (4.3), and when empty it is postmaster@helo (2.4). The domain is the part after the
 * last '@'. `ptr` and %{p} use the client's validated domain names (5.5, 7.3). */
enum spf_result spf_check_host(const struct dns_lookup *dns, const char *ip, const char *sender,
			       const char *helo);
/* "pass", "fail", "softfail", "neutral", "none", "temperror", "permerror". */
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
	size_t n, cap;
	struct spf_term *term;
	char *redirect; /* NULL when absent */
	int has_exp;    /* exp= is checked for syntax, then not used */
};

/* 1 when txt starts an SPF record: "v=spf1" (ABNF, so any case) then a space or the end. */
int spf_is_record(const char *txt);
/* 0, or -1 on any syntax error anywhere in the record (a permerror, 4.6) or no memory. */
int spf_record_parse(const char *txt, struct spf_record *r);
void spf_record_free(struct spf_record *r);

/* Macros (spf_macro.c, RFC 7208 7). */
struct spf_macro_ctx {
	const char *sender;        /* local@domain */
	const char *domain;        /* the current domain */
	const char *helo;          /* NULL reads as empty */
	const struct ip_addr *ip;
	const struct dns_lookup *dns; /* for %{p}; NULL: %{p} is "unknown" */
};

/* 1 when s is a macro-string (12: macro-expand / macro-literal), 0 otherwise. The letters
 * c, r and t belong to explanation text only (7.3) and are refused here. */
int spf_macro_string_valid(const char *s);
/* 1 when s is a domain-spec: a non-empty macro-string ending in a macro or "." toplabel. */
int spf_domain_spec_valid(const char *s);

/* Expands a domain-spec into out, truncated from the left to 253 bytes as in 7.3. Returns 0;
 * -1 on a syntax error (permerror); -2 when the expansion is no usable name (empty, or one
 * label longer than 253 bytes, or absurdly long input). */
int spf_macro_expand(const char *spec, const struct spf_macro_ctx *ctx, char out[DNS_NAME_MAX]);

/* Validated domain names (spf_ptr.c, RFC 7208 5.5). */
/* The reverse-lookup name of ip: d.c.b.a.in-addr.arpa, or 32 nibbles then ip6.arpa. */
void spf_ptr_reverse_name(const struct ip_addr *ip, char out[DNS_NAME_MAX]);
/* The PTR names of ip (the first SPF_PTR_LIMIT) whose A or AAAA records include ip, up to
 * max of them into names; how many. A DNS error anywhere is no name. */
size_t spf_ptr_validated(const struct dns_lookup *dns, const struct ip_addr *ip,
                         char names[][DNS_NAME_MAX], size_t max);
/* 1 when name is domain or a subdomain of it (any case; a trailing dot on domain ignored). */
int spf_ptr_within(const char *name, const char *domain);

#endif
