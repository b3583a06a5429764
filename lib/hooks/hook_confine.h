/* hook_confine.h: a hook's view of the file system: read-only but for its owner's places, with
 * a private /dev (what upstream gets from systemd-run's ProtectSystem=strict and PrivateDevices,
 * without systemd). */
#ifndef AIMX_HOOK_CONFINE_H
#define AIMX_HOOK_CONFINE_H

/* In the forked child, as root, before the privilege drop: a private mount namespace in which
 * every mount is read-only except the owner's home (when it is not "/"), /tmp and /var/tmp,
 * the store (the data dir, NULL: none) read-only again wherever it lies, and /dev is a fresh tmpfs
 * holding only null, zero, full, random, urandom and tty (bound from the host) and the
 * stdin/stdout/stderr/fd links. Returns 0 when the view is in place; 1 when this host cannot give
 * one (not root, no mount namespaces, a kernel before 5.12), the hook then seeing the host's file
 * system; -1 when setting it up failed midway, with *what naming the step (the hook must not run).
 */
int hook_confine_view(const char *home, const char *store, const char **what);

#endif
