/* test_hooks.c: unit tests for the hook environment, the stderr log tail, the hook firing. */
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/fileio.h"
#include "hooks/hook_exec.h"
#include "hooks/hook_receive.h"
#include "hooks/hook_send.h"
#include "base/log.h"
#include "unit.h"
#include "base/utf8.h"

static char *true_argv[] = {"/bin/true"};

static struct hook plain_hook(enum hook_event event, int fire_on_untrusted)
{
	struct hook h;
	memset(&h, 0, sizeof(h));
	snprintf(h.effective_name, sizeof(h.effective_name), "t");
	h.event = event;
	h.cmd = (struct strlist){true_argv, 1};
	h.fire_on_untrusted = fire_on_untrusted;
	h.timeout_secs = 5;
	return h;
}

static size_t count(char **envp)
{
	size_t n = 0;
	while (envp && envp[n])
		n++;
	return n;
}

/* Every variable in order with its value; NULL values become "". */
static void test_environment_on_receive(void)
{
	static const char *want[] = {
		"PATH=/p:/q", "HOME=/home/o", "AIMX_HOOK_NAME=t", "AIMX_EVENT=on_receive",
		"AIMX_MAILBOX=box", "AIMX_FROM=A <a@x>", "AIMX_TO=b@y", "AIMX_SUBJECT=",
		"AIMX_FILEPATH=/d/x.md", "AIMX_MESSAGE_ID=m@x", "AIMX_ID=stem",
		"AIMX_DATE=2026-11-22T10:00:00Z"};
	char *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	setenv("PATH", "/p:/q", 1);
	struct hook h = plain_hook(HOOK_ON_RECEIVE, 0);
	struct hook_env env = {"box", "A <a@x>", "b@y", NULL, "/d/x.md", "m@x", "stem",
			       "2026-11-22T10:00:00Z", NULL, NULL};
	char **envp = hook_env_build(&h, &env, "/home/o");
	CHECK(count(envp) == sizeof(want) / sizeof(want[0]));
	for (size_t k = 0; envp && k < sizeof(want) / sizeof(want[0]) && envp[k]; k++)
		CHECK_STR(envp[k], want[k]);
	hook_env_free(envp);
	unsetenv("PATH");
	envp = hook_env_build(&h, &env, "/");
	CHECK_STR(envp ? envp[0] : NULL, "PATH=/usr/local/bin:/usr/bin:/bin");
	hook_env_free(envp);
	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
}

static void test_environment_after_send(void)
{
	struct hook h = plain_hook(HOOK_AFTER_SEND, 0);
	struct hook_env env = {"box", "f", "t", "s", "", "<m@x>", "", "d", "deferred", NULL};
	char **envp = hook_env_build(&h, &env, "/");
	CHECK(count(envp) == 13);
	CHECK_STR(envp ? envp[3] : NULL, "AIMX_EVENT=after_send");
	CHECK_STR(envp ? envp[12] : NULL, "AIMX_SEND_STATUS=deferred");
	hook_env_free(envp);
}

static void tail_of(const char *data, size_t len, char *out)
{
	struct buf b = BUF_INIT;
	CHECK(buf_append(&b, data, len) == 0);
	hook_env_log_tail(&b, out, HOOK_LOG_TAIL_CAP);
	buf_free(&b);
}

static int valid_utf8_without_replacement(const char *s)
{
	size_t len = strlen(s);
	for (size_t k = 0, used; k < len; k += used)
		if (utf8_decode(s + k, len - k, &used) == UTF8_REPLACEMENT)
			return 0;
	return 1;
}

