/* outbound.c: headers kept, then text/plain, text/html and attachments as new MIME parts. */
#include "mime/outbound.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/base64.h"
#include "mime/markdown.h"
#include "mime/mime_encode.h"
#include "crypto/entropy.h"

#define BOUNDARY_MAX 48

const char *outbound_format_name(enum outbound_format f)
{
	return f == OUTBOUND_TEXT ? "text" : f == OUTBOUND_HTML ? "html" : "markdown";
}

void outbound_message_free(struct outbound_message *m)
{
	buf_free(&m->wire);
	buf_free(&m->text);
	mime_message_free(&m->parts);
}

static int fail(const char **code, char err[ERR_SIZE], const char *c, const char *why)
{
	*code = c;
	return err_set(err, "%s", why);
}

static int dropped_header(const struct mime_field *f)
{
	static const char *const names[] = {"Content-Type", "Content-Transfer-Encoding",
					    "MIME-Version", "Bcc"};
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (f->name_len == strlen(names[k]) && strncasecmp(f->name, names[k], f->name_len) == 0)
			return 1;
	return 0;
}

/* The kept header fields (CRLF), whether the body is multipart, and where it starts. */
static int copy_headers(const char *msg, size_t len, struct buf *out, int *multipart,
			size_t *body)
{
	size_t pos = 0, start = 0;
	struct mime_field f;
	*multipart = 0;
	while (mime_field_next(msg, len, &pos, &f) == 1) {
		if (f.name_len == 12 && strncasecmp(f.name, "Content-Type", 12) == 0) {
			char type[MIME_TYPE_MAX];
			char *v = mime_field_unfold(f.value, f.value_len);
			mime_content_type(v, "text/plain", type);
			*multipart = strncmp(type, "multipart/", 10) == 0;
			free(v);
		}
		if (!dropped_header(&f) && mime_to_crlf(msg + start, pos - start, out) < 0)
			return -1;
		start = pos;
	}
	*body = pos;
	return 0;
}

static int has_blank_line(const char *msg, size_t len)
{
	for (size_t k = 0; k + 1 < len && k < OUTBOUND_HEADER_MAX; k++)
		if (msg[k] == '\n' && (msg[k + 1] == '\n' || (msg[k + 1] == '\r' && k + 2 < len &&
							      msg[k + 2] == '\n')))
			return 1;
	return 0;
}

/* Text without trailing line breaks, then "\n\n" + signature, as CRLF. */
static int build_text(const char *text, size_t len, const char *signature, struct buf *out)
{
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	struct buf t = BUF_INIT;
	int rc = buf_append(&t, text, len);
	if (rc == 0 && signature && *signature)
		rc = buf_printf(&t, "\n\n%s", signature);
	if (rc == 0)
		rc = buf_append(&t, "\n", 1);
	if (rc == 0)
		rc = mime_to_crlf(t.data, t.len, out);
	buf_free(&t);
	return rc;
}

static int new_boundary(char out[BOUNDARY_MAX])
{
	unsigned char r[16];
	if (entropy_get(r, sizeof(r)) < 0)
		return -1;
	int n = snprintf(out, BOUNDARY_MAX, "aimx-");
	for (size_t k = 0; k < sizeof(r); k++)
		n += snprintf(out + n, (size_t)(BOUNDARY_MAX - n), "%02x", r[k]);
	return 0;
}

/* "Content-Type: text/<sub>; charset=utf-8" + encoding + blank line + body. */
static int text_part(struct buf *out, const char *sub, const char *body, size_t len)
{
	struct buf crlf = BUF_INIT;
	int rc = mime_to_crlf(body, len, &crlf);
	int seven = rc == 0 && mime_is_7bit(crlf.data ? crlf.data : "", crlf.len);
	if (rc == 0)
		rc = buf_printf(out, "Content-Type: text/%s; charset=utf-8\r\n"
				     "Content-Transfer-Encoding: %s\r\n\r\n",
				sub, seven ? "7bit" : "quoted-printable");
	if (rc == 0)
		rc = seven ? buf_append(out, crlf.data ? crlf.data : "", crlf.len)
			   : mime_qp_encode(crlf.data ? crlf.data : "", crlf.len, out);
	if (rc == 0 && !(crlf.len >= 2 && crlf.data[crlf.len - 1] == '\n'))
		rc = buf_append(out, "\r\n", 2);
	buf_free(&crlf);
	return rc;
}

