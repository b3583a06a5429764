/* smtp_session.c: the inbound SMTP engine (RFC 5321, 3207, 2034): bytes in, replies out, no I/O. */
#include "smtp/smtp_session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Replies. We advertise ENHANCEDSTATUSCODES, so RFC 2034 requires an enhanced code on every
 * 2xx/4xx/5xx reply except the greeting and the replies to HELO/EHLO; the text after the code
 * is upstream's. */
#define R_OK            "250 2.0.0 OK"
#define R_MAIL_OK       "250 2.1.0 OK"
#define R_RCPT_OK       "250 2.1.5 OK"
#define R_BYE           "221 2.0.0 Bye"
#define R_TLS_GO        "220 2.0.0 Ready to start TLS"
#define R_DATA_GO       "354 Start mail input; end with <CRLF>.<CRLF>"
#define R_UNKNOWN       "500 5.5.1 Unrecognized command"
#define R_LINE_LONG     "500 5.5.2 Line too long"
#define R_NO_TLS        "502 5.5.1 STARTTLS not available"
#define R_TLS_ACTIVE    "503 5.5.1 TLS already active"
#define R_NEED_HELO     "503 5.5.1 Send EHLO/HELO first"
#define R_MAIL_GIVEN    "503 5.5.1 MAIL FROM already given"
#define R_NEED_MAIL     "503 5.5.1 Send MAIL FROM first"
#define R_NEED_RCPT     "503 5.5.1 Send RCPT TO first"
#define R_MAIL_SYNTAX   "501 5.5.4 Syntax: MAIL FROM:<address>"
#define R_RCPT_SYNTAX   "501 5.5.4 Syntax: RCPT TO:<address>"
#define R_BAD_SENDER    "501 5.1.7 Bad sender address syntax"
#define R_BAD_RCPT      "501 5.1.3 Bad recipient address syntax"
#define R_RCPT_NO       "550 5.1.1 Recipient address rejected"
#define R_TOO_MANY_RCPT "452 4.5.3 Too many recipients"
#define R_NO_STORAGE    "452 4.3.1 Insufficient system storage"
#define R_SIZE_PARAM    "552 5.3.4 Message size exceeds fixed maximum message size"
#define R_TOO_BIG       "552 5.3.4 Message exceeds maximum size"
#define R_BARE_LF       "554 5.6.0 Message contains bare LF or bare CR (RFC 5321 2.3.8)"
#define R_TOO_MANY_CMDS "421 4.7.0 Too many commands"
#define R_DATA_TEMPFAIL "451 4.3.0 Temporary failure, please retry"

/* Queues one reply line; a reply that cannot be queued ends the session. */
__attribute__((format(printf, 2, 3))) static int reply(struct smtp_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(&s->out, fmt, ap);
	va_end(ap);
	if (rc == 0)
		rc = buf_append(&s->out, "\r\n", 2);
	if (rc < 0)
		s->state = SMTP_S_CLOSED;
	return rc;
}

/* The usual command ending: one fixed reply line, then read on. */
static enum smtp_action say(struct smtp_session *s, const char *line)
{
	reply(s, "%s", line);
	return SMTP_CONTINUE;
}

/* A callback's reply line: "NNN" or "NNN text" with a 2xx-5xx code, cut at any CR or LF. */
static int callback_reply_ok(char line[SMTP_REPLY_MAX])
{
	line[SMTP_REPLY_MAX - 1] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	for (int i = 0; i < 3; i++)
		if (line[i] < (i ? '0' : '2') || line[i] > (i ? '9' : '5'))
			return 0;
	return line[3] == '\0' || line[3] == ' ';
}

static void envelope_clear(struct smtp_session *s)
{
	for (size_t i = 0; i < s->nrcpts; i++)
		free(s->rcpts[i]);
	free(s->rcpts);
	s->rcpts = NULL;
	s->nrcpts = 0;
	s->mail_from[0] = '\0';
	buf_free(&s->data);
	s->data_moved = 0;
	s->data_error = 0;
	s->data_bare_lf = 0;
}

/* Ends the transaction: several may follow on one connection. */
static void transaction_reset(struct smtp_session *s)
{
	envelope_clear(s);
	if (s->state != SMTP_S_FRESH && s->state != SMTP_S_CLOSED)
		s->state = SMTP_S_GREETED;
}

