/* doctor.c: the findings of the `aimx doctor` report: free, print the Checks section, judge. */
#include "cli/doctor.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/cli_table.h"
#include "cli/setup_ui.h"

void doctor_findings_free(struct doctor_findings *f)
{
	for (size_t k = 0; k < f->n; k++) {
		free(f->v[k].message);
		free(f->v[k].fix);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

static const char *badge(enum doctor_severity s)
{
	if (s == DOCTOR_FAIL)
		return setup_ui_mark(UI_FAIL);
	if (s == DOCTOR_WARN)
		return setup_ui_mark(UI_WARN);
	return "INFO";
}

void doctor_findings_print(const struct doctor_findings *f)
{
	size_t count[3] = {0, 0, 0};
	setup_ui_header("Checks");
	if (f->n == 0) {
		printf("  %sAll checks passed.%s\n", cli_on(STYLE_GREEN), cli_off());
		return;
	}
	for (size_t k = 0; k < f->n; k++) {
		const char *b = badge(f->v[k].severity);
		count[f->v[k].severity]++;
		printf(b[0] == '[' ? "  %s %s\n" : "  [%s] %s\n", b, f->v[k].message);
		if (f->v[k].fix)
			printf("        %s%s %s%s\n", cli_on(STYLE_DIM), setup_ui_mark(UI_ARROW),
			       f->v[k].fix, cli_off());
	}
	printf("\n  Summary: %zu fail, %zu warn, %zu info\n", count[DOCTOR_FAIL],
	       count[DOCTOR_WARN], count[DOCTOR_INFO]);
}

int doctor_findings_failed(const struct doctor_findings *f)
{
	for (size_t k = 0; k < f->n; k++)
		if (f->v[k].severity == DOCTOR_FAIL)
			return 1;
	return 0;
}
