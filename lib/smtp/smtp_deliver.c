/* smtp_deliver.c: claim, render, write, sync and commit one message through the writer. */
#include "smtp/smtp_deliver.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/fdlink.h"
#include "base/fileio.h"
#include "base/path_join.h"
#include "store/handoff.h"
#include "store/route.h"

#define DELIVER_TRIES 3 /* renders of one message when its name is taken meanwhile */

struct deliver {
	struct smtp_deliver_env *env;
	const struct ingest_request *req;
	const struct mailbox *mb;
	struct ingest_parsed p;
	struct ingest_result *res;
	uint32_t seq;
	char stem[INGEST_ID_MAX];
};

static int fail(struct ingest_result *res, enum ingest_status status, int err,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(struct ingest_result *res, enum ingest_status status, int err,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	res->status = status;
	res->sys_errno = err;
	int rc = err_vset(res->error, fmt, ap);
	va_end(ap);
	return rc;
}

static int wait_readable(int fd)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	int r;
	while ((r = poll(&pfd, 1, SMTP_DELIVER_REPLY_MS)) < 0 && errno == EINTR)
		;
	if (r == 0)
		errno = ETIMEDOUT;
	return r > 0 ? 0 : -1;
}

/* Sends env->out, then reads the answer of type want to the same sequence number, its
 * status and text (a stem, a path or why not) and, for HANDOFF_DONE, its errno. */
