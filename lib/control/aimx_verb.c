/* aimx_verb.c: the AIMX/1 verb names (protocol.md 3.4) and the ERR codes (protocol.md 5). */
#include "control/aimx.h"

#include <string.h>

static const char *const verb_names[] = {
    [AIMX_SEND] = "SEND",
    [AIMX_MARK_READ] = "MARK-READ",
    [AIMX_MARK_UNREAD] = "MARK-UNREAD",
    [AIMX_MAILBOX_CREATE] = "MAILBOX-CREATE",
    [AIMX_MAILBOX_DELETE] = "MAILBOX-DELETE",
    [AIMX_MAILBOX_LIST] = "MAILBOX-LIST",
    [AIMX_HOOK_CREATE] = "HOOK-CREATE",
    [AIMX_HOOK_DELETE] = "HOOK-DELETE",
    [AIMX_HOOK_LIST] = "HOOK-LIST",
    [AIMX_VERSION] = "VERSION",
};
_Static_assert(sizeof(verb_names) / sizeof(verb_names[0]) == AIMX_NVERBS, "one name per verb");

static const char *const known_codes[] = {
    "MAILBOX",   "DOMAIN",    "SIGN",     "DELIVERY", "TEMP",
    "MALFORMED", "PROTOCOL",  "NOTFOUND", "IO",       "VALIDATION",
    "NONEMPTY",  "ECONFLICT", "EACCES",   "ENOENT",   "BODY_TOO_LARGE",
};

const char *aimx_verb_name(enum aimx_verb v)
{
	return (size_t)v < AIMX_NVERBS ? verb_names[v] : "?";
}

int aimx_verb_parse(const char *s, size_t n, enum aimx_verb *v)
{
	for (size_t k = 0; k < AIMX_NVERBS; k++)
		if (strlen(verb_names[k]) == n && memcmp(s, verb_names[k], n) == 0) {
			*v = (enum aimx_verb)k;
			return 0;
		}
	return -1;
}

int aimx_code_known(const char *code)
{
	for (size_t k = 0; code && k < sizeof(known_codes) / sizeof(known_codes[0]); k++)
		if (strcmp(code, known_codes[k]) == 0)
			return 1;
	return 0;
}
