/* pem.c: PEM armour (RFC 7468) over BearSSL's codec: text to DER objects and DER to text. */
#include "crypto/pem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "base/fileio.h"

/* One decoding run: BearSSL's decoder, the object being accumulated, the result so far. */
struct pem_run {
	br_pem_decoder_context dec;
	struct buf acc;
	int in_object;
	struct pem_list *out;
};

static void pem_acc_append(void *ctx, const void *data, size_t len)
{
	struct buf *acc = ctx;
	/* Space for the whole text was reserved up front, so this cannot fail. */
	(void)buf_append(acc, data, len);
}

static void pem_acc_wipe(struct buf *acc)
{
	if (acc->data)
		explicit_bzero(acc->data, acc->cap);
	acc->len = 0;
}

static int pem_list_add(struct pem_list *list, const char *label, const struct buf *der)
{
	if (list->count >= PEM_MAX_OBJECTS)
		return PEM_ERR_TOO_MANY;
	struct pem_object *grown = realloc(list->obj, (list->count + 1) * sizeof(*grown));
	if (!grown)
		return PEM_ERR_NOMEM;
	list->obj = grown;
	struct pem_object *o = &list->obj[list->count];
	o->der = malloc(der->len ? der->len : 1);
	if (!o->der)
		return PEM_ERR_NOMEM;
	if (der->len)
		memcpy(o->der, der->data, der->len);
	o->len = der->len;
	snprintf(o->label, sizeof(o->label), "%s", label);
	list->count++;
	return PEM_OK;
}

/* RFC 7468 section 3: labelchar = %x21-2C / %x2E-7E, joined by single '-' or ' '. */
static int pem_label_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > PEM_LABEL_MAX)
		return 0;
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		int joiner = c == '-' || c == ' ';
		if (joiner ? k == 0 || k == n - 1 || s[k + 1] == '-' || s[k + 1] == ' '
		           : c < 0x21 || c > 0x7E)
			return 0;
	}
	return 1;
}

static int pem_on_event(struct pem_run *run, int event)
{
	switch (event) {
	case BR_PEM_BEGIN_OBJ:
		run->in_object = 1;
		pem_acc_wipe(&run->acc);
		br_pem_decoder_setdest(&run->dec, pem_acc_append, &run->acc);
		return PEM_OK;
	case BR_PEM_END_OBJ: {
		run->in_object = 0;
		const char *name = br_pem_decoder_name(&run->dec);
		/* A label near BearSSL's buffer size may have been cut or misread, and one outside
		 * RFC 7468's syntax would not come back the same: refuse both. */
		int status = !pem_label_valid(name) ? PEM_ERR_SYNTAX
		                                    : pem_list_add(run->out, name, &run->acc);
		pem_acc_wipe(&run->acc);
		return status;
	}
	case BR_PEM_ERROR:
		return PEM_ERR_SYNTAX;
	default:
		return PEM_OK;
	}
}

static int pem_feed(struct pem_run *run, const unsigned char *p, size_t len)
{
	while (len > 0) {
		size_t used = br_pem_decoder_push(&run->dec, p, len);
		p += used;
		len -= used;
		int status = pem_on_event(run, br_pem_decoder_event(&run->dec));
		if (status != PEM_OK)
			return status;
	}
	return PEM_OK;
}

/* BearSSL's decoder keeps the CR of a CRLF BEGIN line in the label ("X-----"), so CRs are
 * dropped on the way in; elsewhere they are whitespace anyway. */
static int pem_feed_text(struct pem_run *run, const unsigned char *p, size_t len)
{
	while (len > 0) {
		const unsigned char *cr = memchr(p, '\r', len);
		size_t seg = cr ? (size_t)(cr - p) : len;
		int status = pem_feed(run, p, seg);
		if (status != PEM_OK)
			return status;
		seg += cr != NULL;
		p += seg;
		len -= seg;
	}
	return PEM_OK;
}

int pem_decode(const void *text, size_t len, struct pem_list *out)
{
	struct pem_run run = {.acc = BUF_INIT, .out = out};
	out->obj = NULL;
	out->count = 0;
	if (buf_reserve(&run.acc, len) < 0)
		return PEM_ERR_NOMEM;
	br_pem_decoder_init(&run.dec);
	int status = pem_feed_text(&run, text, len);
	/* The decoder acts on a line only at its newline: end a last line that lacks one. */
	if (status == PEM_OK)
		status = pem_feed(&run, (const unsigned char *)"\n", 1);
	if (status == PEM_OK && run.in_object)
		status = PEM_ERR_TRUNCATED;
	pem_acc_wipe(&run.acc);
	buf_free(&run.acc);
	if (status != PEM_OK)
		pem_list_free(out);
	return status;
}

const char *pem_strerror(int status)
{
	switch (status) {
	case PEM_OK:
		return "no error";
	case PEM_ERR_SYNTAX:
		return "invalid PEM encoding";
	case PEM_ERR_TRUNCATED:
		return "PEM block without its END line";
	case PEM_ERR_TOO_MANY:
		return "too many PEM blocks";
	case PEM_ERR_NOMEM:
		return "out of memory";
	default:
		return "unknown PEM error";
	}
}

void pem_list_free(struct pem_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		if (list->obj[i].der)
			explicit_bzero(list->obj[i].der, list->obj[i].len);
		free(list->obj[i].der);
	}
	free(list->obj);
	list->obj = NULL;
	list->count = 0;
}

int pem_encode(struct buf *out, const char *label, const void *der, size_t len)
{
	size_t need = br_pem_encode(NULL, der, len, label, BR_PEM_LINE64);
	if (buf_reserve(out, need) < 0)
		return -1;
	/* br_pem_encode also writes the terminating NUL, which buf_reserve made room for. */
	out->len += br_pem_encode(out->data + out->len, der, len, label, BR_PEM_LINE64);
	return 0;
}

int pem_read_file(const char *path, const char *what, struct pem_list *out, char err[ERR_SIZE])
{
	struct buf text = BUF_INIT;
	text.limit = PEM_FILE_MAX;
	if (fileio_read_file(path, &text) < 0) {
		err_set(err, "%s file %s: %s", what, path,
		        errno == E2BIG ? "larger than 1 MiB" : strerror(errno));
		buf_free(&text);
		return -1;
	}
	int status = text.data ? pem_decode(text.data, text.len, out) : pem_decode("", 0, out);
	if (status == PEM_ERR_SYNTAX && text.data && strstr(text.data, "Proc-Type: 4,ENCRYPTED"))
		err_set(err, "%s file %s: encrypted keys are not supported", what, path);
	else if (status != PEM_OK)
		err_set(err, "%s file %s: %s", what, path, pem_strerror(status));
	if (text.data)
		explicit_bzero(text.data, text.len);
	buf_free(&text);
	return status == PEM_OK ? 0 : -1;
}
