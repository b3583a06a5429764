/* log.h: the structured logger: one line per event, key=value pairs, to stderr. */
#ifndef AIMX_LOG_H
#define AIMX_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

/* Threshold from AIMX_LOG (debug|info|warn|error), default info; read once, or set here. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parse "debug"/"info"/"warn"/"error"; -1 when unknown. */
int log_level_parse(const char *name);

/* Emit "ts=<RFC3339 UTC> level=<lvl> event=<event> k1=v1 k2=v2 ..." terminated by '\n',
 * written with one write(2) so lines from several processes do not interleave.
 * The variadic part is key, value pairs of const char *, ended by a NULL key. Values
 * with spaces, '"', '=', control bytes or empty are quoted with "..." and escaped
 * (\" \\ \n \r \t \xHH); a NULL value prints as "". Never fails visibly. */
void log_event(enum log_level level, const char *event, ...) __attribute__((sentinel));

/* Test hook: send log lines to this fd instead of stderr (-1 restores stderr). */
void log_set_fd(int fd);

#endif
