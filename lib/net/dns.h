/* dns.h: our own DNS resolver client (A, AAAA, MX, TXT, PTR) and the lookup interface SPF/DKIM/DMARC use. */
#ifndef AIMX_DNS_H
#define AIMX_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define DNS_NAME_MAX     256 /* 253 presentation bytes, a trailing dot, NUL */
#define DNS_MAX_SERVERS  3   /* as resolv.conf(5) MAXNS */
#define DNS_UDP_MAX      1232
#define DNS_TCP_MAX      65535
#define DNS_MAX_RECORDS  64  /* records kept per answer; the rest are dropped */

enum dns_type {
	DNS_T_A = 1,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6, /* read only in negative answers, for their TTL */
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
};

/* What SPF (RFC 7208 5, 2.6.6), DKIM (RFC 6376 6.1.2) and DMARC tell apart. */
enum dns_status {
	DNS_OK = 0,      /* at least one record of the asked type */
	DNS_NXDOMAIN,    /* RCODE 3: the name does not exist */
	DNS_NODATA,      /* the name exists, no record of that type */
	DNS_TEMPFAIL,    /* timeout, SERVFAIL, REFUSED, malformed or mismatched answer, deadline */
	DNS_BADNAME,     /* the name cannot be put on the wire (label > 63, name > 253, empty label) */
};

struct dns_record {
	uint16_t type;
	uint32_t ttl;
	unsigned char addr[16]; /* A: 4 bytes, AAAA: 16 bytes */
	uint16_t preference;    /* MX */
	char host[DNS_NAME_MAX]; /* MX exchange, PTR/CNAME target; lowercase, no trailing dot */
	char *text;             /* TXT: the character-strings concatenated, NUL-terminated */
	size_t text_len;        /* TXT: bytes in text (it may hold NUL bytes) */
};

struct dns_result {
	enum dns_status status;
	size_t n;
	struct dns_record *rr; /* n records of the asked type (CNAME chains followed) */
	uint32_t negative_ttl; /* NXDOMAIN / NODATA: how long it may be cached (RFC 2308), 0: not */
};

void dns_result_free(struct dns_result *r);

/* Resolver state: nameservers from resolv.conf, per-try timeout, tries, and an overall
 * deadline after which every query fails at once with DNS_TEMPFAIL (bounds a whole SPF or
 * DKIM evaluation however many lookups it makes). */
struct dns_resolver {
	struct sockaddr_storage server[DNS_MAX_SERVERS];
	socklen_t server_len[DNS_MAX_SERVERS];
	size_t nservers;
	int timeout_ms;       /* per try; resolv.conf `options timeout:N` (default 2 s, cap 10) */
	int attempts;         /* tries per server; `options attempts:N` (default 2, cap 5) */
	int64_t deadline_ms;  /* CLOCK_MONOTONIC ms; 0 = none */
};

/* Reads $AIMX_RESOLV_CONF or /etc/resolv.conf. With no usable nameserver it falls back to
 * Cloudflare (1.1.1.1, 1.0.0.1), as upstream does. Returns 0, or -1 when the file exists but
 * cannot be read (errno set). */
int dns_resolver_init(struct dns_resolver *r);
/* Reads the file now, for every later dns_resolver_init of this process (one about to
 * chroot). 0, or -1 with errno. */
int dns_resolver_preload(void);

/* Parses resolv.conf text (nameserver, options timeout/attempts); exposed for tests. */
void dns_resolver_parse_conf(struct dns_resolver *r, const char *text, size_t len);

/* Sets the overall deadline to now + budget_ms. */
void dns_resolver_set_budget(struct dns_resolver *r, int budget_ms);

/* One query: UDP with a random id from a random source port, retried over the servers,
 * TCP when the answer is truncated. Always fills out (status, records); returns 0 when
 * out->status == DNS_OK, -1 otherwise. */
int dns_query(struct dns_resolver *r, const char *name, uint16_t type, struct dns_result *out);

/* Pure wire functions (no I/O), for the resolver, the tests and the fuzzer. */
int dns_build_query(const char *name, uint16_t type, uint16_t id, unsigned char *out, size_t cap,
		    size_t *len);
/* Validates the answer against the query (id, QR, one question echoing name/type/class),
 * decodes names (compression pointers must point backwards; loops and overlong names are
 * refused), and collects records of `type`, following CNAMEs from the question name.
 * Sets *truncated when TC is set (its records are then not read: out->status is DNS_TEMPFAIL
 * and the caller asks over TCP). Returns 0 and fills out, or -1 (malformed: out->status is
 * DNS_TEMPFAIL). */
int dns_parse_answer(const unsigned char *pkt, size_t len, uint16_t id, const char *name,
		     uint16_t type, int *truncated, struct dns_result *out);

/* The lookup interface consumers take, so unit tests can answer from a table. */
struct dns_lookup {
	int (*query)(void *ctx, const char *name, uint16_t type, struct dns_result *out);
	void *ctx;
};

/* A dns_lookup that queries through r. */
struct dns_lookup dns_lookup_resolver(struct dns_resolver *r);

#endif
