/* test_tls_pem.c: unit tests for lib/crypto/pem.c (PEM armour decode and encode). */
#include <stdlib.h>

#include "base/buf.h"
#include "crypto/pem.h"
#include "unit.h"

static void test_encode_known_vector(void)
{
	struct buf out = BUF_INIT;
	CHECK(pem_encode(&out, "TEST", "hello", 5) == 0);
	CHECK_STR(out.data, "-----BEGIN TEST-----\naGVsbG8=\n-----END TEST-----\n");
	buf_free(&out);
	CHECK(pem_encode(&out, "EMPTY", "", 0) == 0);
	CHECK_STR(out.data, "-----BEGIN EMPTY-----\n-----END EMPTY-----\n");
	buf_free(&out);
}

/* Every base64 line is at most 64 characters, and only the last one may be shorter. */
static int lines_are_64(const char *pem)
{
	const char *line = strchr(pem, '\n') + 1;
	size_t prev = 64;
	while (strncmp(line, "-----END", 8) != 0) {
		const char *nl = strchr(line, '\n');
		size_t len = (size_t)(nl - line);
		if (len > 64 || prev != 64)
			return 0;
		prev = len;
		line = nl + 1;
	}
	return 1;
}

static void test_round_trip(void)
{
	static const size_t sizes[] = {1, 2, 3, 47, 48, 49, 96, 1000};
	unsigned char data[1000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + 7);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct buf out = BUF_INIT;
		struct pem_list list = PEM_LIST_INIT;
		CHECK(pem_encode(&out, "DATA", data, sizes[s]) == 0);
		CHECK(lines_are_64(out.data));
		CHECK(pem_decode(out.data, out.len, &list) == PEM_OK);
		CHECK(list.count == 1);
		if (list.count == 1) {
			CHECK_STR(list.obj[0].label, "DATA");
			CHECK(list.obj[0].len == sizes[s] &&
			      memcmp(list.obj[0].der, data, sizes[s]) == 0);
		}
		pem_list_free(&list);
		buf_free(&out);
	}
}

static void test_exactly_48_bytes_is_one_full_line(void)
{
	unsigned char data[48] = {0};
	struct buf out = BUF_INIT;
	CHECK(pem_encode(&out, "X", data, sizeof(data)) == 0);
	CHECK_STR(out.data, "-----BEGIN X-----\n"
	                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	                    "-----END X-----\n");
	buf_free(&out);
}

static void test_decode_several_with_junk(void)
{
	const char *text = "Bag Attributes: junk\r\n"
	                   "-----BEGIN CERTIFICATE-----\r\n"
	                   "aGVs\r\n"
	                   "bG8=\r\n"
	                   "-----END CERTIFICATE-----\r\n"
	                   "text between\n"
	                   "-----BEGIN ec private key-----\n"
	                   "  d29y bGQ=\n"
	                   "-----END EC PRIVATE KEY-----"; /* no final newline */
	struct pem_list list = PEM_LIST_INIT;
	CHECK(pem_decode(text, strlen(text), &list) == PEM_OK);
	CHECK(list.count == 2);
	if (list.count == 2) {
		CHECK_STR(list.obj[0].label, "CERTIFICATE");
		CHECK(list.obj[0].len == 5 && memcmp(list.obj[0].der, "hello", 5) == 0);
		CHECK_STR(list.obj[1].label, "EC PRIVATE KEY");
		CHECK(list.obj[1].len == 5 && memcmp(list.obj[1].der, "world", 5) == 0);
	}
	pem_list_free(&list);
	CHECK(list.obj == NULL && list.count == 0);
}

static void check_decode_fails(const char *text, int want)
{
	struct pem_list list = PEM_LIST_INIT;
	int got = pem_decode(text, strlen(text), &list);
	CHECK(got == want);
	if (got != want)
		fprintf(stderr, "    text: %s\n    got %d, want %d\n", text, got, want);
	CHECK(list.obj == NULL && list.count == 0);
}

static void test_decode_errors(void)
{
	check_decode_fails("-----BEGIN X-----\naGVsbG8=\n", PEM_ERR_TRUNCATED);
	check_decode_fails("-----BEGIN X-----\naGV*bG8=\n-----END X-----\n", PEM_ERR_SYNTAX);
	check_decode_fails("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
	                   "DEK-Info: AES-128-CBC,00\n\naGVsbG8=\n-----END RSA PRIVATE KEY-----\n",
	                   PEM_ERR_SYNTAX);
	check_decode_fails("-----BEGIN A-----\nQQ==\n-----END A-----\n"
	                   "-----BEGIN B-----\nQQ=\n-----END B-----\n",
	                   PEM_ERR_SYNTAX);
	CHECK(strlen(pem_strerror(PEM_ERR_SYNTAX)) > 0);
	CHECK(strlen(pem_strerror(12345)) > 0);
}

static void test_decode_nothing(void)
{
	struct pem_list list = PEM_LIST_INIT;
	CHECK(pem_decode("just some text\nno armour\n", 25, &list) == PEM_OK);
	CHECK(list.count == 0);
	CHECK(pem_decode("", 0, &list) == PEM_OK);
	CHECK(list.count == 0);
	pem_list_free(&list);
}

static void test_too_many_objects(void)
{
	struct buf text = BUF_INIT;
	for (int i = 0; i <= PEM_MAX_OBJECTS; i++)
		CHECK(pem_encode(&text, "X", "a", 1) == 0);
	struct pem_list list = PEM_LIST_INIT;
	CHECK(pem_decode(text.data, text.len, &list) == PEM_ERR_TOO_MANY);
	CHECK(list.count == 0);
	buf_free(&text);
}

void suite_tls_pem(void)
{
	test_encode_known_vector();
	test_round_trip();
	test_exactly_48_bytes_is_one_full_line();
	test_decode_several_with_junk();
	test_decode_errors();
	test_decode_nothing();
	test_too_many_objects();
}
