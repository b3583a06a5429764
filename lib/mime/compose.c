/* compose.c: compose the client side of SEND: headers, body, attachments. */
#include "mime/compose.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "base/err.h"
#include "base/base64.h"
#include "base/fileio.h"
#include "mime/mime_encode.h"
#include "crypto/uuid.h"

#define ATTACHMENT_MAX (25 * 1024 * 1024)

static const struct {
	const char *ext, *type;
} types[] = {
	{"pdf", "application/pdf"}, {"png", "image/png"},    {"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},     {"gif", "image/gif"},    {"webp", "image/webp"},
	{"svg", "image/svg+xml"},   {"txt", "text/plain"},   {"md", "text/markdown"},
	{"csv", "text/csv"},        {"html", "text/html"},   {"htm", "text/html"},
	{"json", "application/json"}, {"xml", "application/xml"}, {"zip", "application/zip"},
	{"gz", "application/gzip"}, {"tar", "application/x-tar"}, {"ics", "text/calendar"},
	{"doc", "application/msword"},
	{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
};

/* A MIME type from the file name's extension; application/octet-stream otherwise. */
static const char *compose_guess_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
			if (strcasecmp(dot + 1, types[k].ext) == 0)
				return types[k].type;
	return "application/octet-stream";
}

static int has_crlf(const char *s)
{
	return s && strpbrk(s, "\r\n") != NULL;
}

static int check_headers(const struct compose_message *in, char err[ERR_SIZE])
{
	const char *names[] = {"From", "To", "Subject"};
	const char *values[] = {in->from, in->to, in->subject};
	for (int k = 0; k < 3; k++)
		if (has_crlf(values[k]))
			return err_set(
			    err, "Header '%s' contains CRLF characters. Possible header injection",
			    names[k]);
	return 0;
}

static int put_headers(const struct compose_message *in, struct buf *out)
{
	char uuid[UUID_TEXT_LEN + 1], date[64];
	const char *at = strchr(in->from, '@');
	time_t t = time(NULL);
	struct tm tm;
	if (uuid_v4(uuid) < 0 || !gmtime_r(&t, &tm))
		return -1;
	strftime(date, sizeof(date), "%a, %-d %b %Y %H:%M:%S +0000", &tm);
	size_t dl = at ? strcspn(at + 1, ">, ") : 0;
	if (buf_printf(out, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
			    "Message-ID: <%s@%.*s>\r\n",
		       in->from, in->to, in->subject, date, uuid, (int)dl, at ? at + 1 : "") < 0)
		return -1;
	if (in->reply_to && *in->reply_to) {
		char id[1024];
		const char *r = in->reply_to;
		while (*r == ' ')
			r++;
		snprintf(id, sizeof(id), r[0] == '<' ? "%s" : "<%s>", r);
		const char *refs = in->references && *in->references ? in->references : id;
		if (buf_printf(out, "In-Reply-To: %s\r\nReferences: %s\r\n", id, refs) < 0)
			return -1;
	}
	return buf_append_str(out, "MIME-Version: 1.0\r\n");
}

static int put_attachment(struct buf *out, const char *boundary, const char *path,
                          char err[ERR_SIZE])
{
	struct stat st;
	if (stat(path, &st) < 0)
		return err_set(err, "Attachment file not found: %s", path);
	if (!S_ISREG(st.st_mode))
		return err_set(err, "Attachment path is not a file: %s", path);
	struct buf data = BUF_INIT;
	data.limit = ATTACHMENT_MAX;
	if (fileio_read_file(path, &data) < 0) {
		err_set(err, "Cannot read attachment %s: %s", path, strerror(errno));
		buf_free(&data);
		return -1;
	}
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	int rc = buf_printf(out, "--%s\r\nContent-Type: %s; ", boundary, compose_guess_type(path)) < 0 ||
			 mime_param_encode(out, "name", name) < 0 ||
			 buf_append_str(out, "\r\nContent-Disposition: attachment; ") < 0 ||
			 mime_param_encode(out, "filename", name) < 0 ||
			 buf_append_str(out, "\r\nContent-Transfer-Encoding: base64\r\n\r\n") < 0 ||
			 base64_encode(out, data.data ? data.data : "", data.len, 76) < 0
		 ? -1
		 : 0;
	buf_free(&data);
	if (rc < 0)
		err_set(err, "out of memory");
	return rc;
}

int compose_message(const struct compose_message *in, struct buf *out, char err[ERR_SIZE])
{
	if (check_headers(in, err) < 0)
		return -1;
	if (put_headers(in, out) < 0)
		return err_set(err, "cannot compose the message");
	if (in->nattachments == 0)
		return buf_append_str(out, "\r\n") < 0 ||
			       mime_to_crlf(in->body, strlen(in->body), out) < 0
		       ? -1
		       : 0;
	char uuid[UUID_TEXT_LEN + 1];
	if (uuid_v4(uuid) < 0 ||
	    buf_printf(out, "Content-Type: multipart/mixed; boundary=\"aimx-%s\"\r\n\r\n"
			    "--aimx-%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
		       uuid, uuid) < 0 ||
	    mime_to_crlf(in->body, strlen(in->body), out) < 0 || buf_append_str(out, "\r\n") < 0)
		return -1;
	char boundary[UUID_TEXT_LEN + 8];
	snprintf(boundary, sizeof(boundary), "aimx-%s", uuid);
	for (size_t k = 0; k < in->nattachments; k++)
		if (put_attachment(out, boundary, in->attachments[k], err) < 0)
			return -1;
	return buf_printf(out, "--%s--\r\n", boundary);
}
