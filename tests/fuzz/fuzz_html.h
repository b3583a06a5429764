/* fuzz_html.h: the HTML-to-text fuzz target, for libFuzzer (make fuzz) and the corpus replay. */
#ifndef AIMX_FUZZ_HTML_H
#define AIMX_FUZZ_HTML_H

#include <stddef.h>

/* Converts the bytes as HTML to text; 0 when the text is valid UTF-8 and entities stay inside. */
int fuzz_html_one(const unsigned char *data, size_t len);

#endif
