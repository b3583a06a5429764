/* config_limits.h: the [limits] table of config.toml: sizes, caps and timeouts of the daemon,
 * each with its default, range and meaning (aimx.toml(5)). */
#ifndef AIMX_CONFIG_LIMITS_H
#define AIMX_CONFIG_LIMITS_H

#include "base/err.h"

enum limit_key {
	LIMK_MAX_MESSAGE_SIZE,     /* bytes of one message (SIZE, 552 past it) */
	LIMK_MAX_RECIPIENTS,       /* RCPT per transaction (452 past it) */
	LIMK_SMTP_MAX_SESSIONS,    /* SMTP sessions at once (421 past it); read at start */
	LIMK_SMTP_MAX_PER_IP,      /* SMTP sessions from one address (421 past it) */
	LIMK_SMTP_IDLE_TIMEOUT,    /* seconds without a byte from the client (421) */
	LIMK_SMTP_SESSION_TIMEOUT, /* seconds of one whole SMTP session (421) */
	LIMK_CONTROL_MAX_SESSIONS, /* control connections at once; read at start */
	LIMK_CONTROL_MAX_PER_UID,  /* control connections of one non-root uid */
	LIMK_SMTP_WORKERS,         /* session worker processes; default (0) the CPUs online */
	LIMK_COUNT
};

/* The values set in the file (0: not set, the default applies) and their lines. */
struct config_limits {
	long long v[LIMK_COUNT];
	int line[LIMK_COUNT];
};

/* The key's name in [limits], e.g. "max_message_size". */
const char *config_limits_name(enum limit_key k);
/* Every key name, in write order, for the loader's key lookup. */
const char *const *config_limits_names(void);
/* 0 when value is within the key's range, else -1 with "must be between A and B" in err. */
int config_limits_check(enum limit_key k, long long value, char err[ERR_SIZE]);
/* The value in effect: the file's, else the default. */
long long config_limits_get(const struct config_limits *l, enum limit_key k);

#endif