static int rcpt_add(struct smtp_session *s, const char *addr)
{
	char **grown = realloc(s->rcpts, (s->nrcpts + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	s->rcpts = grown;
	size_t n = strlen(addr) + 1;
	char *copy = malloc(n);
	if (!copy)
		return -1;
	memcpy(copy, addr, n);
	s->rcpts[s->nrcpts++] = copy;
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Strips leading blanks and trailing blanks and CRs in place. */
static char *trim(char *p)
{
	while (is_blank(*p))
		p++;
	size_t n = strlen(p);
	while (n && (is_blank(p[n - 1]) || p[n - 1] == '\r'))
		p[--n] = '\0';
	return p;
}

/* A HELO argument or an address: fits its field, no control characters (8-bit is UTF-8). */
static int arg_ok(const char *p)
{
	size_t n = strlen(p);
	if (n >= SMTP_ADDR_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

/* The address is between the first '<' and the first '>' after it, trimmed; without
 * brackets it is the whole text. *params is what follows the '>' (or ""). */
static char *path_split(char *p, char **params)
{
	char *lt = strchr(p, '<');
	char *gt = lt ? strchr(lt + 1, '>') : NULL;
	if (!gt) {
		*params = p + strlen(p);
		return trim(p);
	}
	*gt = '\0';
	*params = gt + 1;
	return trim(lt + 1);
}

/* The value of the digits of a SIZE=N token (RFC 1870); SIZE_MAX when it overflows. */
static size_t size_value(const char *digits, size_t n)
{
	size_t v = 0;
	for (size_t i = 0; i < n; i++) {
		size_t d = (size_t)(digits[i] - '0');
		if (v > (SIZE_MAX - d) / 10)
			return SIZE_MAX;
		v = v * 10 + d;
	}
	return v;
}

/* MAIL parameter SIZE=N with N over max_size; other parameters are ignored. */
static int size_param_too_big(const struct smtp_session *s, const char *params)
{
	while (*params) {
		size_t tok = strcspn(params, " \t");
		size_t digits = tok > 5 ? strspn(params + 5, "0123456789") : 0;
		if (strncasecmp(params, "SIZE=", 5) == 0 && digits && digits == tok - 5)
			return size_value(params + 5, digits) > s->limits.max_size;
		params += tok;
		params += strspn(params, " \t");
	}
	return 0;
}

static enum smtp_action cmd_ehlo(struct smtp_session *s, char *args)
{
	if (!*args)
		return say(s, "501 EHLO requires domain argument");
	if (!arg_ok(args))
		return say(s, "501 Invalid EHLO argument");
	memcpy(s->helo, args, strlen(args) + 1);
	envelope_clear(s);
	s->state = SMTP_S_GREETED;
	reply(s, "250-%s Hello %s", s->domain, args);
	reply(s, "250-SIZE %zu", s->limits.max_size);
	reply(s, "250-8BITMIME");
	reply(s, "250-PIPELINING");
	if (s->tls_available && !s->tls_active)
		reply(s, "250-STARTTLS");
	reply(s, "250-ENHANCEDSTATUSCODES");
	reply(s, "250 SMTPUTF8");
	return SMTP_CONTINUE;
}

static enum smtp_action cmd_helo(struct smtp_session *s, char *args)
{
	if (!*args)
		return say(s, "501 HELO requires domain argument");
	if (!arg_ok(args))
		return say(s, "501 Invalid HELO argument");
	memcpy(s->helo, args, strlen(args) + 1);
	envelope_clear(s);
	s->state = SMTP_S_GREETED;
	reply(s, "250 %s Hello %s", s->domain, args);
	return SMTP_CONTINUE;
}

static const char *mail_check(struct smtp_session *s, char *args)
{
	if (s->state == SMTP_S_FRESH)
		return R_NEED_HELO;
	if (s->state != SMTP_S_GREETED)
		return R_MAIL_GIVEN;
	if (strncasecmp(args, "FROM:", 5) != 0)
		return R_MAIL_SYNTAX;
	char *params;
	char *addr = path_split(args + 5, &params);
	if (!arg_ok(addr))
		return R_BAD_SENDER;
	if (size_param_too_big(s, params))
		return R_SIZE_PARAM;
	memcpy(s->mail_from, addr, strlen(addr) + 1);
	s->state = SMTP_S_MAIL;
	return R_MAIL_OK;
}

static enum smtp_action cmd_mail(struct smtp_session *s, char *args)
{
	return say(s, mail_check(s, args));
}

/* The recipient checks in order; NULL means "ask the rcpt callback". */
static const char *rcpt_precheck(struct smtp_session *s, char *args, char **addr)
{
	if (s->state != SMTP_S_MAIL && s->state != SMTP_S_RCPT)
		return R_NEED_MAIL;
	if (strncasecmp(args, "TO:", 3) != 0)
		return R_RCPT_SYNTAX;
	char *params;
	*addr = path_split(args + 3, &params);
	if (!**addr)
		return R_RCPT_SYNTAX;
	if (!arg_ok(*addr))
		return R_BAD_RCPT;
	if (s->nrcpts >= s->limits.max_recipients)
		return R_TOO_MANY_RCPT;
	return NULL;
}

static enum smtp_action cmd_rcpt(struct smtp_session *s, char *args)
{
	char *addr = NULL;
	const char *early = rcpt_precheck(s, args, &addr);
	if (early)
		return say(s, early);
	char answer[SMTP_REPLY_MAX] = "";
	if (s->cb.rcpt(s->cb.ctx, addr, answer) != 0)
		return say(s, callback_reply_ok(answer) ? answer : R_RCPT_NO);
	if (rcpt_add(s, addr) < 0)
		return say(s, R_NO_STORAGE);
	s->state = SMTP_S_RCPT;
	return say(s, R_RCPT_OK);
}

static enum smtp_action cmd_data(struct smtp_session *s, char *args)
{
	(void)args;
	if (s->state != SMTP_S_RCPT)
		return say(s, R_NEED_RCPT);
	buf_free(&s->data);
	s->data_error = 0;
	s->data_bare_lf = 0;
	/* The CRLF that ended the DATA line is the one before a possible immediate ".". */
	memcpy(s->data_tail, "\0\0\r\n", 4);
	s->state = SMTP_S_DATA;
	return say(s, R_DATA_GO);
}

static enum smtp_action cmd_rset(struct smtp_session *s, char *args)
{
	(void)args;
	transaction_reset(s);
	return say(s, R_OK);
}

static enum smtp_action cmd_noop(struct smtp_session *s, char *args)
{
	(void)args;
	return say(s, R_OK);
}

static enum smtp_action cmd_quit(struct smtp_session *s, char *args)
{
	(void)args;
	reply(s, R_BYE);
	s->state = SMTP_S_CLOSED;
	return SMTP_CLOSE;
}

/* The caller stops at the end of this line: whatever was pipelined after STARTTLS arrived in
 * plaintext and must never be executed inside the TLS session (CVE-2011-0411). */
static enum smtp_action cmd_starttls(struct smtp_session *s, char *args)
{
	(void)args;
	if (!s->tls_available)
		return say(s, R_NO_TLS);
	if (s->tls_active)
		return say(s, R_TLS_ACTIVE);
	if (reply(s, R_TLS_GO) < 0)
		return SMTP_CLOSE;
	return SMTP_STARTTLS;
}

static const struct {
	const char *verb;
	enum smtp_action (*run)(struct smtp_session *s, char *args);
} commands[] = {
    {"EHLO", cmd_ehlo}, {"HELO", cmd_helo}, {"MAIL", cmd_mail},
    {"RCPT", cmd_rcpt}, {"DATA", cmd_data}, {"RSET", cmd_rset},
    {"NOOP", cmd_noop}, {"QUIT", cmd_quit}, {"STARTTLS", cmd_starttls},
};

static enum smtp_action dispatch(struct smtp_session *s, char *cmd)
{
	char *args = cmd + strcspn(cmd, " \t");
	if (*args)
		*args++ = '\0';
	args = trim(args);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcasecmp(cmd, commands[i].verb) == 0)
			return commands[i].run(s, args);
	return say(s, R_UNKNOWN);
}

/* One complete command line (its LF already consumed).
 *
 * The command counter counts non-empty lines, as upstream does, but DEVIATES from upstream on
 * purpose: upstream never resets it, so a legitimate client delivering many messages on one
 * connection is cut off after 50 commands. We reset it whenever a message is accepted (2xx
 * after DATA); an idle flood of commands that delivers nothing is still cut at the cap. */
static enum smtp_action line_done(struct smtp_session *s)
{
	int overflow = s->line_overflow;
	int has_nul = memchr(s->line, '\0', s->line_len) != NULL;
	s->line[s->line_len] = '\0';
	s->line_len = 0;
	s->line_overflow = 0;
	char *cmd = trim(s->line);
	if (!overflow && !has_nul && !*cmd)
		return SMTP_CONTINUE;
	/* RCPT lines are bounded by the recipient cap (452 past it) instead, so a message
	 * may carry the 100 recipients RFC 5321 4.5.3.1.8 requires us to accept. */
	int is_rcpt = !overflow && !has_nul && strncasecmp(cmd, "RCPT", 4) == 0 &&
		      (cmd[4] == ' ' || cmd[4] == '\t' || cmd[4] == '\0');
	if (!is_rcpt && s->commands >= s->limits.max_commands) {
		reply(s, R_TOO_MANY_CMDS);
		s->state = SMTP_S_CLOSED;
		return SMTP_CLOSE;
	}
	s->commands += !is_rcpt;
	if (overflow)
		return say(s, R_LINE_LONG);
	if (has_nul)
		return say(s, R_UNKNOWN); /* commands are text; a NUL must not cut one short */
	return dispatch(s, cmd);
}

/* Collects command bytes up to and including one LF; returns the bytes used. A line longer
 * than SMTP_LINE_MAX (CRLF included) is dropped as it arrives and answered at its LF. */
static size_t line_feed(struct smtp_session *s, const char *p, size_t n, enum smtp_action *act)
{
	const char *lf = memchr(p, '\n', n);
	size_t take = lf ? (size_t)(lf - p) : n;
	if (!s->line_overflow && s->line_len + take > SMTP_LINE_MAX - 1)
		s->line_overflow = 1;
	if (!s->line_overflow) {
		memcpy(s->line + s->line_len, p, take);
		s->line_len += take;
	}
	if (!lf)
		return n;
	*act = line_done(s);
	return take + 1;
}

/* Message bytes (after dot-unstuffing). Past the size limit, or without memory, the rest is
 * discarded while the stream is still parsed for its terminator. */
static void data_keep(struct smtp_session *s, const char *p, size_t n)
{
	if (s->data_error)
		return;
	if (s->data_moved + s->data.len + n > s->limits.max_size)
		errno = E2BIG;
	else if (buf_append(&s->data, p, n) == 0)
		return;
	smtp_session_data_failed(s, errno == E2BIG ? E2BIG : ENOMEM);
}

void smtp_session_data_moved(struct smtp_session *s)
{
	s->data_moved += s->data.len;
	buf_reset(&s->data);
}

void smtp_session_data_failed(struct smtp_session *s, int err)
{
	if (!s->data_error)
		s->data_error = err;
	buf_free(&s->data);
}

static void tail_push(struct smtp_session *s, unsigned char c)
{
	memmove(s->data_tail, s->data_tail + 1, 3);
	s->data_tail[3] = c;
}

static int tail_is(const struct smtp_session *s, const char *end)
{
	size_t n = strlen(end);
	return memcmp(s->data_tail + 4 - n, end, n) == 0;
}

/* One DATA byte. A '.' at the start of a line is held back until the next byte says what it
 * is: ".." (stuffed dot, one is kept), ".\r\n" (the end; only after a CRLF), or content.
 * Returns 1 when c completes CRLF "." CRLF. */
static int data_byte(struct smtp_session *s, unsigned char c)
{
	if (tail_is(s, "\r\n.\r")) {
		if (c == '\n')
			return 1;
		data_keep(s, ".\r", 2);
	} else if (tail_is(s, "\r\n.")) {
		if (c == '.' || c == '\r') {
			if (c == '.')
				data_keep(s, ".", 1);
			tail_push(s, c);
			return 0;
		}
		data_keep(s, ".", 1);
	} else if (c == '.' && tail_is(s, "\r\n")) {
		tail_push(s, c);
		return 0;
	}
	if ((c == '\n' && s->data_tail[3] != '\r') || (c != '\n' && s->data_tail[3] == '\r'))
		s->data_bare_lf = 1;
	data_keep(s, (const char *)&c, 1);
	tail_push(s, c);
	return 0;
}

/* Bytes in the middle of a line that are neither CR nor LF need no look at each one. */
static size_t data_plain_run(const struct smtp_session *s, const char *p, size_t n)
{
	unsigned char last = s->data_tail[3];
	if (last == '\r' || last == '\n' || tail_is(s, "\r\n."))
		return 0;
	size_t k = 0;
	while (k < n && p[k] != '\r' && p[k] != '\n')
		k++;
	return k;
}

/* The reply for a complete message; calls the data callback when the message is clean. */
static void data_verdict(struct smtp_session *s, char answer[SMTP_REPLY_MAX])
{
	if (s->data_bare_lf) {
		snprintf(answer, SMTP_REPLY_MAX, "%s", R_BARE_LF);
		return;
	}
	if (s->data_error) {
		snprintf(answer, SMTP_REPLY_MAX, "%s",
		         s->data_error == E2BIG ? R_TOO_BIG : R_NO_STORAGE);
		return;
	}
	struct smtp_envelope env = {s->helo, s->mail_from, s->rcpts, s->nrcpts, s->tls_active};
	const char *msg = s->data.data ? s->data.data : "";
	int rc = s->cb.data(s->cb.ctx, &env, msg, s->data.len, answer);
	if (rc == SMTP_DATA_PENDING) {
		s->state = SMTP_S_WAIT;
		return;
	}
	if (!callback_reply_ok(answer))
		snprintf(answer, SMTP_REPLY_MAX, "%s", rc == 0 ? R_OK : R_DATA_TEMPFAIL);
	if (rc == 0)
		s->commands = 0; /* see line_done: a delivered message renews the command budget */
}

static void data_finish(struct smtp_session *s)
{
	char answer[SMTP_REPLY_MAX] = "";
	data_verdict(s, answer);
	if (s->state == SMTP_S_WAIT)
		return;
	transaction_reset(s);
	reply(s, "%s", answer);
}

void smtp_session_data_done(struct smtp_session *s, int rc, const char *answer)
{
	char line[SMTP_REPLY_MAX];
	if (s->state != SMTP_S_WAIT)
		return;
	snprintf(line, sizeof(line), "%s", answer);
	if (!callback_reply_ok(line))
		snprintf(line, SMTP_REPLY_MAX, "%s", rc == 0 ? R_OK : R_DATA_TEMPFAIL);
	if (rc == 0)
		s->commands = 0;
	s->state = SMTP_S_RCPT; /* any state after greeting: transaction_reset makes it GREETED */
	transaction_reset(s);
	reply(s, "%s", line);
}

/* DATA content up to and including the terminator; returns the bytes used. */
static size_t data_feed(struct smtp_session *s, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t run = data_plain_run(s, p + i, n - i);
		if (run) {
			data_keep(s, p + i, run);
			for (size_t j = run > 4 ? run - 4 : 0; j < run; j++)
				tail_push(s, (unsigned char)p[i + j]);
			i += run;
			continue;
		}
		if (data_byte(s, (unsigned char)p[i++])) {
			data_finish(s);
			break;
		}
	}
	return i;
}

int smtp_session_init(struct smtp_session *s, const char *domain, int tls_available,
                      const struct smtp_limits *limits, const struct smtp_callbacks *cb)
{
	memset(s, 0, sizeof(*s));
	if (!domain || !cb || !cb->rcpt || !cb->data) {
		errno = EINVAL;
		return -1;
	}
	s->domain = domain;
	s->tls_available = tls_available;
	s->cb = *cb;
	if (limits)
		s->limits = *limits;
	if (!s->limits.max_size)
		s->limits.max_size = SMTP_MAX_SIZE;
	if (!s->limits.max_recipients)
		s->limits.max_recipients = SMTP_MAX_RECIPIENTS;
	if (!s->limits.max_commands)
		s->limits.max_commands = SMTP_MAX_COMMANDS;
	s->data.limit = s->limits.max_size;
	s->state = SMTP_S_FRESH;
	return reply(s, "220 %s ESMTP aimx", domain);
}

void smtp_session_free(struct smtp_session *s)
{
	envelope_clear(s);
	buf_free(&s->out);
}

enum smtp_action smtp_session_feed(struct smtp_session *s, const char *data, size_t len,
                                   size_t *consumed)
{
	enum smtp_action act = SMTP_CONTINUE;
	size_t used = 0;
	while (used < len && act == SMTP_CONTINUE && s->state != SMTP_S_CLOSED &&
	       s->state != SMTP_S_WAIT) {
		if (s->state == SMTP_S_DATA)
			used += data_feed(s, data + used, len - used);
		else
			used += line_feed(s, data + used, len - used, &act);
	}
	*consumed = used;
	if (s->state == SMTP_S_WAIT)
		return SMTP_PAUSE;
	return s->state == SMTP_S_CLOSED ? SMTP_CLOSE : act;
}

void smtp_session_tls_started(struct smtp_session *s)
{
	envelope_clear(s);
	s->helo[0] = '\0';
	s->line_len = 0;
	s->line_overflow = 0;
	s->tls_active = 1;
	s->state = SMTP_S_FRESH;
}

/* A 421 that ends the session; text is cut at any CR or LF. */
static enum smtp_action close_421(struct smtp_session *s, const char *code, const char *text)
{
	if (s->state == SMTP_S_CLOSED)
		return SMTP_CLOSE;
	reply(s, "421 %s %s %.*s", code, s->domain, (int)strcspn(text, "\r\n"), text);
	s->state = SMTP_S_CLOSED;
	return SMTP_CLOSE;
}

enum smtp_action smtp_session_timeout(struct smtp_session *s)
{
	return close_421(s, "4.4.2", "Idle timeout exceeded");
}

enum smtp_action smtp_session_shutdown(struct smtp_session *s, const char *why)
{
	return close_421(s, "4.3.2", why ? why : "Service shutting down");
}
