/* version.h: the build's version identity, stamped in by the Makefile. */
#ifndef AIMX_VERSION_H
#define AIMX_VERSION_H

const char *aimx_version_tag(void);  /* git describe, or "dev" */
const char *aimx_version_hash(void); /* short commit, or "unknown" */
/* "AIMX (AI Mail Exchange) version <tag> (<hash>) <triple> built <date>" */
const char *aimx_version_line(void);

#endif
