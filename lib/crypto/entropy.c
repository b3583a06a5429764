/* entropy.c: system randomness for BearSSL: kernel bytes, and a seeded HMAC_DRBG. */
#include "crypto/entropy.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define SEED_LEN 32

static int urandom_get(unsigned char *p, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = n < 0 ? errno : EIO;
			(void)close(fd);
			errno = saved;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return close(fd);
}

int entropy_get(void *buf, size_t len)
{
	unsigned char *p = buf;
	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOSYS)
			return urandom_get(p, len);
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int entropy_seed_drbg(br_hmac_drbg_context *drbg)
{
	unsigned char seed[SEED_LEN];
	int have_seed = entropy_get(seed, sizeof(seed)) == 0;
	if (!have_seed)
		memset(seed, 0, sizeof(seed));
	br_hmac_drbg_init(drbg, &br_sha256_vtable, seed, sizeof(seed));
	explicit_bzero(seed, sizeof(seed));
	br_prng_seeder system_seeder = br_prng_seeder_system(NULL);
	int have_system = system_seeder && system_seeder(&drbg->vtable);
	return have_seed || have_system ? 0 : -1;
}
