/* smtp_session.h: the inbound SMTP protocol engine: a state machine fed bytes; it does no I/O. */
#ifndef AIMX_SMTP_SESSION_H
#define AIMX_SMTP_SESSION_H

#include <stddef.h>

#include "base/buf.h"

#define SMTP_LINE_MAX        1024     /* a command line, CRLF included */
#define SMTP_MAX_SIZE        26214400 /* message bytes after dot-unstuffing (SIZE) */
#define SMTP_MAX_RECIPIENTS  100      /* RFC 5321 4.5.3.1.8 minimum; more gets 452 */
#define SMTP_MAX_COMMANDS    50       /* non-empty command lines without a delivered message */
#define SMTP_REPLY_MAX       512
#define SMTP_ADDR_MAX        512

/* What the driver must do after a feed. */
enum smtp_action {
	SMTP_CONTINUE, /* flush `out`, read more input */
	SMTP_STARTTLS, /* flush `out` (the 220), discard all unread input, do the TLS handshake,
			  then call smtp_session_tls_started() */
	SMTP_CLOSE,    /* flush `out`, close the connection */
	SMTP_PAUSE,    /* the data callback answered SMTP_DATA_PENDING: feed nothing more (the
			  rest of the input stays the driver's) until smtp_session_data_done */
};

#define SMTP_DATA_PENDING 1 /* the data callback's "the answer comes later" */

/* One finished transaction, handed to the data callback. */
struct smtp_envelope {
	const char *helo;      /* EHLO/HELO argument */
	const char *mail_from; /* "" for the null sender <> */
	char **rcpts;          /* accepted recipients, in order, duplicates kept */
	size_t nrcpts;
	int tls;               /* the message arrived over TLS */
};

struct smtp_callbacks {
	void *ctx;
	/* RCPT: the domain check and routing. Return 0 to accept; otherwise write the full
	 * reply line without CRLF (e.g. "550 5.1.1 <a@b>: Recipient address rejected: User
	 * unknown") into reply. */
	int (*rcpt)(void *ctx, const char *addr, char reply[SMTP_REPLY_MAX]);
	/* End of DATA: store the message (exact received bytes, dot-unstuffed, CRLF line
	 * endings as received; only the part after the last smtp_session_data_moved). Write the full reply line without CRLF into reply (e.g.
	 * "250 OK message accepted"); return 0 if it was a 2xx, -1 otherwise, or
	 * SMTP_DATA_PENDING to answer later through smtp_session_data_done (msg and env stay
	 * valid until then). */
	int (*data)(void *ctx, const struct smtp_envelope *env, const char *msg, size_t len,
		    char reply[SMTP_REPLY_MAX]);
};

struct smtp_limits {
	size_t max_size;         /* 0 = SMTP_MAX_SIZE */
	unsigned max_recipients; /* 0 = SMTP_MAX_RECIPIENTS */
	unsigned max_commands;   /* 0 = SMTP_MAX_COMMANDS */
};

enum smtp_state { SMTP_S_FRESH, SMTP_S_GREETED, SMTP_S_MAIL, SMTP_S_RCPT, SMTP_S_DATA,
		  SMTP_S_WAIT /* for the data callback's answer */, SMTP_S_CLOSED };

struct smtp_session {
	/* configuration, set by smtp_session_init */
	const char *domain;
	int tls_available; /* a certificate is loaded: offer STARTTLS */
	struct smtp_limits limits;
	struct smtp_callbacks cb;
	/* state */
	enum smtp_state state;
	int tls_active;
	unsigned commands;
	char line[SMTP_LINE_MAX + 1];
	size_t line_len;
	int line_overflow;   /* discarding an over-long command line until its LF */
	char helo[SMTP_ADDR_MAX];
	char mail_from[SMTP_ADDR_MAX];
	char **rcpts;
	size_t nrcpts;
	struct buf data;     /* message being received, or its part not yet moved out */
	size_t data_moved;   /* bytes of it the driver moved out (smtp_session_data_moved) */
	int data_error;      /* E2BIG (over max_size: 552 at the end), or ENOMEM or the driver's
				errno (452); the rest is read and discarded to the terminator */
	int data_bare_lf;    /* a bare LF or bare CR was seen: 554 5.6.0 at the end */
	unsigned char data_tail[4]; /* last raw bytes seen in DATA, for CRLF.CRLF detection */
	struct buf out;      /* replies to send, CRLF-terminated */
};

/* Prepares the session and queues the banner "220 <domain> ESMTP aimx". */
int smtp_session_init(struct smtp_session *s, const char *domain, int tls_available,
		      const struct smtp_limits *limits, const struct smtp_callbacks *cb);
void smtp_session_free(struct smtp_session *s);

/* Feed received bytes. *consumed is set to the number of bytes used: on SMTP_CONTINUE
 * all of them; on SMTP_STARTTLS / SMTP_CLOSE the rest must be discarded (this is what
 * stops plaintext injected after STARTTLS from being executed). Replies accumulate in
 * s->out; the driver sends and then buf_reset()s it. */
enum smtp_action smtp_session_feed(struct smtp_session *s, const char *data, size_t len,
				   size_t *consumed);

/* In DATA, a driver may move the message out of memory as it grows (a spool file): it takes
 * s->data's bytes, then calls this, which empties s->data and counts them against max_size.
 * The data callback then gets only the bytes received since the last move. */
void smtp_session_data_moved(struct smtp_session *s);
/* The driver could not keep the message (err: ENOSPC, EIO...): the rest of DATA is read and
 * discarded, and the answer is 452. */
void smtp_session_data_failed(struct smtp_session *s, int err);

/* The answer to a message whose data callback said SMTP_DATA_PENDING: rc and answer as the
 * callback would have given them. Queues the reply and ends the transaction; the driver
 * then feeds the input it held back. */
void smtp_session_data_done(struct smtp_session *s, int rc, const char *answer);

/* After a successful handshake: back to "not greeted", envelope and buffers cleared. */
void smtp_session_tls_started(struct smtp_session *s);

/* Idle timeout: queues "421 4.4.2 <domain> Idle timeout exceeded"; returns SMTP_CLOSE. */
enum smtp_action smtp_session_timeout(struct smtp_session *s);

/* Shutdown or connection cap: queues "421 4.3.2 <domain> Service shutting down" style text. */
enum smtp_action smtp_session_shutdown(struct smtp_session *s, const char *why);

#endif
