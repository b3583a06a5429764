/* path_join.c: join a trusted base directory and an untrusted relative path, refusing escapes. */
#include "base/path_join.h"

#include <errno.h>
#include <string.h>

/* One segment is acceptable when it is non-empty and neither "." nor "..". */
static int segment_ok(const char *seg, size_t len)
{
	if (len == 0)
		return 0;
	if (len == 1 && seg[0] == '.')
		return 0;
	if (len == 2 && seg[0] == '.' && seg[1] == '.')
		return 0;
	return 1;
}

static int rel_ok(const char *rel, size_t rel_len)
{
	if (!rel || rel_len == 0 || rel[0] == '/' || memchr(rel, '\0', rel_len))
		return 0;
	size_t start = 0;
	for (size_t i = 0; i <= rel_len; i++) {
		if (i < rel_len && rel[i] != '/')
			continue;
		if (!segment_ok(rel + start, i - start))
			return 0;
		start = i + 1;
	}
	return 1;
}

/* Length of base without its trailing slashes; "/" (or "//...") keeps one. */
static size_t base_len(const char *base)
{
	size_t len = strlen(base);
	while (len > 1 && base[len - 1] == '/')
		len--;
	return len;
}

int path_join_n(char *out, size_t outsz, const char *base, const char *rel, size_t rel_len)
{
	if (!base || !base[0] || !rel_ok(rel, rel_len)) {
		if (out && outsz)
			out[0] = '\0';
		errno = EINVAL;
		return -1;
	}
	size_t blen = base_len(base);
	size_t sep = base[blen - 1] == '/' ? 0 : 1;
	if (!out || outsz <= blen || outsz - blen - 1 < sep + rel_len) {
		if (out && outsz)
			out[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	memmove(out, base, blen);
	if (sep)
		out[blen] = '/';
	memcpy(out + blen + sep, rel, rel_len);
	out[blen + sep + rel_len] = '\0';
	return 0;
}

int path_join(char *out, size_t outsz, const char *base, const char *rel)
{
	return path_join_n(out, outsz, base, rel, rel ? strlen(rel) : 0);
}
