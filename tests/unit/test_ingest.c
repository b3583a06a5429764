/* test_ingest.c: end-to-end unit tests of lib/store/ingest.c against a scratch data directory. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fileio.h"
#include "conf/config_load.h"
#include "store/ingest.h"
#include "unit.h"

static const char cfg_text[] = "domain = \"test.com\"\n"
			       "[mailboxes.alice]\naddress = \"alice@test.com\"\nowner = \"nobody\"\n"
			       "[mailboxes.catchall]\naddress = \"*@test.com\"\nowner = \"nobody\"\n";

static const char plain_msg[] = "From: Sender <sender@example.com>\r\n"
				"To: alice@test.com\r\n"
				"Subject: Hello World\r\n"
				"Message-ID: <m1@example.com>\r\n"
				"Date: Wed, 01 Jan 2025 12:00:00 +0530\r\n"
				"References: <root@x> <mid@x>\r\n"
				"In-Reply-To: <mid@x>\r\n"
				"\r\n"
				"Body line\r\n";

static const char attach_msg[] = "From: a@example.com\r\n"
				 "To: alice@test.com\r\n"
				 "Subject: With Attachment\r\n"
				 "MIME-Version: 1.0\r\n"
				 "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
				 "\r\n"
				 "--b1\r\n"
				 "Content-Type: text/plain\r\n\r\n"
				 "See attached.\r\n"
				 "--b1\r\n"
				 "Content-Type: text/plain; name=\"notes.txt\"\r\n"
				 "Content-Disposition: attachment; filename=\"../../notes.txt\"\r\n\r\n"
				 "note one\r\n"
				 "--b1\r\n"
				 "Content-Type: application/octet-stream\r\n"
				 "Content-Disposition: attachment; filename=\"notes.txt\"\r\n"
				 "Content-Transfer-Encoding: base64\r\n\r\n"
				 "AAEC\r\n"
				 "--b1--\r\n";

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* ingest_message, then its result's fields freed (the tests look only at status, id, path). */
static int ingest_and_free(const struct ingest_request *req, struct ingest_result *res)
{
	int rc = ingest_message(req, res);
	ingest_result_free(res);
	return rc;
}

static char *read_text(const char *path)
{
	struct buf b = BUF_INIT;
	if (fileio_read_file(path, &b) < 0)
		return NULL;
	return buf_steal(&b);
}

static void test_flat(const struct config *cfg, const char *data)
{
	struct ingest_request req = {cfg, data, "ALICE@test.com", "s@example.com", "192.0.2.1",
				     plain_msg, strlen(plain_msg), 1735732801, NULL};
	struct ingest_result res;
	CHECK(ingest_and_free(&req, &res) == 0 && res.status == INGEST_STORED);
	CHECK_STR(res.id, "2025-01-01-120001-hello-world");
	CHECK_STR(res.mailbox->name, "alice");
	char *text = read_text(res.path);
	CHECK_CONTAINS(text, "+++\nid = \"2025-01-01-120001-hello-world\"\nmessage_id = \"m1@example.com\"\n");
	CHECK_CONTAINS(text, "from = \"Sender <sender@example.com>\"\n");
	CHECK_CONTAINS(text, "delivered_to = \"ALICE@test.com\"\n");
	CHECK_CONTAINS(text, "date = \"2025-01-01T12:00:00+05:30\"\n");
	CHECK_CONTAINS(text, "received_at = \"2025-01-01T12:00:01Z\"\n");
	CHECK_CONTAINS(text, "received_from_ip = \"192.0.2.1\"\n");
	CHECK_CONTAINS(text, "in_reply_to = \"mid@x\"\nreferences = \"root@x mid@x\"\n");
	CHECK_CONTAINS(text, "mailbox = \"alice\"\nread = false\n+++\n\nBody line\r\n");
	free(text);
	/* the same Message-ID again within 24 h: skipped, nothing written */
	char inbox[4200];
	snprintf(inbox, sizeof(inbox), "%s/inbox/alice", data);
	CHECK(ingest_and_free(&req, &res) == 0 && res.status == INGEST_DUPLICATE);
	CHECK(count_entries(inbox) == 1);
	/* after 24 h it is new again, and the name collision gets "-2" */
	struct ingest_request later = req;
	later.now = req.now + 86400 + 1;
	CHECK(ingest_and_free(&later, &res) == 0 && res.status == INGEST_STORED);
	CHECK(count_entries(inbox) == 2);
	/* no Message-ID: never a duplicate; the same second and subject collide to "-2", "-3" */
	static const char no_id[] = "Subject: Hello World\r\n\r\nx\r\n";
	struct ingest_request anon = {cfg, data, "alice@test.com", NULL, NULL, no_id,
				      strlen(no_id), 1735732801, NULL};
	CHECK(ingest_and_free(&anon, &res) == 0 && res.status == INGEST_STORED);
	CHECK_STR(res.id, "2025-01-01-120001-hello-world-2");
	CHECK(ingest_and_free(&anon, &res) == 0 && res.status == INGEST_STORED);
	CHECK_STR(res.id, "2025-01-01-120001-hello-world-3");
	text = read_text(res.path);
	CHECK_CONTAINS(text, "message_id = \"\"\n");
	CHECK_CONTAINS(text, "from = \"\"\nto = \"\"\n");
	CHECK_CONTAINS(text, "date = \"2025-01-01T12:00:01Z\"\n");
	free(text);
}

