/* dns_cache.c: the direct-mapped, TTL-bounded DNS answer cache (see dns_cache.h). */
#include "net/dns_cache.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

struct cache_slot {
	char name[DNS_NAME_MAX]; /* lowercase, "" when empty */
	uint16_t type;
	int64_t expires_ms;      /* CLOCK_MONOTONIC */
	struct dns_result res;
};

static struct cache_slot *cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

int dns_cache_enable(void)
{
	if (!cache)
		cache = calloc(DNS_CACHE_SLOTS, sizeof(*cache));
	return cache ? 0 : -1;
}

static void lower(const char *in, char out[DNS_NAME_MAX])
{
	size_t n = 0;
	for (; in[n] && n < DNS_NAME_MAX - 1; n++)
		out[n] = (char)tolower((unsigned char)in[n]);
	if (n && out[n - 1] == '.')
		n--;
	out[n] = '\0';
}

static size_t slot_of(const char *name, uint16_t type)
{
	uint32_t h = 2166136261u ^ type; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % DNS_CACHE_SLOTS;
}

/* A deep copy (TXT texts included). 0, or -1 on ENOMEM (out then empty). */
static int copy_result(const struct dns_result *in, struct dns_result *out)
{
	*out = *in;
	out->rr = NULL;
	if (!in->n)
		return 0;
	out->rr = calloc(in->n, sizeof(*out->rr));
	if (!out->rr)
		return -1;
	for (size_t k = 0; k < in->n; k++) {
		out->rr[k] = in->rr[k];
		out->rr[k].text = NULL;
		if (in->rr[k].text && !(out->rr[k].text = malloc(in->rr[k].text_len + 1))) {
			out->n = k;
			dns_result_free(out);
			return -1;
		}
		if (in->rr[k].text)
			memcpy(out->rr[k].text, in->rr[k].text, in->rr[k].text_len + 1);
	}
	return 0;
}

int dns_cache_get(const char *name, uint16_t type, struct dns_result *out)
{
	char key[DNS_NAME_MAX];
	if (!cache)
		return 0;
	lower(name, key);
	struct cache_slot *s = &cache[slot_of(key, type)];
	int hit = 0;
	pthread_mutex_lock(&cache_lock);
	if (s->name[0] && s->type == type && strcmp(s->name, key) == 0 &&
	    clock_monotonic_ms() < s->expires_ms)
		hit = copy_result(&s->res, out) == 0;
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

/* Seconds the answer may be kept: its smallest TTL, or the negative TTL; 0: not at all. */
static uint32_t lifetime(const struct dns_result *res)
{
	uint32_t ttl = DNS_CACHE_TTL_MAX;
	if (res->status == DNS_NXDOMAIN || res->status == DNS_NODATA)
		return res->negative_ttl < ttl ? res->negative_ttl : ttl;
	if (res->status != DNS_OK)
		return 0;
	for (size_t k = 0; k < res->n; k++)
		if (res->rr[k].ttl < ttl)
			ttl = res->rr[k].ttl;
	return ttl;
}

void dns_cache_put(const char *name, uint16_t type, const struct dns_result *res)
{
	char key[DNS_NAME_MAX];
	uint32_t ttl = lifetime(res);
	struct dns_result copy;
	if (!cache || !ttl || copy_result(res, &copy) < 0)
		return;
	lower(name, key);
	struct cache_slot *s = &cache[slot_of(key, type)];
	pthread_mutex_lock(&cache_lock);
	dns_result_free(&s->res);
	memcpy(s->name, key, sizeof(key));
	s->type = type;
	s->expires_ms = clock_monotonic_ms() + (int64_t)ttl * 1000;
	s->res = copy;
	pthread_mutex_unlock(&cache_lock);
}
