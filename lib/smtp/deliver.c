/* deliver.c: MX lookup in preference order, address fallback, the 4xx/5xx rules, the drop file. */
#include "smtp/deliver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/log.h"
#include "net/tcp_connect.h"

#define SMTP_PORT      25
#define DELIVER_MX_MAX 16
#define DROP_SEPARATOR "----- AIMX TEST DROP -----\n"
#define SMTP_MAX_RCPT_GROUP 100 /* RFC 5321 4.5.3.1.8: recipients per transaction */

const char *deliver_status_name(enum delivery_status s)
{
	return s == DELIVERY_DELIVERED ? "delivered" : s == DELIVERY_FAILED ? "failed" : "deferred";
}

static int smtp_port(void)
{
	const char *p = getenv("AIMX_SMTP_PORT");
	int v = p ? atoi(p) : 0;
	return v > 0 && v < 65536 ? v : SMTP_PORT;
}

static const char *domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');
	return at ? at + 1 : "";
}

/* Appends to the recipients still pending in this domain group. */
static void note(struct delivery_rcpt *r, const char *host, const char *what)
{
	size_t n = strlen(r->details);
	snprintf(r->details + n, sizeof(r->details) - n, "%s%s: %s", n ? "; " : "", host, what);
}

/* The pending recipients of one domain, for one transaction. */
struct group {
	struct delivery_rcpt *r[SMTP_MAX_RCPT_GROUP];
	size_t n;
};

static size_t pending(const struct group *g, const char **addrs, size_t *idx)
{
	size_t n = 0;
	for (size_t k = 0; k < g->n; k++)
		if (g->r[k]->status == DELIVERY_DEFERRED) {
			addrs[n] = g->r[k]->addr;
			idx[n++] = k;
		}
	return n;
}

/* One transaction at one address for the group's pending recipients. */
static void try_address(const struct delivery *d, struct group *g, const char *host,
		       const struct sockaddr *sa, socklen_t salen)
{
	const char *addrs[SMTP_MAX_RCPT_GROUP];
	size_t idx[SMTP_MAX_RCPT_GROUP];
	size_t n = pending(g, addrs, idx);
	struct smtp_rcpt_status st[SMTP_MAX_RCPT_GROUP];
	struct smtp_job job = {d->helo, host, d->mail_from, addrs, n, d->data, d->len, d->trust, 1};
	struct smtp_result res = {.rcpt = st};
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = tcp_connect_addr(sa, salen, SMTP_CONNECT_MS);
		if (fd < 0) {
			for (size_t k = 0; k < n; k++)
				note(g->r[idx[k]], host, strerror(errno));
			return;
		}
		smtp_client_send(fd, &job, &res);
		close(fd);
		if (!res.tls_failed)
			break;
		job.allow_tls = 0; /* DECISIONS 18: one plaintext retry after a failed handshake */
	}
	for (size_t k = 0; k < n; k++) {
		struct delivery_rcpt *r = g->r[idx[k]];
		r->tls = res.tls;
		int rcpt_code = st[k].code;
		if (res.outcome == SMTP_SENT && rcpt_code >= 200 && rcpt_code < 300) {
			r->status = DELIVERY_DELIVERED;
			snprintf(r->mx, sizeof(r->mx), "%s", host);
			note(r, host, res.detail);
		} else if (res.outcome == SMTP_PERMANENT || rcpt_code >= 500) {
			r->status = DELIVERY_FAILED;
			snprintf(r->mx, sizeof(r->mx), "%s", host);
			note(r, host, rcpt_code >= 500 ? st[k].text : res.detail);
		} else {
			note(r, host, rcpt_code >= 400 ? st[k].text : res.detail);
		}
	}
}

static void fail_all(struct group *g, enum delivery_status st, const char *host, const char *why)
{
	for (size_t k = 0; k < g->n; k++)
		if (g->r[k]->status == DELIVERY_DEFERRED) {
			g->r[k]->status = st;
			note(g->r[k], host, why);
		}
}

static size_t npending(const struct group *g)
{
	const char *addrs[SMTP_MAX_RCPT_GROUP];
	size_t idx[SMTP_MAX_RCPT_GROUP];
	return pending(g, addrs, idx);
}

