/* test_hook_exec.c: the hook executor: exit code, stdin, exact env, capture, timeouts, identity. */
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "hooks/hook_exec.h"
#include "base/log.h"
#include "unit.h"

#define MAX_ARGS 4

static char *exec_argv[MAX_ARGS];

/* A hook running argv (NULL-terminated list of up to MAX_ARGS). */
static struct hook hook_of(const char *const *argv, unsigned timeout)
{
	struct hook h;
	size_t n = 0;
	memset(&h, 0, sizeof(h));
	while (n < MAX_ARGS && argv[n]) {
		exec_argv[n] = (char *)argv[n];
		n++;
	}
	snprintf(h.effective_name, sizeof(h.effective_name), "t");
	h.event = HOOK_ON_RECEIVE;
	h.cmd = (struct strlist){exec_argv, n};
	h.timeout_secs = timeout;
	return h;
}

static const char *self_name(void)
{
	struct passwd *pw = getpwuid(getuid());
	return pw ? pw->pw_name : "root";
}

static const struct hook_env test_env = {"box", "f", "t", "s", NULL, "m@x", "stem", "d", NULL, NULL};

static void run_as(const char *owner, const char *const *argv, unsigned timeout,
		   const char *stdin_path, struct hook_outcome *o)
{
	struct hook h = hook_of(argv, timeout);
	struct hook_env env = test_env;
	env.filepath = stdin_path;
	hook_exec_run(&h, owner, &env, o);
}

static void run_sh(const char *script, unsigned timeout, const char *stdin_path,
		   struct hook_outcome *o)
{
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	run_as(self_name(), argv, timeout, stdin_path, o);
}

static int out_is(const struct hook_outcome *o, const char *want)
{
	return o->out.len == strlen(want) && memcmp(o->out.data, want, o->out.len) == 0;
}

static void test_exit_code_streams_and_stdin(void)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/msg.md", unit_tmpdir("hook_exec"));
	const char md[] = "+++\nid = 1\n+++\nbody\n";
	CHECK(fileio_write_atomic(path, md, strlen(md), 0644, (uid_t)-1, (gid_t)-1) == 0);
	struct hook_outcome o;
	run_sh("cat; echo to-err >&2; exit 3", 5, path, &o);
	CHECK(o.error == HOOK_RAN && o.exit_code == 3 && !o.timed_out);
	CHECK(out_is(&o, md));
	CHECK(o.err.len == 7 && memcmp(o.err.data, "to-err\n", 7) == 0);
	hook_exec_outcome_free(&o);
	run_sh("wc -c", 5, "/nonexistent/aimx.md", &o); /* unreadable file: empty stdin */
	CHECK(o.error == HOOK_RAN && o.exit_code == 0);
	CHECK(o.out.len >= 2 && strncmp(o.out.data, "0\n", 2) == 0);
	hook_exec_outcome_free(&o);
}

/* /usr/bin/env prints exactly what it was given: PATH, HOME and the AIMX_* variables. */
static void test_exact_environment(void)
{
	const char *argv[] = {"/usr/bin/env", NULL};
	struct hook h = hook_of(argv, 5);
	struct passwd *pw = getpwuid(getuid());
	char **want = hook_env_build(&h, &test_env, pw && pw->pw_dir ? pw->pw_dir : "/");
	struct buf expect = BUF_INIT;
	for (size_t k = 0; want && want[k]; k++)
		CHECK(buf_printf(&expect, "%s\n", want[k]) == 0);
	hook_env_free(want);
	struct hook_outcome o;
	run_as(self_name(), argv, 5, NULL, &o);
	CHECK(o.exit_code == 0);
	CHECK_STR(o.out.data, expect.data);
	CHECK_CONTAINS(o.out.data, "\nAIMX_MESSAGE_ID=m@x\n");
	hook_exec_outcome_free(&o);
	buf_free(&expect);
}

/* Only stdin, stdout and stderr cross exec: ls's own directory descriptor is then 3. */
static void test_no_inherited_descriptors(void)
{
	int leaked = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
	const char *argv[] = {"/bin/ls", "/proc/self/fd", NULL};
	struct hook_outcome o;
	run_as(self_name(), argv, 5, NULL, &o);
	CHECK(leaked >= 0 && o.exit_code == 0 && out_is(&o, "0\n1\n2\n3\n"));
	hook_exec_outcome_free(&o);
	if (leaked >= 0)
		close(leaked);
}

static int ends_with(const struct buf *b, const char *tail)
{
	size_t n = strlen(tail);
	return b->len >= n && memcmp(b->data + b->len - n, tail, n) == 0;
}

static void test_capture_keeps_the_last_64k(void)
{
	struct hook_outcome o;
	run_sh("head -c 200000 /dev/zero; printf OUT-END; head -c 150000 /dev/zero >&2; "
	       "printf ERR-END >&2", 10, NULL, &o);
	CHECK(o.exit_code == 0 && o.out.len == HOOK_CAPTURE_MAX && o.err.len == HOOK_CAPTURE_MAX);
	CHECK(ends_with(&o.out, "OUT-END") && ends_with(&o.err, "ERR-END"));
	hook_exec_outcome_free(&o);
}

