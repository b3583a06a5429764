/* dns_cache.h: a process's cache of DNS answers, for the session workers: bounded
 * (direct-mapped, DNS_CACHE_SLOTS answers), each kept for its smallest record TTL (negative
 * answers for their SOA's, RFC 2308; temporary failures never), shared by the threads. */
#ifndef AIMX_DNS_CACHE_H
#define AIMX_DNS_CACHE_H

#include <stdint.h>

#include "net/dns.h"

#define DNS_CACHE_SLOTS   4096
#define DNS_CACHE_TTL_MAX 86400 /* seconds, whatever the zone says */

/* From now on this process's dns_query answers from the cache when it can. 0, or -1. */
int dns_cache_enable(void);
/* 1 and a copy of the answer in out (dns_result_free it) when (name, type) is cached and
 * fresh; 0 otherwise, or when the cache is off. */
int dns_cache_get(const char *name, uint16_t type, struct dns_result *out);
/* Keeps a copy of an answer (not a TEMPFAIL, not one with a zero TTL). */
void dns_cache_put(const char *name, uint16_t type, const struct dns_result *res);

#endif
