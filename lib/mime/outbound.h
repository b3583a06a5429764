/* outbound.h: turn a SEND message into the MIME message we sign and deliver (mail.md 5.3-5.5). */
#ifndef AIMX_OUTBOUND_H
#define AIMX_OUTBOUND_H

#include <stddef.h>

#include "base/err.h"
#include "base/buf.h"
#include "mime/mime.h"

#define OUTBOUND_MARKDOWN_MAX (5 * 1024 * 1024) /* BODY_TOO_LARGE above this */
#define OUTBOUND_HEADER_MAX   (64 * 1024)

enum outbound_format { OUTBOUND_MARKDOWN, OUTBOUND_TEXT, OUTBOUND_HTML };

struct outbound_input {
	const char *msg; /* the unsigned RFC 5322 message of the SEND request */
	size_t len;
	enum outbound_format format;
	const char *html; /* OUTBOUND_HTML: the supplied HTML, used verbatim */
	size_t html_len;
	const char *signature; /* appended to the text; NULL or "" for none (DECISIONS 30) */
};

struct outbound_message {
	struct buf wire;       /* the assembled message, CRLF line ends, not yet signed */
	struct buf text;       /* the text the user wrote plus the signature (sent copy body) */
	struct mime_message parts; /* attachments of the request, decoded */
};

/* 0, or -1 with code ("MALFORMED", "BODY_TOO_LARGE") and a reason in err. */
int outbound_assemble(const struct outbound_input *in, struct outbound_message *out,
                      const char **code, char err[ERR_SIZE]);
void outbound_message_free(struct outbound_message *m);

const char *outbound_format_name(enum outbound_format f);

#endif
