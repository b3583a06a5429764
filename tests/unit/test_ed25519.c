/* test_ed25519.c: unit tests for lib/crypto/ed25519.c: RFC 8032 and libsodium vectors, forgeries, encodings. */
#include <stdio.h>
#include <stdlib.h>

#include "crypto/ed25519.h"
#include "unit.h"

#define MSG_MAX 1024

struct vector {
	const char *pub, *msg, *sig;
};

/* RFC 8032 7.1 TEST 1, 2, 3, 1024 (a 1023-byte message) and SHA(abc). */
static const struct vector rfc8032[] = {
	{"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
	 "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
	{"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	 "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
	{"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
	 "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
	{"278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
	 "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
	 "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
	 "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
	 "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
	 "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
	 "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
	 "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
	 "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
	 "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
	 "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
	 "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
	 "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
	 "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
	 "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
	 "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
	 "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
	 "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
	 "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
	 "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
	 "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
	 "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
	 "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
	 "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
	 "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
	 "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
	 "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
	 "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
	 "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
	 "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
	 "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
	 "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
	 "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
	 "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
	{"ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
	 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	 "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
};

/* Signed by python3-nacl (libsodium) with seeds SHA-256("aimx ed25519 1".."3"): two header
 * lines, a 32-byte SHA-256 digest as DKIM ed25519-sha256 signs, bytes 0..199. */
static const struct vector nacl[] = {
	{"0128bd1869e573905853f8541315547e75c43c889652db2601f9d3dbe30a143c",
	 "46726f6d3a2061406578616d706c652e636f6d0d0a5375626a6563743a2068690d0a",
	 "1bddd1e159a225e06c011107ef24685175f64b26e1f9b23cc6def54d9d208f3f57e29722b30d4e0a380782b7a0c6f07cf3c1aa31ed0345a5c79f8d292013c105"},
	{"c48948a8e58d9c0d00c2a73f21d164cc23121b56e10a6abed4be06918c1dfa37",
	 "ae5132cd98abc7855983a0baec754faf75edbe469d202e3c8a972203997b73e7",
	 "7c6eeaa022935a66422e58e31edde6c373c4a74c6cf2319e4404bf40aec10bb2237f33c7a32885a3a82e51eb0fdd8ee948c7344a52f1796b0a914257c85cda00"},
	{"29cca5260b21f3bca5202fd2c12e02d85dc5fbe77d269c0945e27151369898bb",
	 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	 "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	 "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	 "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	 "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	 "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	 "c0c1c2c3c4c5c6c7",
	 "ac2a0251b90a36e4f1e4f59e74b8b709094f5cde7589fbab0d2473916834fcc15942e2f916326baf0339daf0881abc1369ea8b43e5824fd111ac37bd9ec31d02"},
};

/* R is the identity point, S = k*a mod L computed in python from the key's scalar a:
 * first with R encoded canonically (y = 1), then as y = p + 1, which decodes to the same
 * point only if y >= p is tolerated (RFC 8032 5.1.3 says it must not be). */
static const struct vector identity_r[] = {
	{"ea4906dfb1c7c2514eecc408399bce92bc818144f77498cbd52eef218a72634f", "6964656e746974792052",
	 "0100000000000000000000000000000000000000000000000000000000000000"
	 "80eb20547b19d30cdf17825e9b29c77aaaee5cf535d9a2bf55eadc9e846b2105"},
	{"ea4906dfb1c7c2514eecc408399bce92bc818144f77498cbd52eef218a72634f", "6964656e746974792052",
	 "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"
	 "43f48e37808a4a0312be402bcabc222b712685518e7e87a419fa5ac46e50420c"},
};

/* the group order L, little-endian */
static const unsigned char order_l[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
					  0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
					  [31] = 0x10};

static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = strlen(hex) / 2;
	if (n > cap)
		abort();
	for (size_t k = 0; k < n; k++) {
		unsigned v;
		if (sscanf(hex + 2 * k, "%2x", &v) != 1)
			abort();
		out[k] = (unsigned char)v;
	}
	return n;
}

/* The vector verifies, and stops verifying when one bit of the message, R, S or the key
 * flips, or when the message loses its last byte. */
static void check_vector(const struct vector *v)
{
	static unsigned char msg[MSG_MAX];
	unsigned char pub[32], sig[64];
	unhex(v->pub, pub, sizeof(pub));
	unhex(v->sig, sig, sizeof(sig));
	size_t n = unhex(v->msg, msg, sizeof(msg) - 1); /* one spare byte for n + 1 */
	CHECK(ed25519_verify(sig, msg, n, pub) == 1);
	if (n > 0) {
		msg[n / 2] ^= 0x04;
		CHECK(ed25519_verify(sig, msg, n, pub) == 0);
		msg[n / 2] ^= 0x04;
		CHECK(ed25519_verify(sig, msg, n - 1, pub) == 0);
	}
	CHECK(ed25519_verify(sig, msg, n + 1, pub) == 0);
	sig[3] ^= 0x10; /* R */
	CHECK(ed25519_verify(sig, msg, n, pub) == 0);
	sig[3] ^= 0x10;
	sig[40] ^= 0x01; /* S */
	CHECK(ed25519_verify(sig, msg, n, pub) == 0);
	sig[40] ^= 0x01;
	pub[5] ^= 0x20;
	CHECK(ed25519_verify(sig, msg, n, pub) == 0);
	pub[5] ^= 0x20;
	CHECK(ed25519_verify(sig, msg, n, pub) == 1);
}

static void test_vectors(void)
{
	for (size_t k = 0; k < sizeof(rfc8032) / sizeof(rfc8032[0]); k++)
		check_vector(&rfc8032[k]);
	for (size_t k = 0; k < sizeof(nacl) / sizeof(nacl[0]); k++)
		check_vector(&nacl[k]);
}

/* S + L, L itself and 2^256 - 1 are refused before any curve arithmetic: S + L is the same
 * scalar mod L, so without the S < L check it would verify. */
static void test_scalar_range(void)
{
	unsigned char pub[32], sig[64], msg[8], forged[64];
	unhex(rfc8032[1].pub, pub, sizeof(pub));
	unhex(rfc8032[1].sig, sig, sizeof(sig));
	size_t n = unhex(rfc8032[1].msg, msg, sizeof(msg));
	memcpy(forged, sig, 64);
	unsigned carry = 0;
	for (int k = 0; k < 32; k++) {
		unsigned v = forged[32 + k] + order_l[k] + carry;
		forged[32 + k] = (unsigned char)v;
		carry = v >> 8;
	}
	CHECK(carry == 0);
	CHECK(ed25519_verify(forged, msg, n, pub) == 0);
	memcpy(forged + 32, order_l, 32);
	CHECK(ed25519_verify(forged, msg, n, pub) == 0);
	memset(forged + 32, 0xff, 32);
	CHECK(ed25519_verify(forged, msg, n, pub) == 0);
}

/* R = the identity point, canonical or spelled as y = p + 1: both refused. The canonical one
 * is a valid RFC 8032 signature, but an R (or a key) of small order is refused, as libsodium
 * and so dkimpy (through PyNaCl) refuse it: such a signature proves nothing of the key. */
static void test_r_encoding(void)
{
	unsigned char pub[32], sig[64], msg[16];
	for (size_t k = 0; k < 2; k++) {
		unhex(identity_r[k].pub, pub, sizeof(pub));
		unhex(identity_r[k].sig, sig, sizeof(sig));
		size_t n = unhex(identity_r[k].msg, msg, sizeof(msg));
		CHECK(ed25519_verify(sig, msg, n, pub) == 0);
	}
}

/* Public keys that are not canonical encodings. With R = identity and S = 0 the signature
 * would hold for A = identity (y = 1, x = 0) on any message: a key of small order, refused;
 * the same point spelled as y = p + 1, or with the sign bit of x = 0 set, must not decode
 * (RFC 8032 5.1.3 steps 1 and 4). */
static void test_public_key_encoding(void)
{
	unsigned char pub[32], sig[64] = {1}, msg[2] = {'h', 'i'};
	memset(pub, 0, 32);
	pub[0] = 1;
	CHECK(ed25519_verify(sig, msg, 2, pub) == 0);
	pub[31] = 0x80;
	CHECK(ed25519_verify(sig, msg, 2, pub) == 0);
	memset(pub, 0xff, 32);
	pub[0] = 0xee;
	pub[31] = 0x7f;
	CHECK(ed25519_verify(sig, msg, 2, pub) == 0);
	/* y = p would decode to a point of order 4 if it were reduced mod p */
	unsigned char good[64];
	unhex(rfc8032[1].sig, good, sizeof(good));
	pub[0] = 0xed;
	CHECK(ed25519_verify(good, (const unsigned char *)"r", 1, pub) == 0);
	/* y = 2: (y^2 - 1) / (d y^2 + 1) is not a square, so there is no x */
	memset(pub, 0, 32);
	pub[0] = 2;
	CHECK(ed25519_verify(good, (const unsigned char *)"r", 1, pub) == 0);
}

void suite_ed25519(void)
{
	test_vectors();
	test_scalar_range();
	test_r_encoding();
	test_public_key_encoding();
}
