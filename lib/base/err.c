/* err.c: err_set and err_vset, the formatter behind every error-message buffer. */
#include "base/err.h"

#include <stdio.h>

int err_vset(char err[ERR_SIZE], const char *fmt, va_list ap)
{
	if (vsnprintf(err, ERR_SIZE, fmt, ap) < 0)
		err[0] = '\0';
	return -1;
}

int err_set(char err[ERR_SIZE], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = err_vset(err, fmt, ap);
	va_end(ap);
	return rc;
}
