/* buf_cache.c: large buffer blocks kept for reuse instead of unmapped after each message. */
#include "base/buf_cache.h"

#include <pthread.h>

struct cache_block {
	char *p;
	size_t cap;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cache_block cache_blocks[BUF_CACHE_SLOTS];
static size_t cache_bytes;
static int cache_on;

void buf_cache_enable(void)
{
	__atomic_store_n(&cache_on, 1, __ATOMIC_RELEASE);
}

/* Never waits: a busy lock (or one a forked child inherited held) means no cache. */
static int cache_lock_try(void)
{
	return __atomic_load_n(&cache_on, __ATOMIC_ACQUIRE) && pthread_mutex_trylock(&cache_lock) == 0;
}

char *buf_cache_take(size_t need, size_t *cap)
{
	if (need > BUF_CACHE_BLOCK || !cache_lock_try())
		return NULL;
	struct cache_block *best = NULL;
	for (size_t k = 0; k < BUF_CACHE_SLOTS; k++) {
		struct cache_block *b = &cache_blocks[k];
		if (b->p && b->cap >= need && (!best || b->cap < best->cap))
			best = b;
	}
	char *p = NULL;
	if (best) {
		p = best->p;
		*cap = best->cap;
		cache_bytes -= best->cap;
		best->p = NULL;
		best->cap = 0;
	}
	pthread_mutex_unlock(&cache_lock);
	return p;
}

int buf_cache_give(char *p, size_t cap)
{
	if (!p || cap < BUF_CACHE_MIN || cap > BUF_CACHE_BLOCK || !cache_lock_try())
		return 0;
	int kept = 0;
	for (size_t k = 0; k < BUF_CACHE_SLOTS && !kept; k++) {
		struct cache_block *b = &cache_blocks[k];
		if (!b->p && cache_bytes + cap <= BUF_CACHE_BYTES) {
			b->p = p;
			b->cap = cap;
			cache_bytes += cap;
			kept = 1;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	return kept;
}
