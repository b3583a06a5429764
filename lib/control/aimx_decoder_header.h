/* aimx_decoder_header.h: the request decoder's header lines (protocol.md 3.4), for aimx_decoder.c.
 */
#ifndef AIMX_AIMX_DECODER_HEADER_H
#define AIMX_AIMX_DECODER_HEADER_H

#include <stddef.h>

#include "control/aimx.h"

/* One header line line[0..len) (no terminator, NUL-terminated, not empty) of d->req.verb. */
enum aimx_decode_status aimx_decoder_header_line(struct aimx_decoder *d, char *line, size_t len);

/* The blank line: required headers and exclusions checked, then the body states. */
enum aimx_decode_status aimx_decoder_headers_end(struct aimx_decoder *d);

#endif
