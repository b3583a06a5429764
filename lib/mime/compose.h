/* compose.h: the unsigned message a client hands to SEND (protocol.md 10.1, surface.md send). */
#ifndef AIMX_COMPOSE_H
#define AIMX_COMPOSE_H

#include <stddef.h>

#include "base/err.h"
#include "base/buf.h"

struct compose_message {
	const char *from, *to, *subject, *body;
	const char *reply_to;   /* Message-ID answered, NULL when none */
	const char *references; /* NULL or "": the reply_to id */
	const char *const *attachments;
	size_t nattachments;
};

/* From, To, Subject, Date, Message-ID <uuid@from-domain>, In-Reply-To/References for a
 * reply, MIME-Version, then the body (CRLF), or multipart/mixed with the attachments
 * base64-encoded. 0, or -1 with the user-facing message in err. */
int compose_message(const struct compose_message *in, struct buf *out, char err[ERR_SIZE]);

#endif
