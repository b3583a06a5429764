/* psl.h: organisational domains from the Public Suffix List compiled in at build time. */
#ifndef AIMX_PSL_H
#define AIMX_PSL_H

#include <stddef.h>

/* The public suffix of domain plus one label (RFC 7489 3.2), lowercased, without a trailing
 * dot. -1 when domain is itself a public suffix, is empty or invalid, or does not fit. */
int psl_org_domain(const char *domain, char *out, size_t cap);

#endif
