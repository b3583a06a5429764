/* dkim_sign.c: bench helper: DKIM signatures per second with a key file over one message. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "dkim/dkim.h"
#include "base/fileio.h"
#include "crypto/private_key.h"

/* usage: dkim_sign KEY.pem MESSAGE COUNT; prints "signs=N seconds=S per_second=R" */
int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	struct private_key key;
	char err[ERR_SIZE] = "";
	struct buf msg = BUF_INIT;
	int count = atoi(argv[3]);
	if (private_key_load(argv[1], &key, err) < 0 || key.type != BR_KEYTYPE_RSA ||
	    fileio_read_file(argv[2], &msg) < 0 || count < 1) {
		fprintf(stderr, "dkim_sign: %s\n", err);
		return 2;
	}
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int k = 0; k < count; k++) {
		struct buf sig = BUF_INIT;
		if (dkim_sign(msg.data, msg.len, "bench.test", "aimx", &key.rsa, time(NULL), &sig) < 0)
			return 1;
		buf_free(&sig);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("signs=%d seconds=%.3f per_second=%.1f\n", count, s, count / s);
	private_key_free(&key);
	buf_free(&msg);
	return 0;
}
