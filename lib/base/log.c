/* log.c: the structured logger: builds one "ts=... level=... event=... k=v" line, one write. */
#include "base/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/fileio.h"

#define LOG_LINE_MAX 4096

static const char truncated_tail[] = " truncated=1\n";
/* Content may use this much; the rest is kept for the "\n" or the truncation tail. */
#define LOG_CONTENT_MAX (LOG_LINE_MAX - (sizeof(truncated_tail) - 1))

struct log_line {
	char buf[LOG_LINE_MAX];
	size_t len;
	int truncated;
};

static int log_threshold = -1; /* -1: AIMX_LOG not read yet */
static int log_fd = -1;        /* -1: stderr */

int log_level_parse(const char *name)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	if (!name)
		return -1;
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcasecmp(name, names[i]) == 0)
			return i;
	return -1;
}

void log_set_level(enum log_level level)
{
	log_threshold = (int)level;
}

enum log_level log_get_level(void)
{
	if (log_threshold < 0) {
		int parsed = log_level_parse(getenv("AIMX_LOG"));
		log_threshold = parsed < 0 ? LOG_INFO : parsed;
	}
	return (enum log_level)log_threshold;
}

void log_set_fd(int fd)
{
	log_fd = fd < 0 ? -1 : fd;
}

static const char *level_name(enum log_level level)
{
	switch (level) {
	case LOG_DEBUG:
		return "debug";
	case LOG_INFO:
		return "info";
	case LOG_WARN:
		return "warn";
	default:
		return "error";
	}
}

/* Whether n more content bytes fit; once something did not, nothing more is added. */
static int line_room(struct log_line *l, size_t n)
{
	if (!l->truncated && l->len + n <= LOG_CONTENT_MAX)
		return 1;
	l->truncated = 1;
	return 0;
}

static void line_put(struct log_line *l, const char *s, size_t n)
{
	if (!line_room(l, n))
		return;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static int needs_quote(const char *v)
{
	if (!v[0])
		return 1;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '=' || *p == 0x7f)
			return 1;
	return 0;
}

/* The escaped form of c inside quotes (at most 4 bytes), or 0 when c stands for itself. */
static size_t escape_byte(unsigned char c, char out[4])
{
	static const char hex[] = "0123456789abcdef";
	static const char named_from[] = "\"\\\n\r\t", named_to[] = "\"\\nrt";
	const char *named = c ? strchr(named_from, c) : NULL;
	out[0] = '\\';
	if (named) {
		out[1] = named_to[named - named_from];
		return 2;
	}
	if (c >= 0x20 && c != 0x7f)
		return 0;
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 0xf];
	return 4;
}

/* Bytes that must stay together: one ASCII byte, or a UTF-8 lead byte and its continuations. */
static size_t utf8_unit_len(const char *s)
{
	size_t n = 1;
	if ((unsigned char)s[0] < 0xc0)
		return 1;
	while (n < 4 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	return n;
}

/* Append v unit by unit, keeping `reserve` bytes free; stops (truncated) at the first unit
 * that does not fit. Returns how many units were written. */
static size_t put_units(struct log_line *l, const char *v, int quoted, size_t reserve)
{
	size_t units = 0;
	for (size_t i = 0; v[i]; units++) {
		char esc[4];
		size_t in = 1, n = quoted ? escape_byte((unsigned char)v[i], esc) : 0;
		const char *src = esc;
		if (n == 0) {
			in = n = utf8_unit_len(v + i);
			src = v + i;
		}
		if (!line_room(l, n + reserve))
			break;
		memcpy(l->buf + l->len, src, n);
		l->len += n;
		i += in;
	}
	return units;
}

/* Keys come from our code; anything outside [A-Za-z0-9_.-] is replaced so lines stay parseable. */
static void put_key(struct log_line *l, const char *key)
{
	for (const char *p = key; *p; p++) {
		char c = *p;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
		line_put(l, ok ? &c : "_", 1);
	}
}

/* " key=value"; a pair that cannot show even the first byte of its value is dropped whole. */
static void put_pair(struct log_line *l, const char *key, const char *value)
{
	if (l->truncated)
		return;
	const char *v = value ? value : "";
	int quoted = needs_quote(v);
	size_t start = l->len;
	if (start > 0)
		line_put(l, " ", 1);
	put_key(l, key);
	line_put(l, "=", 1);
	if (quoted && line_room(l, 2))
		l->buf[l->len++] = '"';
	size_t units = l->truncated ? 0 : put_units(l, v, quoted, quoted ? 1 : 0);
	if (l->truncated && units == 0) {
		l->len = start;
		return;
	}
	if (quoted)
		l->buf[l->len++] = '"';
}

static void put_timestamp(struct log_line *l)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	if (!gmtime_r(&now, &tm) || strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		ts[0] = '\0';
	put_pair(l, "ts", ts);
}

static void finish_line(struct log_line *l)
{
	const char *tail = l->truncated ? truncated_tail : "\n";
	size_t n = strlen(tail);
	memcpy(l->buf + l->len, tail, n);
	l->len += n;
}

void log_event(enum log_level level, const char *event, ...)
{
	if (level < log_get_level())
		return;
	int saved = errno;
	struct log_line l;
	l.len = 0;
	l.truncated = 0;
	put_timestamp(&l);
	put_pair(&l, "level", level_name(level));
	put_pair(&l, "event", event);
	va_list ap;
	va_start(ap, event);
	for (const char *key; (key = va_arg(ap, const char *)) != NULL;)
		put_pair(&l, key, va_arg(ap, const char *));
	va_end(ap);
	finish_line(&l);
	(void)fileio_write_all(log_fd < 0 ? STDERR_FILENO : log_fd, l.buf, l.len);
	errno = saved;
}
