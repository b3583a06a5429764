/* service_log.c: the tail of the daemon's log files under OpenRC (or of syslog's messages). */
#include "cli/service_log.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "conf/config.h"
#include "base/fileio.h"
#include "base/paths.h"
#include "base/test_env.h"

static const char *log_root(void)
{
	const char *dir = test_env("AIMX_TEST_LOG_DIR");
	return dir ? dir : "/var/log";
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of dir's "*.log" entries, sorted. 0, or -1 when dir cannot be read. */
static int log_names(const char *dir, struct strlist *names)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] != '.' && len > 4 && strcmp(e->d_name + len - 4, ".log") == 0)
			rc = strlist_push(names, e->d_name);
	}
	closedir(d);
	if (names->n)
		qsort(names->v, names->n, sizeof(*names->v), by_name);
	return rc;
}

/* Every readable .log file of dir, concatenated. */
static void read_log_dir(const char *dir, struct buf *all)
{
	struct strlist names = {0};
	char path[AIMX_PATH_MAX];
	if (log_names(dir, &names) == 0)
		for (size_t k = 0; k < names.n; k++)
			if (snprintf(path, sizeof(path), "%s/%s", dir, names.v[k]) <
			    (int)sizeof(path))
				fileio_read_file(path, all);
	strlist_free(&names);
}

/* Append the last n lines of text to out (a missing final newline is added). */
static int tail_lines(const struct buf *text, long n, struct buf *out)
{
	size_t end = text->len, start = end;
	if (n <= 0 || end == 0)
		return 0;
	if (text->data[end - 1] == '\n')
		start--;
	for (long lines = 0; start > 0; start--)
		if (text->data[start - 1] == '\n' && ++lines == n)
			break;
	if (buf_append(out, text->data + start, end - start) < 0)
		return -1;
	return text->data[end - 1] == '\n' ? 0 : buf_append_char(out, '\n');
}

int service_log_tail(long n, struct buf *out, char err[ERR_SIZE])
{
	char dir[AIMX_PATH_MAX], messages[AIMX_PATH_MAX];
	struct buf text = BUF_INIT;
	snprintf(dir, sizeof(dir), "%s/aimx", log_root());
	snprintf(messages, sizeof(messages), "%s/messages", log_root());
	read_log_dir(dir, &text);
	if (text.len == 0 && fileio_read_file(messages, &text) < 0) {
		err_set(err, "no log source found for unit 'aimx': checked %.200s/*.log and %.200s",
		        dir, messages);
		buf_free(&text);
		return -1;
	}
	int rc = tail_lines(&text, n, out);
	if (rc < 0)
		err_set(err, "out of memory");
	buf_free(&text);
	return rc;
}
