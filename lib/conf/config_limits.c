/* config_limits.c: names, defaults and ranges of the [limits] keys. */
#include "conf/config_limits.h"

struct limit_def {
	long long dflt, min, max;
};

static const struct limit_def DEFS[LIMK_COUNT] = {
    [LIMK_MAX_MESSAGE_SIZE] = {26214400, 65536, 1073741824},
    [LIMK_MAX_RECIPIENTS] = {100, 1, 10000},
    [LIMK_SMTP_MAX_SESSIONS] = {100, 1, 10000},
    [LIMK_SMTP_MAX_PER_IP] = {20, 1, 10000},
    [LIMK_SMTP_IDLE_TIMEOUT] = {300, 1, 3600},
    [LIMK_SMTP_SESSION_TIMEOUT] = {600, 10, 86400},
    [LIMK_CONTROL_MAX_SESSIONS] = {100, 1, 10000},
    [LIMK_CONTROL_MAX_PER_UID] = {32, 1, 10000},
    [LIMK_SMTP_WORKERS] = {0, 1, 64},
};

static const char *const NAMES[LIMK_COUNT] = {
    "max_message_size",     "max_recipients",         "smtp_max_sessions",
    "smtp_max_per_ip",      "smtp_idle_timeout_secs", "smtp_session_timeout_secs",
    "control_max_sessions", "control_max_per_uid",    "smtp_workers",
};

const char *config_limits_name(enum limit_key k)
{
	return NAMES[k];
}

const char *const *config_limits_names(void)
{
	return NAMES;
}

int config_limits_check(enum limit_key k, long long value, char err[ERR_SIZE])
{
	if (value >= DEFS[k].min && value <= DEFS[k].max)
		return 0;
	return err_set(err, "must be between %lld and %lld (default %lld)", DEFS[k].min,
	               DEFS[k].max, DEFS[k].dflt);
}

long long config_limits_get(const struct config_limits *l, enum limit_key k)
{
	return l && l->v[k] ? l->v[k] : DEFS[k].dflt;
}
