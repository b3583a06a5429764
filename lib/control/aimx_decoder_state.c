/* aimx_decoder_state.c: the request decoder's status and error reply. */
#include "control/aimx_decoder_state.h"

#include <stdarg.h>
#include <stdio.h>

enum aimx_decode_status aimx_decoder_fail(struct aimx_decoder *d, const char *code, const char *fmt,
                                          ...)
{
	va_list ap;
	snprintf(d->err_code, sizeof(d->err_code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(d->err_reason, sizeof(d->err_reason), fmt, ap);
	va_end(ap);
	d->state = S_ERROR;
	return AIMX_DECODE_ERROR;
}

enum aimx_decode_status aimx_decoder_status(const struct aimx_decoder *d)
{
	return d->state == S_DONE    ? AIMX_DECODE_DONE
	       : d->state == S_ERROR ? AIMX_DECODE_ERROR
	                             : AIMX_DECODE_MORE;
}
