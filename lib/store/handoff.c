/* handoff.c: encoding, decoding, sending and receiving worker <-> writer packets. */
#include "store/handoff.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HANDOFF_HEADER 8 /* type, seq */

static void put_be32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

void handoff_begin(struct handoff_packet *p, uint32_t type, uint32_t seq)
{
	put_be32(p->data, type);
	put_be32(p->data + 4, seq);
	p->len = HANDOFF_HEADER;
	p->pos = HANDOFF_HEADER;
	p->fd = -1;
}

uint32_t handoff_type(const struct handoff_packet *p)
{
	return get_be32(p->data);
}

uint32_t handoff_seq(const struct handoff_packet *p)
{
	return get_be32(p->data + 4);
}

int handoff_put_u32(struct handoff_packet *p, uint32_t v)
{
	if (HANDOFF_PACKET_MAX - p->len < 4)
		return -1;
	put_be32(p->data + p->len, v);
	p->len += 4;
	return 0;
}

int handoff_put_str(struct handoff_packet *p, const char *s)
{
	size_t n = strlen(s);
	if (n > HANDOFF_FIELD_MAX || HANDOFF_PACKET_MAX - p->len < 4 + n)
		return -1;
	put_be32(p->data + p->len, (uint32_t)n);
	memcpy(p->data + p->len + 4, s, n);
	p->len += 4 + n;
	return 0;
}

int handoff_get_u32(struct handoff_packet *p, uint32_t *v)
{
	if (p->len - p->pos < 4)
		return -1;
	*v = get_be32(p->data + p->pos);
	p->pos += 4;
	return 0;
}

int handoff_get_str(struct handoff_packet *p, char *out, size_t cap)
{
	uint32_t n;
	if (handoff_get_u32(p, &n) < 0 || n > HANDOFF_FIELD_MAX || n >= cap || p->len - p->pos < n)
		return -1;
	if (memchr(p->data + p->pos, '\0', n))
		return -1;
	memcpy(out, p->data + p->pos, n);
	out[n] = '\0';
	p->pos += n;
	return 0;
}

int handoff_done_reading(const struct handoff_packet *p)
{
	return p->pos == p->len;
}

int handoff_send(int sock, const struct handoff_packet *p)
{
	union {
		struct cmsghdr h;
		unsigned char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {(void *)p->data, p->len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (p->fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.space;
		msg.msg_controllen = sizeof(ctl.space);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &p->fd, sizeof(int));
	}
	ssize_t n;
	while ((n = sendmsg(sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return n == (ssize_t)p->len ? 0 : -1;
}

/* Takes the fds of msg: the one into p->fd; every fd when there is more than one, closed.
 * Returns the number of fds seen. */
static size_t take_fds(struct msghdr *msg, struct handoff_packet *p)
{
	size_t seen = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t k = 0; k < n; k++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
			if (seen++ == 0)
				p->fd = fd;
			else
				close(fd);
		}
	}
	if (seen > 1) {
		close(p->fd);
		p->fd = -1;
	}
	return seen;
}

int handoff_recv(int sock, struct handoff_packet *p)
{
	union {
		struct cmsghdr h;
		unsigned char space[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	struct iovec iov = {p->data, sizeof(p->data)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
			     .msg_controllen = sizeof(ctl.space)};
	ssize_t n;
	p->fd = -1;
	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return -1;
	size_t fds = take_fds(&msg, p);
	if (n == 0 && fds == 0)
		return 0;
	p->len = (size_t)n;
	p->pos = HANDOFF_HEADER;
	if (fds > 1 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || p->len < HANDOFF_HEADER) {
		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
		errno = EBADMSG;
		return -1;
	}
	return 1;
}
