/* portcheck_report.c: the printed port 25 checks shared by `aimx portcheck` and `aimx setup`. */
#include "portcheck_report.h"

#include <stdio.h>

#include "cli.h"
#include "portcheck.h"
#include "setup_ui.h"

int port25_report_outbound(const char *verify_host)
{
	char host[256] = "", err[PORTCHECK_ERR_SIZE] = "";
	unsigned port = portcheck_outbound_port();
	printf("  Outbound port 25... ");
	fflush(stdout);
	if (verify_host_name(verify_host, host) < 0)
		snprintf(err, sizeof(err), "no host in %.200s", verify_host);
	int ok = host[0] && port25_outbound(host, port, err) == 0;
	printf("%s\n", ui_mark(ok ? UI_OK : UI_FAIL));
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
	char err[PORTCHECK_ERR_SIZE] = "";
	printf("  Inbound port 25... ");
	fflush(stdout);
	int rc = port25_inbound(verify_host, err);
	printf("%s\n", ui_mark(rc == 0 ? UI_OK : UI_FAIL));
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

int port25_report_inbound(const char *verify_host, unsigned port, int aimx_listens)
{
	struct port25_listener l;
	char err[PORTCHECK_ERR_SIZE];
	if (aimx_listens)
		return inbound(verify_host);
	if (port25_listener_start(&l, port, err) < 0) {
		cli_error("Cannot bind port %u for the check: %s", port, err);
		return -1;
	}
	int ok = inbound(verify_host);
	port25_listener_stop(&l);
	return ok;
}
