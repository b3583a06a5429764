/* ed25519.c: Ed25519 verification (RFC 8032 5.1.7): GF(2^255-19) in 16-bit limbs, extended points. */
#include "crypto/ed25519.h"

#include <stdint.h>
#include <string.h>

#include "bearssl_hash.h"

typedef int64_t fe[16];

static const fe fe_one = {1};
/* d = -121665/121666, 2d, the base point B = (x, 4/5), sqrt(-1); computed, 16 bits per limb */
static const fe curve_d = {0x78a3, 0x1359, 0x4dca, 0x75eb, 0xd8ab, 0x4141, 0x0a4d, 0x0070,
			   0xe898, 0x7779, 0x4079, 0x8cc7, 0xfe73, 0x2b6f, 0x6cee, 0x5203};
static const fe curve_2d = {0xf159, 0x26b2, 0x9b94, 0xebd6, 0xb156, 0x8283, 0x149a, 0x00e0,
			    0xd130, 0xeef3, 0x80f2, 0x198e, 0xfce7, 0x56df, 0xd9dc, 0x2406};
static const fe base_x = {0xd51a, 0x8f25, 0x2d60, 0xc956, 0xa7b2, 0x9525, 0xc760, 0x692c,
			  0xdc5c, 0xfdd6, 0xe231, 0xc0a4, 0x53fe, 0xcd6e, 0x36d3, 0x2169};
static const fe base_y = {0x6658, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666,
			  0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666};
static const fe sqrt_m1 = {0xa0b0, 0x4a0e, 0x1b27, 0xc4ee, 0xe478, 0xad2f, 0x1806, 0x2f43,
			   0xd7a7, 0x3dfb, 0x0099, 0x2b4d, 0xdf0b, 0x4fc1, 0x2480, 0x2b83};
/* the group order L, little-endian */
static const unsigned char order_l[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
					  0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
					  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};

static void fe_copy(fe o, const fe a)
{
	memcpy(o, a, sizeof(fe));
}

static void fe_carry(fe o)
{
	for (int i = 0; i < 16; i++) {
		o[i] += 65536;
		int64_t c = o[i] >> 16;
		if (i < 15)
			o[i + 1] += c - 1;
		else
			o[0] += 38 * (c - 1);
		o[i] -= c * 65536;
	}
}

static void fe_add(fe o, const fe a, const fe b)
{
	for (int i = 0; i < 16; i++)
		o[i] = a[i] + b[i];
}

static void fe_sub(fe o, const fe a, const fe b)
{
	for (int i = 0; i < 16; i++)
		o[i] = a[i] - b[i];
}

static void fe_mul(fe o, const fe a, const fe b)
{
	int64_t t[31] = {0};
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++)
			t[i + j] += a[i] * b[j];
	for (int i = 0; i < 15; i++)
		t[i] += 38 * t[i + 16]; /* 2^256 = 38 mod p */
	for (int i = 0; i < 16; i++)
		o[i] = t[i];
	fe_carry(o);
	fe_carry(o);
}

/* a^(p-2) = 1/a */
static void fe_invert(fe o, const fe a)
{
	fe c;
	fe_copy(c, a);
	for (int i = 253; i >= 0; i--) {
		fe_mul(c, c, c);
		if (i != 2 && i != 4)
			fe_mul(c, c, a);
	}
	fe_copy(o, c);
}

/* a^((p-5)/8) = a^(2^252-3) */
static void fe_pow2523(fe o, const fe a)
{
	fe c;
	fe_copy(c, a);
	for (int i = 250; i >= 0; i--) {
		fe_mul(c, c, c);
		if (i != 1)
			fe_mul(c, c, a);
	}
	fe_copy(o, c);
}

static void fe_swap(fe p, fe q, int64_t bit)
{
	int64_t mask = ~(bit - 1);
	for (int i = 0; i < 16; i++) {
		int64_t t = mask & (p[i] ^ q[i]);
		p[i] ^= t;
		q[i] ^= t;
	}
}

