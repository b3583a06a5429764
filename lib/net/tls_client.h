/* tls_client.h: STARTTLS client sessions whose certificate check is recorded, not enforced. */
#ifndef AIMX_TLS_CLIENT_H
#define AIMX_TLS_CLIENT_H

#include "base/err.h"
#include "net/tls_conn.h"

#define TLS_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

/* Trust anchors read from a PEM bundle of CA certificates. */
struct tls_trust {
	br_x509_trust_anchor *ta;
	size_t n;
	int loaded; /* tls_client_trust_need has run */
};

/* Reads $AIMX_TLS_CA_FILE (tests) or TLS_CA_BUNDLE; certificates that do not decode are
 * skipped. An unreadable bundle gives no anchors (every peer is then "unverified"), with
 * the reason in err. 0, or -1 (err set, t empty). */
int tls_client_trust_load(struct tls_trust *t, char err[ERR_SIZE]);
void tls_client_trust_free(struct tls_trust *t);
/* Loads the anchors the first time a handshake needs them (a send with no STARTTLS never
 * parses the bundle); an unreadable bundle is logged once and leaves no anchors. */
void tls_client_trust_need(struct tls_trust *t);

/* The outcome of the server's certificate check (DECISIONS 18). */
struct tls_peer_check {
	const br_x509_class *vtable; /* a BearSSL X.509 engine wrapping the minimal one */
	br_x509_minimal_context minimal;
	br_x509_decoder_context leaf; /* the end-entity certificate, decoded on the side */
	int cert_index;
	br_x509_pkey pkey;
	unsigned char key_bytes[BR_X509_BUFSIZE_KEY];
	int verified; /* 1: chain valid to a trust anchor and the name matches */
	int error;    /* BearSSL's X.509 error when not verified */
};

/* Prepare a TLS 1.2 client session on fd for server_name (SNI and name check). A chain that
 * does not verify does not stop the handshake: c->check records it. 0, or -1 (c->err). */
int tls_client_start(struct tls_conn *c, struct tls_peer_check *check,
			  const struct tls_trust *trust, const char *server_name, int fd);

#endif
