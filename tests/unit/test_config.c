/* test_config.c: unit tests for the config.toml loader, validator, canonical writer and atomic
 * save. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "conf/config.h"
#include "unit.h"
#include "conf/config_load.h"

/* The runner's working directory is tests/unit. */
#define FIX "../fixtures/config/"

/* Derived hook names, computed once outside this code base with coreutils, e.g.
 *   printf 'on_receive\037/bin/true\037\000' | sha256sum | cut -c1-12
 * (event, 0x1F, cmd joined by 0x1F, 0x1F, then ONE raw byte 0x00 or 0x01 for
 * fire_on_untrusted, as upstream's `hasher.update([fire_on_untrusted as u8])`),
 * and cross-checked with Python's hashlib. */
#define DERIVED_TRUE_RECEIVE "9d0373b47d73" /* on_receive ["/bin/true"] false */
#define DERIVED_CLAUDE                                                                             \
	"0ffde36d567a" /* on_receive ["/usr/local/bin/claude","-p","Read the piped email and act   \
	                  on it."] true */
#define DERIVED_LOGGER    "540e8356a3fa" /* after_send ["/usr/bin/logger","-t","aimx"] false */
#define DERIVED_TRUE_SEND "d744b8ef2901" /* after_send ["/bin/true"] false */
#define DERIVED_TEAM_LEAD                                                                          \
	"831e8cef4b1e" /* on_receive ["/bin/sh","-c","cat > \"/tmp/team lead.md\""] false */
#define DERIVED_TRUE_FIRE                                                                          \
	"4315591c7fd4" /* on_receive ["/bin/true"] true (with an ASCII '1' it would be             \
	                  776ea0a414a9) */

/* ---------- helpers ---------- */

static void pass(void)
{
	unit_passed++;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void dump_report(const struct config_report *r)
{
	for (size_t i = 0; i < r->nerrors; i++)
		fprintf(stderr, "      error   %s:%d: %s: %s\n",
		        r->errors[i].file ? r->errors[i].file : "(null)", r->errors[i].line,
		        r->errors[i].key ? r->errors[i].key : "(null)",
		        r->errors[i].message ? r->errors[i].message : "(null)");
	for (size_t i = 0; i < r->nwarnings; i++)
		fprintf(stderr, "      warning %s:%d: %s: %s\n",
		        r->warnings[i].file ? r->warnings[i].file : "(null)", r->warnings[i].line,
		        r->warnings[i].key ? r->warnings[i].key : "(null)",
		        r->warnings[i].message ? r->warnings[i].message : "(null)");
}

/* Does `hay` contain any of the '|'-separated alternatives in `needles`? NULL needles
 * means "any non-empty message". */
static int contains_any(const char *hay, const char *needles)
{
	if (!hay || !*hay)
		return 0;
	if (!needles)
		return 1;
	char alt[512];
	const char *p = needles;
	while (*p) {
		size_t n = strcspn(p, "|");
		if (n >= sizeof(alt))
			n = sizeof(alt) - 1;
		memcpy(alt, p, n);
		alt[n] = '\0';
		if (strstr(hay, alt))
			return 1;
		p += n;
		if (*p == '|')
			p++;
	}
	return 0;
}

#define KEY_ANY  ((const char *)1) /* any key, NULL included */
#define KEY_NONE ((const char *)2) /* NULL or "" */
#define LINE_ANY (-1)

static int key_matches(const char *got, const char *want)
{
	if (want == KEY_ANY)
		return 1;
	if (want == KEY_NONE)
		return !got || !*got;
	return got && strcmp(got, want) == 0;
}

static const struct config_issue *find_issue(const struct config_issue *v, size_t n, int line,
                                             const char *key, const char *needles)
{
	for (size_t i = 0; i < n; i++)
		if ((line == LINE_ANY || v[i].line == line) && key_matches(v[i].key, key) &&
		    contains_any(v[i].message, needles))
			return &v[i];
	return NULL;
}

static void free_both(struct config *c, struct config_report *r)
{
	config_free(c);
	config_report_free(r);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, n) != 0)
			break;
	fclose(f);
	*len = b.len;
	return buf_steal(&b);
}

/* Parse `text`; expect failure with an error at (line, key) whose message contains one of
 * `needles`. `lex` relaxes the key to "the key itself or none" for lexical errors found
 * before the key's table context is known. */
static void expect_error_at(int at, const char *text, size_t len, int line, const char *key,
                            const char *needles, int lex)
{
	struct config c;
	struct config_report r;
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	int rc = config_parse(text, len, "t.toml", &c, &r);
	char what[512];
	if (rc != -1 || r.nerrors == 0) {
		snprintf(what, sizeof(what), "expected config_parse to fail (rc=%d, %zu errors)",
		         rc, r.nerrors);
		unit_fail(__FILE__, at, what);
		dump_report(&r);
		free_both(&c, &r);
		return;
	}
	pass();
	const struct config_issue *e = find_issue(r.errors, r.nerrors, line, key, needles);
	if (!e && lex && key != KEY_ANY && key != KEY_NONE)
		e = find_issue(r.errors, r.nerrors, line, KEY_NONE, needles);
	if (!e) {
		snprintf(what, sizeof(what), "no error at line %d key %s containing \"%s\"", line,
		         key == KEY_ANY    ? "(any)"
		         : key == KEY_NONE ? "(none)"
		                           : key,
		         needles ? needles : "(anything)");
		unit_fail(__FILE__, at, what);
		dump_report(&r);
	} else if (!str_eq(e->file, "t.toml")) {
		unit_fail(__FILE__, at, "error names the wrong file");
		dump_report(&r);
	} else {
		pass();
	}
	/* On failure the config is freed and zeroed. */
	if (c.domain || c.mailboxes || c.nmailboxes || c.trusted_senders.n)
		unit_fail(__FILE__, at, "config not zeroed after a failed parse");
	else
		pass();
	free_both(&c, &r);
}

#define EXPECT_ERROR(text, line, key, needles)                                                     \
	expect_error_at(__LINE__, text, strlen(text), line, key, needles, 0)
#define EXPECT_LEX_ERROR(text, line, key)                                                          \
	expect_error_at(__LINE__, text, strlen(text), line, key, NULL, 1)
#define EXPECT_HEADER_ERROR(text, line, key, needles)                                              \
	expect_error_at(__LINE__, text, strlen(text), line, key, needles, 1)

/* Parse `text` and expect success; returns rc. Caller frees. */
static int parse_ok_at(int at, const char *text, size_t len, struct config *c,
                       struct config_report *r)
{
	memset(c, 0, sizeof(*c));
	memset(r, 0, sizeof(*r));
	int rc = config_parse(text, len, "t.toml", c, r);
	if (rc != 0 || r->nerrors) {
		char what[128];
		snprintf(what, sizeof(what), "expected config_parse to succeed (rc=%d, %zu errors)",
		         rc, r->nerrors);
		unit_fail(__FILE__, at, what);
		dump_report(r);
		return -1;
	}
	pass();
	return 0;
}
#define PARSE_OK(text, c, r) parse_ok_at(__LINE__, text, strlen(text), c, r)

static int load_ok_at(int at, const char *path, struct config *c, struct config_report *r)
{
	memset(c, 0, sizeof(*c));
	memset(r, 0, sizeof(*r));
	int rc = config_load(path, c, r);
	if (rc != 0 || r->nerrors) {
		char what[512];
		snprintf(what, sizeof(what),
		         "expected config_load(%s) to succeed (rc=%d, %zu errors)", path, rc,
		         r->nerrors);
		unit_fail(__FILE__, at, what);
		dump_report(r);
		return -1;
	}
	pass();
	return 0;
}
#define LOAD_OK(path, c, r) load_ok_at(__LINE__, path, c, r)

static int strlist_eq(const struct strlist *a, const struct strlist *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!str_eq(a->v[i], b->v[i]))
			return 0;
	return 1;
}

static int strlist_is(const struct strlist *l, size_t n, const char *const *want)
{
	if (l->n != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!str_eq(l->v[i], want[i]))
			return 0;
	return 1;
}

/* Semantic equality of two configs (line numbers are not compared). */
static int config_eq(const struct config *a, const struct config *b, const char **why)
{
#define DIFF(cond, w)                                                                              \
	do {                                                                                       \
		if (cond) {                                                                        \
			*why = w;                                                                  \
			return 0;                                                                  \
		}                                                                                  \
	} while (0)
	DIFF(!str_eq(a->domain, b->domain), "domain");
	DIFF(!str_eq(a->data_dir, b->data_dir), "data_dir");
	DIFF(!str_eq(a->dkim_selector, b->dkim_selector), "dkim_selector");
	DIFF(a->trust != b->trust, "trust");
	DIFF(!strlist_eq(&a->trusted_senders, &b->trusted_senders), "trusted_senders");
	DIFF(!str_eq(a->verify_host, b->verify_host), "verify_host");
	DIFF(!a->enable_ipv6 != !b->enable_ipv6, "enable_ipv6");
	DIFF(!str_eq(a->signature, b->signature), "signature");
	DIFF(!str_eq(a->upgrade_release_manifest_url, b->upgrade_release_manifest_url), "upgrade");
	DIFF(memcmp(a->limits.v, b->limits.v, sizeof(a->limits.v)) != 0, "limits");
	/* Mailboxes are matched by name: the writer may order them (it sorts by name). */
	DIFF(a->nmailboxes != b->nmailboxes, "nmailboxes");
	for (size_t i = 0; i < a->nmailboxes; i++) {
		const struct mailbox *x = &a->mailboxes[i], *y = NULL;
		for (size_t k = 0; k < b->nmailboxes && !y; k++)
			if (str_eq(x->name, b->mailboxes[k].name))
				y = &b->mailboxes[k];
		DIFF(!y, "mailbox name");
		DIFF(!str_eq(x->address, y->address), "mailbox address");
		DIFF(!str_eq(x->owner, y->owner), "mailbox owner");
		DIFF(!x->has_trust != !y->has_trust, "mailbox has_trust");
		DIFF(x->has_trust && x->trust != y->trust, "mailbox trust");
		DIFF(!x->has_trusted_senders != !y->has_trusted_senders,
		     "mailbox has_trusted_senders");
		DIFF(!strlist_eq(&x->trusted_senders, &y->trusted_senders),
		     "mailbox trusted_senders");
		DIFF(!x->allow_root_catchall != !y->allow_root_catchall, "allow_root_catchall");
		DIFF(!x->inactive != !y->inactive, "mailbox inactive");
		DIFF(x->nhooks != y->nhooks, "nhooks");
		for (size_t j = 0; j < x->nhooks; j++) {
			const struct hook *h = &x->hooks[j], *k = &y->hooks[j];
			DIFF(!str_eq(h->name, k->name), "hook name");
			DIFF(strcmp(h->effective_name, k->effective_name) != 0,
			     "hook effective_name");
			DIFF(h->event != k->event, "hook event");
			DIFF(!str_eq(h->type, k->type), "hook type");
			DIFF(!strlist_eq(&h->cmd, &k->cmd), "hook cmd");
			DIFF(!h->fire_on_untrusted != !k->fire_on_untrusted, "fire_on_untrusted");
			DIFF(h->timeout_secs != k->timeout_secs, "timeout_secs");
		}
	}
	*why = NULL;
	return 1;
#undef DIFF
}

static int count_substr(const char *hay, const char *needle)
{
	int n = 0;
	size_t nl = strlen(needle);
	for (const char *p = hay; (p = strstr(p, needle)); p += nl)
		n++;
	return n;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d) {
		perror("strdup");
		exit(2);
	}
	return d;
}

static int user_exists(const char *name)
{
	return getpwnam(name) != NULL;
}

/* Load, serialize, parse the output, serialize again: the second output is byte-identical
 * and the reparsed config equals the first. Returns the first serialization (caller frees). */
static char *round_trip_at(int at, const struct config *c)
{
	struct buf s1 = BUF_INIT, s2 = BUF_INIT;
	if (config_serialize(c, &s1) != 0 || !s1.data) {
		unit_fail(__FILE__, at, "config_serialize failed");
		buf_free(&s1);
		return NULL;
	}
	pass();
	struct config c2;
	struct config_report r2;
	memset(&c2, 0, sizeof(c2));
	memset(&r2, 0, sizeof(r2));
	if (config_parse(s1.data, s1.len, "rt.toml", &c2, &r2) != 0) {
		unit_fail(__FILE__, at, "the serialized config does not parse back");
		fprintf(stderr, "----- serialized -----\n%s----------\n", s1.data);
		dump_report(&r2);
		free_both(&c2, &r2);
		return buf_steal(&s1);
	}
	pass();
	const char *why = NULL;
	if (!config_eq(c, &c2, &why)) {
		char what[128];
		snprintf(what, sizeof(what), "round trip changed %s", why);
		unit_fail(__FILE__, at, what);
		fprintf(stderr, "----- serialized -----\n%s----------\n", s1.data);
	} else {
		pass();
	}
	if (config_serialize(&c2, &s2) != 0 || s2.len != s1.len ||
	    memcmp(s1.data, s2.data, s1.len)) {
		unit_fail(__FILE__, at, "second serialization differs from the first");
		fprintf(stderr, "----- first -----\n%s----- second -----\n%s----------\n", s1.data,
		        s2.data ? s2.data : "(null)");
	} else {
		pass();
	}
	buf_free(&s2);
	free_both(&c2, &r2);
	return buf_steal(&s1);
}
#define ROUND_TRIP(c) round_trip_at(__LINE__, c)

