/* smtp_pool.h: a session worker's delivery threads. The event loop hands each finished
 * message to the pool and goes on serving its other sessions; a thread checks and stores it
 * (smtp_store: DNS lookups, fsyncs and the writer's group commit all wait here, many at
 * once) and hands the reply back through an eventfd. */
#ifndef AIMX_SMTP_POOL_H
#define AIMX_SMTP_POOL_H

#include <stddef.h>

#include "conf/config.h"
#include "smtp/smtp_session.h"

#define SMTP_POOL_STACK (4 * 1024 * 1024) /* per thread (MIME and DKIM recursion) */

/* One message to store; owner is the caller's (its session), untouched by the pool. */
struct smtp_job {
	void *owner;
	const struct config *cfg;
	const char *peer_ip;
	const struct smtp_envelope *env;
	const char *msg;
	size_t len;
	int rc;                      /* set by the pool: smtp_store's result */
	char reply[SMTP_REPLY_MAX];  /* and its reply */
	struct smtp_job *next;
};

struct smtp_pool;

/* One thread per writer channel in chans[0..n); spool is the worker's directory. NULL with
 * errno when they cannot all start. */
struct smtp_pool *smtp_pool_start(const int *chans, size_t n, const char *spool);
/* Queues job (not copied: it lives until smtp_pool_done gives it back). */
void smtp_pool_submit(struct smtp_pool *p, struct smtp_job *job);
/* Readable (an eventfd) when finished jobs wait. */
int smtp_pool_fd(const struct smtp_pool *p);
/* The finished jobs, oldest first (NULL when none); clears the eventfd. */
struct smtp_job *smtp_pool_done(struct smtp_pool *p);

#endif
