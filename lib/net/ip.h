/* ip.h: IPv4/IPv6 addresses as bytes, CIDR matching, and the SPF `i` macro forms. */
#ifndef AIMX_IP_H
#define AIMX_IP_H

#include <stddef.h>

#define IP_TEXT_MAX 72 /* IPv6 as 32 dotted nibbles is 63 bytes */

struct ip_addr {
	int v6;                 /* 0: IPv4 in bytes[0..3] */
	unsigned char bytes[16];
};

/* Parses a client address: dotted IPv4 or IPv6 text; an IPv4-mapped IPv6 address becomes
 * IPv4 (RFC 7208 5). 0 or -1. */
int ip_parse(const char *text, struct ip_addr *out);
/* Parses an address of exactly one family as written (no mapping): dotted IPv4 without
 * leading zeros when v6 is 0, IPv6 text when v6 is 1. 0 or -1. */
int ip_parse_family(const char *text, int v6, struct ip_addr *out);
/* 1 when a and b are the same family and equal in the first `bits` bits. */
int ip_in_cidr(const struct ip_addr *a, const struct ip_addr *b, int bits);
/* Dotted IPv4, or IPv6 as dot-separated nibbles (RFC 7208 7.3 %{i}). */
void ip_dotted(const struct ip_addr *a, char out[IP_TEXT_MAX]);

#endif
