/* ip.c: address parsing and prefix comparison for SPF. */
#include "net/ip.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int ip_parse_family(const char *text, int v6, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->v6 = v6;
	if (!v6)
		return inet_pton(AF_INET, text, out->bytes) == 1 ? 0 : -1;
	return strchr(text, ':') && inet_pton(AF_INET6, text, out->bytes) == 1 ? 0 : -1;
}

int ip_parse(const char *text, struct ip_addr *out)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (ip_parse_family(text, 0, out) == 0)
		return 0;
	if (ip_parse_family(text, 1, out) < 0)
		return -1;
	if (memcmp(out->bytes, mapped, sizeof(mapped)) == 0) {
		memmove(out->bytes, out->bytes + 12, 4);
		memset(out->bytes + 4, 0, 12);
		out->v6 = 0;
	}
	return 0;
}

int ip_in_cidr(const struct ip_addr *a, const struct ip_addr *b, int bits)
{
	if (a->v6 != b->v6 || bits < 0 || bits > (a->v6 ? 128 : 32))
		return 0;
	int full = bits / 8, rest = bits % 8;
	if (memcmp(a->bytes, b->bytes, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a->bytes[full] & mask) == (b->bytes[full] & mask);
}

void ip_dotted(const struct ip_addr *a, char out[IP_TEXT_MAX])
{
	if (!a->v6) {
		snprintf(out, IP_TEXT_MAX, "%u.%u.%u.%u", a->bytes[0], a->bytes[1], a->bytes[2],
			 a->bytes[3]);
		return;
	}
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (int k = 0; k < 16; k++) {
		out[o++] = hex[a->bytes[k] >> 4];
		out[o++] = '.';
		out[o++] = hex[a->bytes[k] & 15];
		out[o++] = k < 15 ? '.' : '\0';
	}
}
