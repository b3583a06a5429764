/* dkim_verify.c: test tool: verify the DKIM signatures of a message on stdin ($AIMX_RESOLV_CONF). */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fileio.h"
#include "dkim/dkim.h"

static const char *status_name(enum dkim_sig_status s)
{
	static const char *names[] = {"pass", "fail", "temperror", "permerror"};
	return names[s];
}

int main(void)
{
	struct buf msg = BUF_INIT;
	int read_rc = fileio_read_fd(STDIN_FILENO, &msg);
	struct dns_resolver r;
	if (read_rc < 0 || dns_resolver_init(&r) < 0)
		return 2;
	struct dns_lookup dns = dns_lookup_resolver(&r);
	struct dkim_result res;
	if (dkim_verify(msg.data ? msg.data : "", msg.len, &dns, time(NULL), &res) < 0)
		return 2;
	for (size_t k = 0; k < res.nsigs; k++)
		printf("d=%s s=%s a=%s status=%s reason=%s\n", res.sig[k].domain, res.sig[k].selector,
		       res.sig[k].algorithm, status_name(res.sig[k].status), res.sig[k].reason);
	printf("verdict=%s\n", dkim_verdict(&res));
	buf_free(&msg);
	return 0;
}
