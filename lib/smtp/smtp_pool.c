/* smtp_pool.c: the delivery threads, their queue and the eventfd back to the loop. */
#include "smtp/smtp_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "smtp/smtp_store.h"

struct smtp_pool {
	pthread_mutex_t lock;
	pthread_cond_t ready;
	struct smtp_job *todo, *todo_tail; /* FIFO */
	struct smtp_job *done, *done_tail;
	int efd;
};

struct pool_thread {
	struct smtp_pool *pool;
	struct smtp_deliver_env deliver;
};

static void push(struct smtp_job **head, struct smtp_job **tail, struct smtp_job *j)
{
	j->next = NULL;
	if (*tail)
		(*tail)->next = j;
	else
		*head = j;
	*tail = j;
}

static void *pool_main(void *arg)
{
	struct pool_thread *t = arg;
	struct smtp_pool *p = t->pool;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->todo)
			pthread_cond_wait(&p->ready, &p->lock);
		struct smtp_job *j = p->todo;
		p->todo = j->next;
		if (!p->todo)
			p->todo_tail = NULL;
		pthread_mutex_unlock(&p->lock);
		j->rc = smtp_store(&t->deliver, j->cfg, j->peer_ip, j->env, j->msg, j->len, j->reply);
		pthread_mutex_lock(&p->lock);
		push(&p->done, &p->done_tail, j);
		pthread_mutex_unlock(&p->lock);
		uint64_t one = 1;
		while (write(p->efd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
	}
	return NULL;
}

static int start_thread(struct smtp_pool *p, int chan, const char *spool)
{
	struct pool_thread *t = calloc(1, sizeof(*t));
	struct handoff_packet *pk = calloc(2, sizeof(*pk));
	pthread_attr_t attr;
	pthread_t id;
	if (!t || !pk || pthread_attr_init(&attr) != 0) {
		free(t);
		free(pk);
		errno = ENOMEM;
		return -1;
	}
	*t = (struct pool_thread){p, {chan, spool, &pk[0], &pk[1], 0}};
	int rc = pthread_attr_setstacksize(&attr, SMTP_POOL_STACK);
	if (rc == 0)
		rc = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (rc == 0)
		rc = pthread_create(&id, &attr, pool_main, t);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		free(t);
		free(pk);
		errno = rc;
		return -1;
	}
	return 0; /* t and pk live as long as the process */
}

struct smtp_pool *smtp_pool_start(const int *chans, size_t n, const char *spool)
{
	struct smtp_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->efd < 0 || pthread_mutex_init(&p->lock, NULL) != 0 ||
	    pthread_cond_init(&p->ready, NULL) != 0)
		return NULL;
	for (size_t k = 0; k < n; k++)
		if (start_thread(p, chans[k], spool) < 0)
			return NULL;
	return p;
}

void smtp_pool_submit(struct smtp_pool *p, struct smtp_job *job)
{
	pthread_mutex_lock(&p->lock);
	push(&p->todo, &p->todo_tail, job);
	pthread_cond_signal(&p->ready);
	pthread_mutex_unlock(&p->lock);
}

int smtp_pool_fd(const struct smtp_pool *p)
{
	return p->efd;
}

struct smtp_job *smtp_pool_done(struct smtp_pool *p)
{
	uint64_t count;
	if (read(p->efd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return NULL;
	pthread_mutex_lock(&p->lock);
	struct smtp_job *j = p->done;
	p->done = p->done_tail = NULL;
	pthread_mutex_unlock(&p->lock);
	return j;
}
