/* setup_port25.h: step 1 of `aimx setup`: port 25 reachable in both directions. */
#ifndef AIMX_SETUP_PORT25_H
#define AIMX_SETUP_PORT25_H

/* Who holds port 25 (lib/cli/portcheck.h): another program stops setup; aimx itself answers the
 * inbound probe, else a temporary listener does. Prints "  Outbound port 25... ✓|✗" and
 * "  Inbound port 25... ✓|✗" with the reasons and, when outbound fails, providers known to
 * open port 25. 0 when both pass, -1 after printing the error. */
int setup_port25_preflight(const char *verify_host);

#endif
