/* glob_match.h: glob patterns for trusted_senders (`*` `?` `[...]` `{a,b}` `**`, as upstream). */
#ifndef AIMX_GLOB_MATCH_H
#define AIMX_GLOB_MATCH_H

/* 1 when the whole of text matches pattern, else 0. `*` and `?` do not match '/', `**`
 * does; `[...]` takes ranges and a leading `!` or `^` to negate; `{a,b}` alternatives
 * may nest; `\` quotes the next character. Case-sensitive. Work is bounded: a pattern that
 * would take too long to decide does not match (fail closed). */
int glob_match(const char *pattern, const char *text);

#endif
