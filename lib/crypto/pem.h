/* pem.h: PEM armour (RFC 7468) over BearSSL's codec: text to DER objects and DER to text. */
#ifndef AIMX_PEM_H
#define AIMX_PEM_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define PEM_LABEL_SIZE  128 /* BearSSL's limit for the label of a BEGIN line, NUL included */
#define PEM_LABEL_MAX   64  /* longer labels are a syntax error (RFC 7468's are under 30) */
#define PEM_MAX_OBJECTS 64  /* more objects than this in one text is an error */
#define PEM_FILE_MAX    (1024 * 1024) /* a certificate or key file larger than this is refused */

struct pem_object {
	char label[PEM_LABEL_SIZE]; /* "CERTIFICATE", "PRIVATE KEY", ... (upper-cased) */
	unsigned char *der;         /* decoded bytes, malloc'd */
	size_t len;
};

struct pem_list {
	struct pem_object *obj;
	size_t count;
};

#define PEM_LIST_INIT {NULL, 0}

enum pem_status {
	PEM_OK = 0,
	PEM_ERR_SYNTAX = -1,    /* bad base64, bad END line, or headers (e.g. an encrypted key) */
	PEM_ERR_TRUNCATED = -2, /* a BEGIN line without its END line */
	PEM_ERR_TOO_MANY = -3,  /* more than PEM_MAX_OBJECTS objects */
	PEM_ERR_NOMEM = -4,
};

/* Decode every "-----BEGIN X-----" ... "-----END X-----" object of `text`, in order, into
 * `out` (which must be PEM_LIST_INIT or freed). Text outside objects is ignored; a text
 * without objects gives count 0. On error `out` is left empty. Returns an enum pem_status. */
int pem_decode(const void *text, size_t len, struct pem_list *out);

/* What went wrong, for an enum pem_status; never NULL. */
const char *pem_strerror(int status);

/* Wipe (the DER may be a private key) and release every object; back to PEM_LIST_INIT. */
void pem_list_free(struct pem_list *list);

/* Append "-----BEGIN label-----\n", base64 of `der` in 64-column lines, "-----END label-----\n"
 * to `out`. 0, or -1 with errno set (ENOMEM, E2BIG). */
int pem_encode(struct buf *out, const char *label, const void *der, size_t len);

/* Reads and decodes the PEM file at path into out. 0, or -1 with err saying
 * "<what> file <path>: <problem>" (unreadable, over 1 MiB, encrypted, malformed). */
int pem_read_file(const char *path, const char *what, struct pem_list *out, char err[ERR_SIZE]);

#endif
