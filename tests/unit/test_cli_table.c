/* test_cli_table.c: unit tests for lib/cli/cli_table.c (flags, cells, ellipsis, argv JSON, rows). */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli_opt.h"
#include "cli/cli_table.h"
#include "unit.h"

/* Run cli_parse with stdout and stderr silenced (usage and errors are printed there). */
static int quiet_parse(int argc, char **argv, const struct cli_opt *opts, size_t nopts,
                       const char **pos, size_t npos)
{
	fflush(stdout);
	fflush(stderr);
	int out = dup(STDOUT_FILENO), err = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	int rc = cli_parse(argc, argv, 2, opts, nopts, pos, npos, "test sub", "usage: test\n");
	fflush(stdout);
	fflush(stderr);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	close(out);
	close(err);
	close(null);
	return rc;
}

static void test_parse(void)
{
	const char *owner = NULL, *name = NULL;
	int yes = 0;
	const struct cli_opt opts[] = {{"--owner", NULL, NULL, &owner, NULL},
	                               {"--yes", "-y", &yes, NULL, NULL}};
	char *a1[] = {"mailboxes", "create", "box", "--owner", "alice", "-y", NULL};
	CHECK(quiet_parse(6, a1, opts, 2, &name, 1) == 0);
	CHECK_STR(name, "box");
	CHECK_STR(owner, "alice");
	CHECK(yes == 1);

	owner = name = NULL;
	yes = 0;
	char *a2[] = {"mailboxes", "create", "--owner=bob", "--", "-dash", NULL};
	CHECK(quiet_parse(5, a2, opts, 2, &name, 1) == 0);
	CHECK_STR(owner, "bob");
	CHECK_STR(name, "-dash");
	CHECK(yes == 0);

	char *a3[] = {"x", "create", "--owner", NULL};
	CHECK(quiet_parse(3, a3, opts, 2, &name, 1) == -1); /* value missing */
	char *a4[] = {"x", "create", "n", "--bogus", NULL};
	CHECK(quiet_parse(4, a4, opts, 2, &name, 1) == -1);
	char *a5[] = {"x", "create", "n", "-y", "--yes", NULL};
	CHECK(quiet_parse(5, a5, opts, 2, &name, 1) == -1); /* twice */
	char *a6[] = {"x", "create", NULL};
	CHECK(quiet_parse(2, a6, opts, 2, &name, 1) == -1); /* NAME missing */
	char *a7[] = {"x", "create", "a", "b", NULL};
	CHECK(quiet_parse(4, a7, opts, 2, &name, 1) == -1); /* one too many */
	char *a8[] = {"x", "create", "--yes=1", NULL};
	CHECK(quiet_parse(3, a8, opts, 2, NULL, 0) == -1); /* a flag takes no value */
	char *a9[] = {"x", "create", "--help", NULL};
	CHECK(quiet_parse(3, a9, opts, 2, &name, 1) == 1);
}

static char *cell(const char *s, size_t width, int cut)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	cli_cell(f, STYLE_PLAIN, s, width, cut);
	fclose(f);
	return out;
}

static void test_cells(void)
{
	CHECK(cli_width("abc") == 3);
	CHECK(cli_width("h\xc3\xa9llo \xe2\x9c\x93") == 7);
	char *c = cell("abc", 6, 0);
	CHECK_STR(c, "abc   ");
	free(c);
	c = cell("abcdefgh", 4, 1);
	CHECK_STR(c, "abcd");
	free(c);
	c = cell("abcdefgh", 4, 0);
	CHECK_STR(c, "abcdefgh");
	free(c);
	c = cell("\xc3\xa9\xc3\xa9\xc3\xa9", 2, 1); /* cut counts code points, not bytes */
	CHECK_STR(c, "\xc3\xa9\xc3\xa9");
	free(c);
	c = cell("\xc3\xa9", 3, 0);
	CHECK_STR(c, "\xc3\xa9  ");
	free(c);
}

static void test_ellipsize(void)
{
	char *s = cli_ellipsize("short", 60);
	CHECK_STR(s, "short");
	free(s);
	s = cli_ellipsize("abcdef", 6);
	CHECK_STR(s, "abcdef");
	free(s);
	s = cli_ellipsize("abcdefg", 6);
	CHECK_STR(s, "abcde\xe2\x80\xa6");
	CHECK(cli_width(s) == 6);
	free(s);
	s = cli_ellipsize("\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc", 3);
	CHECK_STR(s, "\xc3\xbc\xc3\xbc\xe2\x80\xa6");
	free(s);
}

static void test_argv_json(void)
{
	struct strlist l = {0};
	CHECK(strlist_push(&l, "/bin/sh") == 0);
	CHECK(strlist_push(&l, "-c") == 0);
	CHECK(strlist_push(&l, "echo \"$X\"\t\\ \xc3\xbc") == 0);
	char *s = cli_argv_json(&l);
	CHECK_STR(s, "[\"/bin/sh\",\"-c\",\"echo \\\"$X\\\"\\t\\\\ \xc3\xbc\"]");
	free(s);
	strlist_free(&l);
	s = cli_argv_json(&l);
	CHECK_STR(s, "[]");
	free(s);
}

static void test_json_rows(void)
{
	const char *json = "[{\"name\":\"a\",\"total\":3,\"registered\":true}]";
	cJSON *rows = cli_json_rows(json, strlen(json), "MAILBOX-LIST");
	CHECK(rows != NULL);
	const cJSON *row = rows ? rows->child : NULL;
	CHECK_STR(cli_json_str(row, "name"), "a");
	CHECK_STR(cli_json_str(row, "total"), "");
	CHECK(cli_json_num(row, "total") == 3);
	CHECK(cli_json_num(row, "missing") == 0);
	cJSON_Delete(rows);
}

/* A repeatable option collects every value in order, "--long V" and "--long=V" alike. */
static void test_parse_repeatable(void)
{
	struct strlist files = {0};
	const char *to = NULL;
	const struct cli_opt opts[] = {{"--attachment", NULL, NULL, NULL, &files},
	                               {"--to", NULL, NULL, &to, NULL}};
	char *a1[] = {"send", "x", "--attachment", "a.pdf", "--to", "t", "--attachment=b c",
	              "--attachment", "a.pdf", NULL};
	CHECK(quiet_parse(9, a1, opts, 2, NULL, 0) == 0);
	CHECK(files.n == 3);
	if (files.n == 3) {
		CHECK_STR(files.v[0], "a.pdf");
		CHECK_STR(files.v[1], "b c");
		CHECK_STR(files.v[2], "a.pdf");
	}
	CHECK_STR(to, "t");
	strlist_free(&files);
	char *a2[] = {"send", "x", "--attachment", NULL}; /* value missing */
	CHECK(quiet_parse(3, a2, opts, 2, NULL, 0) == -1);
	strlist_free(&files);
	char *a3[] = {"send", "x", "--to", "a", "--to", "b", NULL}; /* not repeatable */
	CHECK(quiet_parse(6, a3, opts, 2, NULL, 0) == -1);
	strlist_free(&files);
}

void suite_cli_table(void)
{
	test_parse();
	test_parse_repeatable();
	test_cells();
	test_ellipsize();
	test_argv_json();
	test_json_rows();
}