static void test_bundle(const struct config *cfg, const char *data)
{
	struct ingest_request req = {cfg, data, "alice@test.com", NULL, NULL,
				     attach_msg, strlen(attach_msg), 1735732801, NULL};
	struct ingest_result res;
	CHECK(ingest_and_free(&req, &res) == 0 && res.status == INGEST_STORED);
	CHECK_STR(res.id, "2025-01-01-120001-with-attachment");
	char path[4300];
	snprintf(path, sizeof(path), "%s/inbox/alice/%s", data, res.id);
	CHECK(count_entries(path) == 3);
	char *text = read_text(res.path);
	CHECK(text && strstr(text, "received_from_ip") == NULL);
	CHECK_CONTAINS(text, "[[attachments]]\nfilename = \"notes.txt\"\ncontent_type = \"text/plain\"\n");
	CHECK_CONTAINS(text, "[[attachments]]\nfilename = \"notes-1.txt\"\ncontent_type = \"application/octet-stream\"\nsize = 3\n");
	CHECK_CONTAINS(text, "+++\n\nSee attached.");
	free(text);
	snprintf(path, sizeof(path), "%s/inbox/alice/%s/notes-1.txt", data, res.id);
	struct stat st;
	CHECK(stat(path, &st) == 0 && st.st_size == 3 && (st.st_mode & 0777) == 0600);
}

static void test_routing_and_failure(const struct config *cfg, const char *data)
{
	struct ingest_request req = {cfg, data, "nobody-here@test.com", NULL, NULL,
				     plain_msg, strlen(plain_msg), 1735732801, NULL};
	struct ingest_result res;
	CHECK(ingest_and_free(&req, &res) == 0 && strcmp(res.mailbox->name, "catchall") == 0);
	req.rcpt = "x@elsewhere.org";
	CHECK(ingest_and_free(&req, &res) == -1 && res.status == INGEST_NO_ROUTE);
	CHECK_CONTAINS(res.error, "x@elsewhere.org");
	/* a data dir that cannot exist: a temporary failure, reported */
	char bad[4200];
	snprintf(bad, sizeof(bad), "%s/README-file/data", data);
	char file[4200];
	snprintf(file, sizeof(file), "%s/README-file", data);
	CHECK(fileio_write_atomic(file, "x", 1, 0600, (uid_t)-1, (gid_t)-1) == 0);
	req.data_dir = bad;
	req.rcpt = "alice@test.com";
	CHECK(ingest_and_free(&req, &res) == -1 && res.status == INGEST_FAILED);
	CHECK_CONTAINS(res.error, "inbox/alice");
}

/* Many processes storing same-second, same-subject mail at once: every one gets its own
 * file (regression: a stem probe raced with a writer's reservation hand-off). */
static void test_concurrent_stems(const struct config *cfg, const char *data)
{
	enum { WRITERS = 8, EACH = 40 };
	static const char msg[] = "Subject: burst\r\n\r\nx\r\n";
	for (int w = 0; w < WRITERS; w++) {
		pid_t pid = fork();
		if (pid == 0) {
			int bad = 0;
			for (int k = 0; k < EACH; k++) {
				struct ingest_request req = {cfg, data, "alice@test.com", NULL, NULL,
							     msg, strlen(msg), 1767225600, NULL};
				struct ingest_result res;
				bad += ingest_and_free(&req, &res) != 0;
			}
			_exit(bad ? 1 : 0);
		}
	}
	int status, failures = 0;
	while (wait(&status) > 0)
		failures += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	CHECK(failures == 0);
	char inbox[4200];
	snprintf(inbox, sizeof(inbox), "%s/inbox/alice", data);
	DIR *d = opendir(inbox);
	int burst = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		burst += strncmp(e->d_name, "2026-01-01-000000-burst", 23) == 0;
	if (d)
		closedir(d);
	CHECK(burst == WRITERS * EACH);
}

void suite_ingest(void)
{
	struct config cfg;
	struct config_report rep = {0};
	CHECK(config_parse(cfg_text, strlen(cfg_text), "t", &cfg, &rep) == 0);
	config_report_free(&rep);
	char data[4096];
	snprintf(data, sizeof(data), "%s", unit_tmpdir("ingest"));
	test_flat(&cfg, data);
	test_bundle(&cfg, data);
	test_routing_and_failure(&cfg, data);
	test_concurrent_stems(&cfg, data);
	config_free(&cfg);
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data);
	CHECK(system(cmd) == 0);
}
