/* hook_body.c: the HOOK-CREATE body
 * {"cmd":[...],"fire_on_untrusted":b,"type":s,"timeout_secs":u}: encoding and strict decoding. */
#include "control/hook_body.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *removed_key(const char *key)
{
	if (!strcmp(key, "template") || !strcmp(key, "params"))
		return "template hooks were removed; send a raw `cmd` argv";
	if (!strcmp(key, "run_as"))
		return "`run_as` was removed: hooks run as the mailbox owner";
	if (!strcmp(key, "origin"))
		return "`origin` was removed";
	if (!strcmp(key, "dangerously_support_untrusted"))
		return "`dangerously_support_untrusted` was renamed to `fire_on_untrusted`";
	if (!strcmp(key, "stdin"))
		return "`stdin` was removed: the email is always piped to hooks";
	return NULL;
}

static int bad(char why[ERR_SIZE], const char *detail)
{
	return err_set(why, "invalid HOOK-CREATE body: %s", detail);
}

static int take_cmd(const cJSON *v, struct hook *h, char why[ERR_SIZE])
{
	if (!cJSON_IsArray(v))
		return bad(why, "`cmd` must be an array of strings");
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		if (!cJSON_IsString(it))
			return bad(why, "`cmd` must be an array of strings");
		if (strlist_push(&h->cmd, it->valuestring) < 0)
			return bad(why, "out of memory");
	}
	return 0;
}

static int take_field(const cJSON *v, struct hook *h, char why[ERR_SIZE])
{
	const char *key = v->string;
	if (!strcmp(key, "cmd"))
		return take_cmd(v, h, why);
	if (!strcmp(key, "fire_on_untrusted")) {
		if (!cJSON_IsBool(v))
			return bad(why, "`fire_on_untrusted` must be a boolean");
		h->fire_on_untrusted = cJSON_IsTrue(v);
		return 0;
	}
	if (!strcmp(key, "type")) {
		if (!cJSON_IsString(v))
			return bad(why, "`type` must be a string");
		free(h->type);
		h->type = strdup(v->valuestring);
		return h->type ? 0 : bad(why, "out of memory");
	}
	if (!strcmp(key, "timeout_secs")) {
		double d = cJSON_GetNumberValue(v);
		if (!cJSON_IsNumber(v) || d < 0 || d > 4294967295.0 ||
		    d != (double)(unsigned long)d)
			return bad(why, "`timeout_secs` must be an unsigned integer");
		h->timeout_secs = (unsigned)d;
		return 0;
	}
	char detail[256];
	snprintf(detail, sizeof(detail), "unknown field `%.128s`", key);
	return bad(why, detail);
}

int hook_body_decode(const char *json, size_t len, struct hook *h, char why[ERR_SIZE])
{
	h->timeout_secs = HOOK_TIMEOUT_DEFAULT;
	cJSON *root = cJSON_ParseWithLength(json, len);
	if (!root || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return bad(why, "expected a JSON object");
	}
	int rc = 0, have_cmd = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, root)
	{
		const char *removed = removed_key(v->string);
		if (removed) {
			err_set(why, "hook sets `%s`: %s", v->string, removed);
			rc = -1;
			break;
		}
		have_cmd |= !strcmp(v->string, "cmd");
		if ((rc = take_field(v, h, why)) < 0)
			break;
	}
	cJSON_Delete(root);
	if (rc == 0 && !have_cmd)
		rc = bad(why, "missing field `cmd`");
	if (rc == 0 && !h->type && !(h->type = strdup("cmd")))
		rc = bad(why, "out of memory");
	return rc;
}

char *hook_body_encode(const struct strlist *cmd, int fire_on_untrusted, int has_timeout,
                       unsigned timeout)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "cmd");
	int ok = arr != NULL;
	for (size_t k = 0; ok && k < cmd->n; k++)
		ok = cJSON_AddItemToArray(arr, cJSON_CreateString(cmd->v[k]));
	ok = ok && cJSON_AddBoolToObject(o, "fire_on_untrusted", fire_on_untrusted) &&
	     cJSON_AddStringToObject(o, "type", "cmd") &&
	     (!has_timeout || cJSON_AddNumberToObject(o, "timeout_secs", timeout));
	char *s = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return s;
}
