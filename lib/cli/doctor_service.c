/* doctor_service.c: the Service and Logs sections of `aimx doctor`: daemon state and versions. */
#include "cli/doctor.h"

#include <cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control/aimx_client.h"
#include "cli/cli_table.h"
#include "base/fileio.h"
#include "base/paths.h"
#include "cli/service.h"
#include "cli/setup_ui.h"
#include "base/version.h"

#define PROBE_TEXT_SIZE 1100

/* The daemon's VERSION answer as "<tag> (<hash>)", or why there is none. */
struct version_probe {
	int answered;  /* 1: text is the server version */
	int no_daemon; /* nothing listens on the socket */
	char text[PROBE_TEXT_SIZE];
};

static const char *json_field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : "unknown";
}

static void probe_version(struct version_probe *p)
{
	struct aimx_request req = {.verb = AIMX_VERSION};
	struct aimx_response resp = {0};
	char err[ERR_SIZE];
	int sys_errno = 0;
	enum aimx_call_status st = aimx_client_call(&req, &resp, err, &sys_errno);
	cJSON *o = st == AIMX_CALL_OK && resp.ok && resp.json.data
	               ? cJSON_ParseWithLength(resp.json.data, resp.json.len)
	               : NULL;
	memset(p, 0, sizeof(*p));
	p->no_daemon = st == AIMX_CALL_NO_DAEMON;
	if (o) {
		p->answered = 1;
		snprintf(p->text, sizeof(p->text), "%s (%s)", json_field(o, "tag"),
		         json_field(o, "git_hash"));
	} else if (st == AIMX_CALL_OK) {
		snprintf(p->text, sizeof(p->text), "daemon probe failed: %s",
		         resp.ok ? "malformed VERSION reply" : resp.reason);
	} else {
		snprintf(p->text, sizeof(p->text), "daemon probe failed: %s", err);
	}
	cJSON_Delete(o);
	aimx_response_free(&resp);
}

/* The pid file names a live process. */
static int pid_file_live(void)
{
	char path[AIMX_PATH_MAX];
	struct buf text = BUF_INIT;
	long pid = 0;
	if (paths_pid_file(path, sizeof(path)) == 0 && fileio_read_file(path, &text) == 0 && text.data)
		pid = strtol(text.data, NULL, 10);
	buf_free(&text);
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static int runtime_file_exists(const char *name)
{
	char path[AIMX_PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", paths_runtime_dir(), name);
	return access(path, F_OK) == 0;
}

static const char *restart_command(enum init_system init)
{
	return init == INIT_OPENRC ? "sudo rc-service aimx restart" : "sudo systemctl restart aimx";
}

void doctor_print_service(void)
{
	enum init_system init = service_init_detect();
	struct version_probe probe = {0};
	char socket[AIMX_PATH_MAX];
	int have_socket = paths_socket(socket, sizeof(socket)) == 0 && access(socket, F_OK) == 0;
	if (have_socket)
		probe_version(&probe);
	int running =
	    probe.answered || pid_file_live() || (init != INIT_UNKNOWN && service_is_running(init));
	if (running && !have_socket)
		probe_version(&probe);
	printf("\n");
	setup_ui_header("Service");
	printf("SMTP server:      %s%s%s\n", cli_on(running ? STYLE_GREEN : STYLE_YELLOW),
	       running ? "running" : "not running", cli_off());
	printf("Client version:   %s (%s)\n", version_tag(), version_hash());
	if (probe.answered)
		printf("Server version:   %s\n", probe.text);
	else if (!have_socket && !running)
		printf("Server version:   %s(daemon not running)%s\n", cli_on(STYLE_DIM),
		       cli_off());
	else if (probe.no_daemon)
		printf("Server version:   %s(daemon not reachable on %s)%s\n", cli_on(STYLE_DIM),
		       socket, cli_off());
	else
		printf("Server version:   %s(%s)%s\n", cli_on(STYLE_DIM), probe.text, cli_off());
	if (runtime_file_exists("send.sock") && !runtime_file_exists("aimx.sock"))
		printf("UDS socket:       %sstale send.sock detected%s - the runtime socket was "
		       "renamed to `aimx.sock`; restart the service (`%s`) to replace the stale "
		       "`send.sock`\n",
		       cli_on(STYLE_YELLOW), cli_off(), restart_command(init));
}

void doctor_print_logs(void)
{
	printf("\n");
	setup_ui_header("Logs");
	printf("  %sRun `aimx logs` to view recent logs, or `aimx logs --follow` to tail.%s\n",
	       cli_on(STYLE_DIM), cli_off());
}
