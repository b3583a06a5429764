/* smtp_client.h: one outbound SMTP transaction to one server (RFC 5321), STARTTLS when offered. */
#ifndef AIMX_SMTP_CLIENT_H
#define AIMX_SMTP_CLIENT_H

#include <stddef.h>

#include "net/tls_client.h"

#define SMTP_CLIENT_TEXT_MAX 512 /* details we report */
#define SMTP_REPLY_TEXT_MAX  400 /* a reply's text as read */
#define SMTP_CLIENT_LINE_MAX 2048

/* RFC 5321 4.5.3.2 timeouts, bounded so a send never hangs for long. */
#define SMTP_CONNECT_MS  30000
#define SMTP_GREETING_MS 120000 /* 5 min in the RFC */
#define SMTP_COMMAND_MS  120000 /* MAIL, RCPT: 5 min in the RFC */
#define SMTP_DATA_END_MS 300000 /* 10 min in the RFC */

/* A reply being read: multi-line replies end at "NNN " (pure: fed bytes, no I/O). */
struct smtp_reply {
	int code;
	char text[SMTP_REPLY_TEXT_MAX]; /* lines joined by " / ", trimmed */
	int starttls, pipelining;        /* EHLO keywords seen */
	char line[SMTP_CLIENT_LINE_MAX];
	size_t len;
};

/* Feeds one byte; 1 when the reply is complete, 0 when more is needed, -1 when it is not
 * an SMTP reply (bad code, inconsistent codes, overlong line). */
int smtp_client_reply_feed(struct smtp_reply *r, char c);
void smtp_client_reply_reset(struct smtp_reply *r);

enum smtp_outcome {
	SMTP_SENT = 0,   /* 250 after the data: accepted for every recipient with rcpt_ok */
	SMTP_TEMPORARY,  /* 4xx, connection or TLS trouble: try another server later */
	SMTP_PERMANENT,  /* 5xx for the whole transaction */
};

struct smtp_rcpt_status {
	int code;                         /* the RCPT reply code (0: not sent) */
	char text[SMTP_CLIENT_TEXT_MAX];
};

struct smtp_job {
	const char *helo;        /* our name for EHLO */
	const char *server_name; /* SNI and certificate name */
	const char *mail_from;
	const char *const *rcpts;
	size_t nrcpts;
	const char *data; /* the message, CRLF line ends, not dot-stuffed */
	size_t len;
	struct tls_trust *trust; /* loaded on the first STARTTLS */
	int allow_tls;    /* 0 for the plaintext retry after a failed handshake */
};

struct smtp_result {
	enum smtp_outcome outcome;
	char detail[SMTP_CLIENT_TEXT_MAX]; /* "<code> <text>" or what failed */
	int tls_failed;                    /* the STARTTLS handshake failed (retry plaintext) */
	const char *tls;                   /* "verified", "unverified" or "none" */
	struct smtp_rcpt_status *rcpt;     /* nrcpts entries, caller-allocated */
};

/* Runs one transaction on a connected socket (the caller closes fd). */
void smtp_client_send(int fd, const struct smtp_job *job, struct smtp_result *res);

#endif