/* Lines 1-5: a valid top level and one mailbox; anything appended starts at line 6. */
#define T_MB                                                                                       \
	"domain = \"test.com\"\n"                                                                  \
	"\n"                                                                                       \
	"[mailboxes.support]\n"                                                                    \
	"address = \"support@test.com\"\n"                                                         \
	"owner = \"daemon\"\n"
/* Lines 6-9: T_MB plus one valid hook, header on line 7; anything appended starts at line 10. */
#define T_HOOK                                                                                     \
	T_MB "\n"                                                                                  \
	     "[[mailboxes.support.hooks]]\n"                                                       \
	     "event = \"on_receive\"\n"                                                            \
	     "cmd = [\"/bin/true\"]\n"
/* A hook header on line 7 with the caller's body from line 8. */
#define T_HOOK_BODY(body) T_MB "\n[[mailboxes.support.hooks]]\n" body
#define K_H0              "mailboxes.support.hooks[0]"

/* ---------- fixtures: every field decoded ---------- */

static void test_fixture_minimal(void)
{
	struct config c;
	struct config_report r;
	if (LOAD_OK(FIX "upstream-minimal.toml", &c, &r) != 0)
		goto out;
	CHECK_STR(c.domain, "agent.example.com");
	CHECK_STR(c.data_dir, "/var/lib/aimx");
	CHECK_STR(c.dkim_selector, "aimx");
	CHECK(c.trust == TRUST_NONE);
	CHECK(c.trusted_senders.n == 0);
	CHECK(c.verify_host == NULL);
	CHECK(c.enable_ipv6 == 0);
	CHECK(c.signature == NULL);
	CHECK(c.upgrade_release_manifest_url == NULL);
	CHECK(c.key_line[TOPK_DOMAIN] == 1);
	CHECK(c.key_line[TOPK_ENABLE_IPV6] == 4);
	CHECK(c.key_line[TOPK_TRUST] == 0);
	CHECK(c.nmailboxes == 1);
	CHECK(config_hook_count(&c) == 0);
	if (c.nmailboxes == 1) {
		const struct mailbox *m = &c.mailboxes[0];
		CHECK_STR(m->name, "catchall");
		CHECK_STR(m->address, "*@agent.example.com");
		CHECK_STR(m->owner, "aimx-catchall");
		CHECK(!m->has_trust && !m->has_trusted_senders && !m->allow_root_catchall);
		CHECK(m->nhooks == 0);
		CHECK(m->line == 6);
		CHECK(m->key_line[MBK_ADDRESS] == 7);
		CHECK(m->key_line[MBK_OWNER] == 8);
		CHECK(config_mailbox_is_catchall(&c, m));
		CHECK(config_find_mailbox(&c, "catchall") == m);
		CHECK(config_find_mailbox(&c, "nope") == NULL);
		/* aimx-catchall may not exist here: then it is only a warning and the mailbox is
		 * inactive; when it exists, no warning and active. */
		int exists = user_exists("aimx-catchall");
		CHECK(m->inactive == !exists);
		CHECK(r.nwarnings == (size_t)!exists);
		if (!exists && r.nwarnings)
			CHECK_CONTAINS(r.warnings[0].message, "aimx-catchall");
	}
out:
	free_both(&c, &r);
}

static void test_fixture_verified(void)
{
	struct config c;
	struct config_report r;
	static const char *const global[] = {"*@example.org", "boss@gmail.com"};
	static const char *const ab[] = {"ops@example.net"};
	if (LOAD_OK(FIX "upstream-verified.toml", &c, &r) != 0)
		goto out;
	CHECK_STR(c.domain, "mail.example.org");
	CHECK_STR(c.data_dir, "/srv/aimx");
	CHECK_STR(c.dkim_selector, "s2024");
	CHECK(c.trust == TRUST_VERIFIED);
	CHECK(strlist_is(&c.trusted_senders, 2, global));
	CHECK(c.key_line[TOPK_TRUSTED_SENDERS] == 5);
	CHECK(c.key_line[TOPK_ENABLE_IPV6] == 9);
	CHECK(c.nmailboxes == 4);
	struct mailbox *catchall = config_find_mailbox(&c, "catchall");
	struct mailbox *support = config_find_mailbox(&c, "support");
	struct mailbox *public = config_find_mailbox(&c, "public");
	struct mailbox *dotted = config_find_mailbox(&c, "a.b");
	CHECK(catchall && support && public && dotted);
	if (!catchall || !support || !public || !dotted)
		goto out;
	/* Mailboxes keep file order. */
	CHECK(dotted == &c.mailboxes[0] && catchall == &c.mailboxes[1]);
	CHECK(public == &c.mailboxes[2] && support == &c.mailboxes[3]);
	CHECK(config_mailbox_is_catchall(&c, catchall));
	CHECK(!config_mailbox_is_catchall(&c, support));
	CHECK(!config_mailbox_is_catchall(&c, dotted));

	/* support inherits both. */
	CHECK_STR(support->owner, "daemon");
	CHECK(!support->has_trust && !support->has_trusted_senders);
	CHECK(config_mailbox_trust(&c, support) == TRUST_VERIFIED);
	CHECK(strlist_is(config_mailbox_senders(&c, support), 2, global));

	/* public: explicit trust none and an explicit empty list that replaces the global one. */
	CHECK(public->has_trust && public->trust == TRUST_NONE);
	CHECK(public->has_trusted_senders && public->trusted_senders.n == 0);
	CHECK(config_mailbox_trust(&c, public) == TRUST_NONE);
	CHECK(config_mailbox_senders(&c, public)->n == 0);
	CHECK(public->key_line[MBK_TRUST] == 25);
	CHECK(public->key_line[MBK_TRUSTED_SENDERS] == 26);

	/* "a.b": the quoted header name, inherited trust, its own list. */
	CHECK_STR(dotted->name, "a.b");
	CHECK_STR(dotted->address, "a.b@mail.example.org");
	CHECK(dotted->line == 11);
	CHECK(!dotted->has_trust && dotted->has_trusted_senders);
	CHECK(config_mailbox_trust(&c, dotted) == TRUST_VERIFIED);
	CHECK(strlist_is(config_mailbox_senders(&c, dotted), 1, ab));
	CHECK(!support->inactive && !public->inactive && !dotted->inactive);
	CHECK(config_hook_count(&c) == 0);
out:
	free_both(&c, &r);
}

static void test_fixture_hooks(void)
{
	struct config c;
	struct config_report r;
	static const char *const sh[] = {"/bin/sh", "-c", "echo \"$AIMX_SUBJECT\" >> /tmp/log"};
	static const char *const claude[] = {"/usr/local/bin/claude", "-p",
	                                     "Read the piped email and act on it."};
	static const char *const logger[] = {"/usr/bin/logger", "-t", "aimx"};
	if (LOAD_OK(FIX "upstream-hooks.toml", &c, &r) != 0)
		goto out;
	CHECK(c.trust == TRUST_VERIFIED);
	CHECK(c.nmailboxes == 3);
	CHECK(config_hook_count(&c) == 3);
	struct mailbox *support = config_find_mailbox(&c, "support");
	struct mailbox *notify = config_find_mailbox(&c, "notify");
	CHECK(support && notify);
	if (!support || !notify || support->nhooks != 2 || notify->nhooks != 1) {
		CHECK(!"hook counts per mailbox");
		goto out;
	}
	const struct hook *h = &support->hooks[0];
	CHECK_STR(h->name, "support_log");
	CHECK_STR(h->effective_name, "support_log");
	CHECK(h->event == HOOK_ON_RECEIVE);
	CHECK_STR(h->type, "cmd");
	CHECK(strlist_is(&h->cmd, 3, sh));
	CHECK(h->fire_on_untrusted == 0);
	CHECK(h->timeout_secs == HOOK_TIMEOUT_DEFAULT);
	CHECK(h->line == 31);
	CHECK(h->key_line[HOOKK_NAME] == 32);
	CHECK(h->key_line[HOOKK_CMD] == 35); /* the line the multi-line array starts on */
	CHECK(h->key_line[HOOKK_TIMEOUT_SECS] == 0);

	h = &support->hooks[1];
	CHECK(h->name == NULL);
	CHECK_STR(h->effective_name, DERIVED_CLAUDE);
	CHECK(h->event == HOOK_ON_RECEIVE);
	CHECK(strlist_is(&h->cmd, 3, claude));
	CHECK(h->fire_on_untrusted == 1);
	CHECK(h->timeout_secs == 300);
	CHECK(h->line == 41);
	CHECK(h->key_line[HOOKK_FIRE_ON_UNTRUSTED] == 49);
	CHECK(h->key_line[HOOKK_TIMEOUT_SECS] == 50);

	h = &notify->hooks[0];
	CHECK(h->name == NULL);
	CHECK_STR(h->effective_name, DERIVED_LOGGER);
	CHECK(h->event == HOOK_AFTER_SEND);
	CHECK(strlist_is(&h->cmd, 3, logger));
	CHECK(h->timeout_secs == 60);
	CHECK_STR(notify->owner, "nobody");
	CHECK(!support->inactive && !notify->inactive);
out:
	free_both(&c, &r);
}

static void test_fixture_full(void)
{
	struct config c;
	struct config_report r;
	static const char *const senders[] = {"*@example.com", "boss@gmail.com"};
	static const char *const printf_cmd[] = {
	    "/usr/bin/printf",
	    "tab\there \"quoted\" back\\slash\nnewline \xc3\xa9 \xf0\x9f\x98\x80",
	    "C:\\no\\escapes # here",
	};
	static const char *const truecmd[] = {"/bin/true"};
	static const char *const team[] = {"/bin/sh", "-c", "cat > \"/tmp/team lead.md\""};
	if (LOAD_OK(FIX "upstream-full.toml", &c, &r) != 0)
		goto out;
	CHECK_STR(c.domain, "agent.example.com"); /* trailing comment stripped */
	CHECK(c.key_line[TOPK_DOMAIN] == 3);
	CHECK(c.trust == TRUST_VERIFIED);
	CHECK(strlist_is(&c.trusted_senders, 2, senders)); /* comments inside the array */
	CHECK_STR(c.verify_host, "https://verify.example.com");
	CHECK(c.enable_ipv6 == 1);
	/* """ string: the newline right after the opening quotes is trimmed; escapes decoded;
	 * '#' inside a string is data. */
	CHECK_STR(c.signature, "Best regards,\nThe \"agent\" team \xc3\xa9\tend # not a comment");
	CHECK(c.key_line[TOPK_SIGNATURE] == 14);
	CHECK_STR(c.upgrade_release_manifest_url, "file:///srv/aimx/manifest.json");
	CHECK(c.key_line[TOPK_UPGRADE_MANIFEST] == 61);
	CHECK(c.nmailboxes == 3);
	CHECK(config_hook_count(&c) == 3);
	struct mailbox *catchall = config_find_mailbox(&c, "catchall");
	struct mailbox *ops = config_find_mailbox(&c, "ops");
	struct mailbox *lead = config_find_mailbox(&c, "team.lead");
	CHECK(catchall && ops && lead);
	if (!catchall || !ops || !lead)
		goto out;
	/* *@AGENT.example.com is the catchall of agent.example.com (case-insensitive). */
	CHECK(config_mailbox_is_catchall(&c, catchall));
	CHECK_STR(catchall->owner, "root");
	CHECK(catchall->allow_root_catchall == 1);
	CHECK(catchall->key_line[MBK_ALLOW_ROOT_CATCHALL] == 22);
	CHECK(!catchall->inactive);
	/* Root catchall with the flag: a warning, not an error. */
	CHECK(find_issue(r.warnings, r.nwarnings, LINE_ANY, KEY_ANY, "allow_root_catchall") !=
	      NULL);

	CHECK(ops->has_trust && ops->trust == TRUST_NONE);
	CHECK(config_mailbox_trust(&c, ops) == TRUST_NONE);
	CHECK(!ops->has_trusted_senders);
	CHECK(strlist_is(config_mailbox_senders(&c, ops), 2, senders));
	if (ops->nhooks == 2) {
		const struct hook *h = &ops->hooks[0];
		CHECK_STR(h->name, "ops.notify-1");
		CHECK_STR(h->effective_name, "ops.notify-1");
		CHECK(strlist_is(&h->cmd, 3, printf_cmd));
		CHECK(h->fire_on_untrusted == 1);
		CHECK(h->timeout_secs == 600);
		h = &ops->hooks[1];
		CHECK(h->name == NULL);
		CHECK_STR(h->type, "cmd"); /* defaulted */
		CHECK(h->event == HOOK_AFTER_SEND);
		CHECK(strlist_is(&h->cmd, 1, truecmd));
		CHECK(h->timeout_secs == 1);
		CHECK_STR(h->effective_name, DERIVED_TRUE_SEND);
	} else {
		CHECK(!"ops has two hooks");
	}
	CHECK(lead->has_trusted_senders && lead->trusted_senders.n == 0);
	CHECK(config_mailbox_senders(&c, lead)->n == 0);
	CHECK(config_mailbox_trust(&c, lead) == TRUST_VERIFIED);
	if (lead->nhooks == 1) {
		CHECK(strlist_is(&lead->hooks[0].cmd, 3, team));
		CHECK_STR(lead->hooks[0].effective_name, DERIVED_TEAM_LEAD);
		CHECK(lead->hooks[0].line == 51);
	} else {
		CHECK(!"team.lead has one hook");
	}
out:
	free_both(&c, &r);
}

