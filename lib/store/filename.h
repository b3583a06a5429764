/* filename.h: the names aimx gives stored mail: subject slugs and sanitised attachment names. */
#ifndef AIMX_FILENAME_H
#define AIMX_FILENAME_H

#include <stddef.h>

#define SLUG_MAX_CHARS      20
#define SLUG_BUF            (SLUG_MAX_CHARS * 4 + 1)
#define ATTACHMENT_NAME_MAX 200
#define ATTACHMENT_NAME_BUF (ATTACHMENT_NAME_MAX + 32)

/* Lowercase; every non-alphanumeric code point (letters and digits of any script survive)
 * becomes '-'; runs collapsed; '-' trimmed; first 20 code points; trailing '-' trimmed;
 * empty -> "no-subject". "Hello World" -> "hello-world". */
void filename_slug(const char *subject, char out[SLUG_BUF]);

/* Last path component only; runs of unsafe characters ('/', '\\', control chars, NUL,
 * bidi and zero-width marks, BOM) become one '_'; leading/trailing whitespace, '.', '-'
 * and '_' trimmed (so no hidden files, no "..");  at most 200 bytes on a character
 * boundary; empty -> "attachment-<index>". raw may be NULL. */
void filename_attachment(const char *raw, size_t len, size_t index,
			      char out[ATTACHMENT_NAME_BUF]);

/* "<stem>-N.<ext>" (split at the last '.'; no extension: "<name>-N"). 0, or -1 if it
 * does not fit. */
int filename_with_counter(const char *name, unsigned n, char out[ATTACHMENT_NAME_BUF]);

#endif
