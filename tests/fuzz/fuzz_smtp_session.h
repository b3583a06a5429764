/* fuzz_smtp_session.h: the inbound SMTP session fuzz target, for libFuzzer (make fuzz) and the
 * unit tests. */
#ifndef AIMX_FUZZ_SMTP_SESSION_H
#define AIMX_FUZZ_SMTP_SESSION_H

#include <stddef.h>

/* Runs sessions with recording callbacks over data split several ways; 0 when every split
 * produced the same replies and deliveries, 1 when they differ or a feed misreported the bytes it
 * used, -1 when memory ran out. */
int fuzz_smtp_session_one(const unsigned char *data, size_t len);

#endif