static void test_fixture_defaults(void)
{
	struct config c;
	struct config_report r;
	if (LOAD_OK(FIX "handedit-defaults.toml", &c, &r) != 0)
		goto out;
	CHECK(c.trust == TRUST_NONE);
	CHECK(c.trusted_senders.n == 0);
	CHECK(c.signature && c.signature[0] == '\0'); /* "" is kept, distinct from absent */
	struct mailbox *bot = config_find_mailbox(&c, "bot");
	CHECK(bot && bot->nhooks == 1);
	if (bot && bot->nhooks == 1) {
		CHECK_STR(bot->hooks[0].effective_name, DERIVED_TRUE_RECEIVE);
		CHECK(bot->hooks[0].timeout_secs == 60);
		CHECK(bot->hooks[0].fire_on_untrusted == 0);
	}
out:
	free_both(&c, &r);
}

/* Keys left out take their defaults. */
static void test_defaults_inline(void)
{
	struct config c;
	struct config_report r;
	if (PARSE_OK(T_HOOK, &c, &r) != 0)
		goto out;
	CHECK_STR(c.data_dir, "/var/lib/aimx");
	CHECK_STR(c.dkim_selector, "aimx");
	CHECK(c.trust == TRUST_NONE && c.trusted_senders.n == 0);
	CHECK(c.verify_host == NULL && c.signature == NULL &&
	      c.upgrade_release_manifest_url == NULL);
	CHECK(c.enable_ipv6 == 0);
	CHECK(c.nmailboxes == 1 && c.mailboxes[0].nhooks == 1);
	if (c.nmailboxes == 1 && c.mailboxes[0].nhooks == 1) {
		const struct hook *h = &c.mailboxes[0].hooks[0];
		CHECK(h->name == NULL);
		CHECK_STR(h->type, "cmd");
		CHECK(h->timeout_secs == 60);
		CHECK(h->fire_on_untrusted == 0);
		CHECK_STR(h->effective_name, DERIVED_TRUE_RECEIVE);
		CHECK(h->line == 7);
		CHECK(h->key_line[HOOKK_EVENT] == 8 && h->key_line[HOOKK_CMD] == 9);
		CHECK(h->key_line[HOOKK_TYPE] == 0);
	}
	CHECK(!config_mailbox_is_catchall(&c, &c.mailboxes[0]));
out:
	free_both(&c, &r);
}

/* TOML that hand edits produce beyond what upstream writes. */
static void test_syntax_variants(void)
{
	struct config c;
	struct config_report r;

	/* No spaces, extra spaces and tabs around '=', comment after a header, no final newline. */
	if (PARSE_OK("domain=\"test.com\"\n"
	             "[mailboxes.support]   # the support desk\n"
	             "address   =   \"support@test.com\"\n"
	             "\towner\t= 'daemon'   ",
	             &c, &r) == 0) {
		CHECK_STR(c.domain, "test.com");
		CHECK(c.nmailboxes == 1);
		if (c.nmailboxes == 1) {
			CHECK_STR(c.mailboxes[0].address, "support@test.com");
			CHECK_STR(c.mailboxes[0].owner, "daemon");
		}
	}
	free_both(&c, &r);

	/* Basic-string escapes \b \f \r \\ \" \uXXXX \UXXXXXXXX. */
	if (PARSE_OK("domain = \"test.com\"\n"
	             "signature = \"a\\bb\\fc\\rd\\\\e\\\"f\\u00e9\\U0001F600\"\n"
	             "[mailboxes.support]\naddress = \"support@test.com\"\nowner = \"daemon\"\n",
	             &c, &r) == 0)
		CHECK_STR(c.signature, "a\bb\fc\rd\\e\"f\xc3\xa9\xf0\x9f\x98\x80");
	free_both(&c, &r);

	/* Multi-line literal string; the first newline is trimmed, nothing is unescaped. */
	if (PARSE_OK("domain = \"test.com\"\n"
	             "signature = '''\nline1\n\"q\" \\n\n'''\n"
	             "[mailboxes.support]\naddress = \"support@test.com\"\nowner = \"daemon\"\n",
	             &c, &r) == 0)
		CHECK_STR(c.signature, "line1\n\"q\" \\n\n");
	free_both(&c, &r);

	/* Multi-line basic string with a line-ending backslash (TOML: trims the newline and
	 * the leading whitespace of the next line). */
	if (PARSE_OK("domain = \"test.com\"\n"
	             "signature = \"\"\"\\\n    Best regards, \\\n    The team\"\"\"\n"
	             "[mailboxes.support]\naddress = \"support@test.com\"\nowner = \"daemon\"\n",
	             &c, &r) == 0)
		CHECK_STR(c.signature, "Best regards, The team");
	free_both(&c, &r);

	/* A one-line array with a trailing comma, and an explicit empty [mailboxes] parent
	 * header (upstream writes one when the mailbox map is empty). */
	if (PARSE_OK("domain = \"test.com\"\ntrusted_senders = [ \"a@b.c\" , 'd@e.f', ]\n"
	             "\n[mailboxes]\n\n[mailboxes.support]\naddress = \"support@test.com\"\n"
	             "owner = \"daemon\"\n",
	             &c, &r) == 0) {
		static const char *const want[] = {"a@b.c", "d@e.f"};
		CHECK(strlist_is(&c.trusted_senders, 2, want));
		CHECK(c.nmailboxes == 1);
		if (c.nmailboxes == 1)
			CHECK(c.mailboxes[0].line == 6);
	}
	free_both(&c, &r);

	/* A '#' and a ']' inside a string inside a multi-line array. */
	if (PARSE_OK(T_HOOK_BODY("event = \"on_receive\"\n"
	                         "cmd = [\n"
	                         "    \"/bin/sh\",  # shell\n"
	                         "    \"-c\",\n"
	                         "    \"echo '#]' ] # x\",\n"
	                         "]\n"
	                         "timeout_secs = 5\n"),
	             &c, &r) == 0) {
		static const char *const want[] = {"/bin/sh", "-c", "echo '#]' ] # x"};
		CHECK(c.nmailboxes == 1 && c.mailboxes[0].nhooks == 1);
		if (c.nmailboxes == 1 && c.mailboxes[0].nhooks == 1) {
			CHECK(strlist_is(&c.mailboxes[0].hooks[0].cmd, 3, want));
			CHECK(c.mailboxes[0].hooks[0].timeout_secs == 5);
			CHECK(c.mailboxes[0].hooks[0].key_line[HOOKK_TIMEOUT_SECS] == 14);
		}
	}
	free_both(&c, &r);
}

/* ---------- accepted edge values ---------- */

static void test_accepted_edges(void)
{
	struct config c;
	struct config_report r;

	if (PARSE_OK(T_HOOK "timeout_secs = 600\n", &c, &r) == 0)
		CHECK(c.mailboxes[0].hooks[0].timeout_secs == 600);
	free_both(&c, &r);
	if (PARSE_OK(T_HOOK "timeout_secs = 1\n", &c, &r) == 0)
		CHECK(c.mailboxes[0].hooks[0].timeout_secs == 1);
	free_both(&c, &r);

	/* fire_on_untrusted = false is fine on after_send. */
	if (PARSE_OK(T_HOOK_BODY("event = \"after_send\"\ncmd = [\"/bin/true\"]\n"
	                         "fire_on_untrusted = false\n"),
	             &c, &r) == 0)
		CHECK(c.mailboxes[0].hooks[0].event == HOOK_AFTER_SEND);
	free_both(&c, &r);

	/* A 128-character hook name is the longest allowed. */
	char text[1024];
	char name128[HOOK_NAME_MAX + 1];
	memset(name128, 'n', HOOK_NAME_MAX);
	name128[HOOK_NAME_MAX] = '\0';
	snprintf(text, sizeof(text), T_HOOK "name = \"%s\"\n", name128);
	if (PARSE_OK(text, &c, &r) == 0)
		CHECK_STR(c.mailboxes[0].hooks[0].effective_name, name128);
	free_both(&c, &r);

	/* A valid but unknown owner (32 chars, the maximum): only a warning, mailbox inactive. */
	if (PARSE_OK(
	        "domain = \"test.com\"\n\n[mailboxes.support]\n"
	        "address = \"support@test.com\"\nowner = \"aimx_no_such_user_0123456789abcd\"\n",
	        &c, &r) == 0) {
		CHECK(c.mailboxes[0].inactive == 1);
		const struct config_issue *w = find_issue(r.warnings, r.nwarnings, LINE_ANY,
		                                          KEY_ANY, "does not resolve via getpwnam");
		CHECK(w != NULL);
		if (w) {
			CHECK_CONTAINS(w->message, "aimx_no_such_user_0123456789abcd");
			CHECK(w->line == 5);
		}
	}
	free_both(&c, &r);

	/* Owner with the Samba-style trailing '$' is valid (and here an orphan). */
	if (PARSE_OK("domain = \"test.com\"\n\n[mailboxes.support]\n"
	             "address = \"support@test.com\"\nowner = \"aimx_nouser$\"\n",
	             &c, &r) == 0)
		CHECK(c.mailboxes[0].inactive == 1);
	free_both(&c, &r);

	/* Root catchall with the flag: load OK, one RootCatchallAccepted warning. */
	if (PARSE_OK("domain = \"test.com\"\n\n[mailboxes.catchall]\naddress = \"*@test.com\"\n"
	             "owner = \"root\"\nallow_root_catchall = true\n",
	             &c, &r) == 0) {
		CHECK(r.nwarnings == 1);
		CHECK(find_issue(r.warnings, r.nwarnings, LINE_ANY, KEY_ANY,
		                 "allow_root_catchall") != NULL);
		CHECK(c.mailboxes[0].inactive == 0);
	}
	free_both(&c, &r);

	/* The flag on a catchall owned by aimx-catchall is a silent no-op; a catchall named
	 * anything is still the catchall. */
	if (PARSE_OK("domain = \"Test.COM\"\n\n[mailboxes.everything]\naddress = \"*@test.com\"\n"
	             "owner = \"nobody\"\nallow_root_catchall = true\n",
	             &c, &r) == 0)
		CHECK(config_mailbox_is_catchall(&c, &c.mailboxes[0]));
	free_both(&c, &r);

	/* A mailbox whose address is a plain address is not the catchall, even if named so. */
	if (PARSE_OK("domain = \"test.com\"\n\n[mailboxes.catchall]\naddress = \"x@test.com\"\n"
	             "owner = \"nobody\"\n",
	             &c, &r) == 0)
		CHECK(!config_mailbox_is_catchall(&c, &c.mailboxes[0]));
	free_both(&c, &r);
}

/* ---------- every validation rule fails ---------- */

