/* psl.c: Public Suffix List rule matching (publicsuffix.org/list algorithm) over a sorted blob. */
#include "trust/psl.h"

#include <ctype.h>
#include <string.h>

#include "psl_data.h"

#define PSL_NAME_MAX   256
#define PSL_LABELS_MAX 128

/* 1 when rule (len bytes) is a line of psl_rules: binary search by byte offset, each probe
 * backing up to the start of its line. */
static int has_rule(const char *rule, size_t len)
{
	size_t lo = 0, hi = sizeof(psl_rules) - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, start = mid;
		while (start > lo && psl_rules[start - 1] != '\n')
			start--;
		const char *line = psl_rules + start;
		size_t n = (size_t)((const char *)memchr(line, '\n', hi - start) - line);
		int c = strncmp(rule, line, len < n ? len : n);
		if (c == 0)
			c = (len > n) - (len < n);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = start;
		else
			lo = start + n + 1;
	}
	return 0;
}

static int has_prefixed(char prefix, const char *suffix)
{
	char rule[PSL_NAME_MAX + 2];
	size_t n = strlen(suffix);
	size_t o = 0;
	if (prefix == '*') {
		rule[o++] = '*';
		rule[o++] = '.';
	} else {
		rule[o++] = prefix;
	}
	memcpy(rule + o, suffix, n);
	return has_rule(rule, o + n);
}

/* Lowercase copy without a trailing dot, and where each label starts; -1 if invalid. */
static int split(const char *domain, char name[PSL_NAME_MAX], size_t starts[PSL_LABELS_MAX],
		 size_t *nlabels)
{
	size_t n = strlen(domain);
	if (n && domain[n - 1] == '.')
		n--;
	if (n == 0 || n >= PSL_NAME_MAX)
		return -1;
	*nlabels = 0;
	for (size_t k = 0; k <= n; k++) {
		if (k == 0 || name[k - 1] == '.') {
			if (*nlabels >= PSL_LABELS_MAX || (k < n && domain[k] == '.') || k == n)
				return -1;
			starts[(*nlabels)++] = k;
		}
		if (k < n)
			name[k] = (char)tolower((unsigned char)domain[k]);
	}
	name[n] = '\0';
	return 0;
}

int psl_org_domain(const char *domain, char *out, size_t cap)
{
	char name[PSL_NAME_MAX];
	size_t starts[PSL_LABELS_MAX], n;
	if (split(domain, name, starts, &n) < 0)
		return -1;
	size_t suffix_labels = 1; /* the implicit "*" rule */
	for (size_t i = n; i-- > 0;) {
		size_t k = n - i; /* labels in name + starts[i] */
		if (has_prefixed('!', name + starts[i])) {
			suffix_labels = k - 1;
			break;
		}
		if (has_rule(name + starts[i], strlen(name + starts[i])) ||
		    (i + 1 < n && has_prefixed('*', name + starts[i + 1])))
			suffix_labels = k;
	}
	if (suffix_labels >= n)
		return -1;
	const char *org = name + starts[n - suffix_labels - 1];
	if (strlen(org) + 1 > cap)
		return -1;
	memcpy(out, org, strlen(org) + 1);
	return 0;
}
