/* uuid.h: random (version 4) UUIDs for Message-IDs and MIME boundaries. */
#ifndef AIMX_UUID_H
#define AIMX_UUID_H

#define UUID_TEXT_LEN 36

/* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" from the system randomness. 0, or -1. */
int uuid_v4(char out[UUID_TEXT_LEN + 1]);

#endif
