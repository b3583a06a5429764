/* test_log.c: unit tests for lib/base/log.c (line format, quoting, truncation, levels, AIMX_LOG). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "unit.h"

#define CAPTURE_MAX 16384

static int cap_fds[2] = {-1, -1};
static char cap_text[CAPTURE_MAX];
static int cap_writes; /* records read; a SOCK_SEQPACKET record is exactly one write(2) */

static int capture_open(void)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, cap_fds) < 0)
		return -1;
	int flags = fcntl(cap_fds[0], F_GETFL);
	if (flags < 0 || fcntl(cap_fds[0], F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	log_set_fd(cap_fds[1]);
	return 0;
}

static void capture_close(void)
{
	log_set_fd(-1);
	close(cap_fds[0]);
	close(cap_fds[1]);
}

/* Everything logged since the last call, as a string. */
static const char *captured(void)
{
	size_t len = 0;
	cap_writes = 0;
	for (;;) {
		ssize_t n = read(cap_fds[0], cap_text + len, sizeof(cap_text) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		cap_writes++;
	}
	cap_text[len] = '\0';
	return cap_text;
}

/* The line after its "ts=... " prefix, or NULL when there is no such prefix. */
static const char *after_ts(const char *line)
{
	if (strncmp(line, "ts=", 3) != 0)
		return NULL;
	const char *sp = strchr(line, ' ');
	return sp ? sp + 1 : NULL;
}

static void test_format(void)
{
	time_t before = time(NULL);
	log_event(LOG_INFO, "hello", "k", "v", "n", "42", NULL);
	time_t after = time(NULL);
	const char *line = captured();
	CHECK(cap_writes == 1);
	CHECK_STR(after_ts(line), "level=info event=hello k=v n=42\n");
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(line, "ts=%Y-%m-%dT%H:%M:%SZ ", &tm);
	CHECK(end != NULL && end == line + 24);
	time_t ts = end ? timegm(&tm) : 0;
	CHECK(ts >= before && ts <= after);

	log_event(LOG_ERROR, "two words", NULL);
	CHECK_STR(after_ts(captured()), "level=error event=\"two words\"\n");
	log_event(LOG_WARN, NULL, "bad key", "v", NULL);
	CHECK_STR(after_ts(captured()), "level=warn event=\"\" bad_key=v\n");
}

static void check_value(const char *value, const char *want_line)
{
	log_event(LOG_INFO, "e", "k", value, NULL);
	CHECK_STR(after_ts(captured()), want_line);
}

static void test_quoting(void)
{
	check_value("plain", "level=info event=e k=plain\n");
	check_value("a b", "level=info event=e k=\"a b\"\n");
	check_value("say \"hi\"", "level=info event=e k=\"say \\\"hi\\\"\"\n");
	check_value("x=y", "level=info event=e k=\"x=y\"\n");
	check_value("", "level=info event=e k=\"\"\n");
	check_value(NULL, "level=info event=e k=\"\"\n");
	check_value("l1\nl2", "level=info event=e k=\"l1\\nl2\"\n");
	check_value("\r\t", "level=info event=e k=\"\\r\\t\"\n");
	check_value("\x01z\x1f", "level=info event=e k=\"\\x01z\\x1f\"\n");
	check_value("\x7f", "level=info event=e k=\"\\x7f\"\n");
	check_value("a\\ b", "level=info event=e k=\"a\\\\ b\"\n");
	check_value("a\\b", "level=info event=e k=a\\b\n");
	check_value("caf\xc3\xa9", "level=info event=e k=caf\xc3\xa9\n");

	errno = ENOSPC;
	log_event(LOG_INFO, "e", NULL);
	CHECK(errno == ENOSPC);
	CHECK_STR(after_ts(captured()), "level=info event=e\n");
}

/* The line is cut, one write, ends with " truncated=1\n", and later pairs are gone. */
static const char *check_truncated(const char *first, const char *value)
{
	log_event(LOG_INFO, "big", "first", first, "v", value, "after", "x", NULL);
	const char *line = captured();
	size_t len = strlen(line);
	CHECK(cap_writes == 1);
	CHECK(len <= 4096 && len > 4000);
	CHECK(strchr(line, '\n') == line + len - 1);
	CHECK(len > 13 && strcmp(line + len - 13, " truncated=1\n") == 0);
	CHECK(strstr(line, " after=") == NULL);
	CHECK_CONTAINS(line, " v=");
	return line;
}

/* A quoted value is cut between escapes and its closing quote is kept. */
static void test_truncate_quoted(char *value, size_t size)
{
	for (size_t i = 0; i < size - 1; i++)
		value[i] = i % 2 ? ' ' : 'b';
	value[size - 1] = '\0';
	const char *line = check_truncated("1", value);
	size_t len = strlen(line);
	CHECK(len > 14 && line[len - 14] == '"');

	memset(value, '\n', size - 1);
	line = check_truncated("1", value);
	const char *open = strstr(line, " v=\"");
	const char *close = strrchr(line, '"');
	CHECK(open && close > open + 4);
	int pairs_ok = open && close && (close - open - 4) % 2 == 0;
	for (const char *p = open ? open + 4 : close; pairs_ok && p < close; p += 2)
		pairs_ok = p[0] == '\\' && p[1] == 'n';
	CHECK(pairs_ok);
}

/* Multi-byte UTF-8 is never split, whatever the parity of the cut point. */
static void test_truncate_utf8(char *value, size_t size)
{
	static const char *const firsts[] = {"1", "12"};
	for (size_t i = 0; i + 2 < size; i += 2) {
		value[i] = '\xc3';
		value[i + 1] = '\xa9';
		value[i + 2] = '\0';
	}
	for (size_t f = 0; f < 2; f++) {
		const char *line = check_truncated(firsts[f], value);
		const char *v = strstr(line, " v=");
		const char *tail = line + strlen(line) - 13;
		int utf8_ok = v && (tail - v - 3) % 2 == 0;
		for (const char *p = v ? v + 3 : tail; utf8_ok && p < tail; p += 2)
			utf8_ok = p[0] == '\xc3' && p[1] == '\xa9';
		CHECK(utf8_ok);
	}
}

/* Exact edges of the 4096-byte line: "ts=<20> level=info event=big" is 44 bytes and 13 are
 * kept for " truncated=1\n", so " first=<n a's> v=zzz" fits exactly when n is 4026. */
static void check_edge(size_t n, const char *value, const char *want_tail)
{
	static char first[4100];
	memset(first, 'a', n);
	first[n] = '\0';
	log_event(LOG_INFO, "big", "first", first, "v", value, NULL);
	const char *line = captured();
	size_t len = strlen(line), tail_len = strlen(want_tail);
	CHECK(len > tail_len + 44 + n);
	CHECK_STR(len > tail_len ? line + len - tail_len : NULL, want_tail);
}

static void test_truncate_edges(void)
{
	check_edge(4026, "zzz", "a v=zzz\n");
	check_edge(4027, "zzz", "a v=zz truncated=1\n");
	check_edge(4028, "zzz", "a v=z truncated=1\n");
	/* No room for a first byte: the pair is dropped rather than shown empty. */
	check_edge(4029, "zzz", "aaa truncated=1\n");
	/* Quoted: the opening and closing quote and one byte, or nothing. */
	check_edge(4026, "z z", "a v=\"z\" truncated=1\n");
	check_edge(4027, "z z", "aaa truncated=1\n");
	check_edge(4027, "", "a v=\"\"\n");
	check_edge(4028, "", "aaa truncated=1\n");
}

static void test_truncation(void)
{
	static char value[6001];
	memset(value, 'a', 5000);
	value[5000] = '\0';
	CHECK_CONTAINS(check_truncated("1", value), " first=1 v=aaa");
	test_truncate_quoted(value, sizeof(value));
	test_truncate_utf8(value, sizeof(value));
	test_truncate_edges();
}

static void test_levels(void)
{
	CHECK(log_level_parse("debug") == LOG_DEBUG);
	CHECK(log_level_parse("info") == LOG_INFO);
	CHECK(log_level_parse("warn") == LOG_WARN);
	CHECK(log_level_parse("error") == LOG_ERROR);
	CHECK(log_level_parse("ERROR") == LOG_ERROR);
	CHECK(log_level_parse("warning") == -1);
	CHECK(log_level_parse("") == -1);
	CHECK(log_level_parse(NULL) == -1);

	log_set_level(LOG_WARN);
	CHECK(log_get_level() == LOG_WARN);
	log_event(LOG_DEBUG, "d", NULL);
	log_event(LOG_INFO, "i", NULL);
	CHECK_STR(captured(), "");
	log_event(LOG_WARN, "w", NULL);
	CHECK_STR(after_ts(captured()), "level=warn event=w\n");
	log_event(LOG_ERROR, "e", NULL);
	CHECK_STR(after_ts(captured()), "level=error event=e\n");
	log_set_level(LOG_DEBUG);
	log_event(LOG_DEBUG, "d", NULL);
	CHECK_STR(after_ts(captured()), "level=debug event=d\n");
}

/* log_set_fd(-1) sends lines back to stderr. */
static void test_stderr(void)
{
	int saved = dup(STDERR_FILENO);
	CHECK(saved >= 0);
	if (saved < 0)
		return;
	CHECK(dup2(cap_fds[1], STDERR_FILENO) == STDERR_FILENO);
	log_set_fd(-1);
	log_event(LOG_INFO, "to_stderr", NULL);
	CHECK(dup2(saved, STDERR_FILENO) == STDERR_FILENO);
	close(saved);
	log_set_fd(cap_fds[1]);
	CHECK_STR(after_ts(captured()), "level=info event=to_stderr\n");
}

void suite_log(void)
{
	enum log_level old = log_get_level();
	CHECK(capture_open() == 0);
	log_set_level(LOG_DEBUG);
	test_format();
	test_quoting();
	test_truncation();
	test_levels();
	test_stderr();
	capture_close();
	log_set_level(old);
}

/* In a child started by suite_log_env: AIMX_LOG gives the threshold, read once. */
static void log_env_child(const char *expect)
{
	CHECK((int)log_get_level() == atoi(expect));
	CHECK(setenv("AIMX_LOG", "error", 1) == 0);
	CHECK((int)log_get_level() == atoi(expect));
}

/* Run this suite again in a fresh process (the level is read once per process). */
static void run_env_child(const char *aimx_log, int expect)
{
	char want[2] = {(char)('0' + expect), '\0'};
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (devnull < 0 || dup2(devnull, STDOUT_FILENO) < 0 ||
		    setenv("AIMX_UNIT_LOG_EXPECT", want, 1) < 0 ||
		    (aimx_log ? setenv("AIMX_LOG", aimx_log, 1) : unsetenv("AIMX_LOG")) < 0)
			_exit(3);
		execl("/proc/self/exe", "unit", "suite_log_env", (char *)NULL);
		_exit(4);
	}
	int status = 0;
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void suite_log_env(void)
{
	const char *expect = getenv("AIMX_UNIT_LOG_EXPECT");
	if (expect) {
		log_env_child(expect);
		return;
	}
	run_env_child("debug", LOG_DEBUG);
	run_env_child("WARN", LOG_WARN);
	run_env_child("error", LOG_ERROR);
	run_env_child("bogus", LOG_INFO);
	run_env_child("", LOG_INFO);
	run_env_child(NULL, LOG_INFO);
}
