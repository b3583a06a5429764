/* smtp_listen.h: the listening TCP socket of the SMTP server. */
#ifndef AIMX_SMTP_LISTEN_H
#define AIMX_SMTP_LISTEN_H

#include <stddef.h>

#include "base/err.h"

/* Bind "ADDR:PORT" ("[v6]:PORT" for IPv6), listen, FD_CLOEXEC. Returns the fd or -1 with
 * a message in err. */
int smtp_listen(const char *bind_addr, char err[ERR_SIZE]);

#endif
