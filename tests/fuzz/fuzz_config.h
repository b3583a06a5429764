/* fuzz_config.h: the config.toml reader's fuzz target, for libFuzzer (make fuzz) and the corpus
 * replay. */
#ifndef AIMX_FUZZ_CONFIG_H
#define AIMX_FUZZ_CONFIG_H

#include <stddef.h>

/* Parses the bytes as config.toml and as one TOML value; 0 when a failure has its reason and a
 * loaded config has its domain. */
int fuzz_config_one(const unsigned char *data, size_t len);

#endif