static void test_errors_types(void)
{
	EXPECT_ERROR("[mailboxes.support]\naddress = \"support@test.com\"\nowner = \"daemon\"\n", 0,
	             "domain", "domain");
	EXPECT_ERROR("domain = 5\n", 1, "domain", "string");
	EXPECT_ERROR("domain = \"test.com\"\nenable_ipv6 = \"yes\"\n", 2, "enable_ipv6", "bool");
	EXPECT_ERROR("domain = \"test.com\"\nenable_ipv6 = True\n", 2, "enable_ipv6", NULL);
	EXPECT_ERROR("domain = \"test.com\"\ntrusted_senders = \"x\"\n", 2, "trusted_senders",
	             "array|sequence|list");
	EXPECT_ERROR("domain = \"test.com\"\ntrusted_senders = [\"a@b.c\", 5]\n", 2,
	             "trusted_senders", "string");
	EXPECT_ERROR("domain = \"test.com\"\ndata_dir = [\"/x\"]\n", 2, "data_dir", "string");
	EXPECT_ERROR(
	    "domain = \"test.com\"\ndata_dir = \"/x\"\n\n[upgrade]\nrelease_manifest_url = 1\n", 5,
	    "upgrade.release_manifest_url", "string");
	EXPECT_ERROR(T_MB "trust = 1\n", 6, "mailboxes.support.trust", "string");
	EXPECT_ERROR(
	    "domain = \"test.com\"\n\n[mailboxes.support]\naddress = \"support@test.com\"\n"
	    "owner = 7\n",
	    5, "mailboxes.support.owner", "string");
	EXPECT_ERROR(T_MB "allow_root_catchall = \"no\"\n", 6,
	             "mailboxes.support.allow_root_catchall", "bool");
	EXPECT_ERROR(T_HOOK "timeout_secs = \"60\"\n", 10, K_H0 ".timeout_secs",
	             "integer|u32|number");
	EXPECT_ERROR(T_HOOK "timeout_secs = -1\n", 10, K_H0 ".timeout_secs", NULL);
	/* 2^32 + 1 must not wrap around to a valid 1. */
	EXPECT_ERROR(T_HOOK "timeout_secs = 4294967297\n", 10, K_H0 ".timeout_secs", NULL);
	EXPECT_ERROR(T_HOOK "timeout_secs = 99999999999999999999999\n", 10, K_H0 ".timeout_secs",
	             NULL);
	EXPECT_ERROR(T_HOOK "fire_on_untrusted = 1\n", 10, K_H0 ".fire_on_untrusted", "bool");
	EXPECT_ERROR(T_HOOK_BODY("event = \"on_receive\"\ncmd = \"x\"\n"), 9, K_H0 ".cmd",
	             "array|sequence|list");
	EXPECT_ERROR(T_HOOK_BODY("event = \"on_receive\"\ncmd = [\"/bin/echo\", 1]\n"), 9,
	             K_H0 ".cmd", "string");
	EXPECT_ERROR(T_HOOK "name = 5\n", 10, K_H0 ".name", "string");
	/* [mailboxes.X.hooks] as a plain table instead of an array of tables. */
	EXPECT_ERROR(T_MB "\n[mailboxes.support.hooks]\nevent = \"on_receive\"\n", 7,
	             "mailboxes.support.hooks", NULL);
	/* A mailbox that is not a table. */
	EXPECT_ERROR("domain = \"test.com\"\nmailboxes = 5\n", 2, "mailboxes", NULL);
}

static void test_errors_syntax(void)
{
	EXPECT_LEX_ERROR("domain = \"test.com\n", 1, "domain");
	EXPECT_LEX_ERROR("domain = 'test.com\n", 1, "domain");
	EXPECT_LEX_ERROR("domain = \"test.com\"\ntrusted_senders = [\n    \"a@b.c\",\n", 2,
	                 "trusted_senders");
	EXPECT_LEX_ERROR("domain = \"test.com\"\nsignature = \"\"\"\nhello\n", 2, "signature");
	EXPECT_LEX_ERROR("domain = \"test.com\"\nsignature = '''\nhello\n", 2, "signature");
	EXPECT_LEX_ERROR("domain = \"test.com\"\ndomain2\n", 2, KEY_NONE);
	EXPECT_LEX_ERROR("domain = \"test.com\"\nthis is not toml\n", 2, KEY_NONE);
	EXPECT_LEX_ERROR("domain = \"test.com\"\n= \"value\"\n", 2, KEY_NONE);
	EXPECT_LEX_ERROR("domain = \"test.com\"\nsignature =\n", 2, "signature");
	EXPECT_LEX_ERROR("domain = \"test.com\" \"extra\"\n", 1, "domain");
	EXPECT_LEX_ERROR(T_MB "\n[mailboxes.other\n", 7, KEY_ANY);
	EXPECT_LEX_ERROR(T_MB "\n[[mailboxes.support.hooks]\n", 7, KEY_ANY);
	EXPECT_LEX_ERROR(T_MB "\n[]\n", 7, KEY_ANY);
	EXPECT_LEX_ERROR("domain = \"bad \\q escape\"\n", 1, "domain");
	EXPECT_LEX_ERROR("domain = \"lone surrogate \\uD800\"\n", 1, "domain");
	EXPECT_LEX_ERROR("domain = \"short \\u12\"\n", 1, "domain");
	EXPECT_LEX_ERROR("domain = \"nul \\u0000\"\n", 1, "domain");
	EXPECT_LEX_ERROR("domain = \"raw\x01"
	                 "control\"\n",
	                 1, "domain");
	EXPECT_LEX_ERROR("domain = \"test.com\"\ntrusted_senders = [\"a\" \"b\"]\n", 2,
	                 "trusted_senders");
	EXPECT_LEX_ERROR("domain = \"test.com\"\ntrusted_senders = [\"a\",, \"b\"]\n", 2,
	                 "trusted_senders");
}

static void test_errors_duplicates_unknown(void)
{
	EXPECT_ERROR("domain = \"a.com\"\ndomain = \"b.com\"\n", 2, "domain", "duplicate");
	EXPECT_ERROR(T_MB "owner = \"nobody\"\n", 6, "mailboxes.support.owner", "duplicate");
	EXPECT_ERROR(T_HOOK "event = \"after_send\"\n", 10, K_H0 ".event", "duplicate");
	EXPECT_ERROR(T_MB "\n[mailboxes.support]\naddress = \"x@test.com\"\nowner = \"nobody\"\n",
	             7, "mailboxes.support", "duplicate");
	EXPECT_ERROR(
	    "domain = \"test.com\"\n\n[upgrade]\nrelease_manifest_url = \"a\"\n\n[upgrade]\n"
	    "release_manifest_url = \"b\"\n",
	    6, "upgrade", "duplicate");

	/* DECISIONS 29: unknown keys are rejected everywhere. */
	EXPECT_ERROR("domain = \"test.com\"\ntrusted_sender = [\"*@x.com\"]\n", 2, "trusted_sender",
	             "unknown key");
	EXPECT_ERROR(T_MB "trusted_sender = []\n", 6, "mailboxes.support.trusted_sender",
	             "unknown key");
	EXPECT_ERROR(T_HOOK "trusted_sender = []\n", 10, K_H0 ".trusted_sender", "unknown key");
	EXPECT_ERROR("domain = \"test.com\"\n\n[upgrade]\nrelease_manifest = \"x\"\n", 4,
	             "upgrade.release_manifest", "unknown key");
	EXPECT_ERROR("domain = \"test.com\"\n\n[extra]\nx = 1\n", 3, "extra",
	             "unknown key|unknown table");
}

static void test_errors_legacy(void)
{
	/* Legacy table headers are not keys of the model: the key may be left out. */
	EXPECT_HEADER_ERROR(
	    "domain = \"test.com\"\n\n[[hook_template]]\nname = \"old\"\ncmd = [\"/bin/true\"]\n",
	    3, "hook_template", "template hooks were removed");
	EXPECT_HEADER_ERROR(T_MB "\n[[mailboxes.support.on_receive]]\ncmd = \"/bin/true\"\n", 7,
	                    "mailboxes.support.on_receive", "legacy `on_receive` schema");
	EXPECT_HEADER_ERROR(T_MB "\n[mailboxes.support.on_receive.match]\nfrom = \"*@x.com\"\n", 7,
	                    "mailboxes.support.on_receive.match",
	                    "legacy `on_receive.match` schema");
	EXPECT_ERROR(T_HOOK "run_as = \"daemon\"\n", 10, K_H0 ".run_as",
	             "sets `run_as`; the field was removed");
	EXPECT_ERROR(T_HOOK "origin = \"operator\"\n", 10, K_H0 ".origin",
	             "sets `origin`; the field was removed");
	EXPECT_ERROR(T_HOOK "template = \"invoke-claude\"\n", 10, K_H0 ".template",
	             "template hooks were removed");
	EXPECT_ERROR(T_HOOK "params = []\n", 10, K_H0 ".params", "template hooks were removed");
	EXPECT_ERROR(T_HOOK "dangerously_support_untrusted = true\n", 10,
	             K_H0 ".dangerously_support_untrusted", "renamed to `fire_on_untrusted`");
	/* stdin: the error names the hook by its effective name, explicit or derived. */
	EXPECT_ERROR(
	    T_HOOK_BODY("name = \"named_hook\"\nevent = \"on_receive\"\ncmd = [\"/bin/true\"]\n"
	                "stdin = \"email\"\n"),
	    11, K_H0 ".stdin", "hook 'named_hook' carries removed field 'stdin'");
	EXPECT_ERROR(T_HOOK "stdin = \"none\"\n", 10, K_H0 ".stdin",
	             "hook '" DERIVED_TRUE_RECEIVE "' carries removed field 'stdin'");
	EXPECT_ERROR(T_HOOK "stdin = \"email_json\"\n", 10, K_H0 ".stdin", "always piped");
}

static void test_errors_owner_trust(void)
{
	/* Owner missing or blank. */
	EXPECT_ERROR(
	    "domain = \"test.com\"\n\n[mailboxes.support]\naddress = \"support@test.com\"\n", 3,
	    "mailboxes.support.owner", "missing");
	EXPECT_ERROR(
	    "domain = \"test.com\"\n\n[mailboxes.support]\naddress = \"support@test.com\"\n"
	    "owner = \"  \"\n",
	    5, "mailboxes.support.owner",
	    "mailbox 'support' is missing required field 'owner'; re-run 'sudo aimx setup'");
	EXPECT_ERROR(
	    "domain = \"test.com\"\n\n[mailboxes.support]\naddress = \"support@test.com\"\n"
	    "owner = \"\"\n",
	    5, "mailboxes.support.owner", "is missing required field 'owner'");
	/* Address missing. */
	EXPECT_ERROR("domain = \"test.com\"\n\n[mailboxes.support]\nowner = \"daemon\"\n", 3,
	             "mailboxes.support.address", "missing");

	/* Trust values. */
	EXPECT_ERROR(
	    "domain = \"test.com\"\ntrust = \"verfied\"\n", 2, "trust",
	    "invalid top-level trust value 'verfied': expected one of [\"none\", \"verified\"]");
	EXPECT_ERROR(T_MB "trust = \"Verified\"\n", 6, "mailboxes.support.trust",
	             "invalid trust value 'Verified' on mailbox 'support': expected one of "
	             "[\"none\", \"verified\"]");

	/* Owner names. */
	EXPECT_ERROR(
	    "domain = \"test.com\"\n\n[mailboxes.support]\naddress = \"support@test.com\"\n"
	    "owner = \"Bob\"\n",
	    5, "mailboxes.support.owner", "mailbox 'support' has invalid owner 'Bob'");
	EXPECT_ERROR(
	    "domain = \"test.com\"\n\n[mailboxes.support]\naddress = \"support@test.com\"\n"
	    "owner = \"aimx_no_such_user_0123456789abcde\"\n",
	    5, "mailboxes.support.owner", "has invalid owner 'aimx_no_such_user_0123456789abcde'");
	EXPECT_ERROR(
	    "domain = \"test.com\"\n\n[mailboxes.support]\naddress = \"support@test.com\"\n"
	    "owner = \"1abc\"\n",
	    5, "mailboxes.support.owner", "has invalid owner");
	EXPECT_ERROR(
	    "domain = \"test.com\"\n\n[mailboxes.support]\naddress = \"support@test.com\"\n"
	    "owner = \"root\"\n",
	    5, "mailboxes.support.owner", "mailbox 'support' cannot be owned by root");
	EXPECT_ERROR(
	    T_MB "allow_root_catchall = true\n", 6, "mailboxes.support.allow_root_catchall",
	    "mailbox 'support' sets allow_root_catchall=true but is not a catchall (*@test.com)");
	EXPECT_ERROR("domain = \"test.com\"\n\n[mailboxes.catchall]\naddress = \"*@test.com\"\n"
	             "owner = \"root\"\n",
	             5, "mailboxes.catchall.owner",
	             "catchall mailbox 'catchall' has owner='root' but allow_root_catchall=false");
}