/* Fully reduced little-endian bytes. */
static void fe_pack(unsigned char out[32], const fe n)
{
	fe t, m;
	fe_copy(t, n);
	fe_carry(t);
	fe_carry(t);
	fe_carry(t);
	for (int pass = 0; pass < 2; pass++) {
		m[0] = t[0] - 0xffed;
		for (int i = 1; i < 15; i++) {
			m[i] = t[i] - 0xffff - ((m[i - 1] >> 16) & 1);
			m[i - 1] &= 0xffff;
		}
		m[15] = t[15] - 0x7fff - ((m[14] >> 16) & 1);
		int64_t borrow = (m[15] >> 16) & 1;
		m[14] &= 0xffff;
		fe_swap(t, m, 1 - borrow);
	}
	for (int i = 0; i < 16; i++) {
		out[2 * i] = (unsigned char)(t[i] & 0xff);
		out[2 * i + 1] = (unsigned char)(t[i] >> 8);
	}
}

static void fe_unpack(fe o, const unsigned char in[32])
{
	for (int i = 0; i < 16; i++)
		o[i] = in[2 * i] + ((int64_t)in[2 * i + 1] << 8);
	o[15] &= 0x7fff;
}

static int fe_equal(const fe a, const fe b)
{
	unsigned char x[32], y[32];
	fe_pack(x, a);
	fe_pack(y, b);
	return memcmp(x, y, 32) == 0;
}

static int fe_parity(const fe a)
{
	unsigned char x[32];
	fe_pack(x, a);
	return x[0] & 1;
}

/* Points in extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z. */
typedef fe point[4];

static void point_add(point p, const point q)
{
	fe a, b, c, d, t, e, f, g, h;
	fe_sub(a, p[1], p[0]);
	fe_sub(t, q[1], q[0]);
	fe_mul(a, a, t);
	fe_add(b, p[0], p[1]);
	fe_add(t, q[0], q[1]);
	fe_mul(b, b, t);
	fe_mul(c, p[3], q[3]);
	fe_mul(c, c, curve_2d);
	fe_mul(d, p[2], q[2]);
	fe_add(d, d, d);
	fe_sub(e, b, a);
	fe_sub(f, d, c);
	fe_add(g, d, c);
	fe_add(h, b, a);
	fe_mul(p[0], e, f);
	fe_mul(p[1], h, g);
	fe_mul(p[2], g, f);
	fe_mul(p[3], e, h);
}

static void point_swap(point p, point q, int64_t bit)
{
	for (int i = 0; i < 4; i++)
		fe_swap(p[i], q[i], bit);
}

static void point_pack(unsigned char out[32], point p)
{
	fe zi, x, y;
	fe_invert(zi, p[2]);
	fe_mul(x, p[0], zi);
	fe_mul(y, p[1], zi);
	fe_pack(out, y);
	out[31] ^= (unsigned char)(fe_parity(x) << 7);
}

/* p = [s]q (q is consumed). */
static void point_scalarmult(point p, point q, const unsigned char s[32])
{
	memset(p, 0, sizeof(point));
	fe_copy(p[1], fe_one);
	fe_copy(p[2], fe_one);
	for (int i = 255; i >= 0; i--) {
		int64_t bit = (s[i / 8] >> (i & 7)) & 1;
		point_swap(p, q, bit);
		point_add(q, p);
		point_add(p, p);
		point_swap(p, q, bit);
	}
}

static void point_scalarbase(point p, const unsigned char s[32])
{
	point q;
	fe_copy(q[0], base_x);
	fe_copy(q[1], base_y);
	fe_copy(q[2], fe_one);
	fe_mul(q[3], base_x, base_y);
	point_scalarmult(p, q, s);
}

/* Decodes an encoded point (RFC 8032 5.1.3) and negates it; -1 when it is not on the curve
 * or not canonically encoded. */
