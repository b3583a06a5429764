/* version.c: version strings from build/gen/build_version.h (scripts/mkversion). */
#include "base/version.h"

#include "build_version.h"

const char *version_tag(void)
{
	return AIMX_VERSION_TAG;
}

const char *version_hash(void)
{
	return AIMX_VERSION_HASH;
}

const char *version_target(void)
{
	return AIMX_VERSION_TRIPLE;
}

const char *version_date(void)
{
	return AIMX_VERSION_DATE;
}

const char *version_line(void)
{
	return "AIMX (AI Mail Exchange) version " AIMX_VERSION_TAG " (" AIMX_VERSION_HASH
	       ") " AIMX_VERSION_TRIPLE " built " AIMX_VERSION_DATE;
}
