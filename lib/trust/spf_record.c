/* spf_record.c: SPF record syntax (RFC 7208 4.5, 4.6, 5, 6, 12): terms, qualifiers, dual CIDR. */
#include "trust/spf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int spf_is_record(const char *txt)
{
	return strncasecmp(txt, "v=spf1", 6) == 0 && (txt[6] == ' ' || txt[6] == '\0');
}

void spf_record_free(struct spf_record *r)
{
	for (size_t k = 0; k < r->n; k++)
		free(r->term[k].domain_spec);
	free(r->term);
	free(r->redirect);
	memset(r, 0, sizeof(*r));
}

/* The length of a "/" cidr-length suffix ending s[0..n) ("0" or 1-3 digits without a leading
 * zero), its value in *value; 0 when there is none. */
static size_t length_suffix(const char *s, size_t n, int *value)
{
	size_t k = n;
	while (k > 0 && n - k < 4 && isdigit((unsigned char)s[k - 1]))
		k--;
	size_t digits = n - k;
	if (digits == 0 || digits > 3 || k == 0 || s[k - 1] != '/' || (digits > 1 && s[k] == '0'))
		return 0;
	*value = 0;
	for (size_t d = k; d < n; d++)
		*value = *value * 10 + (s[d] - '0');
	return digits + 1;
}

/* Cuts a trailing dual-cidr-length ("/n", "//m" or "/n//m") off rest. 0, or -1 when a length
 * is out of range. */
static int cut_dual_cidr(char *rest, struct spf_term *t)
{
	size_t n = strlen(rest), k;
	int v;
	if ((k = length_suffix(rest, n, &v)) && n > k && rest[n - k - 1] == '/') {
		if (v > 128)
			return -1;
		t->cidr6 = v;
		n -= k + 1;
	}
	if ((k = length_suffix(rest, n, &v))) {
		if (v > 32)
			return -1;
		t->cidr4 = v;
		n -= k;
	}
	rest[n] = '\0';
	return 0;
}

/* rest is "" (allowed when optional) or ":" domain-spec. */
static int take_domain(struct spf_term *t, const char *rest, int required)
{
	if (*rest == '\0')
		return required ? -1 : 0;
	if (*rest != ':' || !spf_domain_spec_valid(rest + 1))
		return -1;
	t->domain_spec = strdup(rest + 1);
	return t->domain_spec ? 0 : -1;
}

/* rest is ":" address ["/" length]. */
static int take_network(struct spf_term *t, char *rest, int v6)
{
	if (*rest != ':')
		return -1;
	char *addr = rest + 1;
	size_t n = strlen(addr), k;
	int v;
	if ((k = length_suffix(addr, n, &v))) {
		if (v > (v6 ? 128 : 32))
			return -1;
		*(v6 ? &t->cidr6 : &t->cidr4) = v;
		addr[n - k] = '\0';
	}
	return ip_parse_family(addr, v6, &t->ip);
}

static int mechanism_named(const char *name, size_t n, enum spf_mechanism *m)
{
	static const struct {
		const char *name;
		enum spf_mechanism m;
	} table[] = {{"all", SPF_ALL}, {"include", SPF_INCLUDE}, {"a", SPF_A},   {"mx", SPF_MX},
		     {"ptr", SPF_PTR}, {"ip4", SPF_IP4},         {"ip6", SPF_IP6}, {"exists", SPF_EXISTS}};
	for (size_t k = 0; k < sizeof(table) / sizeof(table[0]); k++)
		if (strlen(table[k].name) == n && strncasecmp(name, table[k].name, n) == 0) {
			*m = table[k].m;
			return 0;
		}
	return -1;
}

/* directive = [ qualifier ] mechanism (5). */
static int parse_directive(char *term, struct spf_term *t)
{
	t->qualifier = SPF_PASS;
	t->cidr4 = 32;
	t->cidr6 = 128;
	if (*term && strchr("+-~?", *term)) {
		t->qualifier = *term == '+'   ? SPF_PASS
			       : *term == '-' ? SPF_FAIL
			       : *term == '~' ? SPF_SOFTFAIL
					      : SPF_NEUTRAL;
		term++;
	}
	size_t n = strcspn(term, ":/");
	if (mechanism_named(term, n, &t->mechanism) < 0)
		return -1;
	char *rest = term + n;
	switch (t->mechanism) {
	case SPF_ALL:
		return *rest ? -1 : 0;
	case SPF_INCLUDE:
	case SPF_EXISTS:
		return take_domain(t, rest, 1);
	case SPF_PTR:
		return take_domain(t, rest, 0);
	case SPF_A:
	case SPF_MX:
		return cut_dual_cidr(rest, t) < 0 ? -1 : take_domain(t, rest, 0);
	case SPF_IP4:
	case SPF_IP6:
		return take_network(t, rest, t->mechanism == SPF_IP6);
	}
	return -1;
}

/* modifier (6, 12): name "=" value with name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ).
 * 1 when term is a modifier (recorded), 0 when it is not, -1 on an error. */
static int parse_modifier(const char *term, struct spf_record *r)
{
	const char *eq = strchr(term, '=');
	if (!eq || !isalpha((unsigned char)term[0]))
		return 0;
	for (const char *p = term; p < eq; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.", *p))
			return 0;
	size_t n = (size_t)(eq - term);
	const char *value = eq + 1;
	if (n == 8 && strncasecmp(term, "redirect", 8) == 0) {
		if (r->redirect || !spf_domain_spec_valid(value) || !(r->redirect = strdup(value)))
			return -1;
	} else if (n == 3 && strncasecmp(term, "exp", 3) == 0) {
		if (r->has_exp || !spf_domain_spec_valid(value))
			return -1;
		r->has_exp = 1;
	} else if (!spf_macro_string_valid(value)) {
		return -1; /* unknown modifiers are ignored, but their value is still syntax */
	}
	return 1;
}

static struct spf_term *next_term(struct spf_record *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct spf_term *grown = realloc(r->term, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		r->term = grown;
		r->cap = cap;
	}
	memset(&r->term[r->n], 0, sizeof(r->term[r->n]));
	return &r->term[r->n];
}

static int parse_term(char *term, struct spf_record *r)
{
	int mod = parse_modifier(term, r);
	if (mod != 0)
		return mod < 0 ? -1 : 0;
	struct spf_term *t = next_term(r);
	if (!t)
		return -1;
	if (parse_directive(term, t) < 0) {
		free(t->domain_spec);
		return -1;
	}
	r->n++;
	return 0;
}

int spf_record_parse(const char *txt, struct spf_record *r)
{
	memset(r, 0, sizeof(*r));
	if (!spf_is_record(txt))
		return -1;
	char *copy = strdup(txt + 6);
	if (!copy)
		return -1;
	int rc = 0;
	for (char *p = copy; *p && rc == 0;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		char *term = p;
		p += strcspn(p, " ");
		if (*p)
			*p++ = '\0';
		rc = parse_term(term, r);
	}
	free(copy);
	if (rc < 0)
		spf_record_free(r);
	return rc;
}