static void test_errors_hooks(void)
{
	/* The catchall takes no hooks (reported at the first hook's header). */
	EXPECT_ERROR(
	    "domain = \"test.com\"\n\n[mailboxes.catchall]\naddress = \"*@test.com\"\n"
	    "owner = \"aimx-catchall\"\n\n[[mailboxes.catchall.hooks]]\nevent = \"on_receive\"\n"
	    "cmd = [\"/bin/true\"]\n",
	    7, "mailboxes.catchall.hooks",
	    "mailbox 'catchall' is the catchall but has hooks attached");
	EXPECT_ERROR(
	    T_HOOK_BODY(
	        "event = \"after_send\"\ncmd = [\"/bin/true\"]\nfire_on_untrusted = true\n"),
	    10, K_H0 ".fire_on_untrusted", "fire_on_untrusted is on_receive only");
	EXPECT_ERROR(T_HOOK "name = \"bad name\"\n", 10, K_H0 ".name",
	             "invalid hook name 'bad name' on mailbox 'support': must match "
	             "[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}");
	EXPECT_ERROR(T_HOOK "name = \".hidden\"\n", 10, K_H0 ".name",
	             "invalid hook name '.hidden'");
	EXPECT_ERROR(T_HOOK "name = \"\"\n", 10, K_H0 ".name", "invalid hook name ''");
	char text[1024], name129[HOOK_NAME_MAX + 2];
	memset(name129, 'n', HOOK_NAME_MAX + 1);
	name129[HOOK_NAME_MAX + 1] = '\0';
	snprintf(text, sizeof(text), T_HOOK "name = \"%s\"\n", name129);
	EXPECT_ERROR(text, 10, K_H0 ".name", "invalid hook name");
	EXPECT_ERROR(T_HOOK_BODY("event = \"on_receive\"\ncmd = []\n"), 9, K_H0 ".cmd",
	             "has empty `cmd`");
	EXPECT_ERROR(T_HOOK_BODY("event = \"on_receive\"\ncmd = [\"  \", \"x\"]\n"), 9, K_H0 ".cmd",
	             "has blank `cmd[0]`");
	EXPECT_ERROR(T_HOOK_BODY("event = \"on_receive\"\ncmd = [\"echo\", \"hi\"]\n"), 9,
	             K_H0 ".cmd", "has non-absolute `cmd[0]` 'echo'");
	EXPECT_ERROR(T_HOOK_BODY("event = \"on_receive\"\ncmd = [\n    \"bin/true\",\n]\n"), 9,
	             K_H0 ".cmd", "non-absolute `cmd[0]` 'bin/true'");
	EXPECT_ERROR(T_HOOK "type = \"webhook\"\n", 10, K_H0 ".type",
	             "has unsupported type 'webhook'");
	EXPECT_ERROR(T_HOOK "timeout_secs = 0\n", 10, K_H0 ".timeout_secs",
	             "`timeout_secs = 0`: must be > 0");
	EXPECT_ERROR(T_HOOK "timeout_secs = 601\n", 10, K_H0 ".timeout_secs",
	             "`timeout_secs = 601` which exceeds the max of 600");
	EXPECT_ERROR(T_HOOK_BODY("event = \"on_send\"\ncmd = [\"/bin/true\"]\n"), 8, K_H0 ".event",
	             "on_send");
	EXPECT_ERROR(T_HOOK_BODY("event = 1\ncmd = [\"/bin/true\"]\n"), 8, K_H0 ".event", NULL);
	EXPECT_ERROR(T_HOOK_BODY("cmd = [\"/bin/true\"]\n"), 7, K_H0 ".event", "missing");
	EXPECT_ERROR(T_HOOK_BODY("event = \"on_receive\"\n"), 7, K_H0 ".cmd", "missing");
	/* Second hook is index 1, header on line 11. */
	EXPECT_ERROR(T_HOOK
	             "\n[[mailboxes.support.hooks]]\nevent = \"after_send\"\ncmd = [\"x\"]\n",
	             13, "mailboxes.support.hooks[1].cmd", "non-absolute `cmd[0]` 'x'");
}

/* Two mailboxes, a hook each: support's hook header is on line 7; other's hook header is
 * on line 15 when hook_a has two lines, 16 when it has three. */
#define T_TWO(hook_a, hook_b)                                                                      \
	T_MB "\n[[mailboxes.support.hooks]]\n" hook_a                                              \
	     "\n[mailboxes.other]\naddress = \"other@test.com\"\nowner = \"nobody\"\n"             \
	     "\n[[mailboxes.other.hooks]]\n" hook_b

static void test_errors_duplicate_hooks(void)
{
	/* Reported on the later hook: at its `name` (key ...name) when that hook is named,
	 * else at its header (key: the hook itself). */
	EXPECT_ERROR(
	    T_TWO("name = \"h\"\nevent = \"on_receive\"\ncmd = [\"/bin/true\"]\n",
	          "name = \"h\"\nevent = \"after_send\"\ncmd = [\"/bin/false\"]\n"),
	    17, "mailboxes.other.hooks[0].name",
	    "duplicate hook name 'h' on mailboxes 'support' and 'other': hook names must be "
	    "globally unique");
	/* anonymous / anonymous across mailboxes: at the later hook's header. */
	EXPECT_ERROR(
	    T_TWO("event = \"on_receive\"\ncmd = [\"/bin/true\"]\n",
	          "event = \"on_receive\"\ncmd = [\"/bin/true\"]\n"),
	    15, "mailboxes.other.hooks[0]",
	    "anonymous hooks on mailboxes 'support' and 'other' have identical event/cmd and "
	    "derive the same name '" DERIVED_TRUE_RECEIVE "'");
	/* anonymous / anonymous: two identical hooks on one mailbox. */
	EXPECT_ERROR(
	    T_HOOK "\n[[mailboxes.support.hooks]]\nevent = \"on_receive\"\ncmd = [\"/bin/true\"]\n",
	    11, "mailboxes.support.hooks[1]",
	    "anonymous hooks on mailboxes 'support' and 'support' have identical event/cmd");
	/* explicit / derived, both orders. */
	EXPECT_ERROR(T_TWO("event = \"on_receive\"\ncmd = [\"/bin/true\"]\n",
	                   "name = \"" DERIVED_TRUE_RECEIVE
	                   "\"\nevent = \"after_send\"\ncmd = [\"/bin/false\"]\n"),
	             16, "mailboxes.other.hooks[0].name",
	             "explicit hook name '" DERIVED_TRUE_RECEIVE
	             "' on one mailbox collides with the derived "
	             "name of an anonymous hook on another");
	EXPECT_ERROR(T_TWO("name = \"" DERIVED_TRUE_RECEIVE
	                   "\"\nevent = \"after_send\"\ncmd = [\"/bin/false\"]\n",
	                   "event = \"on_receive\"\ncmd = [\"/bin/true\"]\n"),
	             16, "mailboxes.other.hooks[0]",
	             "collides with the derived name of an anonymous hook");
	/* Different fire_on_untrusted gives a different derived name: no collision. */
	struct config c;
	struct config_report r;
	if (PARSE_OK(
	        T_TWO("event = \"on_receive\"\ncmd = [\"/bin/true\"]\n",
	              "event = \"on_receive\"\ncmd = [\"/bin/true\"]\nfire_on_untrusted = true\n"),
	        &c, &r) == 0)
		CHECK(strcmp(c.mailboxes[0].hooks[0].effective_name,
		             c.mailboxes[1].hooks[0].effective_name) != 0);
	free_both(&c, &r);
	/* argv split matters: ["/bin/echo","a b"] vs ["/bin/echo a","b"] do not collide. */
	if (PARSE_OK(T_TWO("event = \"on_receive\"\ncmd = [\"/bin/echo\", \"a b\"]\n",
	                   "event = \"on_receive\"\ncmd = [\"/bin/echo a\", \"b\"]\n"),
	             &c, &r) == 0)
		CHECK(strcmp(c.mailboxes[0].hooks[0].effective_name,
		             c.mailboxes[1].hooks[0].effective_name) != 0);
	free_both(&c, &r);
}

/* Several independent problems in one file: every one is reported, each at its own line. */
static void test_errors_all_reported(void)
{
	static const char text[] = "domain = \"test.com\"\n"          /* 1 */
	                           "trust = \"sometimes\"\n"          /* 2 */
	                           "\n"                               /* 3 */
	                           "[mailboxes.support]\n"            /* 4 */
	                           "address = \"support@test.com\"\n" /* 5 */
	                           "owner = \"Bob\"\n"                /* 6 */
	                           "\n"                               /* 7 */
	                           "[[mailboxes.support.hooks]]\n"    /* 8 */
	                           "event = \"on_receive\"\n"         /* 9 */
	                           "cmd = [\"echo\"]\n"               /* 10 */
	                           "timeout_secs = 0\n"               /* 11 */
	                           "\n"                               /* 12 */
	                           "[mailboxes.other]\n"              /* 13 */
	                           "address = \"other@test.com\"\n"   /* 14 */
	                           "owner = \"nobody\"\n"             /* 15 */
	                           "colour = \"blue\"\n"              /* 16 */
	                           "\n"                               /* 17 */
	                           "[mailboxes.third]\n"              /* 18 */
	                           "owner = \"daemon\"\n"             /* 19 */
	                           "trust = \"maybe\"\n";             /* 20 */
	int failed_before = unit_failed;
	struct config c;
	struct config_report r;
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	CHECK(config_parse(text, strlen(text), "t.toml", &c, &r) == -1);
	CHECK(r.nerrors >= 7);
	CHECK(find_issue(r.errors, r.nerrors, 2, "trust",
	                 "invalid top-level trust value 'sometimes'"));
	CHECK(find_issue(r.errors, r.nerrors, 6, "mailboxes.support.owner", "invalid owner 'Bob'"));
	CHECK(
	    find_issue(r.errors, r.nerrors, 10, "mailboxes.support.hooks[0].cmd", "non-absolute"));
	CHECK(find_issue(r.errors, r.nerrors, 11, "mailboxes.support.hooks[0].timeout_secs",
	                 "must be > 0"));
	CHECK(find_issue(r.errors, r.nerrors, 16, "mailboxes.other.colour", "unknown key"));
	CHECK(find_issue(r.errors, r.nerrors, 18, "mailboxes.third.address", "missing"));
	CHECK(find_issue(r.errors, r.nerrors, 20, "mailboxes.third.trust",
	                 "invalid trust value 'maybe'"));
	if (failed_before != unit_failed)
		dump_report(&r);
	free_both(&c, &r);

	/* A syntax error does not hide the problems after it. */
	static const char text2[] = "domain = \"test.com\"\n"          /* 1 */
	                            "garbage here\n"                   /* 2 */
	                            "\n"                               /* 3 */
	                            "[mailboxes.support]\n"            /* 4 */
	                            "address = \"support@test.com\"\n" /* 5 */
	                            "owner = \"root\"\n";              /* 6 */
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	CHECK(config_parse(text2, strlen(text2), "t.toml", &c, &r) == -1);
	CHECK(find_issue(r.errors, r.nerrors, 2, KEY_ANY, NULL) != NULL);
	CHECK(find_issue(r.errors, r.nerrors, 6, "mailboxes.support.owner",
	                 "cannot be owned by root"));
	free_both(&c, &r);
}

/* ---------- files ---------- */

static void test_load_files(void)
{
	struct config c;
	struct config_report r;
	const char *missing = "/nonexistent-aimx-test-dir/config.toml";
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	CHECK(config_load(missing, &c, &r) == -1);
	CHECK(r.nerrors == 1);
	if (r.nerrors) {
		CHECK_CONTAINS(
		    r.errors[0].message,
		    "Config file not found at /nonexistent-aimx-test-dir/config.toml. Run "
		    "'sudo aimx setup' first");
		CHECK_STR(r.errors[0].file, missing);
		CHECK(r.errors[0].line == 0);
		CHECK(!r.errors[0].key || !r.errors[0].key[0]);
	}
	free_both(&c, &r);

	/* Other I/O errors pass through with the system's words (a directory here; chmod 000
	 * proves nothing as root, so the EACCES case runs only when not root). */
	const char *dir = unit_tmpdir("cfgload");
	memset(&r, 0, sizeof(r));
	CHECK(config_load(dir, &c, &r) == -1);
	CHECK(r.nerrors >= 1);
	if (r.nerrors) {
		CHECK_CONTAINS(r.errors[0].message, strerror(EISDIR));
		CHECK(strstr(r.errors[0].message, "not found") == NULL);
	}
	free_both(&c, &r);
	if (geteuid() != 0) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/config.toml", dir);
		FILE *f = fopen(path, "w");
		if (f) {
			fputs("domain = \"x\"\n", f);
			fclose(f);
			chmod(path, 0);
			memset(&r, 0, sizeof(r));
			CHECK(config_load(path, &c, &r) == -1);
			CHECK(r.nerrors >= 1 &&
			      contains_any(r.errors[0].message, strerror(EACCES)));
			free_both(&c, &r);
			unlink(path);
		}
	}
	rmdir(dir);
}

static void test_report_print(void)
{
	struct config c;
	struct config_report r;
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	static const char text[] = "domain = \"test.com\"\ntrust = \"verfied\"\n";
	CHECK(config_parse(text, strlen(text), "cfg/config.toml", &c, &r) == -1);
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	if (!f) {
		CHECK(!"open_memstream");
		free_both(&c, &r);
		return;
	}
	config_report_print(&r, f);
	fclose(f);
	CHECK_CONTAINS(out, "cfg/config.toml:2: trust: invalid top-level trust value 'verfied'");
	free(out);
	free_both(&c, &r);

	/* LINE and KEY are left out when unknown. */
	memset(&r, 0, sizeof(r));
	CHECK(config_load("/nonexistent-aimx-test-dir/c.toml", &c, &r) == -1);
	out = NULL;
	f = open_memstream(&out, &outlen);
	if (f) {
		config_report_print(&r, f);
		fclose(f);
		CHECK_CONTAINS(out, "/nonexistent-aimx-test-dir/c.toml: Config file not found at");
		CHECK(strstr(out, "c.toml:0") == NULL);
		free(out);
	}
	free_both(&c, &r);
}

