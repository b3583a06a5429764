/* err.h: the one error convention: a char[ERR_SIZE] filled by err_set, which returns -1. */
#ifndef AIMX_ERR_H
#define AIMX_ERR_H

#include <stdarg.h>

/* Every error-message buffer in aimx is char[ERR_SIZE]: room for a reason naming a path. */
#define ERR_SIZE 512

/* Format the message into err (truncated to ERR_SIZE) and return -1, so that a failing
 * function can end with `return err_set(err, "...", ...);`. */
int err_set(char err[ERR_SIZE], const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* err_set for callers that hold a va_list; returns -1. */
int err_vset(char err[ERR_SIZE], const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
