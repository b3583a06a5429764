/* dkim_sign.c: test tool: `dkim_sign KEY.pem DOMAIN SELECTOR < msg` prints the signed message. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/buf.h"
#include "dkim/dkim.h"
#include "base/fileio.h"
#include "crypto/private_key.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: dkim_sign KEY.pem DOMAIN SELECTOR < message\n");
		return 2;
	}
	struct private_key key;
	char err[ERR_SIZE];
	if (private_key_load(argv[1], &key, err) < 0 || key.type != BR_KEYTYPE_RSA) {
		fprintf(stderr, "dkim_sign: %s\n", key.type ? "not an RSA key" : err);
		return 2;
	}
	struct buf msg = BUF_INIT, out = BUF_INIT;
	int read_rc = fileio_read_fd(STDIN_FILENO, &msg);
	if (read_rc < 0 || dkim_sign(msg.data ? msg.data : "", msg.len, argv[2], argv[3], &key.rsa,
			       time(NULL), &out) < 0 ||
	    buf_append(&out, msg.data ? msg.data : "", msg.len) < 0 ||
	    fileio_write_all(STDOUT_FILENO, out.data, out.len) < 0)
		return 1;
	private_key_free(&key);
	buf_free(&msg);
	buf_free(&out);
	return 0;
}
