/* buf_cache.h: large buffer blocks kept for reuse by a process that asks for it. */
#ifndef AIMX_BUF_CACHE_H
#define AIMX_BUF_CACHE_H

#include <stddef.h>

#define BUF_CACHE_MIN   (4u * 1024)   /* smaller blocks stay with malloc */
#define BUF_CACHE_BLOCK (1024u * 1024) /* larger blocks are never kept */
#define BUF_CACHE_SLOTS 32
#define BUF_CACHE_BYTES (2u * 1024 * 1024) /* at most this much kept at once */

/* From now on this process keeps freed blocks of BUF_CACHE_MIN..BUF_CACHE_BLOCK bytes
 * (up to BUF_CACHE_SLOTS, BUF_CACHE_BYTES in all) for the next buffer that grows that
 * large, instead of giving them back to malloc: a server handling one 100 KB message
 * after another then maps, faults in and unmaps nothing. Safe from any thread; a thread
 * that finds the cache busy, or a forked child, just goes to malloc. */
void buf_cache_enable(void);

/* The smallest kept block of at least need bytes, its size in *cap; NULL if none. */
char *buf_cache_take(size_t need, size_t *cap);

/* Keeps block p of cap bytes: 1 if kept (the cache owns it now), 0 if the caller must
 * free it. */
int buf_cache_give(char *p, size_t cap);

#endif
