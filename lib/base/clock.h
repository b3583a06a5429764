/* clock.h: the monotonic clock in milliseconds, for timeouts and durations. */
#ifndef AIMX_CLOCK_H
#define AIMX_CLOCK_H

#include <stdint.h>

int64_t clock_monotonic_ms(void);

#endif
