/* config_report.c: the error and warning list a config load produces, and its printing. */
#include "conf/config_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void report_add(struct config_issue **list, size_t *n, const char *file, int line,
		       const char *key, const char *fmt, va_list ap)
{
	struct config_issue *l = realloc(*list, (*n + 1) * sizeof(*l));
	if (!l)
		return;
	*list = l;
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	struct config_issue *it = &l[*n];
	it->file = strdup(file ? file : "");
	it->key = key ? strdup(key) : NULL;
	it->message = msg;
	it->line = line;
	if (!it->file || !it->message || (key && !it->key)) {
		free(it->file);
		free(it->key);
		free(it->message);
		return;
	}
	(*n)++;
}

void config_report_error(struct config_report *rep, const char *file, int line, const char *key,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_add(&rep->errors, &rep->nerrors, file, line, key, fmt, ap);
	va_end(ap);
}

void config_report_warning(struct config_report *rep, const char *file, int line, const char *key,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_add(&rep->warnings, &rep->nwarnings, file, line, key, fmt, ap);
	va_end(ap);
}

static void issue_print(const struct config_issue *it, const char *prefix, FILE *out)
{
	fprintf(out, "%s%s", prefix, it->file);
	if (it->line > 0)
		fprintf(out, ":%d", it->line);
	if (it->key && *it->key)
		fprintf(out, ": %s", it->key);
	fprintf(out, ": %s\n", it->message);
}

/* Stable insertion sort by line, so a report reads top to bottom like the file. */
static void issues_sort(struct config_issue *list, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct config_issue it = list[i];
		size_t j = i;
		for (; j > 0 && list[j - 1].line > it.line; j--)
			list[j] = list[j - 1];
		list[j] = it;
	}
}

void config_report_sort(struct config_report *rep)
{
	issues_sort(rep->errors, rep->nerrors);
	issues_sort(rep->warnings, rep->nwarnings);
}

void config_report_print(const struct config_report *rep, FILE *out)
{
	for (size_t k = 0; k < rep->nerrors; k++)
		issue_print(&rep->errors[k], "", out);
	for (size_t k = 0; k < rep->nwarnings; k++)
		issue_print(&rep->warnings[k], "warning: ", out);
}

static void issues_free(struct config_issue *list, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		free(list[k].file);
		free(list[k].key);
		free(list[k].message);
	}
	free(list);
}

void config_report_free(struct config_report *rep)
{
	issues_free(rep->errors, rep->nerrors);
	issues_free(rep->warnings, rep->nwarnings);
	rep->errors = rep->warnings = NULL;
	rep->nerrors = rep->nwarnings = 0;
}
