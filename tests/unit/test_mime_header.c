/* test_mime_header.c: unit tests for lib/mime/mime_header.c and lib/mime/mime_param.c (fields, parameters).
 */
#include <stdlib.h>

#include "mime/mime.h"
#include "unit.h"

static void fields(void)
{
	const char *raw = "Subject: one\r\n two\r\nX-A :\tv\nFrom: a@b\n\nbody\n";
	size_t len = strlen(raw), pos = 0;
	struct mime_field f;
	CHECK(mime_field_next(raw, len, &pos, &f) == 1);
	CHECK(f.name_len == 7 && strncmp(f.name, "Subject", 7) == 0);
	CHECK(f.value_len == 10 && strncmp(f.value, " one\r\n two", 10) == 0);
	char *v = mime_field_unfold(f.value, f.value_len);
	CHECK_STR(v, "one two");
	free(v);
	CHECK(mime_field_next(raw, len, &pos, &f) == 1);
	CHECK(f.name_len == 3 && strncmp(f.name, "X-A", 3) == 0);
	v = mime_field_unfold(f.value, f.value_len);
	CHECK_STR(v, "v");
	free(v);
	CHECK(mime_field_next(raw, len, &pos, &f) == 1 && f.name_len == 4);
	CHECK(mime_field_next(raw, len, &pos, &f) == 0);
	CHECK_STR(raw + pos, "body\n");
	CHECK(mime_field_next(raw, len, &pos, &f) == 0);

	/* a line that is no field ends the header block and stays in the body */
	const char *nosep = "Subject: x\nthis is body: really\n";
	pos = 0;
	CHECK(mime_field_next(nosep, strlen(nosep), &pos, &f) == 1);
	CHECK(mime_field_next(nosep, strlen(nosep), &pos, &f) == 0);
	CHECK_STR(nosep + pos, "this is body: really\n");
	const char *indented = " leading blank\n";
	pos = 0;
	CHECK(mime_field_next(indented, strlen(indented), &pos, &f) == 0 && pos == 0);
	const char *last = "A: 1\r\n continued";
	pos = 0;
	CHECK(mime_field_next(last, strlen(last), &pos, &f) == 1 && pos == strlen(last));
	v = mime_field_unfold(f.value, f.value_len);
	CHECK_STR(v, "1 continued");
	free(v);
	v = mime_field_unfold("a\0b \r\n", 6);
	CHECK_STR(v, "ab");
	free(v);
}

static void types(void)
{
	char t[MIME_TYPE_MAX], tok[MIME_TOKEN_MAX];
	mime_content_type("Text/HTML; charset=utf-8", "text/plain", t);
	CHECK_STR(t, "text/html");
	mime_content_type("  multipart/Mixed;boundary=x", "text/plain", t);
	CHECK_STR(t, "multipart/mixed");
	mime_content_type("application/pdf (comment)", "text/plain", t);
	CHECK_STR(t, "application/pdf");
	mime_content_type(NULL, "message/rfc822", t);
	CHECK_STR(t, "message/rfc822");
	mime_content_type("text", "text/plain", t);
	CHECK_STR(t, "text/plain");
	mime_content_type("/x", "text/plain", t);
	CHECK_STR(t, "text/plain");
	mime_content_type("a/b/c", "text/plain", t);
	CHECK_STR(t, "text/plain");
	char longtype[300];
	memset(longtype, 'a', sizeof(longtype));
	longtype[5] = '/';
	longtype[299] = '\0';
	mime_content_type(longtype, "text/plain", t);
	CHECK_STR(t, "text/plain");
	mime_token(" Attachment ; filename=x", tok);
	CHECK_STR(tok, "attachment");
	mime_token(NULL, tok);
	CHECK_STR(tok, "");
	mime_token("BASE64", tok);
	CHECK_STR(tok, "base64");
}

/* mime_param as a string: the value, "(absent)" or "(error)". */
static char *param(const char *value, const char *name, int utf8)
{
	char *out = NULL;
	int rc = mime_param(value, name, utf8, &out);
	if (rc == 1 && out)
		return out;
	free(out);
	return strdup(rc == 0 ? "(absent)" : "(error)");
}