static int point_decode_negated(point r, const unsigned char in[32])
{
	fe num, den, den2, den4, den6, t, chk, zero = {0};
	unsigned char y_bytes[32], back[32];
	memcpy(y_bytes, in, 32);
	y_bytes[31] &= 0x7f;
	fe_copy(r[2], fe_one);
	fe_unpack(r[1], in);
	fe_pack(back, r[1]);
	if (memcmp(back, y_bytes, 32) != 0)
		return -1; /* y >= p */
	fe_mul(num, r[1], r[1]);
	fe_mul(den, num, curve_d);
	fe_sub(num, num, r[2]);
	fe_add(den, r[2], den);
	fe_mul(den2, den, den);
	fe_mul(den4, den2, den2);
	fe_mul(den6, den4, den2);
	fe_mul(t, den6, num);
	fe_mul(t, t, den);
	fe_pow2523(t, t);
	fe_mul(t, t, num);
	fe_mul(t, t, den);
	fe_mul(t, t, den);
	fe_mul(r[0], t, den);
	fe_mul(chk, r[0], r[0]);
	fe_mul(chk, chk, den);
	if (!fe_equal(chk, num))
		fe_mul(r[0], r[0], sqrt_m1);
	fe_mul(chk, r[0], r[0]);
	fe_mul(chk, chk, den);
	if (!fe_equal(chk, num))
		return -1;
	if (fe_equal(r[0], zero) && (in[31] >> 7))
		return -1;
	if (fe_parity(r[0]) == (in[31] >> 7))
		fe_sub(r[0], zero, r[0]);
	fe_mul(r[3], r[0], r[1]);
	return 0;
}

/* r = x mod L for a 64-byte little-endian x (held one byte per int64). */
static void mod_order(unsigned char r[32], int64_t x[64])
{
	for (int i = 63; i >= 32; i--) {
		int64_t carry = 0;
		int j;
		for (j = i - 32; j < i - 12; j++) {
			x[j] += carry - 16 * x[i] * order_l[j - (i - 32)];
			carry = (x[j] + 128) >> 8;
			x[j] -= carry * 256;
		}
		x[j] += carry;
		x[i] = 0;
	}
	int64_t carry = 0;
	for (int j = 0; j < 32; j++) {
		x[j] += carry - (x[31] >> 4) * order_l[j];
		carry = x[j] >> 8;
		x[j] &= 255;
	}
	for (int j = 0; j < 32; j++)
		x[j] -= carry * order_l[j];
	for (int i = 0; i < 32; i++) {
		x[i + 1] += x[i] >> 8;
		r[i] = (unsigned char)(x[i] & 255);
	}
}

/* S < L, compared as little-endian numbers. */
static int scalar_canonical(const unsigned char s[32])
{
	for (int i = 31; i >= 0; i--) {
		if (s[i] < order_l[i])
			return 1;
		if (s[i] > order_l[i])
			return 0;
	}
	return 0;
}

int ed25519_verify(const unsigned char sig[ED25519_SIGNATURE_LEN], const unsigned char *msg,
		   size_t len, const unsigned char pub[ED25519_PUBLIC_KEY_LEN])
{
	point minus_a, p, q;
	if (!scalar_canonical(sig + 32) || point_decode_negated(minus_a, pub) < 0)
		return 0;
	unsigned char h[64], k[32], check[32];
	br_sha512_context sha;
	br_sha512_init(&sha);
	br_sha512_update(&sha, sig, 32);
	br_sha512_update(&sha, pub, 32);
	br_sha512_update(&sha, msg, len);
	br_sha512_out(&sha, h);
	int64_t wide[64];
	for (int i = 0; i < 64; i++)
		wide[i] = h[i];
	mod_order(k, wide);
	point_scalarmult(p, minus_a, k);
	point_scalarbase(q, sig + 32);
	point_add(p, q);
	point_pack(check, p);
	return memcmp(check, sig, 32) == 0;
}
