/* setup_ui.c: coloured marks, headers and yes/no questions for setup and uninstall. */
#include "cli/setup_ui.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_prompt.h"

#define RESET "\033[0m"

const char *setup_ui_mark(enum setup_ui_mark m)
{
	static const char *const color[] = {"\033[32m\xe2\x9c\x93" RESET,
	                                    "\033[1;31m\xe2\x9c\x97" RESET,
	                                    "\033[33m\xe2\x9a\xa0" RESET, "\xe2\x86\x92"};
	static const char *const plain[] = {"[OK]", "[FAIL]", "[WARN]", "[>]"};
	return cli_color() ? color[m] : plain[m];
}

void setup_ui_header(const char *s)
{
	printf(cli_color() ? "\033[1m%s" RESET "\n" : "%s\n", s);
}

void setup_ui_dim(const char *s)
{
	printf(cli_color() ? "\033[2m%s" RESET "\n" : "%s\n", s);
}

int setup_ui_ask_line(const char *prompt, char *buf, size_t size)
{
	fputs(prompt, stdout);
	fflush(stdout);
	if (feof(stdin)) {
		buf[0] = '\0';
		return -1;
	}
	cli_read_answer(buf, size);
	return feof(stdin) && !buf[0] ? -1 : 0;
}

int setup_ui_ask_yes(const char *prompt, int def_yes)
{
	char answer[64];
	int eof = setup_ui_ask_line(prompt, answer, sizeof(answer)) < 0; /* an empty answer */
	if (def_yes)
		return eof || (answer[0] != 'n' && answer[0] != 'N');
	return !eof && (strcmp(answer, "y") == 0 || strcmp(answer, "Y") == 0);
}
