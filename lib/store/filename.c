/* filename.c: subject slugs and attachment names that are safe, readable and bounded. */
#include "store/filename.h"

#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "base/utf8.h"

void filename_slug(const char *subject, char out[SLUG_BUF])
{
	size_t len = subject ? strlen(subject) : 0, o = 0, chars = 0;
	int pending_dash = 0;
	for (size_t i = 0; i < len && chars < SLUG_MAX_CHARS;) {
		size_t used;
		uint32_t cp = utf8_decode(subject + i, len - i, &used);
		i += used;
		if (cp == UTF8_REPLACEMENT || !iswalnum((wint_t)cp)) {
			pending_dash = o > 0;
			continue;
		}
		if (pending_dash && chars + 1 < SLUG_MAX_CHARS) {
			out[o++] = '-';
			chars++;
		} else if (pending_dash) {
			break;
		}
		pending_dash = 0;
		o += utf8_encode((uint32_t)towlower((wint_t)cp), out + o);
		chars++;
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, SLUG_BUF, "no-subject");
}

static int is_unsafe(uint32_t cp)
{
	return cp == '/' || cp == '\\' || cp < 0x20 || cp == 0x7F ||
	       (cp >= 0x80 && cp < 0xA0) || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0xFEFF || cp == UTF8_REPLACEMENT;
}

static int is_trimmed(char c)
{
	return c == ' ' || c == '\t' || c == '.' || c == '-' || c == '_';
}

/* The part after the last '/' or '\\'. */
static const char *last_component(const char *raw, size_t *len)
{
	const char *start = raw;
	for (size_t k = 0; k < *len; k++)
		if (raw[k] == '/' || raw[k] == '\\')
			start = raw + k + 1;
	*len -= (size_t)(start - raw);
	return start;
}

/* Copy with unsafe runs folded to '_', stopping before ATTACHMENT_NAME_MAX bytes. */
static size_t copy_safe(const char *s, size_t len, char *out)
{
	size_t o = 0;
	int in_unsafe = 0;
	for (size_t i = 0; i < len;) {
		size_t used;
		uint32_t cp = utf8_decode(s + i, len - i, &used);
		if (is_unsafe(cp)) {
			if (!in_unsafe && o + 1 <= ATTACHMENT_NAME_MAX)
				out[o++] = '_';
			in_unsafe = 1;
		} else {
			if (o + used > ATTACHMENT_NAME_MAX)
				break;
			memcpy(out + o, s + i, used);
			o += used;
			in_unsafe = 0;
		}
		i += used;
	}
	return o;
}

void filename_attachment(const char *raw, size_t len, size_t index,
			      char out[ATTACHMENT_NAME_BUF])
{
	size_t n = 0;
	if (raw) {
		const char *base = last_component(raw, &len);
		while (len && is_trimmed(*base)) {
			base++;
			len--;
		}
		n = copy_safe(base, len, out);
		size_t start = 0;
		while (start < n && is_trimmed(out[start]))
			start++;
		memmove(out, out + start, n - start);
		n -= start;
		while (n && is_trimmed(out[n - 1]))
			n--;
	}
	out[n] = '\0';
	if (n == 0)
		snprintf(out, ATTACHMENT_NAME_BUF, "attachment-%zu", index);
}

int filename_with_counter(const char *name, unsigned n, char out[ATTACHMENT_NAME_BUF])
{
	const char *dot = strrchr(name, '.');
	int w = dot && dot != name
			? snprintf(out, ATTACHMENT_NAME_BUF, "%.*s-%u%s", (int)(dot - name), name, n,
				   dot)
			: snprintf(out, ATTACHMENT_NAME_BUF, "%s-%u", name, n);
	return w < 0 || w >= ATTACHMENT_NAME_BUF ? -1 : 0;
}