static int attachment_part(struct buf *out, const struct mime_attachment *a)
{
	const char *name = a->filename && *a->filename ? a->filename : "attachment";
	if (buf_printf(out, "Content-Type: %s; ", a->content_type) < 0 ||
	    mime_param_encode(out, "name", name) < 0 ||
	    buf_append_str(out, "\r\nContent-Disposition: attachment; ") < 0 ||
	    mime_param_encode(out, "filename", name) < 0 ||
	    buf_append_str(out, "\r\nContent-Transfer-Encoding: base64\r\n\r\n") < 0)
		return -1;
	return base64_encode(out, a->data.data ? a->data.data : "", a->data.len, 76);
}

/* The text (and HTML) region: one text/plain part, or a multipart/alternative. */
static int text_region(struct buf *out, const struct outbound_input *in, const struct buf *text,
		       const struct buf *html)
{
	if (in->format == OUTBOUND_TEXT)
		return text_part(out, "plain", text->data, text->len);
	char b[BOUNDARY_MAX];
	if (new_boundary(b) < 0 ||
	    buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n--%s\r\n",
		       b, b) < 0 ||
	    text_part(out, "plain", text->data, text->len) < 0 || buf_printf(out, "--%s\r\n", b) < 0 ||
	    text_part(out, "html", html->data ? html->data : "", html->len) < 0)
		return -1;
	return buf_printf(out, "--%s--\r\n", b);
}

static int body_region(struct buf *out, const struct outbound_input *in,
		       const struct outbound_message *m, const struct buf *html)
{
	if (m->parts.nattachments == 0)
		return text_region(out, in, &m->text, html);
	char b[BOUNDARY_MAX];
	if (new_boundary(b) < 0 ||
	    buf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n", b,
		       b) < 0 ||
	    text_region(out, in, &m->text, html) < 0)
		return -1;
	for (size_t k = 0; k < m->parts.nattachments; k++)
		if (buf_printf(out, "--%s\r\n", b) < 0 ||
		    attachment_part(out, &m->parts.attachments[k]) < 0)
			return -1;
	return buf_printf(out, "--%s--\r\n", b);
}

int outbound_assemble(const struct outbound_input *in, struct outbound_message *out,
                      const char **code, char err[ERR_SIZE])
{
	memset(out, 0, sizeof(*out));
	if (!has_blank_line(in->msg, in->len))
		return fail(code, err, "MALFORMED", "message has no header/body separator within 64 KiB");
	int multipart;
	size_t body;
	struct buf html = BUF_INIT;
	if (copy_headers(in->msg, in->len, &out->wire, &multipart, &body) < 0 ||
	    (multipart && mime_parse(in->msg, in->len, &out->parts) < 0))
		return fail(code, err, "MALFORMED", "out of memory reading the message");
	const char *text = multipart ? out->parts.body : in->msg + body;
	size_t text_len = multipart ? strlen(out->parts.body) : in->len - body;
	int rc = build_text(text, text_len, in->signature, &out->text);
	if (rc == 0 && in->format == OUTBOUND_MARKDOWN && out->text.len > OUTBOUND_MARKDOWN_MAX) {
		buf_free(&html);
		return fail(code, err, "BODY_TOO_LARGE",
			    "markdown body exceeds 5 MiB; use --html-body for pre-rendered large "
			    "documents or --attachment for sending the document as a file");
	}
	if (rc == 0 && in->format == OUTBOUND_MARKDOWN)
		rc = markdown_to_html(out->text.data, out->text.len, &html);
	if (rc == 0 && in->format == OUTBOUND_HTML)
		rc = buf_append(&html, in->html ? in->html : "", in->html_len);
	if (rc == 0)
		rc = buf_append_str(&out->wire, "MIME-Version: 1.0\r\n");
	if (rc == 0)
		rc = body_region(&out->wire, in, out, &html);
	buf_free(&html);
	if (rc < 0)
		return fail(code, err, "MALFORMED", "cannot assemble the MIME message");
	return 0;
}
