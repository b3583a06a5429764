/* version.c: version strings from the -D flags the Makefile passes (fallbacks dev/unknown). */
#include "version.h"

#ifndef AIMX_VERSION_TAG
#define AIMX_VERSION_TAG "dev"
#endif
#ifndef AIMX_VERSION_HASH
#define AIMX_VERSION_HASH "unknown"
#endif
#ifndef AIMX_VERSION_TRIPLE
#define AIMX_VERSION_TRIPLE "unknown-linux-musl"
#endif
#ifndef AIMX_VERSION_DATE
#define AIMX_VERSION_DATE "unknown"
#endif

const char *aimx_version_tag(void)
{
	return AIMX_VERSION_TAG;
}

const char *aimx_version_hash(void)
{
	return AIMX_VERSION_HASH;
}

const char *aimx_version_line(void)
{
	return "AIMX (AI Mail Exchange) version " AIMX_VERSION_TAG " (" AIMX_VERSION_HASH
	       ") " AIMX_VERSION_TRIPLE " built " AIMX_VERSION_DATE;
}
