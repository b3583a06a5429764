/* uuid.h: random (version 4) UUIDs for Message-IDs and MIME boundaries. */
#ifndef AIMX_UUID_H
#define AIMX_UUID_H

#define UUID_TEXT_LEN 36

/* 36 characters: 8-4-4-4-12 lowercase hex digits with the version (4) and variant bits set,
 * from the system randomness. 0, or -1. */
int uuid_v4(char out[UUID_TEXT_LEN + 1]);

#endif
