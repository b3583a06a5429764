/* mail_folder.h: the messages of one mailbox folder on disk: enumeration, newest-first ids, strict
 * lookup. */
#ifndef AIMX_MAIL_FOLDER_H
#define AIMX_MAIL_FOLDER_H

#include <stddef.h>

#include "base/strlist.h"

#define MAIL_ID_MAX 255

/* Called per message: dfd is the folder, rel the message file relative to it ("<id>.md"
 * or "<id>/<id>.md"). A non-zero return stops the walk and is returned. */
typedef int (*mail_folder_fn)(int dfd, const char *id, const char *rel, void *ctx);

/* Walk dir's messages: regular files "<id>.md" and real directories "<id>/" holding a
 * regular "<id>/<id>.md". Symlinks and dot entries are skipped. 0 (also when dir does not
 * exist: no calls), fn's non-zero return, or -1 with errno when dir cannot be read. */
int mail_folder_each(const char *dir, mail_folder_fn fn, void *ctx);

/* The message ids of dir sorted descending (newest first, ids start with the date).
 * 0, or -1 with errno. */
int mail_folder_ids(const char *dir, struct strlist *ids);

/* Strict resolution of id in dir (surface.md 5.1): "<dir>/<id>.md" when it is a regular
 * file (not a symlink) whose canonical path lies inside dir's; if that name exists but
 * fails the check, not found. Otherwise "<dir>/<id>/<id>.md" with a real <id> directory,
 * a regular file and the same containment. 0 with the path in out, -1 when not found. */
int mail_folder_resolve(const char *dir, const char *id, char *out, size_t outsz);

#endif
