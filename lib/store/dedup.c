/* dedup.c: the Message-ID log and its in-memory hash table (see dedup.h). */
#include "store/dedup.h"

#include <bearssl_hash.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fileio.h"
#include "base/path_join.h"

#define DEDUP_PATH_MAX 4096

#define DEDUP_HEX      32
#define DEDUP_LINE_MAX 64
#define DEDUP_MIN_CAP  64
#define DEDUP_SLACK    4096 /* lines below which the log is never rewritten */
#define DEDUP_COMPACT_S 3600 /* at most one rewrite an hour: O(entries) an hour, O(1) a message */

static void digest_of(const char *message_id, unsigned char out[DEDUP_HEX / 2])
{
	unsigned char full[br_sha256_SIZE];
	br_sha256_context ctx;
	br_sha256_init(&ctx);
	br_sha256_update(&ctx, message_id, strlen(message_id));
	br_sha256_out(&ctx, full);
	memcpy(out, full, DEDUP_HEX / 2);
}

/* The table key of a digest: its first 8 bytes, never 0 (the empty slot). */
static uint64_t key_of(const unsigned char *d)
{
	uint64_t k = 0;
	for (int i = 0; i < 8; i++)
		k = k << 8 | d[i];
	return k ? k : 1;
}

static size_t slot_of(const struct dedup_index *ix, uint64_t key)
{
	size_t i = (size_t)(key ^ key >> 29) & (ix->cap - 1);
	while (ix->keys[i] && ix->keys[i] != key)
		i = (i + 1) & (ix->cap - 1);
	return i;
}

static int grow(struct dedup_index *ix)
{
	size_t cap = ix->cap ? ix->cap * 2 : DEDUP_MIN_CAP;
	struct dedup_index bigger = *ix;
	bigger.keys = calloc(cap, sizeof(*bigger.keys));
	bigger.times = calloc(cap, sizeof(*bigger.times));
	bigger.cap = cap;
	bigger.used = 0;
	if (!bigger.keys || !bigger.times) {
		free(bigger.keys);
		free(bigger.times);
		errno = ENOMEM;
		return -1;
	}
	for (size_t k = 0; k < ix->cap; k++)
		if (ix->keys[k]) {
			size_t s = slot_of(&bigger, ix->keys[k]);
			bigger.keys[s] = ix->keys[k];
			bigger.times[s] = ix->times[k];
			bigger.used++;
		}
	free(ix->keys);
	free(ix->times);
	*ix = bigger;
	return 0;
}

