/* setup.h: the six steps of `aimx setup`, in order, with their output. */
#ifndef AIMX_SETUP_H
#define AIMX_SETUP_H

struct setup_opts {
	const char *domain;          /* NULL: asked on the terminal */
	const char *trusted_senders; /* NULL: asked (or "none" with yes / AIMX_NONINTERACTIVE) */
	const char *verify_host;     /* NULL: the config's verify_host, else the default */
	int yes;                     /* no questions; DNS checked once */
};

/* Port 25, domain and DNS, TLS, trust, install, handoff (spec 6.1, DECISIONS 27: the
 * catchall user exists before any folder is given to it). Run as root. On a host where the
 * service runs and the certificate and DKIM key exist, only the DNS check does anything.
 * Returns the exit code (0 configured, 1 error or cancelled). */
int setup_run(const struct setup_opts *o);

#endif
