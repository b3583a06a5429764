/* fuzz_aimx.h: the AIMX/1 codec fuzz target, for libFuzzer (make fuzz) and the unit tests. */
#ifndef AIMX_FUZZ_AIMX_H
#define AIMX_FUZZ_AIMX_H

#include <stddef.h>

#include "control/aimx.h"

/* One run of the request decoder over some bytes. */
struct fuzz_aimx_run {
	struct aimx_decoder d; /* free with aimx_decoder_free */
	enum aimx_decode_status st;
	size_t used; /* bytes consumed in all */
	int broken;  /* a feed reported more bytes used than given, or fewer than all while MORE,
	                or the line or a body outgrew its cap */
};

/* Decodes len bytes fed in chunks of step bytes (SIZE_MAX: whole), then EOF if the decoder still
 * wants more. Shared with tests/unit/test_aimx.c. */
void fuzz_aimx_decode(const void *bytes, size_t len, size_t step, struct fuzz_aimx_run *r);

/* Decodes data as a request fed whole and in several splits, re-encodes what decodes and parses
 * data as a reply to every verb; 0 when every split agrees, the round trip holds and every failed
 * parse left a reason. */
int fuzz_aimx_one(const unsigned char *data, size_t len);

#endif
