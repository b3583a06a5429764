/* doctor.h: the sections and findings of the `aimx doctor` health report (spec 6.4). */
#ifndef AIMX_DOCTOR_H
#define AIMX_DOCTOR_H

#include <stddef.h>

#include "conf/config.h"

enum doctor_severity { DOCTOR_INFO, DOCTOR_WARN, DOCTOR_FAIL };

/* One line of the Checks section: a stable id, what is wrong and how to fix it. */
struct doctor_finding {
	const char *check; /* "MAILBOX-DIR-MISSING", ... */
	enum doctor_severity severity;
	char *message;
	char *fix; /* NULL: no fix line */
};

struct doctor_findings {
	struct doctor_finding *v;
	size_t n;
};

/* Every check of spec 6.4 on cfg with mail under data_dir, in order: mailbox owners and
 * their inbox/sent directories, orphan storage, orphan config, the catchall user, the
 * legacy aimx-hook user, then the config-load warnings. 0, or -1 (ENOMEM). */
int doctor_checks(const struct config *cfg, const char *data_dir, struct doctor_findings *out);
void doctor_findings_free(struct doctor_findings *f);
/* The Checks section: "  [<badge>] <msg>", "        -> <fix>", then the summary. */
void doctor_findings_print(const struct doctor_findings *f);
/* 1 when a finding is a fail. */
int doctor_findings_failed(const struct doctor_findings *f);

/* The report sections, printed to stdout with their headers. */
void doctor_print_configuration(const struct config *cfg, const char *config_path,
                                const char *data_dir);
void doctor_print_service(void);
void doctor_print_mailboxes(const struct config *cfg);
/* Returns 1 when a non-catchall mailbox owner does not resolve, else 0. */
int doctor_print_ownership(const struct config *cfg);
void doctor_print_dns(const struct config *cfg);
void doctor_print_logs(void);

#endif
