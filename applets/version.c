/* version.c: print the client version (the daemon's joins once the control socket lands).
 *
 * usage: aimx version
 *
 * Print this binary's version line, the same as `aimx --version`:
 *   AIMX (AI Mail Exchange) version TAG (HASH) TRIPLE built DATE
 * When the daemon answers VERSION on the control socket, also print the
 * running server's tag, hash, target and build date; a difference means the
 * daemon has not been restarted since the binary was replaced.
 *
 * Exit: 0 ok, 2 usage error.
 */
#include <stdio.h>

#include "applets.h"
#include "cli.h"
#include "cli.h"
#include "version.h"

int applet_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "aimx version: takes no arguments\n");
		return EXIT_USAGE;
	}
	printf("%s\n", aimx_version_line());
	return EXIT_OK;
}
