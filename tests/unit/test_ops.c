/* test_ops.c: unit tests of the config-changing operations and MARK against scratch files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fileio.h"
#include "conf/config_load.h"
#include "control/ops.h"
#include "unit.h"

static char cfg_path[4300], data[4200];

static void write_config(void)
{
	char text[8192];
	snprintf(text, sizeof(text),
		 "domain = \"ops.test\"\ndata_dir = \"%s\"\n"
		 "[mailboxes.catchall]\naddress = \"*@ops.test\"\nowner = \"nobody\"\n"
		 "[mailboxes.alice]\naddress = \"alice@ops.test\"\nowner = \"nobody\"\n",
		 data);
	CHECK(fileio_write_atomic(cfg_path, text, strlen(text), 0640, (uid_t)-1, (gid_t)-1) == 0);
}

static int load(struct config *cfg)
{
	struct config_report rep = {0};
	int rc = config_load(cfg_path, cfg, &rep);
	config_report_free(&rep);
	return rc;
}

static void test_mailboxes(void)
{
	struct ops_result r = {"", ""};
	CHECK(ops_mailbox_create(cfg_path, "bot", "nobody", &r) == 0);
	CHECK(ops_mailbox_create(cfg_path, "bot", "nobody", &r) == -1 && !strcmp(r.code, "MAILBOX"));
	CHECK_CONTAINS(r.reason, "already exists");
	CHECK(ops_mailbox_create(cfg_path, "catchall", "nobody", &r) == -1 && !strcmp(r.code, "VALIDATION"));
	CHECK(ops_mailbox_create(cfg_path, "../x", "nobody", &r) == -1 && !strcmp(r.code, "VALIDATION"));
	CHECK(ops_mailbox_create(cfg_path, "rootbox", "root", &r) == -1 && !strcmp(r.code, "VALIDATION"));
	CHECK(ops_mailbox_create(cfg_path, "ghost", "no-such-user-q", &r) == -1 && !strcmp(r.code, "VALIDATION"));
	struct config cfg;
	CHECK(load(&cfg) == 0);
	struct mailbox *mb = config_find_mailbox(&cfg, "bot");
	CHECK(mb && !strcmp(mb->address, "bot@ops.test") && !strcmp(mb->owner, "nobody"));
	config_free(&cfg);
	struct stat st;
	CHECK(stat(cfg_path, &st) == 0 && (st.st_mode & 0777) == 0640);
	char msg[4300];
	/* the folders' parents stay traversable; the mailbox folders are the owner's alone */
	snprintf(msg, sizeof(msg), "%s/sent", data);
	CHECK(stat(msg, &st) == 0 && (st.st_mode & 0777) == 0755);
	snprintf(msg, sizeof(msg), "%s/inbox/bot", data);
	CHECK(stat(msg, &st) == 0 && (st.st_mode & 0777) == 0700);
	snprintf(msg, sizeof(msg), "%s/inbox/bot/m.md", data);
	CHECK(fileio_write_atomic(msg, "x", 1, 0600, (uid_t)-1, (gid_t)-1) == 0);
	CHECK(ops_mailbox_delete(cfg_path, "bot", 0, 0, &r) == -1 && !strcmp(r.code, "NONEMPTY"));
	CHECK_STR(r.reason, "mailbox 'bot' has 1 files (1 in inbox, 0 in sent); archive or remove them first");
	/* a uid that does not own it sees "does not exist" */
	CHECK(ops_mailbox_delete(cfg_path, "bot", 4242, 1, &r) == -1 && !strcmp(r.code, "MAILBOX"));
	CHECK_STR(r.reason, "mailbox 'bot' does not exist");
	CHECK(ops_mailbox_delete(cfg_path, "bot", 0, 1, &r) == 0);
	CHECK(stat(msg, &st) == -1);
	snprintf(msg, sizeof(msg), "%s/inbox/bot", data);
	CHECK(stat(msg, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(load(&cfg) == 0 && !config_find_mailbox(&cfg, "bot"));
	config_free(&cfg);
}

static void test_hooks(void)
{
	struct ops_result r = {"", ""};
	struct hook h;
	memset(&h, 0, sizeof(h));
	h.event = HOOK_ON_RECEIVE;
	h.timeout_secs = 60;
	strlist_push(&h.cmd, "/bin/echo");
	strlist_push(&h.cmd, "hi");
	CHECK(ops_hook_create(cfg_path, "alice", 0, &h, &r) == 0);
	CHECK(ops_hook_create(cfg_path, "alice", 0, &h, &r) == -1 && !strcmp(r.code, "VALIDATION"));
	CHECK(ops_hook_create(cfg_path, "catchall", 0, &h, &r) == -1 && !strcmp(r.code, "MAILBOX"));
	CHECK(ops_hook_create(cfg_path, "nope", 0, &h, &r) == -1 && !strcmp(r.code, "ENOENT"));
	CHECK(ops_hook_create(cfg_path, "alice", 4242, &h, &r) == -1 && !strcmp(r.code, "EACCES"));
	free(h.cmd.v[0]);
	h.cmd.v[0] = strdup("echo");
	h.name = "relative";
	CHECK(ops_hook_create(cfg_path, "alice", 0, &h, &r) == -1 && !strcmp(r.code, "VALIDATION"));
	CHECK_CONTAINS(r.reason, "non-absolute");
	h.name = NULL;
	strlist_free(&h.cmd);
	CHECK(ops_hook_delete(cfg_path, "9f5503741a28", 4242, &r) == -1 && !strcmp(r.code, "ENOENT"));
	CHECK(ops_hook_delete(cfg_path, "9f5503741a28", 0, &r) == 0);
	CHECK(ops_hook_delete(cfg_path, "9f5503741a28", 0, &r) == -1 && !strcmp(r.code, "ENOENT"));
}

static void test_mark(void)
{
	struct ops_result r = {"", ""};
	struct config cfg;
	char path[4300];
	snprintf(path, sizeof(path), "%s/inbox/alice", data);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/inbox/alice/2025-01-01-000000-x.md", data);
	const char *md = "+++\nid = \"x\"\nread = false\n\n[[attachments]]\nfilename = \"a\"\n+++\n\nbody read = true\n";
	CHECK(fileio_write_atomic(path, md, strlen(md), 0600, (uid_t)-1, (gid_t)-1) == 0);
	CHECK(load(&cfg) == 0);
	CHECK(ops_mark(&cfg, "alice", "2025-01-01-000000-x", 0, 1, &r) == 0);
	struct buf b = BUF_INIT;
	CHECK(fileio_read_file(path, &b) == 0);
	CHECK(b.data && !strncmp(b.data, "+++\nid = \"x\"\nread = true\nread_at = \"", 36));
	CHECK_CONTAINS(b.data, "Z\"\n\n[[attachments]]\nfilename = \"a\"\n+++\n\nbody read = true\n");
	buf_free(&b);
	CHECK(ops_mark(&cfg, "alice", "2025-01-01-000000-x", 0, 0, &r) == 0);
	CHECK(fileio_read_file(path, &b) == 0);
	CHECK_STR(b.data, md);
	buf_free(&b);
	CHECK(ops_mark(&cfg, "alice", "../alice/2025-01-01-000000-x", 0, 1, &r) == -1 && !strcmp(r.code, "NOTFOUND"));
	CHECK_CONTAINS(r.reason, "invalid characters");
	CHECK(ops_mark(&cfg, "alice", "missing", 0, 1, &r) == -1 && !strcmp(r.code, "NOTFOUND"));
	CHECK(ops_mark(&cfg, "bob", "x", 0, 1, &r) == -1 && !strcmp(r.code, "ENOENT"));
	CHECK(ops_mark(&cfg, "alice", "2025-01-01-000000-x", 4242, 1, &r) == -1 && !strcmp(r.code, "EACCES"));
	config_free(&cfg);
}

void suite_ops(void)
{
	snprintf(data, sizeof(data), "%s", unit_tmpdir("ops"));
	snprintf(cfg_path, sizeof(cfg_path), "%s/config.toml", data);
	write_config();
	test_mailboxes();
	test_hooks();
	test_mark();
	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data);
	CHECK(system(cmd) == 0);
}
