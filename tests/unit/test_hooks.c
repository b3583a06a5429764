/* test_hooks.c: unit tests for the hook environment, log tail, gate and executor (lib/hook*.c). */
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "fileio.h"
#include "hook_exec.h"
#include "hooks_receive.h"
#include "log.h"
#include "unit.h"

static char *sh_argv[3];

static struct hook shell_hook(const char *script, unsigned timeout)
{
	sh_argv[0] = "/bin/sh";
	sh_argv[1] = "-c";
	sh_argv[2] = (char *)script;
	struct hook h;
	memset(&h, 0, sizeof(h));
	snprintf(h.effective_name, sizeof(h.effective_name), "t");
	h.event = HOOK_ON_RECEIVE;
	h.cmd = (struct strlist){sh_argv, 3};
	h.timeout_secs = timeout;
	return h;
}

static const char *self_name(void)
{
	struct passwd *pw = getpwuid(getuid());
	return pw ? pw->pw_name : "root";
}

static void test_environment(void)
{
	struct hook h = shell_hook("true", 5);
	struct hook_env env = {"box", "A <a@x>", "b@y", "Hi", "/d/x.md", "m@x", "stem", "2026", NULL};
	char **envp = hook_environment(&h, &env, "/home/o");
	size_t n = 0;
	while (envp && envp[n])
		n++;
	CHECK(n == 12);
	CHECK_STR(envp ? envp[1] : NULL, "HOME=/home/o");
	CHECK_STR(envp ? envp[2] : NULL, "AIMX_HOOK_NAME=t");
	CHECK_STR(envp ? envp[3] : NULL, "AIMX_EVENT=on_receive");
	CHECK_STR(envp ? envp[9] : NULL, "AIMX_MESSAGE_ID=m@x");
	hook_environment_free(envp);
	env.send_status = "delivered";
	h.event = HOOK_AFTER_SEND;
	envp = hook_environment(&h, &env, "/");
	CHECK_STR(envp ? envp[12] : NULL, "AIMX_SEND_STATUS=delivered");
	hook_environment_free(envp);
}

static void test_log_tail(void)
{
	struct buf b = BUF_INIT;
	char out[HOOK_LOG_TAIL_MAX + 64];
	buf_append(&b, "short", 5);
	hook_log_tail(&b, out, sizeof(out));
	CHECK_STR(out, "short");
	b.len = 0;
	for (int k = 0; k < 3000; k++)
		buf_append(&b, k < 1500 ? "a" : "z", 1);
	hook_log_tail(&b, out, sizeof(out));
	CHECK(strlen(out) < HOOK_LOG_TAIL_MAX + 40);
	CHECK_CONTAINS(out, "a[...1976 bytes...]z");
	buf_free(&b);
}

static void test_gate(void)
{
	struct hook h = shell_hook("true", 5);
	CHECK(hook_gate_on_receive(&h, "true") == 1);
	CHECK(hook_gate_on_receive(&h, "false") == 0);
	CHECK(hook_gate_on_receive(&h, "none") == 0);
	h.fire_on_untrusted = 1;
	CHECK(hook_gate_on_receive(&h, "false") == 1);
	CHECK(hook_gate_on_receive(&h, "none") == 1);
	h.event = HOOK_AFTER_SEND;
	CHECK(hook_gate_on_receive(&h, "true") == 0);
}

static void run(const char *script, unsigned timeout, const char *stdin_path,
		struct hook_outcome *o)
{
	struct hook h = shell_hook(script, timeout);
	struct hook_env env = {"box", "f", "t", "s", stdin_path, "m", "id", "d", NULL};
	hook_run(&h, self_name(), &env, o);
}

static void test_executor(void)
{
	const char *dir = unit_tmpdir("hooks");
	char path[512];
	snprintf(path, sizeof(path), "%s/msg.md", dir);
	CHECK(file_write_atomic(path, "+++\nid = 1\n+++\n", 16, 0644, (uid_t)-1, (gid_t)-1) == 0);
	struct hook_outcome o;
	run("cat; echo to-err >&2; exit 3", 5, path, &o);
	CHECK(o.error == HOOK_RAN && o.exit_code == 3 && !o.timed_out);
	CHECK(o.out.len == 16 && memcmp(o.out.data, "+++\nid = 1\n+++\n", 16) == 0);
	CHECK(o.err.len == 7 && memcmp(o.err.data, "to-err\n", 7) == 0);
	hook_outcome_free(&o);
	run("env | grep -v -e '^PWD=' -e '^SHLVL=' -e '^_=' | wc -l", 5, NULL, &o);
	CHECK(o.out.len >= 3 && strncmp(o.out.data, "12\n", 3) == 0);
	hook_outcome_free(&o);
	run("head -c 200000 /dev/zero", 5, NULL, &o);
	CHECK(o.exit_code == 0 && o.out.len == HOOK_CAPTURE_MAX);
	hook_outcome_free(&o);
	run("trap '' TERM; sleep 100", 1, NULL, &o);
	CHECK(o.timed_out && o.exit_code == -1 && o.duration_ms < 10000);
	hook_outcome_free(&o);
	struct hook h = shell_hook("true", 5);
	struct hook_env env = {"box", "", "", "", NULL, "", "", "", NULL};
	hook_run(&h, "aimx-no-such-user-here", &env, &o);
	CHECK(geteuid() != 0 || o.error == HOOK_USER_NOT_FOUND);
	hook_outcome_free(&o);
}

void suite_hooks(void)
{
	log_set_level(LOG_ERROR);
	test_environment();
	test_log_tail();
	test_gate();
	test_executor();
	log_set_level(LOG_INFO);
}
