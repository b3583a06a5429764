/* test_ed25519.c: unit tests for lib/ed25519.c: RFC 8032 7.1 vectors (1-3, SHA(abc)) and negatives. */
#include <stdio.h>
#include <stdlib.h>

#include "ed25519.h"
#include "unit.h"

struct vector {
	const char *pub, *msg, *sig;
};

/* RFC 8032 7.1 TEST 1, 2, 3 and TEST SHA(abc); the last is a 32-byte digest as DKIM signs. */
static const struct vector vectors[] = {
	{"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	 "",
	 "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
	{"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	 "72",
	 "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
	{"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	 "af82",
	 "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
	{"ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
	 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	 "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
	{"8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c",
	 "88e30afefe409614da4ff093bed65b00fc7a1be312a76d486719599522f93598",
	 "2f53e2949613729d3ce9f1cb0715bbd3f1296f4d2172a82a7ec276b92db546d372e272f2ad1082a681287758e9d3605c45c644d480e5f28e9b07f29524262900"},
};

static size_t unhex(const char *hex, unsigned char *out)
{
	size_t n = strlen(hex) / 2;
	for (size_t k = 0; k < n; k++) {
		unsigned v;
		sscanf(hex + 2 * k, "%2x", &v);
		out[k] = (unsigned char)v;
	}
	return n;
}

static void test_vectors(void)
{
	for (size_t k = 0; k < sizeof(vectors) / sizeof(vectors[0]); k++) {
		unsigned char pub[32], sig[64], msg[64];
		unhex(vectors[k].pub, pub);
		unhex(vectors[k].sig, sig);
		size_t n = unhex(vectors[k].msg, msg);
		CHECK(ed25519_verify(sig, msg, n, pub) == 1);
		msg[0] ^= 1;
		CHECK(n == 0 || ed25519_verify(sig, msg, n, pub) == 0);
		msg[0] ^= 1;
		sig[3] ^= 0x10; /* R */
		CHECK(ed25519_verify(sig, msg, n, pub) == 0);
		sig[3] ^= 0x10;
		sig[40] ^= 0x01; /* S */
		CHECK(ed25519_verify(sig, msg, n, pub) == 0);
		sig[40] ^= 0x01;
		pub[5] ^= 0x20;
		CHECK(ed25519_verify(sig, msg, n, pub) == 0);
	}
}

static void test_malformed(void)
{
	unsigned char pub[32], sig[64], msg[64];
	unhex(vectors[1].pub, pub);
	unhex(vectors[1].sig, sig);
	size_t n = unhex(vectors[1].msg, msg);
	/* S + L is the same scalar mod L but not canonical: refused */
	static const unsigned char order[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
						0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
						[31] = 0x10};
	unsigned char big[64];
	memcpy(big, sig, 64);
	unsigned carry = 0;
	for (int k = 0; k < 32; k++) {
		unsigned v = big[32 + k] + order[k] + carry;
		big[32 + k] = (unsigned char)v;
		carry = v >> 8;
	}
	CHECK(ed25519_verify(big, msg, n, pub) == 0);
	/* y = p (not canonical) and a y with no x on the curve */
	unsigned char bad[32];
	memset(bad, 0xff, 32);
	bad[0] = 0xed;
	bad[31] = 0x7f;
	CHECK(ed25519_verify(sig, msg, n, bad) == 0);
	memset(bad, 0, 32);
	bad[0] = 2;
	CHECK(ed25519_verify(sig, msg, n, bad) == 0);
}

void suite_ed25519(void)
{
	test_vectors();
	test_malformed();
}
