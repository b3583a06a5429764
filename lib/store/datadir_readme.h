/* datadir_readme.h: the README.md aimx keeps at the top of its data directory for agents. */
#ifndef AIMX_DATADIR_README_H
#define AIMX_DATADIR_README_H

#define DATADIR_README_VERSION 7

/* Write <data_dir>/README.md (0644) unless its first line is already
 * "<!-- aimx-readme-version: 7 -->". 0, or -1 with errno. */
int datadir_readme_refresh(const char *data_dir);

#endif
