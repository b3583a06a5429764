/* test_writer.c: the privileged writer (serve/writer.c over store/commit.c) in a child
 * process, driven over real channels: the worker path, and a compromised worker's forgeries. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fdlink.h"
#include "base/fileio.h"
#include "serve/writer.h"
#include "smtp/smtp_deliver.h"
#include "store/commit.h"
#include "store/handoff.h"
#include "unit.h"

#define WT_PATH 4300

static const char wt_msg[] = "From: Sender <sender@example.com>\r\n"
			     "To: alice@test.com\r\n"
			     "Subject: Hello Writer\r\n"
			     "Message-ID: <w1@example.com>\r\n"
			     "\r\n"
			     "Body line\r\n";

struct wt {
	struct config_watch w;
	int master; /* our end of the writer's master channel */
	pid_t pid;
	char spool[WT_PATH];
};

static int wt_start(struct wt *t)
{
	const char *dir = unit_tmpdir("writer");
	char text[WT_PATH * 2];
	memset(t, 0, sizeof(*t));
	snprintf(t->w.path, sizeof(t->w.path), "%s/config.toml", dir);
	snprintf(t->spool, sizeof(t->spool), "%s/data/.aimx/spool", dir);
	snprintf(text, sizeof(text),
		 "domain = \"test.com\"\ndata_dir = \"%s/data\"\n"
		 "[mailboxes.alice]\naddress = \"alice@test.com\"\nowner = \"nobody\"\n"
		 "[mailboxes.bob]\naddress = \"bob@test.com\"\nowner = \"nobody\"\n",
		 dir);
	if (fileio_write_atomic(t->w.path, text, strlen(text), 0600, (uid_t)-1, 0) < 0 ||
	    fileio_mkdir_p(t->spool, 0700) < 0 || config_watch_load(&t->w) < 0)
		return -1;
	int pair[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return -1;
	fflush(NULL);
	t->pid = fork();
	if (t->pid == 0) {
		close(pair[0]);
		_exit(writer_run(&t->w, pair[1], geteuid()));
	}
	close(pair[1]);
	t->master = pair[0];
	return t->pid > 0 ? 0 : -1;
}

/* A new worker channel, handed to the writer as the master does. */
static int wt_channel(struct wt *t)
{
	static struct handoff_packet hand;
	int pair[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return -1;
	handoff_begin(&hand, HANDOFF_CHANNEL, 0);
	hand.fd = pair[1];
	int rc = handoff_send(t->master, &hand);
	close(pair[1]);
	return rc == 0 ? pair[0] : -1;
}

static int wt_stop(struct wt *t)
{
	int status = -1;
	close(t->master);
	if (waitpid(t->pid, &status, 0) < 0)
		return -1;
	config_free(&t->w.cfg);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static struct handoff_packet wt_out, wt_in;

/* Entries of dir, hidden ones included; -1 when it cannot be read. */
static int wt_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* Sends wt_out and reads the status of the answer (-1 when there is none). */
static int wt_ask(int chan, char *text, size_t cap)
{
	uint32_t status, err = 0;
	if (handoff_send(chan, &wt_out) < 0 || handoff_recv(chan, &wt_in) <= 0 ||
	    handoff_get_u32(&wt_in, &status) < 0)
		return -1;
	if (handoff_type(&wt_in) == HANDOFF_DONE && handoff_get_u32(&wt_in, &err) < 0)
		return -1;
	if (handoff_get_str(&wt_in, text, cap) < 0)
		return -1;
	return (int)status;
}

static int wt_claim(int chan, const char *rcpt, const char *mailbox, const char *base,
		    char stem[256])
{
	handoff_begin(&wt_out, HANDOFF_CLAIM, 7);
	handoff_put_str(&wt_out, rcpt);
	handoff_put_str(&wt_out, mailbox);
	handoff_put_str(&wt_out, base);
	handoff_put_str(&wt_out, "");
	return wt_ask(chan, stem, 256);
}

/* A file in the spool with text, for a COMMIT or FILE packet. */
static int wt_file(const struct wt *t, const char *text)
{
	char name[FDLINK_NAME_MAX];
	int fd = fdlink_tmpfile(t->spool, name);
	if (fd >= 0 && fileio_write_all(fd, text, strlen(text)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int wt_commit(int chan, int fd, char path[WT_PATH])
{
	handoff_begin(&wt_out, HANDOFF_COMMIT, 7);
	static const char *const fields[] = {"false", "a@b", "c@d", "s", "", "2025-01-01T00:00:00Z"};
	for (size_t k = 0; k < 6; k++)
		handoff_put_str(&wt_out, fields[k]);
	wt_out.fd = fd;
	int rc = wt_ask(chan, path, WT_PATH);
	wt_out.fd = -1;
	return rc;
}

/* The worker's own path: smtp_deliver over a channel, then the same Message-ID again. */
static void test_worker_path(struct wt *t)
{
	int chan = wt_channel(t);
	static struct handoff_packet pk[2];
	struct smtp_deliver_env env = {chan, t->spool, &pk[0], &pk[1], 0};
	struct ingest_request req = {&t->w.cfg, NULL, "alice@test.com", "s@example.com",
				     "192.0.2.1", wt_msg, strlen(wt_msg), 1735732801, NULL};
	struct ingest_result res;
	CHECK(smtp_deliver(&env, &req, &res) == 0 && res.status == INGEST_STORED);
	CHECK_STR(res.id, "2025-01-01-120001-hello-writer");
	struct stat st;
	CHECK(stat(res.path, &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_nlink == 1);
	struct buf text = BUF_INIT;
	CHECK(fileio_read_file(res.path, &text) == 0);
	CHECK_CONTAINS(text.data, "id = \"2025-01-01-120001-hello-writer\"\n");
	buf_free(&text);
	CHECK(smtp_deliver(&env, &req, &res) == 0 && res.status == INGEST_DUPLICATE);
	close(chan);
}

/* What a compromised worker might send: each refused, nothing written. */
static void test_forgeries(struct wt *t)
{
	int chan = wt_channel(t);
	char stem[256], path[WT_PATH];
	CHECK(wt_claim(chan, "alice@test.com", "bob", "2025-x", stem) == HANDOFF_REFUSED);
	CHECK(wt_claim(chan, "alice@test.com", "../../etc", "2025-x", stem) == HANDOFF_REFUSED);
	CHECK(wt_claim(chan, "mallory@evil.example", "alice", "2025-x", stem) == HANDOFF_REFUSED);
	CHECK(wt_claim(chan, "alice@test.com", "alice", "../../../etc/cron.d/x", stem) == HANDOFF_REFUSED);
	CHECK(wt_claim(chan, "alice@test.com", "alice", ".hidden", stem) == HANDOFF_REFUSED);
	/* a commit with no claim */
	int fd = wt_file(t, "x");
	CHECK(wt_commit(chan, fd, path) == HANDOFF_REFUSED);
	/* an attachment named to climb out of the bundle */
	CHECK(wt_claim(chan, "alice@test.com", "alice", "2025-forged", stem) == HANDOFF_OK);
	handoff_begin(&wt_out, HANDOFF_FILE, 7);
	handoff_put_str(&wt_out, "../../escape");
	wt_out.fd = fd;
	CHECK(wt_ask(chan, path, sizeof(path)) == HANDOFF_REFUSED);
	/* a directory as the .md */
	CHECK(wt_claim(chan, "alice@test.com", "alice", "2025-forged", stem) == HANDOFF_OK);
	int dirfd = open(t->spool, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(wt_commit(chan, dirfd, path) == HANDOFF_REFUSED);
	/* a file with two names (a hard link to something the worker should not give away) */
	CHECK(fdlink_link(fd, dirfd, ".l1") == 0 && fdlink_link(fd, dirfd, ".l2") == 0);
	CHECK(wt_claim(chan, "alice@test.com", "alice", "2025-forged", stem) == HANDOFF_OK);
	CHECK(wt_commit(chan, fd, path) == HANDOFF_REFUSED);
	unlinkat(dirfd, ".l1", 0);
	unlinkat(dirfd, ".l2", 0);
	close(fd);
	/* a file of another user's */
	if (geteuid() == 0) {
		fd = wt_file(t, "x");
		CHECK(fchown(fd, 65534, 65534) == 0);
		CHECK(wt_claim(chan, "alice@test.com", "alice", "2025-forged", stem) == HANDOFF_OK);
		CHECK(wt_commit(chan, fd, path) == HANDOFF_REFUSED);
		close(fd);
	}
	close(dirfd);
	char inbox[WT_PATH];
	snprintf(inbox, sizeof(inbox), "%s/inbox/alice", t->w.data_dir);
	CHECK(wt_entries(inbox) == 1); /* the worker path's message, no leftover bundle */
	/* an unknown packet type closes the channel */
	handoff_begin(&wt_out, 99, 7);
	CHECK(handoff_send(chan, &wt_out) == 0 && handoff_recv(chan, &wt_in) == 0);
	close(chan);
}

/* A name taken meanwhile by another process: the writer hands out a new stem. */
static void test_restem(struct wt *t)
{
	int chan = wt_channel(t);
	char stem[256], path[WT_PATH], taken[WT_PATH + 300];
	CHECK(wt_claim(chan, "bob@test.com", "bob", "2025-01-01-000000-race", stem) == HANDOFF_OK);
	CHECK_STR(stem, "2025-01-01-000000-race");
	snprintf(taken, sizeof(taken), "%s/inbox/bob/%s.md", t->w.data_dir, stem);
	CHECK(fileio_write_atomic(taken, "x", 1, 0600, (uid_t)-1, 0) == 0);
	int fd = wt_file(t, "y");
	CHECK(wt_commit(chan, fd, path) == HANDOFF_RESTEM);
	CHECK_STR(path, "2025-01-01-000000-race-2");
	close(fd);
	fd = wt_file(t, "y"); /* rendered again under the new stem */
	CHECK(wt_commit(chan, fd, path) == HANDOFF_OK);
	CHECK_CONTAINS(path, "/inbox/bob/2025-01-01-000000-race-2.md");
	close(fd);
	close(chan);
}

/* Same-second, same-subject messages are named base, base-2, base-3, ... in order, and a
 * name taken by hand in the middle of the burst is stepped over. */
static void test_burst(struct wt *t)
{
	static const char base[] = "2025-01-01-000000-burst";
	int chan = wt_channel(t), in_order = 1;
	char stem[256], want[256], path[WT_PATH], taken[WT_PATH + 300];
	for (int k = 1; k <= 40; k++) {
		int fd = wt_file(t, "b");
		snprintf(want, sizeof(want), k == 1 ? "%s" : "%s-%d", base, k);
		in_order &= wt_claim(chan, "bob@test.com", "bob", base, stem) == HANDOFF_OK &&
			    strcmp(stem, want) == 0 && wt_commit(chan, fd, path) == HANDOFF_OK;
		close(fd);
	}
	CHECK(in_order);
	snprintf(taken, sizeof(taken), "%s/inbox/bob/%s-41.md", t->w.data_dir, base);
	CHECK(fileio_write_atomic(taken, "x", 1, 0600, (uid_t)-1, 0) == 0);
	int fd = wt_file(t, "b");
	CHECK(wt_claim(chan, "bob@test.com", "bob", base, stem) == HANDOFF_OK);
	snprintf(want, sizeof(want), "%s-42", base);
	CHECK_STR(stem, want);
	CHECK(wt_commit(chan, fd, path) == HANDOFF_OK);
	close(fd);
	close(chan);
}

/* A message linked but not yet synced when the config is reloaded (the folder cache
 * reset) is still in the next group commit. */
static void test_reset_keeps_unsynced(struct wt *t)
{
	struct commit_store cs;
	struct commit_claim c = {.bundle_fd = -1};
	char err[ERR_SIZE], path[AIMX_PATH_MAX];
	int fds[4];
	commit_store_init(&cs, &t->w.cfg, t->w.data_dir, geteuid());
	int fd = wt_file(t, "r");
	CHECK(commit_claim(&cs, &c, "bob@test.com", "bob", "2025-01-01-000000-reload", "", NULL,
			   NULL, 1735689600, err) == HANDOFF_OK);
	CHECK(commit_link(&cs, &c, fd, NULL, NULL, path, err) == HANDOFF_OK);
	close(fd);
	commit_abandon(&cs, &c);
	commit_store_reset(&cs, &t->w.cfg);
	int n = commit_sync_take(&cs, fds, 4);
	CHECK(n == 1);
	CHECK(n == 1 && commit_sync_fds(fds, 1) == 0);
	CHECK(commit_sync_take(&cs, fds, 4) == 0); /* once */
	commit_store_free(&cs);
}

void suite_writer(void)
{
	struct wt t;
	if (wt_start(&t) < 0) {
		CHECK(!"writer started");
		return;
	}
	test_worker_path(&t);
	test_forgeries(&t);
	test_restem(&t);
	test_burst(&t);
	test_reset_keeps_unsynced(&t);
	CHECK(wt_stop(&t) == 0);
}