/* ---------- round trip and canonical form ---------- */

static void test_round_trip_fixtures(void)
{
	static const char *const files[] = {
	    FIX "upstream-minimal.toml", FIX "upstream-verified.toml", FIX "upstream-hooks.toml",
	    FIX "upstream-full.toml",    FIX "handedit-defaults.toml",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct config c;
		struct config_report r;
		if (LOAD_OK(files[i], &c, &r) == 0)
			free(ROUND_TRIP(&c));
		free_both(&c, &r);
	}
}

/* Files already in upstream's canonical shape come back byte for byte. */
static void test_canonical_upstream_files(void)
{
	static const char *const files[] = {
	    FIX "upstream-minimal.toml",
	    FIX "upstream-verified.toml",
	    FIX "upstream-hooks.toml",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct config c;
		struct config_report r;
		size_t len = 0;
		char *want = slurp(files[i], &len);
		CHECK(want != NULL);
		if (want && LOAD_OK(files[i], &c, &r) == 0) {
			struct buf out = BUF_INIT;
			CHECK(config_serialize(&c, &out) == 0);
			if (out.data && out.len == len && memcmp(out.data, want, len) == 0) {
				pass();
			} else {
				unit_fail(__FILE__, __LINE__,
				          "canonical output differs from the upstream file");
				fprintf(stderr,
				        "    file: %s\n----- got -----\n%s----- want "
				        "-----\n%s---------\n",
				        files[i], out.data ? out.data : "(null)", want);
			}
			buf_free(&out);
			free_both(&c, &r);
		}
		free(want);
	}
}

static void test_canonical_defaults_omitted(void)
{
	static const char want[] = "domain = \"example.net\"\n"
	                           "data_dir = \"/var/lib/aimx\"\n"
	                           "dkim_selector = \"aimx\"\n"
	                           "enable_ipv6 = false\n"
	                           "signature = \"\"\n"
	                           "\n"
	                           "[mailboxes.bot]\n"
	                           "address = \"bot@example.net\"\n"
	                           "owner = \"daemon\"\n"
	                           "\n"
	                           "[[mailboxes.bot.hooks]]\n"
	                           "event = \"on_receive\"\n"
	                           "type = \"cmd\"\n"
	                           "cmd = [\n"
	                           "    \"/bin/true\",\n"
	                           "]\n"
	                           "\n"
	                           "[mailboxes.catchall]\n"
	                           "address = \"*@example.net\"\n"
	                           "owner = \"aimx-catchall\"\n";
	struct config c;
	struct config_report r;
	if (LOAD_OK(FIX "handedit-defaults.toml", &c, &r) == 0) {
		struct buf out = BUF_INIT;
		CHECK(config_serialize(&c, &out) == 0);
		CHECK_STR(out.data, want);
		buf_free(&out);
	}
	free_both(&c, &r);
}

static void test_canonical_full(void)
{
	struct config c;
	struct config_report r;
	if (LOAD_OK(FIX "upstream-full.toml", &c, &r) != 0) {
		free_both(&c, &r);
		return;
	}
	char *s = ROUND_TRIP(&c);
	free_both(&c, &r);
	if (!s)
		return;
	static const char prefix[] =
	    "domain = \"agent.example.com\"\ndata_dir = \"/var/lib/aimx\"\n"
	    "dkim_selector = \"aimx\"\ntrust = \"verified\"\ntrusted_senders = [\n"
	    "    \"*@example.com\",\n    \"boss@gmail.com\",\n]\n"
	    "verify_host = \"https://verify.example.com\"\nenable_ipv6 = true\nsignature = ";
	CHECK(strncmp(s, prefix, strlen(prefix)) == 0);
	CHECK(s[0] != '#' && strstr(s, "\n#") == NULL); /* comments are not kept */
	CHECK_CONTAINS(
	    s, "\n\n[mailboxes.catchall]\naddress = \"*@AGENT.example.com\"\nowner = \"root\"\n"
	       "allow_root_catchall = true\n\n");
	/* A mailbox's explicit trust = "none" is kept (only the top-level default is omitted). */
	CHECK_CONTAINS(
	    s, "[mailboxes.ops]\naddress = \"ops@agent.example.com\"\nowner = \"daemon\"\n"
	       "trust = \"none\"\n\n[[mailboxes.ops.hooks]]\nname = \"ops.notify-1\"\n"
	       "event = \"on_receive\"\ntype = \"cmd\"\ncmd = [\n    \"/usr/bin/printf\",\n");
	CHECK_CONTAINS(s, "]\nfire_on_untrusted = true\ntimeout_secs = 600\n");
	CHECK_CONTAINS(
	    s, "\n\n[[mailboxes.ops.hooks]]\nevent = \"after_send\"\ntype = \"cmd\"\ncmd = [\n"
	       "    \"/bin/true\",\n]\ntimeout_secs = 1\n");
	/* An explicit empty list on a mailbox is kept: it replaces the global list. */
	CHECK_CONTAINS(
	    s, "\n\n[mailboxes.\"team.lead\"]\naddress = \"team.lead@agent.example.com\"\n"
	       "owner = \"nobody\"\ntrusted_senders = []\n\n[[mailboxes.\"team.lead\".hooks]]\n"
	       "event = \"on_receive\"\ntype = \"cmd\"\ncmd = [\n    \"/bin/sh\",\n    \"-c\",\n"
	       "    'cat > \"/tmp/team lead.md\"',\n]\n");
	CHECK(count_substr(s, "timeout_secs = 60\n") == 0);
	CHECK(count_substr(s, "fire_on_untrusted = false") == 0);
	CHECK(count_substr(s, "type = \"cmd\"") == 3);
	/* [upgrade] comes last, after the mailboxes, as upstream's field order puts it. */
	const char *up =
	    strstr(s, "\n\n[upgrade]\nrelease_manifest_url = \"file:///srv/aimx/manifest.json\"\n");
	CHECK(up != NULL);
	if (up)
		CHECK(strstr(up, "[mailboxes") == NULL && up[strlen(up) - 1] == '\n' &&
		      strcmp(up + strlen(up) - 2, "\n\n") != 0);
	free(s);
}

/* Build a config in code: everything off the defaults, then everything on them. */
static struct hook make_hook(const char *name, enum hook_event ev, const char *const *cmd, size_t n,
                             int fire, unsigned timeout)
{
	struct hook h;
	memset(&h, 0, sizeof(h));
	h.name = name ? xstrdup(name) : NULL;
	h.event = ev;
	h.type = xstrdup("cmd");
	for (size_t i = 0; i < n; i++)
		if (strlist_push(&h.cmd, cmd[i]) != 0)
			exit(2);
	h.fire_on_untrusted = fire;
	h.timeout_secs = timeout;
	return h;
}

static void build_config(struct config *c, int everything)
{
	memset(c, 0, sizeof(*c));
	c->domain = xstrdup("x.test");
	c->data_dir = xstrdup(everything ? "/data" : "/var/lib/aimx");
	c->dkim_selector = xstrdup(everything ? "sel" : "aimx");
	c->mailboxes = calloc(2, sizeof(*c->mailboxes));
	if (!c->mailboxes)
		exit(2);
	c->nmailboxes = 2;
	struct mailbox *ca = &c->mailboxes[0], *bot = &c->mailboxes[1];
	ca->name = xstrdup("catchall");
	ca->address = xstrdup("*@x.test");
	ca->owner = xstrdup(everything ? "root" : "aimx-catchall");
	bot->name = xstrdup("bot");
	bot->address = xstrdup("bot@x.test");
	bot->owner = xstrdup("daemon");
	if (!everything)
		return;
	c->trust = TRUST_VERIFIED;
	strlist_push(&c->trusted_senders, "*@x.test");
	strlist_push(&c->trusted_senders, "a@b.c");
	c->verify_host = xstrdup("https://v.x.test");
	c->enable_ipv6 = 1;
	c->signature = xstrdup("Thanks");
	c->upgrade_release_manifest_url = xstrdup("https://example.com/m.json");
	ca->allow_root_catchall = 1;
	bot->has_trust = 1;
	bot->trust = TRUST_NONE;
	bot->has_trusted_senders = 1;
	static const char *const echo[] = {"/bin/echo", "hi"};
	static const char *const truecmd[] = {"/bin/true"};
	bot->hooks = calloc(2, sizeof(*bot->hooks));
	if (!bot->hooks)
		exit(2);
	bot->nhooks = 2;
	bot->hooks[0] = make_hook("h1", HOOK_AFTER_SEND, echo, 2, 0, 5);
	bot->hooks[1] = make_hook(NULL, HOOK_ON_RECEIVE, truecmd, 1, 1, 60);
}

static void test_canonical_in_memory(void)
{
	static const char want_plain[] = "domain = \"x.test\"\n"
	                                 "data_dir = \"/var/lib/aimx\"\n"
	                                 "dkim_selector = \"aimx\"\n"
	                                 "enable_ipv6 = false\n"
	                                 "\n"
	                                 "[mailboxes.bot]\n"
	                                 "address = \"bot@x.test\"\n"
	                                 "owner = \"daemon\"\n"
	                                 "\n"
	                                 "[mailboxes.catchall]\n"
	                                 "address = \"*@x.test\"\n"
	                                 "owner = \"aimx-catchall\"\n";
	static const char want_all[] = "domain = \"x.test\"\n"
	                               "data_dir = \"/data\"\n"
	                               "dkim_selector = \"sel\"\n"
	                               "trust = \"verified\"\n"
	                               "trusted_senders = [\n"
	                               "    \"*@x.test\",\n"
	                               "    \"a@b.c\",\n"
	                               "]\n"
	                               "verify_host = \"https://v.x.test\"\n"
	                               "enable_ipv6 = true\n"
	                               "signature = \"Thanks\"\n"
	                               "\n"
	                               "[mailboxes.bot]\n"
	                               "address = \"bot@x.test\"\n"
	                               "owner = \"daemon\"\n"
	                               "trust = \"none\"\n"
	                               "trusted_senders = []\n"
	                               "\n"
	                               "[[mailboxes.bot.hooks]]\n"
	                               "name = \"h1\"\n"
	                               "event = \"after_send\"\n"
	                               "type = \"cmd\"\n"
	                               "cmd = [\n"
	                               "    \"/bin/echo\",\n"
	                               "    \"hi\",\n"
	                               "]\n"
	                               "timeout_secs = 5\n"
	                               "\n"
	                               "[[mailboxes.bot.hooks]]\n"
	                               "event = \"on_receive\"\n"
	                               "type = \"cmd\"\n"
	                               "cmd = [\n"
	                               "    \"/bin/true\",\n"
	                               "]\n"
	                               "fire_on_untrusted = true\n"
	                               "\n"
	                               "[mailboxes.catchall]\n"
	                               "address = \"*@x.test\"\n"
	                               "owner = \"root\"\n"
	                               "allow_root_catchall = true\n"
	                               "\n"
	                               "[upgrade]\n"
	                               "release_manifest_url = \"https://example.com/m.json\"\n";
	struct config c;
	struct config_report r;
	struct buf out = BUF_INIT;

	build_config(&c, 0);
	CHECK(config_serialize(&c, &out) == 0);
	CHECK_STR(out.data, want_plain);
	buf_free(&out);
	config_free(&c);

	build_config(&c, 1);
	memset(&r, 0, sizeof(r));
	/* Validation of a config built in code fills effective names; line 0 everywhere. */
	CHECK(config_validate(&c, "mem.toml", &r) == 0);
	CHECK(r.nerrors == 0);
	CHECK_STR(c.mailboxes[1].hooks[0].effective_name, "h1");
	CHECK_STR(c.mailboxes[1].hooks[1].effective_name, DERIVED_TRUE_FIRE);
	CHECK(config_serialize(&c, &out) == 0);
	CHECK_STR(out.data, want_all);
	buf_free(&out);
	config_report_free(&r);

	/* An in-memory change that breaks a rule is caught by config_validate (line 0). */
	free(c.mailboxes[1].hooks[0].cmd.v[0]);
	c.mailboxes[1].hooks[0].cmd.v[0] = xstrdup("echo");
	memset(&r, 0, sizeof(r));
	CHECK(config_validate(&c, "mem.toml", &r) == -1);
	CHECK(find_issue(r.errors, r.nerrors, 0, "mailboxes.bot.hooks[0].cmd",
	                 "non-absolute `cmd[0]` 'echo'"));
	config_report_free(&r);
	config_free(&c);
}

