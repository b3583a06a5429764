/* test_dedup.c: unit tests of lib/store/dedup.c: the Message-ID log and its hash table. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "store/dedup.h"
#include "unit.h"

#define T0 1735732800

static long long log_size(const struct dedup_index *ix)
{
	struct stat st;
	return stat(ix->path, &st) == 0 ? (long long)st.st_size : -1;
}

static long long log_inode(const struct dedup_index *ix)
{
	struct stat st;
	return stat(ix->path, &st) == 0 ? (long long)st.st_ino : -1;
}

static void test_seen_and_ttl(const char *data)
{
	struct dedup_index ix;
	CHECK(dedup_index_open(&ix, data, "alice") == 0);
	CHECK(!dedup_index_seen(&ix, "a@x", T0));
	CHECK(dedup_index_record(&ix, "a@x", T0) == 0);
	CHECK(dedup_index_seen(&ix, "a@x", T0 + 10));
	CHECK(!dedup_index_seen(&ix, "a@x", T0 + DEDUP_TTL_SECONDS));
	CHECK(!dedup_index_seen(&ix, "b@x", T0 + 10));
	CHECK(!dedup_index_seen(&ix, "", T0) && dedup_index_record(&ix, "", T0) == 0);
	/* another process appends (the `aimx ingest` path): seen without reopening */
	CHECK(dedup_record(data, "alice", "b@x", T0 + 20) == 0);
	CHECK(dedup_index_seen(&ix, "b@x", T0 + 30));
	/* a torn last line is skipped, and what follows it is still read */
	int fd = open(ix.path, O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "17357\n", 6) == 6);
	close(fd);
	CHECK(dedup_record(data, "alice", "c@x", T0 + 40) == 0);
	CHECK(dedup_index_seen(&ix, "c@x", T0 + 50));
	dedup_index_free(&ix);
	/* and all of it survives a restart */
	CHECK(dedup_seen(data, "alice", "a@x", T0 + 60) && dedup_seen(data, "alice", "c@x", T0 + 60));
	CHECK(!dedup_seen(data, "bob", "a@x", T0 + 60));
}

/* Past 4096 lines, once an hour, only the entries within the TTL are kept. */
static void test_compaction(const char *data)
{
	struct dedup_index ix;
	char id[64];
	CHECK(dedup_index_open(&ix, data, "bulk") == 0);
	long long inode = -1;
	for (int k = 0; k < 5000; k++) {
		snprintf(id, sizeof(id), "old-%d@x", k);
		CHECK(dedup_index_record(&ix, id, T0) == 0 || !"recorded");
		if (k == 4500)
			inode = log_inode(&ix);
	}
	/* the rewrite past line 4096 was the hour's one: later lines were appended in place */
	CHECK(inode > 0 && log_inode(&ix) == inode);
	long long before = log_size(&ix);
	CHECK(dedup_index_record(&ix, "new@x", T0 + DEDUP_TTL_SECONDS + 1) == 0);
	CHECK(log_size(&ix) < before / 100); /* the 5000 expired lines are gone */
	CHECK(dedup_index_seen(&ix, "new@x", T0 + DEDUP_TTL_SECONDS + 2));
	CHECK(!dedup_index_seen(&ix, "old-7@x", T0 + 10)); /* dropped from memory too */
	dedup_index_free(&ix);
	CHECK(dedup_seen(data, "bulk", "new@x", T0 + DEDUP_TTL_SECONDS + 2));
}

/* A one-off record (`aimx ingest`) appends and never rewrites the log, however long and
 * stale: that is the long-lived holder's job, and a rewrite under it would move its offset. */
static void test_one_off_never_compacts(const char *data)
{
	struct dedup_index ix;
	CHECK(dedup_index_open(&ix, data, "oneoff") == 0);
	CHECK(dedup_index_record(&ix, "first@x", T0) == 0);
	int fd = open(ix.path, O_WRONLY | O_APPEND);
	char line[64];
	int bad = fd < 0;
	for (int k = 0; k < 5000 && !bad; k++) {
		int n = snprintf(line, sizeof(line), "%d %032x\n", T0, k + 1);
		bad = write(fd, line, (size_t)n) != n;
	}
	CHECK(!bad);
	if (fd >= 0)
		close(fd);
	long long inode = log_inode(&ix);
	CHECK(dedup_record(data, "oneoff", "later@x", T0 + 10 * DEDUP_TTL_SECONDS) == 0);
	CHECK(inode > 0 && log_inode(&ix) == inode);
	dedup_index_free(&ix);
}

/* The log removed by hand under a holder: what is appended to the new one is still seen. */
static void test_log_replaced(const char *data)
{
	struct dedup_index ix;
	CHECK(dedup_index_open(&ix, data, "gone") == 0);
	CHECK(dedup_index_record(&ix, "a@x", T0) == 0);
	CHECK(dedup_index_record(&ix, "b@x", T0) == 0);
	CHECK(unlink(ix.path) == 0);
	CHECK(dedup_record(data, "gone", "c@x", T0 + 1) == 0);
	CHECK(dedup_index_seen(&ix, "c@x", T0 + 2));
	CHECK(dedup_index_record(&ix, "d@x", T0 + 3) == 0);
	dedup_index_free(&ix);
	CHECK(dedup_seen(data, "gone", "d@x", T0 + 4)); /* written to the new log, not the old */
}

void suite_dedup(void)
{
	const char *data = unit_tmpdir("dedup");
	test_seen_and_ttl(data);
	test_compaction(data);
	test_one_off_never_compacts(data);
	test_log_replaced(data);
}
