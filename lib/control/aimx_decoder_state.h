/* aimx_decoder_state.h: the request decoder's private states, its status and how it fails (shared
 * by aimx_decoder.c and aimx_decoder_header.c). */
#ifndef AIMX_AIMX_DECODER_STATE_H
#define AIMX_AIMX_DECODER_STATE_H

#include "control/aimx.h"

/* A quoted fragment inside a decoder reason, quotes and escapes included. */
#define AIMX_QUOTE_MAX 400

enum { S_REQLINE, S_HEADERS, S_BODY, S_HTML, S_DONE, S_ERROR };

/* Keeps the error reply (code and formatted reason) and stops the decoder; returns ERROR. */
enum aimx_decode_status aimx_decoder_fail(struct aimx_decoder *d, const char *code, const char *fmt,
                                          ...) __attribute__((format(printf, 3, 4)));

#define MALFORMED(d, ...) aimx_decoder_fail(d, "MALFORMED", "malformed request: " __VA_ARGS__)
#define OUT_OF_MEMORY(d)  aimx_decoder_fail(d, "IO", "out of memory while decoding the request")

/* DONE, ERROR or MORE, from d->state. */
enum aimx_decode_status aimx_decoder_status(const struct aimx_decoder *d);

#endif
