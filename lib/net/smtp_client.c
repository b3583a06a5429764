/* smtp_client.c: EHLO, STARTTLS, MAIL, RCPT, DATA (dot-stuffed), QUIT against one server. */
#include "net/smtp_client.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/fileio.h"

#define SMTP_IO_BUF 4096

/* A reply wait: the RFC 5321 4.5.3.2 bound, or AIMX_TEST_SMTP_CLIENT_MS when smaller (tests
 * of silent servers; logged as test-only at daemon start). */
static int limit_ms(int dflt)
{
	const char *v = getenv("AIMX_TEST_SMTP_CLIENT_MS");
	int t = v ? atoi(v) : 0;
	return t > 0 && t < dflt ? t : dflt;
}

void smtp_client_reply_reset(struct smtp_reply *r)
{
	memset(r, 0, sizeof(*r));
}

static void add_text(struct smtp_reply *r, const char *s)
{
	size_t n = strlen(r->text);
	snprintf(r->text + n, sizeof(r->text) - n, "%s%s", n ? " / " : "", s);
}

/* One complete line: "NNN-text" continues, "NNN text" or "NNN" ends. */
static int reply_line(struct smtp_reply *r)
{
	char *l = r->line;
	if (r->len < 3 || !isdigit((unsigned char)l[0]) || !isdigit((unsigned char)l[1]) ||
	    !isdigit((unsigned char)l[2]) || (r->len > 3 && l[3] != '-' && l[3] != ' '))
		return -1;
	int code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
	if (r->code && code != r->code)
		return -1;
	r->code = code;
	const char *text = r->len > 4 ? l + 4 : "";
	if (strncasecmp(text, "STARTTLS", 8) == 0 && (!text[8] || text[8] == ' '))
		r->starttls = 1;
	if (strncasecmp(text, "PIPELINING", 10) == 0)
		r->pipelining = 1;
	add_text(r, text);
	int last = r->len == 3 || l[3] == ' ';
	r->len = 0;
	return last;
}

int smtp_client_reply_feed(struct smtp_reply *r, char c)
{
	if (c == '\n') {
		if (r->len && r->line[r->len - 1] == '\r')
			r->len--;
		r->line[r->len] = '\0';
		return reply_line(r);
	}
	if (r->len + 2 > sizeof(r->line))
		return -1;
	r->line[r->len++] = c;
	return 0;
}

/* The connection: plaintext or TLS, with a read buffer. */
struct link {
	int fd;
	struct tls_conn *tls;
	char buf[SMTP_IO_BUF];
	size_t len, pos;
};

static ssize_t link_read(struct link *l, int timeout_ms)
{
	if (l->tls)
		return tls_conn_read(l->tls, l->buf, sizeof(l->buf), timeout_ms);
	struct pollfd p = {l->fd, POLLIN, 0};
	int rc;
	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return -1;
	return read(l->fd, l->buf, sizeof(l->buf));
}

static int link_write(struct link *l, const void *data, size_t len, int timeout_ms)
{
	if (l->tls)
		return tls_conn_write_all(l->tls, data, len, timeout_ms);
	return fileio_write_all(l->fd, data, len);
}

/* Reads one whole reply; -1 on timeout, EOF or garbage. */
static int read_reply(struct link *l, struct smtp_reply *r, int timeout_ms)
{
	int64_t end = clock_monotonic_ms() + timeout_ms;
	smtp_client_reply_reset(r);
	for (;;) {
		while (l->pos < l->len) {
			int rc = smtp_client_reply_feed(r, l->buf[l->pos++]);
			if (rc != 0)
				return rc > 0 ? 0 : -1;
		}
		int64_t left = end - clock_monotonic_ms();
		if (left <= 0)
			return -1;
		ssize_t n = link_read(l, (int)left);
		if (n <= 0)
			return -1;
		l->len = (size_t)n;
		l->pos = 0;
	}
}

