/* fuzz_config.c: config.toml through the loader (scanner, values, model, rules), and single
 * TOML values through the value parser and the string writer's round trip. */
#include "tests/fuzz/fuzz_config.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "conf/config_load.h"
#include "conf/toml.h"
#include "tests/fuzz/support/fuzz_util.h"

static int config_bad(const unsigned char *data, size_t len)
{
	struct config cfg;
	struct config_report rep = {0};
	memset(&cfg, 0, sizeof(cfg));
	int rc = config_parse((const char *)data, len, "fuzz.toml", &cfg, &rep);
	int bad = rc < 0 ? rep.nerrors == 0 : !cfg.domain || !cfg.data_dir;
	for (size_t k = 0; k < rep.nerrors; k++)
		bad |= !rep.errors[k].message;
	if (rc == 0)
		config_free(&cfg);
	config_report_free(&rep);
	return bad;
}

/* A parsed string written back as TOML parses to the same string. */
static int string_round_trip_bad(const char *s)
{
	struct buf out = BUF_INIT;
	struct toml_value again;
	char err[ERR_SIZE];
	int bad = 0;
	if (toml_write_string(&out, s) == 0 && buf_append_char(&out, 0) == 0) {
		bad = toml_value_parse(out.data, &again, err) < 0 || again.type != TOML_STRING ||
		      strcmp(again.s, s) != 0;
		if (!bad)
			toml_value_free(&again);
	}
	buf_free(&out);
	return bad;
}

static int value_bad(const unsigned char *data, size_t len)
{
	char *text = fuzz_util_cstr(data, len), err[ERR_SIZE] = "";
	struct toml_value v;
	int bad = 0;
	if (!text)
		return 0;
	if (toml_value_parse(text, &v, err) < 0)
		bad = err[0] == '\0';
	else {
		if (v.type == TOML_STRING)
			bad = !utf8_valid(v.s, strlen(v.s)) || string_round_trip_bad(v.s);
		toml_value_free(&v);
	}
	free(text);
	return bad;
}

int fuzz_config_one(const unsigned char *data, size_t len)
{
	return config_bad(data, len) | value_bad(data, len);
}

FUZZ_UTIL_ENTRY(fuzz_config_one)
