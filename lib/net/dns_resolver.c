/* dns_resolver.c: resolv.conf, UDP queries with retries and a deadline, TCP on truncation. */
#include "net/dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "net/dns_cache.h"
#include "base/buf.h"
#include "base/fileio.h"

#define DNS_DEFAULT_TIMEOUT_MS 2000
#define DNS_DEFAULT_ATTEMPTS   2
#define DNS_MAX_TIMEOUT_S      10
#define DNS_MAX_ATTEMPTS       5
#define DNS_QUERY_MAX          512
#define DNS_PORT               53
#define RESOLV_CONF_MAX        65536

static void add_server(struct dns_resolver *r, const char *text)
{
	if (r->nservers >= DNS_MAX_SERVERS)
		return;
	struct sockaddr_storage *ss = &r->server[r->nservers];
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(DNS_PORT);
		r->server_len[r->nservers++] = sizeof(*v4);
	} else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(DNS_PORT);
		r->server_len[r->nservers++] = sizeof(*v6);
	}
}

static void apply_option(struct dns_resolver *r, const char *opt)
{
	int v;
	if (sscanf(opt, "timeout:%d", &v) == 1 && v >= 1)
		r->timeout_ms = (v > DNS_MAX_TIMEOUT_S ? DNS_MAX_TIMEOUT_S : v) * 1000;
	else if (sscanf(opt, "attempts:%d", &v) == 1 && v >= 1)
		r->attempts = v > DNS_MAX_ATTEMPTS ? DNS_MAX_ATTEMPTS : v;
}

static void parse_line(struct dns_resolver *r, char *line)
{
	char *save = NULL, *key = strtok_r(line, " \t\r", &save);
	if (!key || key[0] == '#' || key[0] == ';')
		return;
	char *arg;
	if (strcmp(key, "nameserver") == 0) {
		if ((arg = strtok_r(NULL, " \t\r", &save)))
			add_server(r, arg);
	} else if (strcmp(key, "options") == 0) {
		while ((arg = strtok_r(NULL, " \t\r", &save)))
			apply_option(r, arg);
	}
}

void dns_resolver_parse_conf(struct dns_resolver *r, const char *text, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->timeout_ms = DNS_DEFAULT_TIMEOUT_MS;
	r->attempts = DNS_DEFAULT_ATTEMPTS;
	char line[1024];
	for (size_t p = 0; p < len;) {
		const char *nl = memchr(text + p, '\n', len - p);
		size_t n = (nl ? (size_t)(nl - text) : len) - p;
		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1),
			 text + p);
		parse_line(r, line);
		p += n + 1;
	}
	if (r->nservers == 0) { /* as upstream: Cloudflare when the system names no server */
		add_server(r, "1.1.1.1");
		add_server(r, "1.0.0.1");
	}
}

/* resolv.conf as read by dns_resolver_preload, for a process that can no longer open it. */
static struct buf resolver_preloaded = BUF_INIT;
static int resolver_is_preloaded;

/* Reads resolv.conf into text: 0 (an absent file is empty), or -1 with errno. */
static int read_conf(struct buf *text)
{
	const char *path = getenv("AIMX_RESOLV_CONF");
	if (!path || !*path)
		path = "/etc/resolv.conf";
	text->limit = RESOLV_CONF_MAX;
	if (fileio_read_file(path, text) == 0 || errno == ENOENT)
		return 0;
	return -1;
}

int dns_resolver_preload(void)
{
	buf_reset(&resolver_preloaded);
	if (read_conf(&resolver_preloaded) < 0)
		return -1;
	resolver_is_preloaded = 1;
	return 0;
}

int dns_resolver_init(struct dns_resolver *r)
{
	if (resolver_is_preloaded) {
		dns_resolver_parse_conf(r, resolver_preloaded.data, resolver_preloaded.len);
		return 0;
	}
	struct buf text = BUF_INIT;
	int rc = read_conf(&text);
	if (rc == 0)
		dns_resolver_parse_conf(r, text.data, text.len);
	buf_free(&text);
	return rc;
}

void dns_resolver_set_budget(struct dns_resolver *r, int budget_ms)
{
	r->deadline_ms = clock_monotonic_ms() + budget_ms;
}

/* Milliseconds left before min(try_end, deadline); <= 0 when the time is up. */
static int remaining(const struct dns_resolver *r, int64_t try_end)
{
	int64_t end = r->deadline_ms && r->deadline_ms < try_end ? r->deadline_ms : try_end;
	int64_t left = end - clock_monotonic_ms();
	return left > 0 ? (int)left : 0;
}

static int wait_fd(int fd, short events, int ms)
{
	struct pollfd p = {fd, events, 0};
	int rc;
	do
		rc = poll(&p, 1, ms);
	while (rc < 0 && errno == EINTR);
	return rc > 0 ? 0 : -1;
}

