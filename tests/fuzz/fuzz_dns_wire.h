/* fuzz_dns_wire.h: the DNS answer parser's fuzz target, for libFuzzer (make fuzz) and the corpus
 * replay. */
#ifndef AIMX_FUZZ_DNS_WIRE_H
#define AIMX_FUZZ_DNS_WIRE_H

#include <stddef.h>

/* Parses the bytes as a DNS answer for each record type; 0 when every result holds its bounds. */
int fuzz_dns_wire_one(const unsigned char *data, size_t len);

#endif
