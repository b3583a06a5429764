/* deliver.c: test tool: `deliver HELO FROM RCPT... < message` through deliver_message(). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fileio.h"
#include "smtp/deliver.h"

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: deliver HELO FROM RCPT... < message\n");
		return 2;
	}
	struct buf msg = BUF_INIT;
	int read_rc = fileio_read_fd(STDIN_FILENO, &msg);
	struct dns_resolver r;
	struct tls_trust trust = {NULL, 0, 0};
	if (read_rc < 0 || dns_resolver_init(&r) < 0)
		return 2;
	struct dns_lookup dns = dns_lookup_resolver(&r);
	size_t nr = (size_t)argc - 3;
	struct delivery_rcpt *rcpts = calloc(nr, sizeof(*rcpts));
	if (!rcpts)
		return 2;
	for (size_t k = 0; k < nr; k++)
		rcpts[k].addr = argv[3 + k];
	struct delivery d = {argv[1], argv[2], msg.data ? msg.data : "", msg.len,
			     getenv("DELIVER_IPV6") != NULL, &dns, &trust};
	deliver_message(&d, rcpts, nr);
	for (size_t k = 0; k < nr; k++)
		printf("%s status=%s tls=%s mx=%s details=%s\n", rcpts[k].addr,
		       deliver_status_name(rcpts[k].status), rcpts[k].tls, rcpts[k].mx,
		       rcpts[k].details);
	tls_client_trust_free(&trust);
	free(rcpts);
	buf_free(&msg);
	return 0;
}
