/* control_conn.c: one AIMX/1 connection in its own process: 30 s to read the frame, drain on errors, one reply. */
#include "control/control_conn.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "control/aimx.h"
#include "base/clock.h"
#include "base/fileio.h"
#include "control/verb.h"

#define UDS_READ_TIMEOUT_MS 30000
#define UDS_DRAIN_SILENCE_MS 50
#define UDS_DRAIN_MAX_MS     2000
#define UDS_CHUNK            65536

/* Read until the frame decodes, fails or the deadline passes (then: -1, no reply). */
static int read_frame(int fd, struct aimx_decoder *dec, enum aimx_decode_status *st)
{
	static char chunk[UDS_CHUNK];
	long deadline = clock_monotonic_ms() + UDS_READ_TIMEOUT_MS;
	*st = AIMX_DECODE_MORE;
	while (*st == AIMX_DECODE_MORE) {
		long left = deadline - clock_monotonic_ms();
		struct pollfd pfd = {fd, POLLIN, 0};
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		size_t used;
		*st = n == 0 ? aimx_decoder_eof(dec) : aimx_decoder_feed(dec, chunk, (size_t)n, &used);
	}
	return 0;
}

/* Before an error reply: swallow what the client is still sending so close is not a reset. */
static void drain(int fd)
{
	char sink[1024];
	long give_up = clock_monotonic_ms() + UDS_DRAIN_MAX_MS;
	struct pollfd pfd = {fd, POLLIN, 0};
	while (clock_monotonic_ms() < give_up && poll(&pfd, 1, UDS_DRAIN_SILENCE_MS) > 0)
		if (recv(fd, sink, sizeof(sink), 0) <= 0)
			return;
}

int control_conn_serve(const struct control_conn_env *env, int fd, uid_t caller)
{
	struct aimx_decoder dec;
	enum aimx_decode_status st;
	struct buf out = BUF_INIT;
	struct verb_ctx ctx = {0};
	aimx_decoder_init(&dec);
	if (read_frame(fd, &dec, &st) == 0 && st != AIMX_DECODE_EMPTY) {
		if (st == AIMX_DECODE_ERROR) {
			drain(fd);
			aimx_write_err(&out, dec.err_code, dec.err_reason);
		} else {
			ctx.cfg = env->cfg;
			ctx.config_path = env->config_path;
			ctx.caller = caller;
			ctx.req = &dec.req;
			ctx.out = &out;
			ctx.data_dir = env->data_dir;
			verb_dispatch(&ctx);
		}
		if (out.len)
			fileio_write_all(fd, out.data, out.len);
		shutdown(fd, SHUT_WR);
	}
	buf_free(&out);
	close(fd);
	if (ctx.after_reply)
		ctx.after_reply(ctx.after_arg);
	aimx_decoder_free(&dec);
	return 0;
}