static int read_full(int fd, unsigned char *buf, size_t len, const struct dns_resolver *r,
		     int64_t end)
{
	for (size_t got = 0; got < len;) {
		int ms = remaining(r, end);
		if (ms <= 0 || wait_fd(fd, POLLIN, ms) < 0)
			return -1;
		ssize_t n = read(fd, buf + got, len - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int query_tcp(const struct dns_resolver *r, size_t s, const unsigned char *q, size_t qlen,
		     uint16_t id, const char *name, uint16_t type, struct dns_result *out)
{
	int64_t end = clock_monotonic_ms() + r->timeout_ms;
	int fd = socket(r->server[s].ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unsigned char framed[2 + DNS_QUERY_MAX] = {(unsigned char)(qlen >> 8), (unsigned char)qlen};
	unsigned char len2[2];
	unsigned char *ans = NULL;
	int rc = -1, truncated;
	if (connect(fd, (const struct sockaddr *)&r->server[s], r->server_len[s]) < 0 &&
	    errno != EINPROGRESS)
		goto done;
	int err = 0;
	socklen_t elen = sizeof(err);
	if (wait_fd(fd, POLLOUT, remaining(r, end)) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err)
		goto done;
	memcpy(framed + 2, q, qlen); /* one write: the length and the query in one segment */
	if (fileio_write_all(fd, framed, 2 + qlen) < 0 || read_full(fd, len2, 2, r, end) < 0)
		goto done;
	size_t alen = (size_t)len2[0] << 8 | len2[1];
	ans = malloc(alen ? alen : 1);
	if (ans && read_full(fd, ans, alen, r, end) == 0)
		rc = dns_parse_answer(ans, alen, id, name, type, &truncated, out);
done:
	free(ans);
	close(fd);
	return rc;
}

/* One UDP try at server s from a fresh socket: connect() gives it a random ephemeral port
 * (Linux picks it at random) and makes the kernel drop datagrams from any other peer.
 * 0: an answer parsed into out (maybe truncated); -1: nothing usable before the try's
 * timeout. Answers with a wrong id or question are ignored. */
static int query_udp(const struct dns_resolver *r, size_t s, const unsigned char *q, size_t qlen,
		     uint16_t id, const char *name, uint16_t type, int *truncated,
		     struct dns_result *out)
{
	int64_t end = clock_monotonic_ms() + r->timeout_ms;
	int fd = socket(r->server[s].ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	int rc = -1;
	unsigned char ans[DNS_UDP_MAX];
	if (connect(fd, (const struct sockaddr *)&r->server[s], r->server_len[s]) < 0 ||
	    send(fd, q, qlen, 0) != (ssize_t)qlen)
		goto done;
	for (;;) {
		int ms = remaining(r, end);
		if (ms <= 0 || wait_fd(fd, POLLIN, ms) < 0)
			break;
		ssize_t n = recv(fd, ans, sizeof(ans), MSG_TRUNC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			break; /* ICMP unreachable: try the next server */
		if ((size_t)n > sizeof(ans)) { /* cut by our buffer: as if TC were set, ask by TCP */
			ans[2] |= 0x02;
			n = sizeof(ans);
		}
		if (dns_parse_answer(ans, (size_t)n, id, name, type, truncated, out) == 0) {
			rc = 0;
			break;
		}
		dns_result_free(out);
	}
done:
	close(fd);
	return rc;
}

static uint16_t random_id(void)
{
	uint16_t id;
	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint16_t)(clock_monotonic_ms() ^ getpid());
	return id;
}

static int fail_with(struct dns_result *out, enum dns_status status)
{
	memset(out, 0, sizeof(*out));
	out->status = status;
	return -1;
}

int dns_query(struct dns_resolver *r, const char *name, uint16_t type, struct dns_result *out)
{
	unsigned char q[DNS_QUERY_MAX];
	size_t qlen;
	if (dns_cache_get(name, type, out))
		return out->status == DNS_OK ? 0 : -1;
	uint16_t id = random_id();
	if (dns_build_query(name, type, id, q, sizeof(q), &qlen) < 0)
		return fail_with(out, DNS_BADNAME);
	for (int a = 0; a < r->attempts; a++) {
		for (size_t s = 0; s < r->nservers; s++) {
			if (r->deadline_ms && clock_monotonic_ms() >= r->deadline_ms)
				return fail_with(out, DNS_TEMPFAIL);
			int truncated = 0;
			if (query_udp(r, s, q, qlen, id, name, type, &truncated, out) < 0)
				continue;
			if (truncated) {
				dns_result_free(out);
				if (query_tcp(r, s, q, qlen, id, name, type, out) < 0) {
					dns_result_free(out);
					continue;
				}
			}
			if (out->status != DNS_TEMPFAIL) {
				dns_cache_put(name, type, out);
				return out->status == DNS_OK ? 0 : -1;
			}
			dns_result_free(out);
		}
	}
	return fail_with(out, DNS_TEMPFAIL);
}

static int resolver_query(void *ctx, const char *name, uint16_t type, struct dns_result *out)
{
	return dns_query(ctx, name, type, out);
}

struct dns_lookup dns_lookup_resolver(struct dns_resolver *r)
{
	return (struct dns_lookup){resolver_query, r};
}