static int put(struct dedup_index *ix, uint64_t key, int64_t t)
{
	if ((ix->used + 1) * 2 > ix->cap && grow(ix) < 0)
		return -1;
	size_t s = slot_of(ix, key);
	if (!ix->keys[s])
		ix->used++;
	ix->keys[s] = key;
	if (t > ix->times[s])
		ix->times[s] = t;
	return 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One "<time> <hex>" line; malformed ones (a torn append) are skipped. */
static void take_line(struct dedup_index *ix, const char *line, size_t n)
{
	char *end;
	long long t = strtoll(line, &end, 10);
	unsigned char d[DEDUP_HEX / 2];
	ix->lines++;
	if (end == line || *end != ' ' || (size_t)(end + 1 - line) + DEDUP_HEX != n)
		return;
	for (int i = 0; i < DEDUP_HEX / 2; i++) {
		int hi = hexval(end[1 + 2 * i]), lo = hexval(end[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			return;
		d[i] = (unsigned char)(hi << 4 | lo);
	}
	put(ix, key_of(d), t);
}

static void log_close(struct dedup_index *ix)
{
	if (ix->log_fd >= 0)
		close(ix->log_fd);
	ix->log_fd = -1;
}

/* The log, kept open for appends from the first record on (made with its folder if need
 * be). The descriptor, or -1 with errno. */
static int log_open(struct dedup_index *ix)
{
	char dir[DEDUP_PATH_MAX];
	if (ix->log_fd >= 0)
		return ix->log_fd;
	ix->log_fd = open(ix->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (ix->log_fd < 0 && errno == ENOENT) {
		snprintf(dir, sizeof(dir), "%s", ix->path);
		*strrchr(dir, '/') = '\0';
		if (fileio_mkdir_p(dir, 0700) == 0)
			ix->log_fd = open(ix->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
					  0600);
	}
	return ix->log_fd;
}

/* Reads the lines appended since the last read (by us or by other processes). A log that
 * was removed or replaced meanwhile (by hand) is reopened and read again from its start. */
static int catch_up(struct dedup_index *ix)
{
	struct stat st;
	if (ix->log_fd >= 0 && (fstat(ix->log_fd, &st) < 0 || st.st_nlink == 0))
		log_close(ix);
	if (ix->log_fd < 0 && stat(ix->path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (st.st_size < ix->read_to)
		ix->read_to = 0, ix->lines = 0;
	if (st.st_size <= ix->read_to)
		return 0;
	int fd = open(ix->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct buf text = BUF_INIT;
	if (fd < 0 || lseek(fd, ix->read_to, SEEK_SET) < 0 || fileio_read_fd(fd, &text) < 0) {
		if (fd >= 0)
			close(fd);
		buf_free(&text);
		return -1;
	}
	close(fd);
	size_t done = 0;
	for (const char *nl; text.len > done && (nl = memchr(text.data + done, '\n', text.len - done));) {
		take_line(ix, text.data + done, (size_t)(nl - text.data) - done);
		done = (size_t)(nl - text.data) + 1;
	}
	ix->read_to += (long long)done; /* a line still being written is read next time */
	buf_free(&text);
	return 0;
}

int dedup_index_open(struct dedup_index *ix, const char *data_dir, const char *mailbox)
{
	char dir[DEDUP_PATH_MAX];
	memset(ix, 0, sizeof(*ix));
	ix->log_fd = -1;
	if (path_join(dir, sizeof(dir), data_dir, ".aimx/msgid") < 0 ||
	    snprintf(ix->path, sizeof(ix->path), "%s/%s.log", dir, mailbox) >= (int)sizeof(ix->path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return grow(ix) == 0 && catch_up(ix) == 0 ? 0 : -1;
}

int dedup_index_seen(struct dedup_index *ix, const char *message_id, time_t now)
{
	unsigned char d[DEDUP_HEX / 2];
	if (!message_id || !*message_id)
		return 0;
	catch_up(ix);
	digest_of(message_id, d);
	size_t s = slot_of(ix, key_of(d));
	return ix->keys[s] && now - ix->times[s] < DEDUP_TTL_SECONDS;
}

static int format_line(char out[DEDUP_LINE_MAX], const unsigned char *d, int64_t t)
{
	static const char hex[] = "0123456789abcdef";
	int n = snprintf(out, DEDUP_LINE_MAX, "%lld ", (long long)t);
	for (int i = 0; i < DEDUP_HEX / 2; i++) {
		out[n++] = hex[d[i] >> 4];
		out[n++] = hex[d[i] & 15];
	}
	out[n++] = '\n';
	return n;
}

/* Keeps only the entries still within the TTL: in a new table, and in a new log that
 * replaces the old one (keys stand in for the digests: their first 8 bytes, the rest 0). */
static void compact(struct dedup_index *ix, time_t now)
{
	ix->compacted_at = now; /* before the copy: live replaces ix, and failures count too */
	struct dedup_index live = *ix;
	struct buf text = BUF_INIT;
	char line[DEDUP_LINE_MAX];
	live.keys = calloc(ix->cap, sizeof(*live.keys));
	live.times = calloc(ix->cap, sizeof(*live.times));
	live.used = 0;
	if (!live.keys || !live.times) {
		free(live.keys);
		free(live.times);
		return;
	}
	for (size_t k = 0; k < ix->cap; k++) {
		if (!ix->keys[k] || now - ix->times[k] >= DEDUP_TTL_SECONDS)
			continue;
		unsigned char d[DEDUP_HEX / 2] = {0};
		for (int i = 0; i < 8; i++)
			d[i] = (unsigned char)(ix->keys[k] >> (56 - 8 * i));
		put(&live, ix->keys[k], ix->times[k]);
		if (buf_append(&text, line, (size_t)format_line(line, d, ix->times[k])) < 0)
			break;
	}
	if (fileio_write_atomic(ix->path, text.data ? text.data : "", text.len, 0600, (uid_t)-1,
				0) == 0) {
		log_close(ix); /* the next record opens the new log */
		live.log_fd = -1;
		free(ix->keys);
		free(ix->times);
		*ix = live;
		ix->lines = live.used;
		ix->read_to = (long long)text.len;
	} else {
		free(live.keys);
		free(live.times);
	}
	buf_free(&text);
}

int dedup_index_record(struct dedup_index *ix, const char *message_id, time_t now)
{
	unsigned char d[DEDUP_HEX / 2];
	char line[DEDUP_LINE_MAX];
	if (!message_id || !*message_id)
		return 0;
	digest_of(message_id, d);
	int n = format_line(line, d, now);
	catch_up(ix);
	int fd = log_open(ix);
	if (fd < 0)
		return -1;
	int rc = fileio_write_all(fd, line, (size_t)n);
	int saved = errno;
	if (rc == 0) {
		ix->read_to += n;
		ix->lines++;
		put(ix, key_of(d), now);
	}
	if (ix->lines > DEDUP_SLACK && now - ix->compacted_at >= DEDUP_COMPACT_S)
		compact(ix, now);
	errno = saved;
	return rc;
}

void dedup_index_free(struct dedup_index *ix)
{
	log_close(ix);
	free(ix->keys);
	free(ix->times);
	memset(ix, 0, sizeof(*ix));
}

int dedup_seen(const char *data_dir, const char *mailbox, const char *message_id, time_t now)
{
	struct dedup_index ix;
	if (!message_id || !*message_id || dedup_index_open(&ix, data_dir, mailbox) < 0)
		return 0;
	int seen = dedup_index_seen(&ix, message_id, now);
	dedup_index_free(&ix);
	return seen;
}

int dedup_record(const char *data_dir, const char *mailbox, const char *message_id, time_t now)
{
	struct dedup_index ix;
	if (!message_id || !*message_id)
		return 0;
	if (dedup_index_open(&ix, data_dir, mailbox) < 0)
		return -1;
	ix.compacted_at = now; /* rewriting the log is the long-lived holder's hourly job */
	int rc = dedup_index_record(&ix, message_id, now);
	int saved = errno;
	dedup_index_free(&ix);
	errno = saved;
	return rc;
}