static void result_set(struct smtp_result *res, enum smtp_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void result_set(struct smtp_result *res, enum smtp_outcome o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
	res->outcome = o;
}

/* Sends a command and reads its reply; 0 when the code is 2xx/3xx, else sets res. */
static int command(struct link *l, struct smtp_reply *r, struct smtp_result *res, int timeout,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int command(struct link *l, struct smtp_reply *r, struct smtp_result *res, int timeout,
		   const char *fmt, ...)
{
	char line[SMTP_CLIENT_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		result_set(res, SMTP_PERMANENT, "command too long");
		return -1;
	}
	if (link_write(l, line, (size_t)n, timeout) < 0 || read_reply(l, r, timeout) < 0) {
		result_set(res, SMTP_TEMPORARY, "connection lost after %.40s", line);
		return -1;
	}
	if (r->code >= 400) {
		result_set(res, r->code >= 500 ? SMTP_PERMANENT : SMTP_TEMPORARY, "%d %s", r->code,
			   r->text);
		return -1;
	}
	return 0;
}

static int start_tls(struct link *l, const struct smtp_job *job, struct smtp_reply *r,
		     struct smtp_result *res, struct tls_peer_check *check)
{
	if (command(l, r, res, limit_ms(SMTP_COMMAND_MS), "STARTTLS\r\n") < 0)
		return -1;
	tls_client_trust_need(job->trust);
	l->tls = calloc(1, sizeof(*l->tls));
	if (!l->tls || tls_client_start(l->tls, check, job->trust, job->server_name, l->fd) < 0 ||
	    tls_conn_handshake(l->tls, limit_ms(SMTP_COMMAND_MS)) < 0) {
		result_set(res, SMTP_TEMPORARY, "TLS handshake failed: %s",
			   l->tls ? tls_conn_strerror(l->tls) : "out of memory");
		res->tls_failed = 1;
		return -1;
	}
	l->len = l->pos = 0; /* anything sent in plaintext after 220 is discarded */
	res->tls = check->verified ? "verified" : "unverified";
	return command(l, r, res, limit_ms(SMTP_COMMAND_MS), "EHLO %s\r\n", job->helo);
}

/* The message with leading dots doubled and a final CRLF, then ".CRLF". */
static int send_data(struct link *l, const struct smtp_job *job)
{
	struct buf out = BUF_INIT;
	int at_line_start = 1, rc = 0;
	for (size_t k = 0; k < job->len && rc == 0; k++) {
		if (at_line_start && job->data[k] == '.')
			rc = buf_append_char(&out, '.');
		if (rc == 0)
			rc = buf_append_char(&out, job->data[k]);
		at_line_start = job->data[k] == '\n';
	}
	if (rc == 0 && job->len && job->data[job->len - 1] != '\n')
		rc = buf_append(&out, "\r\n", 2);
	if (rc == 0)
		rc = buf_append(&out, ".\r\n", 3);
	if (rc == 0)
		rc = link_write(l, out.data, out.len, limit_ms(SMTP_DATA_END_MS));
	buf_free(&out);
	return rc;
}

/* The outcome of a reply (0 when it is 2xx/3xx), into res. */
static int judge(const struct smtp_reply *r, struct smtp_result *res)
{
	if (r->code >= 200 && r->code < 400)
		return 0;
	result_set(res, r->code >= 500 ? SMTP_PERMANENT : SMTP_TEMPORARY, "%d %s", r->code, r->text);
	return -1;
}

static void record_rcpt(struct smtp_result *res, size_t k, const struct smtp_reply *r)
{
	res->rcpt[k].code = r->code;
	snprintf(res->rcpt[k].text, sizeof(res->rcpt[k].text), "%d %s", r->code, r->text);
}

static int no_recipient(struct smtp_result *res)
{
	result_set(res, res->rcpt[0].code >= 500 ? SMTP_PERMANENT : SMTP_TEMPORARY, "%s",
		   res->rcpt[0].text);
	return -1;
}

/* MAIL, each RCPT and DATA one at a time. 0 when the server waits for the data. */
static int envelope_lockstep(struct link *l, const struct smtp_job *job, struct smtp_reply *r,
			     struct smtp_result *res)
{
	if (command(l, r, res, limit_ms(SMTP_COMMAND_MS), "MAIL FROM:<%s>\r\n", job->mail_from) < 0)
		return -1;
	size_t accepted = 0;
	for (size_t k = 0; k < job->nrcpts; k++) {
		struct smtp_result one = *res;
		int ok = command(l, r, &one, limit_ms(SMTP_COMMAND_MS), "RCPT TO:<%s>\r\n", job->rcpts[k]) == 0;
		record_rcpt(res, k, r);
		if (!ok && r->code == 0) {
			*res = one;
			return -1; /* the connection is gone */
		}
		accepted += ok;
	}
	if (accepted == 0)
		return no_recipient(res);
	return command(l, r, res, limit_ms(SMTP_COMMAND_MS), "DATA\r\n");
}

/* RFC 2920: MAIL, every RCPT and DATA in one write, then their replies in order. */
static int envelope_pipelined(struct link *l, const struct smtp_job *job, struct smtp_reply *r,
			      struct smtp_result *res)
{
	struct buf group = BUF_INIT;
	int rc = buf_printf(&group, "MAIL FROM:<%s>\r\n", job->mail_from);
	for (size_t k = 0; rc == 0 && k < job->nrcpts; k++)
		rc = buf_printf(&group, "RCPT TO:<%s>\r\n", job->rcpts[k]);
	if (rc == 0)
		rc = buf_append_str(&group, "DATA\r\n");
	if (rc == 0)
		rc = link_write(l, group.data, group.len, limit_ms(SMTP_COMMAND_MS));
	buf_free(&group);
	struct smtp_reply mail;
	if (rc < 0 || read_reply(l, &mail, limit_ms(SMTP_COMMAND_MS)) < 0) {
		result_set(res, SMTP_TEMPORARY, "connection lost after MAIL");
		return -1;
	}
	size_t accepted = 0;
	for (size_t k = 0; k < job->nrcpts; k++) {
		if (read_reply(l, r, limit_ms(SMTP_COMMAND_MS)) < 0) {
			result_set(res, SMTP_TEMPORARY, "connection lost after RCPT");
			return -1;
		}
		record_rcpt(res, k, r);
		accepted += r->code >= 200 && r->code < 300;
	}
	if (read_reply(l, r, limit_ms(SMTP_COMMAND_MS)) < 0) {
		result_set(res, SMTP_TEMPORARY, "connection lost after DATA");
		return -1;
	}
	if (r->code == 354 && (judge(&mail, res) < 0 || accepted == 0)) {
		link_write(l, ".\r\n", 3, limit_ms(SMTP_COMMAND_MS)); /* end the data nobody should get */
		return -1;
	}
	if (judge(&mail, res) < 0)
		return -1;
	return accepted == 0 ? no_recipient(res) : judge(r, res);
}

static void envelope_and_data(struct link *l, const struct smtp_job *job, struct smtp_reply *r,
			      int pipelining, struct smtp_result *res)
{
	int rc = pipelining ? envelope_pipelined(l, job, r, res) : envelope_lockstep(l, job, r, res);
	if (rc < 0)
		return;
	if (send_data(l, job) < 0 || read_reply(l, r, limit_ms(SMTP_DATA_END_MS)) < 0) {
		result_set(res, SMTP_TEMPORARY, "connection lost during DATA");
		return;
	}
	if (judge(r, res) == 0)
		result_set(res, SMTP_SENT, "%d %s", r->code, r->text);
}

void smtp_client_send(int fd, const struct smtp_job *job, struct smtp_result *res)
{
	struct link *l = calloc(1, sizeof(*l));
	struct smtp_reply r;
	struct tls_peer_check *check = calloc(1, sizeof(*check));
	res->outcome = SMTP_TEMPORARY;
	res->tls = "none";
	res->tls_failed = 0;
	memset(res->rcpt, 0, job->nrcpts * sizeof(*res->rcpt));
	if (!l || !check) {
		result_set(res, SMTP_TEMPORARY, "out of memory");
	} else {
		l->fd = fd;
		if (read_reply(l, &r, limit_ms(SMTP_GREETING_MS)) < 0)
			result_set(res, SMTP_TEMPORARY, "no SMTP greeting");
		else if (r.code != 220)
			result_set(res, r.code >= 500 ? SMTP_PERMANENT : SMTP_TEMPORARY, "%d %s",
				   r.code, r.text);
		else if (command(l, &r, res, limit_ms(SMTP_COMMAND_MS), "EHLO %s\r\n", job->helo) == 0 &&
			 (!(r.starttls && job->allow_tls) || start_tls(l, job, &r, res, check) == 0))
			envelope_and_data(l, job, &r, r.pipelining, res);
		if (!res->tls_failed)
			link_write(l, "QUIT\r\n", 6, 5000);
		if (l->tls)
			tls_conn_close(l->tls, 1000);
	}
	if (l)
		free(l->tls);
	free(l);
	free(check);
}
