/* fuzz_inbound.c: a received message through MIME parsing, the frontmatter fields, attachment
 * naming and the .md rendering, and the .md back through the frontmatter reader. */
#include "tests/fuzz/fuzz_inbound.h"

#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "store/frontmatter_read.h"
#include "store/ingest_parse.h"
#include "store/route.h"
#include "tests/fuzz/support/fuzz_util.h"

#define STEM "2026-01-01-000000-fuzz"

static const struct mailbox *alice(const struct config *cfg)
{
	const struct mailbox *mb = NULL;
	if (cfg && route_recipient(cfg, "alice@example.org", &mb) != ROUTE_OK)
		mb = NULL;
	return mb;
}

static int same(const struct frontmatter *fm, const char *key, const char *want)
{
	const char *got = NULL;
	char err[ERR_SIZE];
	return frontmatter_string(fm, key, &got, err) == 0 && strcmp(got, want) == 0;
}

/* The .md is UTF-8 and its frontmatter reads back as written. */
static int reads_back(const struct buf *md, const struct ingest_parsed *p)
{
	struct frontmatter fm = {0};
	char err[ERR_SIZE];
	int ok = utf8_valid(md->data, md->len) &&
	         frontmatter_parse(md->data, md->len, &fm, err) == 1 && same(&fm, "id", STEM) &&
	         same(&fm, "subject", p->f.subject) && same(&fm, "from", p->f.from) &&
	         same(&fm, "message_id", p->f.message_id) && same(&fm, "mailbox", "alice");
	frontmatter_free(&fm);
	return ok;
}

int fuzz_inbound_one(const unsigned char *data, size_t len)
{
	const struct config *cfg = fuzz_util_config();
	const struct mailbox *mb = alice(cfg);
	if (!mb)
		return 1;
	struct ingest_request req = {.cfg = cfg,
	                             .data_dir = "/nonexistent",
	                             .rcpt = "alice@example.org",
	                             .mail_from = "a@example.com",
	                             .peer_ip = "192.0.2.1",
	                             .raw = (const char *)data,
	                             .len = len,
	                             .now = 1767225600};
	struct ingest_parsed p;
	struct buf md = BUF_INIT;
	int bad = 0;
	if (ingest_parse(&req, mb, req.now, &p) == 0 &&
	    store_unique_names(p.files, p.mime.nattachments, STEM) == 0 &&
	    ingest_render(&req, mb, &p, STEM, &md) == 0)
		bad = !reads_back(&md, &p);
	buf_free(&md);
	ingest_parsed_free(&p);
	return bad;
}

FUZZ_UTIL_ENTRY(fuzz_inbound_one)
