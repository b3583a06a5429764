/* version.h: the build's version identity, stamped in by the Makefile. */
#ifndef AIMX_VERSION_H
#define AIMX_VERSION_H

const char *version_tag(void);  /* git describe, or "dev" */
const char *version_hash(void); /* short commit, or "unknown" */
const char *version_target(void); /* e.g. "x86_64-linux-musl" */
const char *version_date(void);   /* build date, YYYY-MM-DD */
/* "AIMX (AI Mail Exchange) version <tag> (<hash>) <triple> built <date>" */
const char *version_line(void);

#endif