static void test_log_tail(void)
{
	char out[HOOK_LOG_TAIL_CAP], big[3000];
	tail_of("", 0, out);
	CHECK_STR(out, "");
	tail_of("line1\nline\"2", 12, out);
	CHECK_STR(out, "line1\nline\"2");
	tail_of("a\0b\xff" "c", 5, out);
	CHECK_STR(out, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c");
	memset(big, 'a', 1500);
	memset(big + 1500, 'z', 1500);
	tail_of(big, sizeof(big), out);
	CHECK(strlen(out) <= HOOK_LOG_TAIL_MAX + 24);
	CHECK_CONTAINS(out, "a[...1976 bytes...]z");
	CHECK(strncmp(out, "aaaa", 4) == 0 && out[strlen(out) - 1] == 'z');
	/* 2-byte characters starting at an odd offset: both cuts fall inside one */
	big[0] = 'x';
	for (size_t k = 1; k + 1 < sizeof(big); k += 2)
		memcpy(big + k, "\xc3\xa9", 2);
	big[sizeof(big) - 1] = 'y';
	tail_of(big, sizeof(big), out);
	CHECK(valid_utf8_without_replacement(out));
	CHECK_CONTAINS(out, "\xc3\xa9[...");
	CHECK_CONTAINS(out, "...]\xc3\xa9");
	CHECK(strlen(out) <= HOOK_LOG_TAIL_MAX + 24);
}

/* The full table: event x trusted x fire_on_untrusted. */
static void test_gate_table(void)
{
	static const char *verdicts[] = {"true", "false", "none"};
	for (int ev = 0; ev < 2; ev++)
		for (int v = 0; v < 3; v++)
			for (int fou = 0; fou < 2; fou++) {
				struct hook h = plain_hook(ev ? HOOK_AFTER_SEND : HOOK_ON_RECEIVE, fou);
				int want = ev == 0 && (v == 0 || fou);
				CHECK(hook_receive_gate(&h, verdicts[v]) == want);
			}
}

/* A mailbox owned by the test's user whose hooks append their names to dir/fired. */
struct receive_world {
	char dir[400], fired[512], log[512];
	char *argv[3][3];
	char scripts[3][600];
	struct hook hooks[3];
	struct mailbox mb;
	struct config cfg;
	int log_fd;
};

static void world_init(struct receive_world *w, const char *owner)
{
	static const char *names[] = {"first", "untrusted_ok", "sent"};
	memset(w, 0, sizeof(*w));
	snprintf(w->dir, sizeof(w->dir), "%s", unit_tmpdir("hooks_receive"));
	snprintf(w->fired, sizeof(w->fired), "%s/fired", w->dir);
	snprintf(w->log, sizeof(w->log), "%s/log", w->dir);
	for (int k = 0; k < 3; k++) {
		snprintf(w->scripts[k], sizeof(w->scripts[k]), "echo %s >> %s", names[k], w->fired);
		w->argv[k][0] = "/bin/sh";
		w->argv[k][1] = "-c";
		w->argv[k][2] = w->scripts[k];
		w->hooks[k] = plain_hook(k == 2 ? HOOK_AFTER_SEND : HOOK_ON_RECEIVE, k == 1);
		w->hooks[k].cmd = (struct strlist){w->argv[k], 3};
		snprintf(w->hooks[k].effective_name, sizeof(w->hooks[k].effective_name), "%s",
			 names[k]);
	}
	w->mb = (struct mailbox){.name = "box", .address = "box@x.test", .owner = (char *)owner,
				 .hooks = w->hooks, .nhooks = 3};
	w->cfg = (struct config){.domain = "x.test", .mailboxes = &w->mb, .nmailboxes = 1};
	w->log_fd = open(w->log, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	log_set_fd(w->log_fd);
	log_set_level(LOG_DEBUG);
}

/* What the hooks wrote, then what was logged, since the last call. */
static void world_take(struct receive_world *w, struct buf *fired, struct buf *logged)
{
	buf_reset(fired);
	buf_reset(logged);
	fileio_read_file(w->fired, fired);
	fileio_read_file(w->log, logged);
	unlink(w->fired);
	CHECK(ftruncate(w->log_fd, 0) == 0 && lseek(w->log_fd, 0, SEEK_SET) == 0);
}

static const char *text(const struct buf *b)
{
	return b->data ? b->data : "";
}

static void receive(struct receive_world *w, enum ingest_status status, const char *trusted,
		    int expect_pending)
{
	struct ingest_result res;
	memset(&res, 0, sizeof(res));
	res.status = status;
	res.mailbox = &w->mb;
	snprintf(res.trusted, sizeof(res.trusted), "%s", trusted);
	snprintf(res.id, sizeof(res.id), "stem");
	CHECK(hook_receive_pending(&w->cfg, &res) == expect_pending);
	hook_receive_fire(&w->cfg, &res);
}

static void test_receive_firing(void)
{
	struct passwd *pw = getpwuid(getuid());
	struct receive_world w;
	struct buf fired = BUF_INIT, logged = BUF_INIT;
	world_init(&w, pw ? pw->pw_name : "root");
	receive(&w, INGEST_STORED, "true", 1); /* in config order, the after_send one never */
	world_take(&w, &fired, &logged);
	CHECK_STR(text(&fired), "first\nuntrusted_ok\n");
	receive(&w, INGEST_STORED, "false", 1);
	world_take(&w, &fired, &logged);
	CHECK_STR(text(&fired), "untrusted_ok\n");
	CHECK_CONTAINS(text(&logged), "event=hook.skipped hook_name=first event=on_receive "
				      "mailbox=box trusted=false fire_on_untrusted=false");
	receive(&w, INGEST_STORED, "none", 1);
	world_take(&w, &fired, &logged);
	CHECK_STR(text(&fired), "untrusted_ok\n");
	CHECK_CONTAINS(text(&logged), "trusted=none fire_on_untrusted=false");
	receive(&w, INGEST_DUPLICATE, "true", 0);
	world_take(&w, &fired, &logged);
	CHECK(fired.len == 0 && !strstr(text(&logged), "hook.firing"));
	w.mb.address = "*@X.test"; /* the catchall: a warning, nothing fires */
	receive(&w, INGEST_STORED, "true", 0);
	world_take(&w, &fired, &logged);
	CHECK(fired.len == 0);
	CHECK_CONTAINS(text(&logged), "level=warn event=hook.catchall mailbox=box");
	w.mb.address = "box@x.test";
	w.mb.hooks = &w.hooks[2]; /* after_send only */
	w.mb.nhooks = 1;
	receive(&w, INGEST_STORED, "true", 0);
	world_take(&w, &fired, &logged);
	CHECK(fired.len == 0);
	CHECK_CONTAINS(text(&logged), "event=hook.none event=on_receive mailbox=box");
	log_set_fd(-1);
	close(w.log_fd);
	buf_free(&fired);
	buf_free(&logged);
}

/* Only the after_send hooks fire after a send, with the send status in their environment. */
static void test_send_firing(void)
{
	struct passwd *pw = getpwuid(getuid());
	struct receive_world w;
	struct buf fired = BUF_INIT, logged = BUF_INIT;
	world_init(&w, pw ? pw->pw_name : "root");
	snprintf(w.scripts[2], sizeof(w.scripts[2]), "echo sent $AIMX_SEND_STATUS >> %s", w.fired);
	struct hook_env env = {"box",     "a@x.test", "b@y.test", "s",
	                       "/d/x.md", "m@x",      "stem",     "2026-11-22T10:00:00+00:00",
	                       "deferred", NULL};
	hook_send_fire(&w.mb, &env);
	world_take(&w, &fired, &logged);
	CHECK_STR(text(&fired), "sent deferred\n");
	CHECK_CONTAINS(text(&logged), "event=hook.firing hook_name=sent event=after_send");
	w.mb.nhooks = 2; /* on_receive hooks only: nothing fires */
	hook_send_fire(&w.mb, &env);
	world_take(&w, &fired, &logged);
	CHECK(fired.len == 0);
	log_set_fd(-1);
	close(w.log_fd);
	buf_free(&fired);
	buf_free(&logged);
}

void suite_hooks(void)
{
	enum log_level saved = log_get_level();
	test_environment_on_receive();
	test_environment_after_send();
	test_log_tail();
	test_gate_table();
	test_receive_firing();
	test_send_firing();
	log_set_level(saved);
}
