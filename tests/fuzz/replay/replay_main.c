/* replay_main.c: libFuzzer's place for `make fuzz-replay`: every file of the given dirs, once. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/fileio.h"

#define REPLAY_INPUT_MAX (16 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed one file to the target; 0, or -1 when it cannot be read. */
static int replay_file(const char *path)
{
	struct buf in = BUF_INIT;
	in.limit = REPLAY_INPUT_MAX;
	if (fileio_read_file(path, &in) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		buf_free(&in);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)(in.data ? in.data : ""), in.len);
	buf_free(&in);
	return 0;
}

static int visible(const struct dirent *e)
{
	return e->d_name[0] != '.' && strcmp(e->d_name, "README.md") != 0;
}

/* Every visible file of dir in name order; how many, or -1. A missing dir holds none. */
static long replay_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, visible, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -1;
	long done = 0;
	for (int k = 0; k < n; k++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[k]->d_name);
		if (done >= 0 && replay_file(path) == 0)
			done++;
		else
			done = -1;
		free(names[k]);
	}
	free(names);
	return done;
}

int main(int argc, char **argv)
{
	long total = 0;
	for (int k = 1; k < argc; k++) {
		long n = replay_dir(argv[k]);
		if (n < 0) {
			fprintf(stderr, "replay: cannot read %s\n", argv[k]);
			return 2;
		}
		total += n;
	}
	printf("replay %s: %ld inputs, no finding\n", argc > 0 ? argv[0] : "?", total);
	return 0;
}
