/* fuzz_util.h: what several fuzz targets share: C strings cut from the input and a DNS that
 * answers every query, TXT from the input. */
#ifndef AIMX_FUZZ_UTIL_H
#define AIMX_FUZZ_UTIL_H

#include <stddef.h>

#include "net/dns.h"

/* A malloc'd NUL-terminated copy of n bytes (NULs inside kept), NULL on ENOMEM. */
char *fuzz_util_cstr(const unsigned char *data, size_t n);

/* The length of the first line of data (up to, not including, the first '\n'). */
size_t fuzz_util_line(const unsigned char *data, size_t len);

/* A config parsed once and read-only afterwards: domain example.org, trust verified for
 * *@example.com, mailbox alice (alice@example.org, owner nobody). NULL if it does not load. */
struct config;
const struct config *fuzz_util_config(void);

/* A DNS where every name exists: TXT answers txt (txt_len bytes, NULs kept); A 192.0.2.1,
 * AAAA 2001:db8::1, MX "10 mx.<name>", PTR mail.example.org; a name starting with "nx."
 * is NXDOMAIN and one starting with "tf." TEMPFAIL. */
struct fuzz_util_dns {
	const char *txt;
	size_t txt_len;
	int queries;
};
struct dns_lookup fuzz_util_dns_lookup(struct fuzz_util_dns *f);

/* libFuzzer's entry point for a target whose check is ONE (0: every invariant held), compiled
 * in by `make fuzz` and the corpus replay (-DFUZZ_LIBFUZZER): a broken invariant aborts. Only
 * errors are logged, so the trust events of millions of inputs do not drown a finding. */
#ifdef FUZZ_LIBFUZZER
#include <stdint.h>
#include <stdlib.h>

#include "base/log.h"
#define FUZZ_UTIL_ENTRY(ONE)                                                                       \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                              \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                               \
	{                                                                                          \
		log_set_level(LOG_ERROR);                                                          \
		if (ONE(data, size) != 0)                                                          \
			abort();                                                                   \
		return 0;                                                                          \
	}
#else
#define FUZZ_UTIL_ENTRY(ONE)
#endif

#endif
