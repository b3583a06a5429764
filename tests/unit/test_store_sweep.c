/* test_store_sweep.c: unit tests for lib/store/store_sweep.c (leftovers of crashed writers). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fileio.h"
#include "store/store.h"
#include "unit.h"

#define SWEEP_PATH 512

/* The pid of a process that has exited and been reaped: a writer that crashed. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[SWEEP_PATH];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK(fileio_write_atomic(path, text, strlen(text), 0600, (uid_t)-1, (gid_t)-1) == 0);
}

static int present(const char *dir, const char *name)
{
	char path[SWEEP_PATH];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

static void test_dead_writers_only(void)
{
	const char *data = unit_tmpdir("sweep");
	char inbox[SWEEP_PATH], sent[SWEEP_PATH], name[SWEEP_PATH], bundle[2 * SWEEP_PATH];
	snprintf(inbox, sizeof(inbox), "%s/inbox/alice", data);
	snprintf(sent, sizeof(sent), "%s/sent/alice", data);
	CHECK(fileio_mkdir_p(inbox, 0700) == 0 && fileio_mkdir_p(sent, 0700) == 0);
	pid_t dead = dead_pid();
	char dead_text[32], live_text[32];
	snprintf(dead_text, sizeof(dead_text), "%ld\n", (long)dead);
	snprintf(live_text, sizeof(live_text), "%ld\n", (long)getpid());

	put(inbox, "m1.md", "kept");
	put(inbox, ".m2.reserved", dead_text);
	put(inbox, ".m3.reserved", live_text);
	put(inbox, ".m4.reserved", ""); /* its writer died before saying who it is */
	snprintf(name, sizeof(name), ".m6.md.tmp.%ld", (long)dead);
	put(inbox, name, "half");
	snprintf(name, sizeof(name), ".m7.md.tmp.%ld", (long)getpid());
	put(inbox, name, "in flight");
	snprintf(bundle, sizeof(bundle), "%s/.m8.tmp.%ld", sent, (long)dead);
	CHECK(mkdir(bundle, 0700) == 0);
	put(bundle, "m8.md", "half");
	put(bundle, "a.pdf", "half");

	CHECK(store_sweep(data, 0) == 4);
	CHECK(present(inbox, "m1.md"));
	CHECK(!present(inbox, ".m2.reserved"));
	CHECK(present(inbox, ".m3.reserved"));
	CHECK(!present(inbox, ".m4.reserved"));
	snprintf(name, sizeof(name), ".m6.md.tmp.%ld", (long)dead);
	CHECK(!present(inbox, name));
	snprintf(name, sizeof(name), ".m7.md.tmp.%ld", (long)getpid());
	CHECK(present(inbox, name));
	CHECK(!present(sent, bundle + strlen(sent) + 1));
	CHECK(store_sweep(data, 0) == 0);
}

static void test_one_writer(void)
{
	const char *data = unit_tmpdir("sweep1");
	char inbox[SWEEP_PATH], a[32], b[32];
	snprintf(inbox, sizeof(inbox), "%s/inbox/bob", data);
	CHECK(fileio_mkdir_p(inbox, 0700) == 0);
	pid_t first = dead_pid(), second = dead_pid();
	snprintf(a, sizeof(a), "%ld\n", (long)first);
	snprintf(b, sizeof(b), "%ld\n", (long)second);
	put(inbox, ".x.reserved", a);
	put(inbox, ".y.reserved", b);
	put(inbox, ".z.reserved", "");
	CHECK(store_sweep(data, second) == 2);
	CHECK(present(inbox, ".x.reserved") && !present(inbox, ".y.reserved"));
	CHECK(!present(inbox, ".z.reserved")); /* pidless: dead, whoever made it */
}

/* A killed writer not yet reaped (a zombie) is not running. */
static void test_zombie_writer(void)
{
	const char *data = unit_tmpdir("sweepz");
	char inbox[SWEEP_PATH], text[32];
	snprintf(inbox, sizeof(inbox), "%s/inbox/carol", data);
	CHECK(fileio_mkdir_p(inbox, 0700) == 0);
	pid_t zombie = fork();
	if (zombie == 0)
		_exit(0);
	siginfo_t info;
	CHECK(waitid(P_PID, (id_t)zombie, &info, WEXITED | WNOWAIT) == 0); /* exited, not reaped */
	snprintf(text, sizeof(text), "%ld\n", (long)zombie);
	put(inbox, ".z.reserved", text);
	CHECK(store_sweep(data, 0) == 1);
	CHECK(!present(inbox, ".z.reserved"));
	waitpid(zombie, NULL, 0);
}

static void test_reserve_names_the_writer(void)
{
	const char *dir = unit_tmpdir("reserve");
	struct store_target t = {dir, (uid_t)-1, (gid_t)-1, NULL, NULL};
	CHECK(store_reserve(&t, "s1") == 0);
	char path[SWEEP_PATH], want[32];
	snprintf(path, sizeof(path), "%s/.s1.reserved", dir);
	struct buf got = BUF_INIT;
	CHECK(fileio_read_file(path, &got) == 0);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	CHECK(got.len == strlen(want) && memcmp(got.data, want, got.len) == 0);
	buf_free(&got);
	store_release(&t, "s1");
	CHECK(!present(dir, ".s1.reserved"));
}

void suite_store_sweep(void)
{
	test_dead_writers_only();
	test_one_writer();
	test_zombie_writer();
	test_reserve_names_the_writer();
}
