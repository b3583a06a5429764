/* handoff.h: the packets between a session worker and the privileged writer (and the
 * master): one SOCK_SEQPACKET packet each, typed, with length-prefixed fields and at most
 * one fd. */
#ifndef AIMX_HANDOFF_H
#define AIMX_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

#define HANDOFF_PACKET_MAX 65536 /* one packet, header included */
#define HANDOFF_FIELD_MAX  8192  /* one string field, without its NUL */

enum handoff_type {
	HANDOFF_CHANNEL = 1, /* master -> writer: a new worker channel (its fd) */
	HANDOFF_CLAIM,       /* worker -> writer: rcpt, mailbox, stem base, Message-ID: name me one */
	HANDOFF_CLAIMED,     /* writer -> worker: status, stem or why not */
	HANDOFF_FILE,        /* worker -> writer: one attachment of the claim: its name and its fd */
	HANDOFF_FILED,       /* writer -> worker: status, why not */
	HANDOFF_COMMIT,      /* worker -> writer: the .md (its fd) and the hook fields: store it */
	HANDOFF_DONE,        /* writer -> worker: status, errno, the stored path or why not */
	HANDOFF_SESSION,     /* master -> worker: a client connection (its fd), id, peer address */
	HANDOFF_ENDED,       /* worker -> master: the session with this id is over */
	HANDOFF_RETIRE,      /* master -> worker: no more sessions come; leave after the last */
};

/* What the writer answers a claim or a commit with. */
enum handoff_status {
	HANDOFF_OK = 0,    /* claimed / stored and durable */
	HANDOFF_DUPLICATE, /* same Message-ID stored in this mailbox within 24 h: nothing written */
	HANDOFF_RESTEM,    /* the name was taken meanwhile: render again under the stem given */
	HANDOFF_REFUSED,   /* the request breaks a rule (route, name, file): never retried */
	HANDOFF_FAILED,    /* temporary failure (I/O, disk full): the errno says which */
};

struct handoff_packet {
	unsigned char data[HANDOFF_PACKET_MAX];
	size_t len; /* bytes in data */
	size_t pos; /* next byte handoff_get_* reads */
	int fd;     /* the fd it carries, -1 when none */
};

/* Starts p as an empty packet of type with sequence number seq and no fd. */
void handoff_begin(struct handoff_packet *p, uint32_t type, uint32_t seq);
uint32_t handoff_type(const struct handoff_packet *p);
uint32_t handoff_seq(const struct handoff_packet *p);

/* Appends; -1 when the packet is full or s is longer than HANDOFF_FIELD_MAX. */
int handoff_put_u32(struct handoff_packet *p, uint32_t v);
int handoff_put_str(struct handoff_packet *p, const char *s);

/* Reads the next field; -1 when the packet ends first, or a string has a NUL, is longer
 * than cap - 1 bytes or than HANDOFF_FIELD_MAX. */
int handoff_get_u32(struct handoff_packet *p, uint32_t *v);
int handoff_get_str(struct handoff_packet *p, char *out, size_t cap);
/* 1 when every field was read. */
int handoff_done_reading(const struct handoff_packet *p);

/* Sends p with p->fd attached when >= 0. 0, or -1 with errno. */
int handoff_send(int sock, const struct handoff_packet *p);
/* Receives one packet: 1, 0 at EOF, -1 with errno (EAGAIN on a non-blocking socket with
 * nothing to read; EBADMSG for a packet too short, truncated or carrying more than one fd,
 * whose fds are then closed). p->fd is the fd received (close-on-exec) or -1. */
int handoff_recv(int sock, struct handoff_packet *p);

#endif
