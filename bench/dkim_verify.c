/* dkim_verify.c: bench helper: time dkim_verify() per message over files, keys via $AIMX_RESOLV_CONF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "dkim/dkim.h"
#include "base/fileio.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* usage: dkim_verify ROUNDS FILE...; prints "n=N pass=P median_us=M p99_us=Q" */
int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	int rounds = atoi(argv[1]), nfiles = argc - 2;
	struct buf *msgs = calloc((size_t)nfiles, sizeof(*msgs));
	double *t = calloc((size_t)(rounds * nfiles), sizeof(*t));
	struct dns_resolver r;
	if (!msgs || !t || rounds < 1 || dns_resolver_init(&r) < 0)
		return 2;
	for (int k = 0; k < nfiles; k++)
		if (fileio_read_file(argv[k + 2], &msgs[k]) < 0)
			return 2;
	struct dns_lookup dns = dns_lookup_resolver(&r);
	int n = 0, pass = 0;
	for (int round = 0; round < rounds; round++)
		for (int k = 0; k < nfiles; k++) {
			struct dkim_result res;
			double start = now_us();
			if (dkim_verify(msgs[k].data, msgs[k].len, &dns, time(NULL), &res) < 0)
				return 2;
			t[n++] = now_us() - start;
			pass += strcmp(dkim_verdict(&res), "pass") == 0;
		}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("n=%d pass=%d median_us=%.0f p99_us=%.0f\n", n, pass, t[n / 2], t[n * 99 / 100]);
	return pass == n ? 0 : 1;
}
