/* version.c: print the client version (the daemon's joins once the control socket lands).
 *
 * usage: aimx version
 *
 * Print this binary's version line:
 *   AIMX (AI Mail Exchange) version <tag> (<hash>) <triple> built <date>
 * Same as `aimx --version`.
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
