/* fuzz_dkim_key.c: DKIM key records (tag list, base64, SubjectPublicKeyInfo DER, RSA sizes,
 * Ed25519) as published in a selector's TXT record. */
#include "tests/fuzz/fuzz_dkim_key.h"

#include <string.h>

#include "dkim/dkim_key.h"
#include "tests/fuzz/support/fuzz_util.h"

int fuzz_dkim_key_one(const unsigned char *data, size_t len)
{
	struct dkim_key key;
	memset(&key, 0, sizeof(key));
	enum dkim_key_error e = dkim_key_parse((const char *)data, len, &key);
	if (e > DKIM_KEY_SIZE || !dkim_key_error_text(e))
		return 1;
	if (e != DKIM_KEY_OK || key.type != DKIM_KEY_RSA)
		return 0;
	return key.nlen > DKIM_RSA_MAX_BYTES || key.elen > sizeof(key.e) || key.nlen * 8 < 1017 ||
	       key.rsa.n != key.n || key.rsa.e != key.e;
}

FUZZ_UTIL_ENTRY(fuzz_dkim_key_one)
