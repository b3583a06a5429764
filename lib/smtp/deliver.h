/* deliver.h: direct delivery to the recipients' MX hosts (mail.md 5.7, DECISIONS 7, 8, 18). */
#ifndef AIMX_DELIVER_H
#define AIMX_DELIVER_H

#include <stddef.h>

#include "net/dns.h"
#include "net/smtp_client.h"

enum delivery_status { DELIVERY_DELIVERED, DELIVERY_FAILED, DELIVERY_DEFERRED };

struct delivery_rcpt {
	const char *addr;
	enum delivery_status status;
	char details[SMTP_CLIENT_TEXT_MAX * 2];
	const char *tls;           /* "verified" | "unverified" | "none" */
	char mx[DNS_NAME_MAX];     /* the host that took it or refused it last */
};

struct delivery {
	const char *helo;        /* our domain, for EHLO */
	const char *mail_from;
	const char *data;        /* signed message, CRLF line ends */
	size_t len;
	int enable_ipv6;
	const struct dns_lookup *dns;
	struct tls_trust *trust; /* loaded on the first STARTTLS */
};

/* Delivers to every recipient, grouped by domain; each ends delivered, failed (5xx,
 * NXDOMAIN, null MX) or deferred (4xx, unreachable, DNS trouble). AIMX_TEST_MAIL_DROP (test
 * transport) appends the message to that file instead; AIMX_SMTP_PORT replaces port 25. */
void deliver_message(const struct delivery *d, struct delivery_rcpt *rcpts, size_t n);

const char *deliver_status_name(enum delivery_status s);

#endif
