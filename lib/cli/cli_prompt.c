/* cli_prompt.c: questions on the terminal: a line, a yes/no, a mailbox owner. */
#include "cli/cli_prompt.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_table.h"

#define OWNER_PROMPT_TRIES 5

void cli_read_answer(char *buf, size_t size)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	const char *p = n > 0 ? line : "";
	size_t len = n > 0 ? (size_t)n : 0;
	while (len && strchr(" \t\r\n\v\f", p[len - 1]))
		len--;
	while (len && strchr(" \t\r\n\v\f", *p)) {
		p++;
		len--;
	}
	snprintf(buf, size, "%.*s", (int)len, p);
	free(line);
}

int cli_confirm(const char *prompt)
{
	char answer[16];
	fputs(prompt, stdout);
	fflush(stdout);
	cli_read_answer(answer, sizeof(answer));
	if (strcmp(answer, "y") == 0 || strcmp(answer, "Y") == 0)
		return 1;
	printf("Cancelled.\n");
	return 0;
}

static int noninteractive(void)
{
	const char *v = getenv("AIMX_NONINTERACTIVE");
	return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"));
}

static int user_exists(const char *name)
{
	return getpwnam(name) != NULL;
}

/* One question; 1 with the answer in owner, 0 to ask again. */
static int ask_owner(const char *address, const char *def, int tries_left, char *owner, size_t size)
{
	char answer[256];
	if (def)
		printf("Which Linux user should own `%s`? [%s]: ", address, def);
	else
		printf("Which Linux user should own `%s`? (no default, explicit input required): ",
		       address);
	fflush(stdout);
	cli_read_answer(answer, sizeof(answer));
	const char *candidate = answer[0] ? answer : def;
	if (!candidate) {
		printf("  %sNo default available.%s %sType a valid Linux username and press "
		       "Enter.%s\n",
		       cli_on(STYLE_YELLOW), cli_off(), cli_on(STYLE_DIM), cli_off());
		return 0;
	}
	if (user_exists(candidate)) {
		snprintf(owner, size, "%s", candidate);
		return 1;
	}
	fflush(stdout);
	fprintf(stderr,
	        "  %s!%s User '%s' does not exist. Create it with `useradd %s` and re-enter, or "
	        "type an existing Linux username. (%d attempt(s) remaining)\n",
	        cli_on(STYLE_YELLOW), cli_off(), candidate, candidate, tries_left);
	return 0;
}

int cli_prompt_owner(const char *address, char *owner, size_t size)
{
	char local[256];
	const char *at = strchr(address, '@');
	snprintf(local, sizeof(local), "%.*s", at ? (int)(at - address) : (int)strlen(address),
	         address);
	const char *def = local[0] && user_exists(local) ? local : NULL;
	if (noninteractive()) {
		if (def) {
			snprintf(owner, size, "%s", def);
			return 0;
		}
		cli_error(
		    "AIMX_NONINTERACTIVE=1 requires a resolvable default owner for mailbox "
		    "'%s'; local part '%s' does not resolve via getpwnam. Create the user with "
		    "`useradd --system %s` or unset AIMX_NONINTERACTIVE and re-run setup.",
		    address, local, local);
		return -1;
	}
	for (int k = 0; k < OWNER_PROMPT_TRIES; k++)
		if (ask_owner(address, def, OWNER_PROMPT_TRIES - k - 1, owner, size))
			return 0;
	cli_error("could not resolve an owner for mailbox '%s' after %d attempts; create the "
	          "intended Linux user with `useradd <name>` and re-run setup",
	          address, OWNER_PROMPT_TRIES);
	return -1;
}
