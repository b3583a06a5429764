/* clock.h: the monotonic clock in milliseconds and microseconds, for timeouts and durations. */
#ifndef AIMX_CLOCK_H
#define AIMX_CLOCK_H

#include <stdint.h>

int64_t clock_monotonic_ms(void);
int64_t clock_monotonic_us(void);

#endif