/* Strings that need escaping, quoting or a literal form survive a write and a read. */
static void test_round_trip_strings(void)
{
	static const char *const nasty[] = {
	    "/bin/printf",
	    "double \" quote",
	    "single ' quote",
	    "both ' and \"",
	    "back\\slash",
	    "back\\slash and \"quote\"",
	    "'''triple'''",
	    "\"\"\"triple\"\"\"",
	    "tab\there",
	    "new\nline",
	    "trailing newline\n",
	    "cr\rhere",
	    "ctrl \x01 \x1f \x7f",
	    "# hash",
	    "] bracket [",
	    "",
	    "  spaces  ",
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
	    "a = b",
	};
	struct config c;
	build_config(&c, 0);
	struct mailbox *bot = &c.mailboxes[1];
	bot->hooks = calloc(1, sizeof(*bot->hooks));
	if (!bot->hooks)
		exit(2);
	bot->nhooks = 1;
	bot->hooks[0] =
	    make_hook(NULL, HOOK_ON_RECEIVE, nasty, sizeof(nasty) / sizeof(nasty[0]), 0, 60);
	c.signature = xstrdup("Line one\nLine \"two\"\n\\ end\t'x'");
	c.verify_host = xstrdup("http://v.x.test/with'quote");
	struct config_report r;
	memset(&r, 0, sizeof(r));
	CHECK(config_validate(&c, "mem.toml", &r) == 0);
	config_report_free(&r);
	free(ROUND_TRIP(&c));
	config_free(&c);

	/* Mailbox names that need quoting in a header. */
	build_config(&c, 0);
	free(c.mailboxes[1].name);
	c.mailboxes[1].name = xstrdup("a.b");
	memset(&r, 0, sizeof(r));
	CHECK(config_validate(&c, "mem.toml", &r) == 0); /* fills `inactive` */
	config_report_free(&r);
	struct buf out = BUF_INIT;
	CHECK(config_serialize(&c, &out) == 0);
	CHECK_CONTAINS(out.data, "\n[mailboxes.\"a.b\"]\n");
	buf_free(&out);
	free(ROUND_TRIP(&c));
	config_free(&c);
}

/* ---------- atomic save ---------- */

static int dir_entries(const char *dir, char *names, size_t cap)
{
	DIR *d = opendir(dir);
	int n = 0;
	names[0] = '\0';
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		size_t used = strlen(names);
		snprintf(names + used, cap - used, "%s ", e->d_name);
	}
	closedir(d);
	return n;
}

static void test_save(void)
{
	const char *tmp = unit_tmpdir("cfgsave");
	char dir[4096], path[4200], old[4200], names[1024];
	snprintf(dir, sizeof(dir), "%s", tmp);
	snprintf(path, sizeof(path), "%s/config.toml", dir);
	snprintf(old, sizeof(old), "%s/old.toml", dir);

	struct config c;
	struct config_report r;
	if (LOAD_OK(FIX "upstream-full.toml", &c, &r) != 0) {
		free_both(&c, &r);
		rmdir(dir);
		return;
	}
	config_report_free(&r);
	struct buf want = BUF_INIT;
	CHECK(config_serialize(&c, &want) == 0);

	mode_t um = umask(077);
	errno = 0;
	CHECK(config_save(&c, path) == 0);
	umask(um);
	struct stat st;
	CHECK(stat(path, &st) == 0);
	CHECK((st.st_mode & 07777) == 0640); /* DECISIONS 13: 0640 even under umask 077 */
	if (geteuid() == 0)
		CHECK(st.st_uid == 0 && st.st_gid == 0);
	size_t len = 0;
	char *got = slurp(path, &len);
	CHECK(got && len == want.len && memcmp(got, want.data, len) == 0);
	free(got);
	CHECK(dir_entries(dir, names, sizeof(names)) == 1);
	CHECK_STR(names, "config.toml ");

	/* A rewrite replaces the file (a hard link to the old one keeps the old bytes) and
	 * restores 0640 on a file that had drifted to 0600. */
	CHECK(chmod(path, 0600) == 0);
	CHECK(link(path, old) == 0);
	struct stat before;
	CHECK(stat(path, &before) == 0);
	free(c.verify_host);
	c.verify_host = xstrdup("https://changed.example.com");
	um = umask(022);
	CHECK(config_save(&c, path) == 0);
	umask(um);
	CHECK(stat(path, &st) == 0);
	CHECK((st.st_mode & 07777) == 0640);
	CHECK(st.st_ino != before.st_ino);
	got = slurp(path, &len);
	CHECK(got && strstr(got, "\nverify_host = \"https://changed.example.com\"\n"));
	free(got);
	got = slurp(old, &len);
	CHECK(got && len == want.len && memcmp(got, want.data, len) == 0);
	free(got);
	CHECK(dir_entries(dir, names, sizeof(names)) == 2);

	/* The saved file loads back equal. */
	struct config c2;
	if (LOAD_OK(path, &c2, &r) == 0) {
		const char *why = NULL;
		CHECK(config_eq(&c, &c2, &why));
		if (why)
			fprintf(stderr, "    differs in %s\n", why);
	}
	free_both(&c2, &r);

	/* A directory that does not exist: -1 with errno, nothing left behind. */
	char bad[4300];
	snprintf(bad, sizeof(bad), "%s/missing/config.toml", dir);
	errno = 0;
	CHECK(config_save(&c, bad) == -1);
	CHECK(errno == ENOENT);
	CHECK(dir_entries(dir, names, sizeof(names)) == 2);

	buf_free(&want);
	config_free(&c);
	unlink(path);
	unlink(old);
	rmdir(dir);
}

/* ---------- robustness ---------- */

static void expect_no_crash_at(int at, const char *text, size_t len, int must_fail)
{
	struct config c;
	struct config_report r;
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	int rc = config_parse(text, len, "t.toml", &c, &r);
	if ((rc == -1) != (r.nerrors > 0) || (rc != 0 && rc != -1))
		unit_fail(__FILE__, at, "rc and error count disagree");
	else if (must_fail && rc != -1)
		unit_fail(__FILE__, at, "expected the input to be rejected");
	else
		pass();
	free_both(&c, &r);
}
#define EXPECT_NO_CRASH(text, len, must_fail) expect_no_crash_at(__LINE__, text, len, must_fail)

static char *crlf(const char *s, size_t len, size_t *outlen)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			buf_append_char(&b, '\r');
		buf_append_char(&b, s[i]);
	}
	*outlen = b.len;
	return buf_steal(&b);
}

static void test_robust_line_endings_bom(void)
{
	size_t len = 0, clen = 0;
	char *lf = slurp(FIX "upstream-full.toml", &len);
	CHECK(lf != NULL);
	if (!lf)
		return;
	char *cr = crlf(lf, len, &clen);
	struct config a, b;
	struct config_report ra, rb;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&ra, 0, sizeof(ra));
	memset(&rb, 0, sizeof(rb));
	CHECK(config_parse(lf, len, "lf.toml", &a, &ra) == 0);
	int rc = config_parse(cr, clen, "crlf.toml", &b, &rb);
	CHECK(rc == 0);
	if (rc != 0)
		dump_report(&rb);
	if (rc == 0 && a.signature && b.signature) {
		/* TOML lets a parser normalise the newline inside a multi-line string. */
		struct buf norm = BUF_INIT;
		for (const char *p = b.signature; *p; p++)
			if (*p != '\r')
				buf_append_char(&norm, *p);
		CHECK_STR(norm.data, a.signature);
		buf_free(&norm);
		free(b.signature);
		b.signature = xstrdup(a.signature);
		const char *why = NULL;
		CHECK(config_eq(&a, &b, &why));
		if (why)
			fprintf(stderr, "    CRLF load differs in %s\n", why);
		CHECK(b.key_line[TOPK_UPGRADE_MANIFEST] == 61);
	}
	free_both(&a, &ra);
	free_both(&b, &rb);
	free(cr);

	/* UTF-8 byte order mark. */
	struct buf bom = BUF_INIT;
	buf_append_str(&bom, "\xEF\xBB\xBF");
	buf_append(&bom, lf, len);
	memset(&b, 0, sizeof(b));
	memset(&rb, 0, sizeof(rb));
	rc = config_parse(bom.data, bom.len, "bom.toml", &b, &rb);
	CHECK(rc == 0);
	if (rc == 0) {
		CHECK_STR(b.domain, "agent.example.com");
		CHECK(b.key_line[TOPK_DOMAIN] == 3);
	} else {
		dump_report(&rb);
	}
	free_both(&b, &rb);
	buf_free(&bom);
	free(lf);
}

static void test_robust_hostile(void)
{
	/* Empty and comment-only files: domain is missing. */
	EXPECT_ERROR("", 0, "domain", "domain");
	EXPECT_ERROR("\n\n# nothing here\n   \n", 0, "domain", "domain");

	/* NUL bytes. */
	static const char nul_in_string[] = "domain = \"a\0b\"\n";
	EXPECT_NO_CRASH(nul_in_string, sizeof(nul_in_string) - 1, 1);
	static const char nul_in_key[] = "dom\0ain = \"a\"\n";
	EXPECT_NO_CRASH(nul_in_key, sizeof(nul_in_key) - 1, 1);
	static const char nul_alone[] = "\0\0\0\0";
	EXPECT_NO_CRASH(nul_alone, sizeof(nul_alone) - 1, 1);
	static const char nul_after[] = T_MB "\0[mailboxes.x]\n";
	EXPECT_NO_CRASH(nul_after, sizeof(nul_after) - 1, 1);

	/* A 2 MB line: either read whole or rejected at line 1, never a crash. */
	size_t big = 2 * 1024 * 1024;
	struct buf b = BUF_INIT;
	buf_append_str(&b, "domain = \"");
	for (size_t i = 0; i < big; i++)
		buf_append_char(&b, 'a');
	buf_append_str(&b,
	               "\"\n\n[mailboxes.support]\naddress = \"s@test.com\"\nowner = \"daemon\"\n");
	CHECK(b.len > big);
	{
		struct config c;
		struct config_report r;
		memset(&c, 0, sizeof(c));
		memset(&r, 0, sizeof(r));
		int rc = config_parse(b.data, b.len, "big.toml", &c, &r);
		CHECK((rc == 0 && c.domain && strlen(c.domain) == big) ||
		      (rc == -1 && find_issue(r.errors, r.nerrors, 1, KEY_ANY, NULL)));
		free_both(&c, &r);
	}
	buf_reset(&b);
	/* 2 MB of garbage with no newline at all. */
	for (size_t i = 0; i < big; i++)
		buf_append_char(&b, (char)('!' + i % 90));
	EXPECT_NO_CRASH(b.data, b.len, 1);
	buf_reset(&b);
	/* 2 MB array on one line. */
	buf_append_str(&b, "domain = \"t\"\ntrusted_senders = [");
	while (b.len < big)
		buf_append_str(&b, "\"a@b.c\",");
	buf_append_str(&b, "]\n");
	EXPECT_NO_CRASH(b.data, b.len, 0);
	buf_reset(&b);

	/* Deep nesting: headers and values. */
	for (int i = 0; i < 100000; i++)
		buf_append_char(&b, '[');
	buf_append_char(&b, '\n');
	EXPECT_NO_CRASH(b.data, b.len, 1);
	buf_reset(&b);
	buf_append_str(&b, "domain = \"t\"\ntrusted_senders = ");
	for (int i = 0; i < 100000; i++)
		buf_append_char(&b, '[');
	for (int i = 0; i < 100000; i++)
		buf_append_char(&b, ']');
	buf_append_char(&b, '\n');
	EXPECT_NO_CRASH(b.data, b.len, 1);
	buf_reset(&b);
	buf_append_str(&b, "domain = \"t\"\ntrusted_senders = ");
	for (int i = 0; i < 100000; i++)
		buf_append_char(&b, '[');
	buf_append_char(&b, '\n');
	EXPECT_NO_CRASH(b.data, b.len, 1);
	buf_reset(&b);
	for (int i = 0; i < 50000; i++)
		buf_append_str(&b, "[[");
	for (int i = 0; i < 50000; i++)
		buf_append_str(&b, "]]");
	buf_append_char(&b, '\n');
	EXPECT_NO_CRASH(b.data, b.len, 1);
	buf_reset(&b);
	/* Many lines, many mailboxes. */
	buf_append_str(&b, "domain = \"test.com\"\n");
	for (int i = 0; i < 2000; i++)
		buf_printf(&b,
		           "\n[mailboxes.m%d]\naddress = \"m%d@test.com\"\nowner = \"nobody\"\n", i,
		           i);
	{
		struct config c;
		struct config_report r;
		if (PARSE_OK(b.data, &c, &r) == 0) {
			CHECK(c.nmailboxes == 2000);
			CHECK(config_find_mailbox(&c, "m1999") != NULL);
			CHECK(c.nmailboxes == 2000 && c.mailboxes[1999].line == 3 + 1999 * 4);
		}
		free_both(&c, &r);
	}
	buf_free(&b);
	/* A lone quote, lone brackets, lone escapes. */
	static const char *const odd[] = {
	    "\"",
	    "'",
	    "[",
	    "]",
	    "[[",
	    "]]",
	    "=",
	    "\"\"\"",
	    "'''",
	    "\\",
	    "domain = \"\\",
	    "domain = \"\\u",
	    "domain = \"\\U0011FFFF\"",
	    "domain = [",
	    "domain = [\"a\",",
	    "[mailboxes.\"unterminated]\n",
	    "[mailboxes.'x]\n",
	    "[mailboxes.\"\"]\n",
	    "[ mailboxes . support ]\n",
	    "\r",
	    "\r\r\n",
	    "domain = {",
	    "domain = { a = 1 }\n",
	};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		EXPECT_NO_CRASH(odd[i], strlen(odd[i]), 1);
	EXPECT_NO_CRASH("domain = \"t\"\r", strlen("domain = \"t\"\r"), 0);
}

