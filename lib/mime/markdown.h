/* markdown.h: Markdown (CommonMark + GFM) to an HTML fragment with inline styles, for mail. */
#ifndef AIMX_MARKDOWN_H
#define AIMX_MARKDOWN_H

#include <stddef.h>

#include "base/buf.h"

/* Renders md with md4c (tables, strikethrough, task lists, permissive autolinks; raw HTML
 * is escaped, never passed through) and gives each h1-h4, p, ul, ol, li, a, code, pre,
 * blockquote, table, th, td and hr a style="..." attribute (DECISIONS 32). 0, or -1. */
int markdown_to_html(const char *md, size_t len, struct buf *out);

#endif
