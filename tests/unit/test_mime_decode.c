/* test_mime_decode.c: unit tests for lib/mime/mime_decode.c (quoted-printable, %XX). */
#include <stdlib.h>

#include "mime/mime.h"
#include "unit.h"

/* Decodes with quoted-printable ('q'), RFC 2047 Q ('h') or %XX ('p'). */
static char *dec(char kind, const char *in, int *malformed)
{
	struct buf b = BUF_INIT;
	int m = 0, rc;
	size_t n = strlen(in);
	if (kind == 'p')
		rc = mime_pct_decode(in, n, &b);
	else
		rc = mime_qp_decode(in, n, kind == 'h', &b);
	if (malformed)
		*malformed = m;
	if (rc < 0 || !b.data) {
		buf_free(&b);
		return strdup("(error)");
	}
	return buf_steal(&b);
}

#define CHECK_DEC(kind, in, want, want_malformed)                                                  \
	do {                                                                                       \
		int m_ = -1;                                                                       \
		char *got_ = dec(kind, in, &m_);                                                   \
		CHECK_STR(got_, want);                                                             \
		CHECK(m_ == (want_malformed));                                                     \
		free(got_);                                                                        \
	} while (0)

static void quoted_printable(void)
{
	CHECK_DEC('q', "caf=C3=A9", "caf\xC3\xA9", 0);
	CHECK_DEC('q', "caf=c3=a9", "caf\xC3\xA9", 0);
	CHECK_DEC('q', "soft=\r\nbreak", "softbreak", 0);
	CHECK_DEC('q', "soft=\nbreak", "softbreak", 0);
	CHECK_DEC('q', "soft=  \r\nbreak", "softbreak", 0);
	CHECK_DEC('q', "end=", "end", 0);
	CHECK_DEC('q', "line one\r\nline two\n", "line one\r\nline two\n", 0);
	CHECK_DEC('q', "trailing   \r\nblanks\t\nx  ", "trailing\r\nblanks\nx", 0);
	CHECK_DEC('q', "inner  blanks", "inner  blanks", 0);
	CHECK_DEC('q', "bad =ZZ =4 =", "bad =ZZ =4 ", 0);
	CHECK_DEC('q', "a=3D=20b", "a= b", 0);
	CHECK_DEC('q', "under_score", "under_score", 0);
	CHECK_DEC('h', "under_score=3F", "under score?", 0);
	CHECK_DEC('h', "no=\r\nsoft", "no=\r\nsoft", 0);
}

static void percent(void)
{
	CHECK_DEC('p', "%E2%82%AC rate", "\xE2\x82\xAC rate", 0);
	CHECK_DEC('p', "100%", "100%", 0);
	CHECK_DEC('p', "%zz%4", "%zz%4", 0);
	CHECK_DEC('p', "a%2fb", "a/b", 0);
}

void suite_mime_decode(void)
{
	quoted_printable();
	percent();
}
