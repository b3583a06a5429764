/* portcheck_report.c: the printed port 25 checks shared by `aimx portcheck` and `aimx setup`. */
#include "cli/portcheck_report.h"

#include <stdio.h>

#include "base/err.h"
#include "cli/cli.h"
#include "cli/portcheck.h"
#include "cli/setup_ui.h"

int portcheck_report_outbound(const char *verify_host)
{
	char host[256] = "", err[ERR_SIZE] = "";
	unsigned port = portcheck_outbound_port();
	printf("  Outbound port 25... ");
	fflush(stdout);
	if (portcheck_verify_host_name(verify_host, host) < 0)
		snprintf(err, sizeof(err), "no host in %.200s", verify_host);
	int ok = host[0] && portcheck_outbound(host, port, err) == 0;
	printf("%s\n", setup_ui_mark(ok ? UI_OK : UI_FAIL));
	fflush(stdout);
	if (!ok)
		fprintf(stderr,
		        "  Outbound port 25 is blocked. Your VPS provider may restrict SMTP "
		        "traffic.\n  (%s port %u: %s)\n",
		        host, port, err);
	return ok;
}

static int inbound(const char *verify_host)
{
	char err[ERR_SIZE] = "";
	printf("  Inbound port 25... ");
	fflush(stdout);
	int rc = portcheck_inbound(verify_host, err);
	printf("%s\n", setup_ui_mark(rc == 0 ? UI_OK : UI_FAIL));
	fflush(stdout);
	if (rc > 0)
		fprintf(stderr,
		        "  Inbound port 25 is not reachable. Check your firewall and VPS provider "
		        "settings.\n  (%s)\n",
		        err);
	else if (rc < 0)
		fprintf(stderr, "  Inbound port 25 check failed: %s\n", err);
	return rc == 0;
}

int portcheck_report_inbound(const char *verify_host, unsigned port, int aimx_listens)
{
	struct portcheck_listener l;
	char err[ERR_SIZE];
	if (aimx_listens)
		return inbound(verify_host);
	if (portcheck_listener_start(&l, port, err) < 0) {
		cli_error("Cannot bind port %u for the check: %s", port, err);
		return -1;
	}
	int ok = inbound(verify_host);
	portcheck_listener_stop(&l);
	return ok;
}