#define CHECK_PARAM(value, name, utf8, want)                                                       \
	do {                                                                                       \
		char *got_ = param(value, name, utf8);                                             \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

static void params(void)
{
	CHECK_PARAM("text/plain; charset=UTF-8", "charset", 0, "UTF-8");
	CHECK_PARAM("text/plain; CHARSET=\"iso-8859-1\" ; format=flowed", "charset", 0,
	            "iso-8859-1");
	CHECK_PARAM("text/plain; format=flowed", "charset", 0, "(absent)");
	CHECK_PARAM(NULL, "charset", 0, "(absent)");
	CHECK_PARAM("text/plain", "charset", 0, "(absent)");
	CHECK_PARAM("multipart/mixed; boundary=\"a;b \\\"c\\\"\"; x=y", "boundary", 0, "a;b \"c\"");
	CHECK_PARAM("multipart/mixed;\tboundary=----=_Part_1  ; x=y", "boundary", 0,
	            "----=_Part_1");
	CHECK_PARAM("a/b; charsetx=1; charset=2", "charset", 0, "2");
	CHECK_PARAM("a/b; charset=1; charset=2", "charset", 0, "1");
	CHECK_PARAM("a/b; novalue; charset=ok", "charset", 0, "ok");
	CHECK_PARAM("a/b; name=my file.pdf", "name", 1, "my file.pdf");
	CHECK_PARAM("a/b; name=\"unterminated", "name", 1, "unterminated");
}

static void rfc2231(void)
{
	CHECK_PARAM("attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf", "filename", 1,
	            "\xE2\x82\xAC rates.pdf");
	CHECK_PARAM("attachment; filename*=iso-8859-1'fr'caf%E9.txt", "filename", 1,
	            "caf\xC3\xA9.txt");
	CHECK_PARAM("attachment; filename*1=\"b.txt\"; filename*0=\"a\"", "filename", 1, "ab.txt");
	CHECK_PARAM("attachment; filename*0*=UTF-8''%C3%A9t%C3%A9; filename*1*=%20long;"
	            " filename*2=\".txt\"",
	            "filename", 1, "\xC3\xA9t\xC3\xA9 long.txt");
	CHECK_PARAM("attachment; filename=plain.txt; filename*=UTF-8''ext.txt", "filename", 1,
	            "ext.txt");
	CHECK_PARAM("attachment; filename*0=a; filename*2=c", "filename", 1, "a");
	CHECK_PARAM("attachment; filename*1=b; filename=fallback", "filename", 1, "fallback");
	CHECK_PARAM("attachment; filename*=\"UTF-8''quoted%21\"", "filename", 1, "quoted!");
	CHECK_PARAM("attachment; filename*=no-quotes%21", "filename", 1, "no-quotes!");
	CHECK_PARAM("attachment; filename*=UTF-8''bad%FF", "filename", 1, "bad\xEF\xBF\xBD");
	CHECK_PARAM("x/y; boundary*=us-ascii''b%3Dc", "boundary", 0, "b=c");
	CHECK_PARAM("attachment; filename*x=1", "filename", 1, "(absent)");
}

static void encoded_words(void)
{
	CHECK_PARAM("application/pdf; name=\"=?UTF-8?B?4oKsLnBkZg==?=\"", "name", 1,
	            "\xE2\x82\xAC.pdf");
	CHECK_PARAM("application/pdf; name==?ISO-8859-1?Q?caf=E9.pdf?=", "name", 1,
	            "caf\xC3\xA9.pdf");
	CHECK_PARAM("application/pdf; name=\"=?UTF-8?B?4oKsLnBkZg==?=\"", "name", 0,
	            "=?UTF-8?B?4oKsLnBkZg==?=");
	CHECK_PARAM("application/pdf; name=\"raw\xC3\xA9\xFF\"", "name", 1,
	            "raw\xC3\xA9\xEF\xBF\xBD");
	CHECK_PARAM("application/pdf; name=\"raw\xFF\"", "name", 0, "raw\xFF");
}

void suite_mime_header(void)
{
	fields();
	types();
	params();
	rfc2231();
	encoded_words();
}