/* Deterministic mutations of the full fixture: never a crash, rc agrees with the errors,
 * and anything accepted survives a write and a read unchanged. */
static void test_robust_mutations(void)
{
	size_t len = 0;
	char *base = slurp(FIX "upstream-full.toml", &len);
	CHECK(base != NULL);
	if (!base)
		return;
	static const char alphabet[] = "\"'[]=\n#\\,{} x.\t\r\0uU0";
	uint32_t seed = 0x12345678u;
	int bad = 0, accepted = 0;
	char *mut = malloc(len + 64);
	if (!mut) {
		free(base);
		return;
	}
	for (int iter = 0; iter < 3000; iter++) {
		memcpy(mut, base, len);
		size_t mlen = len;
		int edits = 1 + iter % 3;
		for (int e = 0; e < edits && mlen > 0; e++) {
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			size_t pos = seed % mlen;
			char ch = alphabet[(seed >> 8) % (sizeof(alphabet) - 1)];
			switch ((seed >> 4) % 4) {
			case 0:
				mut[pos] = ch;
				break;
			case 1:
				memmove(mut + pos, mut + pos + 1, mlen - pos - 1);
				mlen--;
				break;
			case 2:
				memmove(mut + pos + 1, mut + pos, mlen - pos);
				mut[pos] = ch;
				mlen++;
				break;
			default:
				mlen = pos;
				break;
			}
		}
		struct config c;
		struct config_report r;
		memset(&c, 0, sizeof(c));
		memset(&r, 0, sizeof(r));
		int rc = config_parse(mut, mlen, "m.toml", &c, &r);
		int ok = (rc == 0 && r.nerrors == 0) || (rc == -1 && r.nerrors > 0);
		for (size_t i = 0; ok && i < r.nerrors; i++)
			ok = r.errors[i].message && r.errors[i].message[0] && r.errors[i].line >= 0;
		if (ok && rc == 0) {
			accepted++;
			struct buf s = BUF_INIT;
			struct config c2;
			struct config_report r2;
			memset(&c2, 0, sizeof(c2));
			memset(&r2, 0, sizeof(r2));
			const char *why = NULL;
			ok = config_serialize(&c, &s) == 0 &&
			     config_parse(s.data, s.len, "m2.toml", &c2, &r2) == 0 &&
			     config_eq(&c, &c2, &why);
			if (!ok && bad == 0)
				fprintf(stderr,
				        "    accepted mutation does not round-trip "
				        "(%s):\n%.*s\n----\n%s\n",
				        why ? why : "reparse", (int)mlen, mut,
				        s.data ? s.data : "");
			buf_free(&s);
			free_both(&c2, &r2);
		}
		if (!ok)
			bad++;
		free_both(&c, &r);
	}
	CHECK(bad == 0);
	if (bad)
		fprintf(stderr, "    %d of 3000 mutations misbehaved (%d accepted)\n", bad,
		        accepted);
	free(mut);
	free(base);
}

/* ---------- small pure functions ---------- */

static void test_names(void)
{
	CHECK(config_hook_name_valid("a"));
	CHECK(config_hook_name_valid("_x"));
	CHECK(config_hook_name_valid("0"));
	CHECK(config_hook_name_valid("Support.Log-1_x"));
	char n[HOOK_NAME_MAX + 2];
	memset(n, 'a', sizeof(n));
	n[HOOK_NAME_MAX] = '\0';
	CHECK(config_hook_name_valid(n));
	n[HOOK_NAME_MAX] = 'a';
	n[HOOK_NAME_MAX + 1] = '\0';
	CHECK(!config_hook_name_valid(n));
	CHECK(!config_hook_name_valid(""));
	CHECK(!config_hook_name_valid(".a"));
	CHECK(!config_hook_name_valid("-a"));
	CHECK(!config_hook_name_valid("a b"));
	CHECK(!config_hook_name_valid("a/b"));
	CHECK(!config_hook_name_valid("\xc3\xa9"));

	CHECK(config_owner_name_valid("root"));
	CHECK(config_owner_name_valid("aimx-catchall"));
	CHECK(config_owner_name_valid("daemon"));
	CHECK(config_owner_name_valid("_svc"));
	CHECK(config_owner_name_valid("smb-host$"));
	CHECK(config_owner_name_valid("a_b-c9"));
	char o[OWNER_NAME_MAX + 2];
	memset(o, 'u', sizeof(o));
	o[OWNER_NAME_MAX] = '\0';
	CHECK(config_owner_name_valid(o));
	o[OWNER_NAME_MAX] = 'u';
	o[OWNER_NAME_MAX + 1] = '\0';
	CHECK(!config_owner_name_valid(o));
	CHECK(!config_owner_name_valid(""));
	CHECK(!config_owner_name_valid("Bob"));
	CHECK(!config_owner_name_valid("1abc"));
	CHECK(!config_owner_name_valid("-abc"));
	CHECK(!config_owner_name_valid("a$b"));
	CHECK(!config_owner_name_valid("a b"));
	CHECK(!config_owner_name_valid("$"));

	CHECK(config_mailbox_name_invalid("support") == NULL);
	CHECK(config_mailbox_name_invalid("a.b") == NULL);
	CHECK(config_mailbox_name_invalid("a-b_c.9") == NULL);
	static const char *const badnames[] = {"",    "A",   "a b",      "a..b",
	                                       ".a",  "a.",  "catchall", "aimx-catchall",
	                                       "a/b", "a@b", "\xc3\xa9"};
	for (size_t i = 0; i < sizeof(badnames) / sizeof(badnames[0]); i++) {
		const char *why = config_mailbox_name_invalid(badnames[i]);
		CHECK(why != NULL && why[0] != '\0');
	}

	CHECK_STR(config_trust_mode_name(TRUST_NONE), "none");
	CHECK_STR(config_trust_mode_name(TRUST_VERIFIED), "verified");
	CHECK_STR(config_hook_event_name(HOOK_ON_RECEIVE), "on_receive");
	CHECK_STR(config_hook_event_name(HOOK_AFTER_SEND), "after_send");
}

static void test_derive_name(void)
{
	static const char *const truecmd[] = {"/bin/true"};
	static const char *const claude[] = {"/usr/local/bin/claude", "-p",
	                                     "Read the piped email and act on it."};
	static const char *const logger[] = {"/usr/bin/logger", "-t", "aimx"};
	struct {
		enum hook_event ev;
		const char *const *cmd;
		size_t n;
		int fire;
		const char *want;
	} cases[] = {
	    {HOOK_ON_RECEIVE, truecmd, 1, 0, DERIVED_TRUE_RECEIVE},
	    {HOOK_ON_RECEIVE, truecmd, 1, 1, DERIVED_TRUE_FIRE},
	    {HOOK_AFTER_SEND, truecmd, 1, 0, DERIVED_TRUE_SEND},
	    {HOOK_ON_RECEIVE, claude, 3, 1, DERIVED_CLAUDE},
	    {HOOK_AFTER_SEND, logger, 3, 0, DERIVED_LOGGER},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hook h =
		    make_hook(NULL, cases[i].ev, cases[i].cmd, cases[i].n, cases[i].fire, 60);
		char out[HOOK_DERIVED_LEN + 1];
		memset(out, 'Z', sizeof(out));
		config_hook_derive_name(&h, out);
		CHECK_STR(out, cases[i].want);
		CHECK(config_hook_name_valid(out));
		free(h.name);
		free(h.type);
		strlist_free(&h.cmd);
	}
	struct strlist l = {NULL, 0};
	CHECK(strlist_push(&l, "a") == 0 && strlist_push(&l, "") == 0);
	CHECK(l.n == 2 && strcmp(l.v[0], "a") == 0 && l.v[1][0] == '\0');
	strlist_free(&l);
	CHECK(l.n == 0);
}

/* [limits]: defaults when absent, values and lines when set, ranges and types checked, the
 * writer keeping exactly the keys set, the dotted form. */
static void test_limits(void)
{
	struct config c;
	struct config_report r;
	static const char text[] = "domain = \"test.com\"\n\n[limits]\nmax_message_size = 1048576\n"
				   "smtp_max_per_ip = 3\n";
	CHECK(PARSE_OK("domain = \"test.com\"\n", &c, &r) == 0);
	CHECK(config_limits_get(&c.limits, LIMK_MAX_MESSAGE_SIZE) == 26214400);
	CHECK(config_limits_get(&c.limits, LIMK_SMTP_MAX_PER_IP) == 20);
	CHECK(config_limits_get(&c.limits, LIMK_CONTROL_MAX_PER_UID) == 32);
	CHECK(config_limits_get(NULL, LIMK_SMTP_IDLE_TIMEOUT) == 300);
	config_free(&c);
	config_report_free(&r);
	CHECK(PARSE_OK(text, &c, &r) == 0);
	CHECK(config_limits_get(&c.limits, LIMK_MAX_MESSAGE_SIZE) == 1048576);
	CHECK(config_limits_get(&c.limits, LIMK_SMTP_MAX_PER_IP) == 3);
	CHECK(config_limits_get(&c.limits, LIMK_MAX_RECIPIENTS) == 100);
	CHECK(c.limits.line[LIMK_MAX_MESSAGE_SIZE] == 4 && c.limits.line[LIMK_SMTP_MAX_PER_IP] == 5);
	struct buf out = BUF_INIT;
	CHECK(config_serialize(&c, &out) == 0);
	CHECK(out.data && strstr(out.data, "\n[limits]\nmax_message_size = 1048576\n"
					   "smtp_max_per_ip = 3\n") != NULL);
	buf_free(&out);
	config_free(&c);
	config_report_free(&r);
	CHECK(PARSE_OK("domain = \"test.com\"\nlimits.smtp_idle_timeout_secs = 30\n", &c, &r) == 0);
	CHECK(config_limits_get(&c.limits, LIMK_SMTP_IDLE_TIMEOUT) == 30);
	config_free(&c);
	config_report_free(&r);
	EXPECT_ERROR("domain = \"test.com\"\n[limits]\nmax_message_size = 10\n", 3,
		     "limits.max_message_size", "between 65536 and 1073741824");
	EXPECT_ERROR("domain = \"test.com\"\n[limits]\nsmtp_max_per_ip = \"3\"\n", 3,
		     "limits.smtp_max_per_ip", "integer");
	EXPECT_ERROR("domain = \"test.com\"\n[limits]\nsmtp_max_per_ip = 0\n", 3,
		     "limits.smtp_max_per_ip", "between 1 and");
	EXPECT_ERROR("domain = \"test.com\"\n[limits]\nmax_sessions = 3\n", 3,
		     "limits.max_sessions", "unknown key");
	EXPECT_ERROR("domain = \"test.com\"\n[limits]\nmax_recipients = 3\nmax_recipients = 4\n",
		     4, "limits.max_recipients", "duplicate");
	EXPECT_ERROR("domain = \"test.com\"\n[limits]\n[limits]\n", 3, "limits", "duplicate");
}

void suite_config(void)
{
	test_limits();
	test_names();
	test_derive_name();
	test_fixture_minimal();
	test_fixture_verified();
	test_fixture_hooks();
	test_fixture_full();
	test_fixture_defaults();
	test_defaults_inline();
	test_syntax_variants();
	test_accepted_edges();
	test_errors_types();
	test_errors_syntax();
	test_errors_duplicates_unknown();
	test_errors_legacy();
	test_errors_owner_trust();
	test_errors_hooks();
	test_errors_duplicate_hooks();
	test_errors_all_reported();
	test_load_files();
	test_report_print();
	test_round_trip_fixtures();
	test_canonical_upstream_files();
	test_canonical_defaults_omitted();
	test_canonical_full();
	test_canonical_in_memory();
	test_round_trip_strings();
	test_save();
	test_robust_line_endings_bom();
	test_robust_hostile();
	test_robust_mutations();
}