/* Every address of host (A, then AAAA with enable_ipv6) until the group is settled. */
static void try_host(const struct delivery *d, struct group *g, const char *host)
{
	uint16_t types[2] = {DNS_T_A, DNS_T_AAAA};
	for (int t = 0; t < (d->enable_ipv6 ? 2 : 1) && npending(g); t++) {
		struct dns_result res = {0};
		d->dns->query(d->dns->ctx, host, types[t], &res);
		if (res.status == DNS_TEMPFAIL)
			fail_all(g, DELIVERY_DEFERRED, host, "address lookup failed temporarily");
		for (size_t k = 0; k < res.n && npending(g); k++) {
			struct sockaddr_storage ss = {0};
			socklen_t len;
			if (types[t] == DNS_T_A) {
				struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
				v4->sin_family = AF_INET;
				v4->sin_port = htons((uint16_t)smtp_port());
				memcpy(&v4->sin_addr, res.rr[k].addr, 4);
				len = sizeof(*v4);
			} else {
				struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
				v6->sin6_family = AF_INET6;
				v6->sin6_port = htons((uint16_t)smtp_port());
				memcpy(&v6->sin6_addr, res.rr[k].addr, 16);
				len = sizeof(*v6);
			}
			try_address(d, g, host, (struct sockaddr *)&ss, len);
		}
		dns_result_free(&res);
	}
}

static int by_preference(const void *a, const void *b)
{
	const struct dns_record *x = a, *y = b;
	return (int)x->preference - (int)y->preference;
}

/* MX hosts in preference order; the domain itself when it has none (RFC 5321 5.1).
 * 0 hosts listed, or -1 with the group settled (NXDOMAIN, null MX) or left deferred. */
static int mx_hosts(const struct delivery *d, struct group *g, const char *domain,
		    struct dns_result *mx)
{
	d->dns->query(d->dns->ctx, domain, DNS_T_MX, mx);
	if (mx->status == DNS_NXDOMAIN || mx->status == DNS_BADNAME) {
		fail_all(g, DELIVERY_FAILED, domain, "domain does not exist");
		return -1;
	}
	if (mx->status == DNS_TEMPFAIL) {
		fail_all(g, DELIVERY_DEFERRED, domain, "MX lookup failed temporarily");
		return -1;
	}
	if (mx->status == DNS_OK) {
		qsort(mx->rr, mx->n, sizeof(*mx->rr), by_preference);
		if (mx->n == 1 && mx->rr[0].host[0] == '\0') {
			fail_all(g, DELIVERY_FAILED, domain, "domain accepts no mail (null MX)");
			return -1;
		}
	}
	return 0;
}

static void deliver_group(const struct delivery *d, struct group *g, const char *domain)
{
	struct dns_result mx = {0};
	if (mx_hosts(d, g, domain, &mx) == 0) {
		if (mx.status != DNS_OK)
			try_host(d, g, domain);
		for (size_t k = 0; k < mx.n && k < DELIVER_MX_MAX && npending(g); k++)
			try_host(d, g, mx.rr[k].host);
	}
	dns_result_free(&mx);
	for (size_t k = 0; k < g->n; k++)
		if (g->r[k]->status == DELIVERY_DEFERRED && !g->r[k]->details[0])
			note(g->r[k], domain, "no mail server found");
}

static void drop(const struct delivery *d, struct delivery_rcpt *rcpts, size_t n,
		 const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	int ok = fd >= 0 && fileio_write_all(fd, DROP_SEPARATOR, strlen(DROP_SEPARATOR)) == 0 &&
		 fileio_write_all(fd, d->data, d->len) == 0 && fileio_write_all(fd, "\n", 1) == 0 &&
		 fsync(fd) == 0;
	const char *why = ok ? "" : strerror(errno);
	if (fd >= 0)
		close(fd);
	for (size_t k = 0; k < n; k++) {
		rcpts[k].status = ok ? DELIVERY_DELIVERED : DELIVERY_DEFERRED;
		rcpts[k].tls = "none";
		snprintf(rcpts[k].details, sizeof(rcpts[k].details), "%s%s", ok ? "test drop " : "",
			 ok ? path : why);
	}
}

void deliver_message(const struct delivery *d, struct delivery_rcpt *rcpts, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		rcpts[k].status = DELIVERY_DEFERRED;
		rcpts[k].details[0] = '\0';
		rcpts[k].tls = "none";
		rcpts[k].mx[0] = '\0';
	}
	const char *drop_path = getenv("AIMX_TEST_MAIL_DROP");
	if (drop_path && *drop_path) {
		drop(d, rcpts, n, drop_path);
		return;
	}
	unsigned char *done = calloc(n ? n : 1, 1);
	for (size_t k = 0; done && k < n; k++) {
		if (done[k])
			continue;
		struct group g = {.n = 0};
		const char *domain = domain_of(rcpts[k].addr);
		for (size_t j = k; j < n && g.n < SMTP_MAX_RCPT_GROUP; j++)
			if (!done[j] && strcasecmp(domain_of(rcpts[j].addr), domain) == 0) {
				done[j] = 1;
				g.r[g.n++] = &rcpts[j];
			}
		deliver_group(d, &g, domain);
		log_event(LOG_INFO, "deliver.domain", "domain", domain, "status",
			  deliver_status_name(rcpts[k].status), "details", rcpts[k].details, NULL);
	}
	free(done);
}
