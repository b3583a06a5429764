/* spf_record.c: SPF record syntax (RFC 7208 4.5, 4.6, 5, 6, 12): terms, qualifiers, dual CIDR. */
#include "spf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SPF_TERM_MAX 1024

int spf_is_record(const char *txt)
{
	return strncasecmp(txt, "v=spf1", 6) == 0 && (txt[6] == ' ' || txt[6] == '\0');
}

void spf_record_free(struct spf_record *r)
{
	for (size_t k = 0; k < r->n; k++)
		free(r->term[k].domain_spec);
	free(r->redirect);
	memset(r, 0, sizeof(*r));
}

/* "/" followed by a length without leading zeros, at most max; -1 when invalid. */
static int parse_length(const char *s, size_t n, int max)
{
	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	int v = 0;
	for (size_t k = 0; k < n; k++) {
		if (!isdigit((unsigned char)s[k]))
			return -1;
		v = v * 10 + (s[k] - '0');
	}
	return v <= max ? v : -1;
}

/* Splits a trailing dual-cidr-length off arg (modified in place). */
static int split_cidr(char *arg, struct spf_term *t, int allow_v4, int allow_v6)
{
	t->cidr4 = 32;
	t->cidr6 = 128;
	char *dbl = strstr(arg, "//");
	if (dbl) {
		if (!allow_v6 || (t->cidr6 = parse_length(dbl + 2, strlen(dbl + 2), 128)) < 0)
			return -1;
		*dbl = '\0';
	}
	char *slash = strrchr(arg, '/');
	if (slash && allow_v4) {
		size_t n = strlen(slash + 1);
		int v = parse_length(slash + 1, n, 32);
		if (v < 0)
			return -1;
		t->cidr4 = v;
		*slash = '\0';
	}
	return 0;
}

static int set_domain(struct spf_term *t, const char *arg, int required)
{
	if (!arg || !*arg)
		return required ? -1 : 0;
	t->domain_spec = strdup(arg);
	return t->domain_spec ? 0 : -1;
}

static int parse_ip(struct spf_term *t, char *arg, int v6)
{
	char *slash = strchr(arg, '/');
	if (slash) {
		int v = parse_length(slash + 1, strlen(slash + 1), v6 ? 128 : 32);
		if (v < 0)
			return -1;
		*slash = '\0';
		if (v6)
			t->cidr6 = v;
		else
			t->cidr4 = v;
	} else {
		t->cidr4 = 32;
		t->cidr6 = 128;
	}
	if (ip_parse(arg, &t->ip) < 0 || t->ip.v6 != v6 || (v6 && strchr(arg, ':') == NULL))
		return -1;
	return 0;
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

static int parse_mechanism(char *term, struct spf_term *t)
{
	t->qualifier = SPF_PASS;
	if (strchr("+-~?", *term)) {
		t->qualifier = *term == '+' ? SPF_PASS : *term == '-' ? SPF_FAIL
				: *term == '~' ? SPF_SOFTFAIL : SPF_NEUTRAL;
		term++;
	}
	size_t n = strcspn(term, ":/");
	if (mechanism_named(term, n, &t->mechanism) < 0)
		return -1;
	char *arg = term[n] == ':' ? term + n + 1 : NULL;
	int has_cidr = term[n] == '/';
	switch (t->mechanism) {
	case SPF_ALL:
		return term[n] ? -1 : 0;
	case SPF_INCLUDE:
	case SPF_EXISTS:
		return set_domain(t, arg, 1);
	case SPF_PTR:
		return has_cidr ? -1 : set_domain(t, arg, 0);
	case SPF_A:
	case SPF_MX:
		if (split_cidr(arg ? arg : term + n, t, 1, 1) < 0)
			return -1;
		return set_domain(t, arg, arg != NULL);
	case SPF_IP4:
	case SPF_IP6:
		return arg ? parse_ip(t, arg, t->mechanism == SPF_IP6) : -1;
	}
	return -1;
}

/* name "=" value, name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ). 1 if term is a
 * modifier (handled), 0 if not, -1 on an error. */
static int parse_modifier(const char *term, struct spf_record *r)
{
	const char *eq = strchr(term, '=');
	if (!eq || !isalpha((unsigned char)term[0]))
		return 0;
	for (const char *p = term; p < eq; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.", *p))
			return 0;
	size_t n = (size_t)(eq - term);
	if (n == 8 && strncasecmp(term, "redirect", 8) == 0) {
		if (r->redirect || !eq[1] || !(r->redirect = strdup(eq + 1)))
			return -1;
	} else if (n == 3 && strncasecmp(term, "exp", 3) == 0) {
		if (r->has_exp || !eq[1])
			return -1;
		r->has_exp = 1;
	}
	return 1;
}

static int parse_term(char *term, struct spf_record *r)
{
	int mod = parse_modifier(term, r);
	if (mod != 0)
		return mod < 0 ? -1 : 0;
	if (r->n >= SPF_MAX_TERMS)
		return -1;
	struct spf_term *t = &r->term[r->n];
	memset(t, 0, sizeof(*t));
	if (parse_mechanism(term, t) < 0) {
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
	char term[SPF_TERM_MAX];
	for (const char *p = txt + 6; *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n == 0)
			break;
		if (n >= sizeof(term)) {
			spf_record_free(r);
			return -1;
		}
		memcpy(term, p, n);
		term[n] = '\0';
		p += n;
		if (parse_term(term, r) < 0) {
			spf_record_free(r);
			return -1;
		}
	}
	return 0;
}
