/* test_mail_folder.c: unit tests for lib/store/mail_folder.c (enumeration, order, strict lookup) and lib/store/frontmatter_read.c. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/fileio.h"
#include "store/frontmatter_read.h"
#include "store/mail_folder.h"
#include "base/path_join.h"
#include "unit.h"

static void put(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void sub(const char *dir, const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	CHECK(mkdir(path, 0700) == 0);
}

static void link_to(const char *dir, const char *target, const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	CHECK(symlink(target, path) == 0);
}

void suite_mail_folder(void)
{
	char dir[PATH_MAX], outside[PATH_MAX], path[PATH_MAX];
	snprintf(outside, sizeof(outside), "%s", unit_tmpdir("outside"));
	snprintf(dir, sizeof(dir), "%s", unit_tmpdir("folder"));
	put(outside, "secret.md", "+++\n+++\nsecret\n");
	put(dir, "2025-01-01-000000-a.md", "x");
	put(dir, "2025-01-03-000000-c.md", "x");
	put(dir, "notes.txt", "x");
	put(dir, ".hidden.md", "x");
	sub(dir, "2025-01-02-000000-b");
	put(dir, "2025-01-02-000000-b/2025-01-02-000000-b.md", "x");
	sub(dir, "2025-01-04-000000-empty");
	CHECK(path_join(path, sizeof(path), outside, "secret.md") == 0);
	link_to(dir, path, "2025-01-05-000000-link.md");
	link_to(dir, outside, "2025-01-06-000000-dirlink");
	sub(dir, "2025-01-07-000000-inner");
	link_to(dir, path, "2025-01-07-000000-inner/2025-01-07-000000-inner.md");

	struct strlist ids = {0};
	CHECK(mail_folder_ids(dir, &ids) == 0);
	CHECK(ids.n == 3);
	if (ids.n == 3) {
		CHECK_STR(ids.v[0], "2025-01-03-000000-c");
		CHECK_STR(ids.v[1], "2025-01-02-000000-b");
		CHECK_STR(ids.v[2], "2025-01-01-000000-a");
	}
	strlist_free(&ids);
	CHECK(mail_folder_ids("/nonexistent/aimx/folder", &ids) == 0 && ids.n == 0);

	CHECK(mail_folder_resolve(dir, "2025-01-01-000000-a", path, sizeof(path)) == 0);
	CHECK_CONTAINS(path, "/2025-01-01-000000-a.md");
	CHECK(mail_folder_resolve(dir, "2025-01-02-000000-b", path, sizeof(path)) == 0);
	CHECK_CONTAINS(path, "/2025-01-02-000000-b/2025-01-02-000000-b.md");
	CHECK(mail_folder_resolve(dir, "2025-01-05-000000-link", path, sizeof(path)) == -1);
	CHECK(mail_folder_resolve(dir, "2025-01-06-000000-dirlink", path, sizeof(path)) == -1);
	CHECK(mail_folder_resolve(dir, "2025-01-07-000000-inner", path, sizeof(path)) == -1);
	CHECK(mail_folder_resolve(dir, "2025-01-04-000000-empty", path, sizeof(path)) == -1);
	CHECK(mail_folder_resolve(dir, "missing", path, sizeof(path)) == -1);
}

void suite_frontmatter_read(void)
{
	static const char text[] = "+++\nid = \"x\"\nsubject = 'it is'\nread = true\n"
	                           "labels = [\"a\", \"b\"]\nsize_bytes = 12\n\n[[attachments]]\n"
	                           "filename = \"f\"\n+++\n\nbody\n";
	struct frontmatter fm;
	char err[ERR_SIZE];
	const char *s;
	int b;
	CHECK(frontmatter_parse(text, sizeof(text) - 1, &fm, err) == 1);
	CHECK(frontmatter_string(&fm, "id", &s, err) == 0);
	CHECK_STR(s, "x");
	CHECK(frontmatter_string(&fm, "missing", &s, err) == 0);
	CHECK_STR(s, "");
	CHECK(frontmatter_bool(&fm, "read", 0, &b, err) == 0 && b == 1);
	CHECK(frontmatter_string(&fm, "read", &s, err) == -1);
	CHECK_CONTAINS(err, "invalid type for `read`");
	CHECK(frontmatter_get(&fm, "filename") == NULL);
	frontmatter_free(&fm);

	CHECK(frontmatter_parse("no frontmatter\n", 15, &fm, err) == 0);
	CHECK(frontmatter_parse("+++\nid = \"x\"\n", 13, &fm, err) == 0);
	CHECK(frontmatter_parse("+++\n+++\n", 8, &fm, err) == 1 && fm.n == 0);
	frontmatter_free(&fm);
	static const char bad[] = "+++\nid = \"x\nread = true\n+++\n";
	CHECK(frontmatter_parse(bad, sizeof(bad) - 1, &fm, err) == -1);
	CHECK_CONTAINS(err, "line 2");
	static const char dup[] = "+++\nid = \"x\"\nid = \"y\"\n+++\n";
	CHECK(frontmatter_parse(dup, sizeof(dup) - 1, &fm, err) == -1);
	CHECK_CONTAINS(err, "duplicate key `id`");
	static const char eq[] = "+++\n\"a=b\" = \"v=w\"\n+++\n";
	CHECK(frontmatter_parse(eq, sizeof(eq) - 1, &fm, err) == 1);
	CHECK(frontmatter_string(&fm, "a=b", &s, err) == 0);
	CHECK_STR(s, "v=w");
	frontmatter_free(&fm);
}

void suite_frontmatter_read_head(void)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/big.md", unit_tmpdir("head"));
	struct buf text = BUF_INIT, head = BUF_INIT;
	CHECK(buf_append_str(&text, "+++\nsubject = \"s\"\n+++\n\n") == 0);
	for (int k = 0; k < 100000; k++)
		CHECK(buf_append_str(&text, "body line\n") == 0 || k > 0);
	CHECK(fileio_write_atomic(path, text.data, text.len, 0600, (uid_t)-1, (gid_t)-1) == 0);
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && frontmatter_read_head(fd, &head) == 0);
	CHECK(head.len < 8192);
	CHECK_CONTAINS(head.data, "subject = \"s\"\n+++\n");
	if (fd >= 0)
		close(fd);
	buf_free(&text);
	buf_free(&head);
}
