/* fuzz_pem.c: PEM armour (decoded, re-encoded, decoded again) and private-key DER (PKCS#1,
 * SEC1, PKCS#8), both from the armour and as the raw bytes. */
#include "tests/fuzz/fuzz_pem.h"

#include <string.h>

#include "base/buf.h"
#include "crypto/pem.h"
#include "crypto/private_key.h"
#include "tests/fuzz/support/fuzz_util.h"

static int same_object(const struct pem_object *a, const struct pem_object *b)
{
	return strcmp(a->label, b->label) == 0 && a->len == b->len &&
	       (a->len == 0 || memcmp(a->der, b->der, a->len) == 0);
}

static int round_trip_bad(const struct pem_object *obj)
{
	struct buf text = BUF_INIT;
	struct pem_list again = PEM_LIST_INIT;
	int bad = 0;
	if (pem_encode(&text, obj->label, obj->der, obj->len) == 0)
		bad = pem_decode(text.data, text.len, &again) != PEM_OK || again.count != 1 ||
		      !same_object(obj, &again.obj[0]);
	pem_list_free(&again);
	buf_free(&text);
	return bad;
}

static int key_bad(const struct pem_list *pems)
{
	struct private_key key;
	char err[ERR_SIZE] = "";
	memset(&key, 0, sizeof(key));
	if (private_key_from_pems(pems, "fuzz.pem", &key, err) < 0)
		return err[0] == '\0' || key.data != NULL;
	int bad = key.type != BR_KEYTYPE_RSA && key.type != BR_KEYTYPE_EC;
	private_key_free(&key);
	return bad;
}

int fuzz_pem_one(const unsigned char *data, size_t len)
{
	struct pem_list pems = PEM_LIST_INIT;
	int bad = 0;
	if (pem_decode(data, len, &pems) == PEM_OK) {
		for (size_t k = 0; k < pems.count && !bad; k++)
			bad = round_trip_bad(&pems.obj[k]);
		bad |= key_bad(&pems);
	}
	pem_list_free(&pems);
	struct pem_object raw = {"PRIVATE KEY", (unsigned char *)data, len};
	struct pem_list as_der = {&raw, 1};
	return bad | key_bad(&as_der);
}

FUZZ_UTIL_ENTRY(fuzz_pem_one)
