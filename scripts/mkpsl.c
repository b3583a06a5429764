/* mkpsl.c: build-time generator of build/gen/psl_data.h from Debian's public_suffix_list.dat.
 *
 * Every rule of both sections (ICANN and PRIVATE) is kept, lowercased. An internationalised
 * rule is kept twice: in its A-label (punycode, RFC 3492) form, as DNS and most mail carry
 * it, and in the UTF-8 form the list spells it in, for U-label domains (SMTPUTF8 mail).
 * The rules are sorted bytewise into one newline-separated string that lib/trust/psl.c
 * binary-searches. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_MAX  512
#define RULES_MAX 40000

/* Decodes one UTF-8 code point at *s; advances *s. -1 on a malformed sequence. */
static long utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	long cp;
	int more;
	if (p[0] < 0x80) {
		cp = p[0];
		more = 0;
	} else if ((p[0] & 0xE0) == 0xC0) {
		cp = p[0] & 0x1F;
		more = 1;
	} else if ((p[0] & 0xF0) == 0xE0) {
		cp = p[0] & 0x0F;
		more = 2;
	} else if ((p[0] & 0xF8) == 0xF0) {
		cp = p[0] & 0x07;
		more = 3;
	} else {
		return -1;
	}
	for (int k = 1; k <= more; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return -1;
		cp = cp << 6 | (p[k] & 0x3F);
	}
	*s = p + more + 1;
	return cp;
}

static char digit(long d)
{
	return (char)(d < 26 ? 'a' + d : '0' + d - 26);
}

static long adapt(long delta, long points, int first)
{
	delta = first ? delta / 700 : delta / 2;
	delta += delta / points;
	long k = 0;
	while (delta > 455) {
		delta /= 35;
		k += 36;
	}
	return k + 36 * delta / (delta + 38);
}

/* RFC 3492 encoding of code points cp[0..n) as "xn--..." into out. */
static int punycode(const long *cp, size_t n, char *out, size_t cap)
{
	size_t o = 0, basic = 0;
	o += (size_t)snprintf(out, cap, "xn--");
	for (size_t k = 0; k < n; k++)
		if (cp[k] < 0x80 && o + 1 < cap) {
			out[o++] = (char)tolower((int)cp[k]);
			basic++;
		}
	if (basic && o + 1 < cap)
		out[o++] = '-';
	long next = 0x80, delta = 0, bias = 72;
	for (size_t h = basic; h < n;) {
		long m = 0x7FFFFFFF;
		for (size_t k = 0; k < n; k++)
			if (cp[k] >= next && cp[k] < m)
				m = cp[k];
		delta += (m - next) * (long)(h + 1);
		next = m;
		for (size_t k = 0; k < n; k++) {
			if (cp[k] < next)
				delta++;
			if (cp[k] != next)
				continue;
			long q = delta;
			for (long t, j = 36;; j += 36) {
				t = j <= bias ? 1 : j >= bias + 26 ? 26 : j - bias;
				if (q < t)
					break;
				if (o + 1 >= cap)
					return -1;
				out[o++] = digit(t + (q - t) % (36 - t));
				q = (q - t) / (36 - t);
			}
			if (o + 1 >= cap)
				return -1;
			out[o++] = digit(q);
			bias = adapt(delta, (long)h + 1, h == basic);
			delta = 0;
			h++;
		}
		delta++;
		next++;
	}
	out[o] = '\0';
	return 0;
}

/* One label (bytes [s, e)) in ASCII form appended to out. */
static int label_ascii(const unsigned char *s, const unsigned char *e, char *out, size_t cap)
{
	long cp[RULE_MAX];
	size_t n = 0;
	int ascii = 1;
	while (s < e && n < RULE_MAX) {
		long c = utf8_next(&s);
		if (c < 0)
			return -1;
		ascii &= c < 0x80;
		cp[n++] = c < 0x80 ? tolower((int)c) : c;
	}
	size_t o = strlen(out);
	if (ascii) {
		for (size_t k = 0; k < n && o + 1 < cap; k++)
			out[o++] = (char)cp[k];
		out[o] = '\0';
		return 0;
	}
	return punycode(cp, n, out + o, cap - o);
}

static int rule_ascii(const char *rule, char *out, size_t cap)
{
	out[0] = '\0';
	const unsigned char *s = (const unsigned char *)rule;
	while (*s) {
		const unsigned char *dot = (const unsigned char *)strchr((const char *)s, '.');
		const unsigned char *e = dot ? dot : s + strlen((const char *)s);
		if (label_ascii(s, e, out, cap) < 0)
			return -1;
		if (dot && strlen(out) + 1 < cap)
			strcat(out, ".");
		s = dot ? dot + 1 : e;
	}
	return 0;
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A copy of rule with its ASCII letters lowercased (the list's own UTF-8 letters are already
 * lowercase). */
static char *rule_utf8(const char *rule)
{
	char *copy = strdup(rule);
	for (char *c = copy; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return copy;
}

static int has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* The rules of the list, in both forms where they differ; -1 on a line or a list too long
 * or a label that does not encode. */
static int read_rules(FILE *in, char **rules, size_t *n)
{
	char line[RULE_MAX], ascii[RULE_MAX];
	*n = 0;
	while (fgets(line, sizeof(line), in)) {
		if (!strchr(line, '\n') && !feof(in))
			return -1;
		line[strcspn(line, " \t\r\n")] = '\0';
		if (!line[0] || (line[0] == '/' && line[1] == '/'))
			continue;
		if (*n + 2 > RULES_MAX || rule_ascii(line, ascii, sizeof(ascii)) < 0 ||
		    !(rules[(*n)++] = strdup(ascii)))
			return -1;
		if (has_non_ascii(line) && !(rules[(*n)++] = rule_utf8(line)))
			return -1;
	}
	return ferror(in) ? -1 : 0;
}

static int write_header(const char *path, const char *source, char **rules, size_t n)
{
	FILE *out = fopen(path, "w");
	if (!out) {
		perror(path);
		return -1;
	}
	fprintf(out, "/* Generated by scripts/mkpsl from %s: %zu rules; do not edit. */\n", source, n);
	fprintf(out, "static const char psl_rules[] =\n");
	for (size_t k = 0; k < n; k++)
		fprintf(out, "\t\"%s\\n\"\n", rules[k]);
	fprintf(out, "\t;\n");
	return fclose(out) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static char *rules[RULES_MAX];
	size_t n;
	if (argc != 3) {
		fprintf(stderr, "usage: mkpsl public_suffix_list.dat out.h\n");
		return 2;
	}
	FILE *in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	if (read_rules(in, rules, &n) < 0) {
		fprintf(stderr, "mkpsl: %s: unusable line near rule %zu\n", argv[1], n);
		return 1;
	}
	fclose(in);
	qsort(rules, n, sizeof(rules[0]), compare);
	return write_header(argv[2], argv[1], rules, n) == 0 ? 0 : 1;
}