static int exchange(const struct deliver *d, uint32_t want, uint32_t *status, uint32_t *err,
		    char *text, size_t cap)
{
	struct handoff_packet *in = d->env->in;
	*err = 0;
	if (handoff_send(d->env->chan, d->env->out) < 0 || wait_readable(d->env->chan) < 0)
		return -1;
	int got = handoff_recv(d->env->chan, in);
	if (got == 0)
		errno = EPIPE;
	if (got <= 0)
		return -1;
	if (in->fd >= 0)
		close(in->fd);
	if (handoff_type(in) != want || handoff_seq(in) != d->seq || handoff_get_u32(in, status) < 0 ||
	    (want == HANDOFF_DONE && handoff_get_u32(in, err) < 0) || handoff_get_str(in, text, cap) < 0 ||
	    !handoff_done_reading(in)) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

/* A field as long as the wire takes, cut at a character boundary. */
static int put_field(struct handoff_packet *p, const char *s)
{
	char cut[HANDOFF_FIELD_MAX + 1];
	size_t n = s ? strlen(s) : 0;
	if (n > HANDOFF_FIELD_MAX) {
		n = HANDOFF_FIELD_MAX;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(cut, s ? s : "", n);
	cut[n] = '\0';
	return handoff_put_str(p, cut);
}

/* A new file in the spool holding data, synced; its stand-in name (if any) in name. */
static int spool_file(const struct deliver *d, const struct buf *data, char name[FDLINK_NAME_MAX])
{
	int fd = fdlink_tmpfile(d->env->spool, name);
	if (fd < 0)
		return -1;
	if (fileio_write_all(fd, data->data ? data->data : "", data->len) == 0 && fsync(fd) == 0)
		return fd;
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Sends env->out carrying a synced copy of data and reads the answer; a stand-in name
 * is kept until the writer has answered (it links the file by then). */
static int exchange_file(struct deliver *d, const struct buf *data, uint32_t want,
			 uint32_t *status, uint32_t *err, char *text, size_t cap)
{
	char name[FDLINK_NAME_MAX], path[AIMX_PATH_MAX];
	d->env->out->fd = spool_file(d, data, name);
	if (d->env->out->fd < 0)
		return -1;
	int rc = exchange(d, want, status, err, text, cap);
	int saved = errno;
	close(d->env->out->fd);
	d->env->out->fd = -1;
	if (name[0] && path_join(path, sizeof(path), d->env->spool, name) == 0)
		unlink(path);
	errno = saved;
	return rc;
}

static int claim(struct deliver *d, uint32_t *status)
{
	const char *mid = d->p.f.message_id ? d->p.f.message_id : "";
	uint32_t err;
	handoff_begin(d->env->out, HANDOFF_CLAIM, d->seq);
	if (handoff_put_str(d->env->out, d->req->rcpt) < 0 || handoff_put_str(d->env->out, d->mb->name) < 0 ||
	    handoff_put_str(d->env->out, d->p.stem_base) < 0 ||
	    handoff_put_str(d->env->out, strlen(mid) > HANDOFF_FIELD_MAX ? "" : mid) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	char text[ERR_SIZE];
	if (exchange(d, HANDOFF_CLAIMED, status, &err, text, sizeof(text)) < 0)
		return -1;
	snprintf(*status == HANDOFF_OK ? d->stem : d->res->error,
		 *status == HANDOFF_OK ? sizeof(d->stem) : sizeof(d->res->error), "%s", text);
	return 0;
}

static int send_attachments(struct deliver *d, uint32_t *status)
{
	uint32_t err;
	*status = HANDOFF_OK;
	for (size_t k = 0; k < d->p.mime.nattachments && *status == HANDOFF_OK; k++) {
		handoff_begin(d->env->out, HANDOFF_FILE, d->seq);
		if (handoff_put_str(d->env->out, d->p.files[k].name) < 0 ||
		    exchange_file(d, d->p.files[k].data, HANDOFF_FILED, status, &err, d->res->error,
				  sizeof(d->res->error)) < 0)
			return -1;
	}
	return 0;
}

/* The .md with the fields the writer's hooks need; the answer's text is the stored path,
 * the new stem (HANDOFF_RESTEM) or why not. */
static int commit(struct deliver *d, const struct buf *md, uint32_t *status, uint32_t *err)
{
	const struct inbound_fields *f = &d->p.f;
	char text[AIMX_PATH_MAX];
	handoff_begin(d->env->out, HANDOFF_COMMIT, d->seq);
	if (put_field(d->env->out, d->p.trusted) < 0 || put_field(d->env->out, f->from) < 0 ||
	    put_field(d->env->out, f->to) < 0 || put_field(d->env->out, f->subject) < 0 ||
	    put_field(d->env->out, f->message_id) < 0 || put_field(d->env->out, f->date) < 0) {
		errno = ENOBUFS;
		return -1;
	}
	if (exchange_file(d, md, HANDOFF_DONE, status, err, text, sizeof(text)) < 0)
		return -1;
	if (*status == HANDOFF_OK)
		snprintf(d->res->path, sizeof(d->res->path), "%s", text);
	else if (*status == HANDOFF_RESTEM)
		snprintf(d->stem, sizeof(d->stem), "%.*s", (int)sizeof(d->stem) - 1, text);
	else
		snprintf(d->res->error, sizeof(d->res->error), "%.*s", ERR_SIZE - 1, text);
	return 0;
}

/* Render under the claimed stem, send the files; again under a new stem when asked. */
static int store(struct deliver *d)
{
	uint32_t status = HANDOFF_RESTEM, err = 0;
	for (int tries = 0; tries < DELIVER_TRIES && status == HANDOFF_RESTEM; tries++) {
		struct buf md = BUF_INIT;
		int rc = store_unique_names(d->p.files, d->p.mime.nattachments, d->stem);
		if (rc == 0)
			rc = ingest_render(d->req, d->mb, &d->p, d->stem, &md);
		if (rc == 0)
			rc = send_attachments(d, &status);
		if (rc == 0 && status == HANDOFF_OK)
			rc = commit(d, &md, &status, &err);
		buf_free(&md);
		if (rc < 0)
			return fail(d->res, INGEST_FAILED, errno, "cannot hand the message to the "
				    "writer: %s", strerror(errno));
	}
	if (status == HANDOFF_OK) {
		d->res->status = INGEST_STORED;
		snprintf(d->res->id, sizeof(d->res->id), "%s", d->stem);
		return 0;
	}
	char why[ERR_SIZE];
	snprintf(why, sizeof(why), "%s",
		 status == HANDOFF_RESTEM ? "no free name for the message" : d->res->error);
	return fail(d->res, INGEST_FAILED, status == HANDOFF_FAILED ? (int)err : 0, "%s", why);
}

int smtp_deliver(struct smtp_deliver_env *env, const struct ingest_request *req,
		 struct ingest_result *res)
{
	memset(res, 0, sizeof(*res));
	struct deliver d = {.env = env, .req = req, .res = res, .seq = ++env->seq};
	time_t now = req->now ? req->now : time(NULL);
	if (route_recipient(req->cfg, req->rcpt, &d.mb) != ROUTE_OK)
		return fail(res, INGEST_NO_ROUTE, 0, "no mailbox for recipient '%s'", req->rcpt);
	res->mailbox = d.mb;
	if (ingest_parse(req, d.mb, now, &d.p) < 0) {
		ingest_parsed_free(&d.p);
		return fail(res, INGEST_FAILED, ENOMEM, "out of memory parsing the message");
	}
	uint32_t status;
	int rc;
	if (claim(&d, &status) < 0)
		rc = fail(res, INGEST_FAILED, errno, "cannot reach the writer: %s", strerror(errno));
	else if (status == HANDOFF_DUPLICATE) {
		res->status = INGEST_DUPLICATE;
		rc = 0;
	} else if (status != HANDOFF_OK)
		rc = fail(res, INGEST_FAILED, 0, "%s", res->error);
	else
		rc = store(&d);
	ingest_parsed_free(&d.p);
	return rc;
}
