/* mcp.c: the stdio MCP server.
 *
 * usage: aimx mcp
 *
 * Serve the Model Context Protocol on stdin/stdout (newline-delimited
 * JSON-RPC) for an AI agent, as the user who runs it. Its tools list,
 * create and delete mailboxes; list, read, mark, send and reply to mail;
 * and list, create and delete hooks. Mail is read from the data directory
 * with the caller's own permissions; everything else goes to the daemon,
 * which checks the caller owns the mailbox. Reads no config.
 *
 * Register it with an MCP client as the command `aimx mcp`.
 * Exit: 0 when stdin closes, 1 on an I/O error, 2 on a usage error.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "base/buf.h"
#include "cli/cli.h"
#include "base/fileio.h"
#include "mcp/mcp_server.h"

#define READ_CHUNK (64 * 1024)

struct reader {
	struct buf in;  /* bytes of the line being assembled */
	int discarding; /* inside a line longer than MCP_LINE_MAX */
};

/* Answer one complete line; write the reply, if any. 0, or -1 when stdout failed. */
static int serve_line(struct mcp_server *s, const char *line, size_t len)
{
	struct buf out = BUF_INIT;
	int rc = mcp_server_line(s, line, len, &out);
	if (rc == 0 && out.len)
		rc = fileio_write_all(STDOUT_FILENO, out.data, out.len);
	buf_free(&out);
	return rc;
}

static int oversize(void)
{
	struct buf out = BUF_INIT;
	int rc = mcp_server_oversize(&out);
	if (rc == 0)
		rc = fileio_write_all(STDOUT_FILENO, out.data, out.len);
	buf_free(&out);
	return rc;
}

/* Take the bytes just read: answer each complete line, keep the rest. */
static int feed(struct mcp_server *s, struct reader *r, const char *data, size_t len)
{
	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		if (!r->discarding && r->in.len + n > MCP_LINE_MAX) {
			buf_free(&r->in);
			r->discarding = 1;
			if (oversize() < 0)
				return -1;
		}
		if (!r->discarding && buf_append(&r->in, data, n) < 0)
			return -1;
		if (nl) {
			if (!r->discarding &&
			    serve_line(s, r->in.data ? r->in.data : "", r->in.len) < 0)
				return -1;
			buf_reset(&r->in);
			r->discarding = 0;
			n++;
		}
		data += n;
		len -= n;
	}
	return 0;
}

int applet_mcp(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "aimx mcp: takes no arguments\n");
		return EXIT_USAGE;
	}
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return EXIT_ERR;
	struct mcp_server s;
	struct reader r = {BUF_INIT, 0};
	static char chunk[READ_CHUNK];
	mcp_server_init(&s);
	int rc = 0;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -1 : 0;
			break;
		}
		if ((rc = feed(&s, &r, chunk, (size_t)n)) < 0)
			break;
	}
	if (rc == 0 && !r.discarding && r.in.len)
		rc = serve_line(&s, r.in.data, r.in.len);
	buf_free(&r.in);
	if (rc < 0)
		fprintf(stderr, "aimx mcp: %s\n", strerror(errno));
	return rc < 0 ? EXIT_ERR : EXIT_OK;
}
