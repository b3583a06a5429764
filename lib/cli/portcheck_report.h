/* portcheck_report.h: the printed port 25 checks shared by `aimx portcheck` and `aimx setup`. */
#ifndef AIMX_PORTCHECK_REPORT_H
#define AIMX_PORTCHECK_REPORT_H

/* Prints "  Outbound port 25... ✓|✗" (lib/cli/setup_ui.h marks) and, on failure, the reason on
 * stderr. 1 when it passed, 0 when not. */
int portcheck_report_outbound(const char *verify_host);

/* Prints "  Inbound port 25... ✓|✗" and the reason on failure, with our temporary listener on
 * `port` unless aimx_listens (then the running daemon answers). 1 passed, 0 failed, -1 when
 * the listener could not be started (error printed). */
int portcheck_report_inbound(const char *verify_host, unsigned port, int aimx_listens);

#endif