static int process_gone(pid_t pid)
{
	char path[64], stat[256];
	struct buf b = BUF_INIT;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int gone = fileio_read_file(path, &b) < 0;
	if (!gone) { /* a zombie waiting for init is gone too */
		snprintf(stat, sizeof(stat), "%s", b.data);
		const char *close_paren = strrchr(stat, ')');
		gone = close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
	}
	buf_free(&b);
	return gone;
}

static void test_timeouts_and_leftovers(void)
{
	struct hook_outcome o;
	run_sh("sleep 100", 1, NULL, &o);
	CHECK(o.timed_out && o.exit_code == -1);
	CHECK(o.duration_ms >= 1000 && o.duration_ms < 10000);
	hook_exec_outcome_free(&o);
	run_sh("trap '' TERM; sleep 100", 1, NULL, &o); /* SIGKILL follows 5 s later */
	CHECK(o.timed_out && o.exit_code == -1);
	CHECK(o.duration_ms >= 1000 + HOOK_KILL_GRACE_MS - 100 && o.duration_ms < 12000);
	hook_exec_outcome_free(&o);
	run_sh("sleep 100 & echo $!", 5, NULL, &o); /* exits at once, leaves a sleeper behind */
	CHECK(!o.timed_out && o.exit_code == 0 && o.duration_ms < 4000);
	pid_t left = o.out.data ? (pid_t)atoi(o.out.data) : 0;
	usleep(200 * 1000);
	CHECK(left > 0 && process_gone(left));
	hook_exec_outcome_free(&o);
}

static void test_exec_failure(void)
{
	const char *argv[] = {"/nonexistent/aimx-hook", NULL};
	struct hook_outcome o;
	run_as(self_name(), argv, 5, NULL, &o);
	CHECK(o.error == HOOK_SPAWN_FAILED && o.exit_code == 127);
	CHECK_CONTAINS(o.err.data, "aimx hook: /nonexistent/aimx-hook: No such file");
	hook_exec_outcome_free(&o);
}

/* The owner does not exist: as root the hook must not run; otherwise it runs as us. */
static void test_missing_owner(void)
{
	char marker[512], script[600];
	snprintf(marker, sizeof(marker), "%s/ran", unit_tmpdir("hook_owner"));
	snprintf(script, sizeof(script), "touch %s", marker);
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	struct hook_outcome o;
	run_as("aimx-no-such-user-here", argv, 5, NULL, &o);
	struct stat st;
	if (geteuid() == 0)
		CHECK(o.error == HOOK_USER_NOT_FOUND && stat(marker, &st) < 0);
	else
		CHECK(o.error == HOOK_RAN && o.exit_code == 0 && stat(marker, &st) == 0);
	hook_exec_outcome_free(&o);
}

/* What `id -G` prints for a user after initgroups: the group id, then the other groups. */
static void groups_of(const struct passwd *pw, char *out, size_t cap)
{
	gid_t groups[64];
	int n = 64;
	size_t len = (size_t)snprintf(out, cap, "%u", (unsigned)pw->pw_gid);
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		n = 0;
	for (int k = 0; k < n && len < cap; k++)
		if (groups[k] != pw->pw_gid)
			len += (size_t)snprintf(out + len, cap - len, " %u", (unsigned)groups[k]);
}

/* As root, a hook of `nobody` runs with nobody's uid, gid and groups only, the process cap
 * and no core files, in "/" when the home directory does not exist. */
static void test_privilege_drop(void)
{
	struct passwd *pw = getpwnam("nobody");
	if (geteuid() != 0 || !pw)
		return;
	char groups[512], want[1024];
	groups_of(pw, groups, sizeof(groups));
	snprintf(want, sizeof(want), "%u %u %s 256 0 %s\n", (unsigned)pw->pw_uid,
		 (unsigned)pw->pw_gid, groups, access(pw->pw_dir, X_OK) == 0 ? pw->pw_dir : "/");
	const char *argv[] = {"/bin/sh", "-c",
			      "echo $(id -u) $(id -g) $(id -G) $(ulimit -p) $(ulimit -c) $(pwd)", NULL};
	struct hook_outcome o;
	run_as("nobody", argv, 5, NULL, &o);
	CHECK(o.exit_code == 0);
	CHECK_STR(o.out.data, want);
	hook_exec_outcome_free(&o);
}

void suite_hook_exec(void)
{
	enum log_level saved = log_get_level();
	log_set_level(LOG_ERROR);
	test_exit_code_streams_and_stdin();
	test_exact_environment();
	test_no_inherited_descriptors();
	test_capture_keeps_the_last_64k();
	test_exec_failure();
	test_missing_owner();
	test_privilege_drop();
	test_timeouts_and_leftovers();
	log_set_level(saved);
}
