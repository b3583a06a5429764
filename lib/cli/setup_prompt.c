/* setup_prompt.c: the domain and trusted-sender dialogues of `aimx setup`. */
#include "cli/setup_prompt.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "cli/cli.h"
#include "cli/setup_ui.h"

const char setup_no_senders_warning[] =
    "No trusted senders configured. Hooks will NOT fire for inbound email. Add senders later "
    "by editing `/etc/aimx/config.toml` under `[trust]` / `trusted_senders`, or re-run `sudo "
    "aimx setup` to prompt again.";

/* "\n<label>: <value>" then "Confirm? [Y/n] ". */
static int confirm_value(const char *label, const char *value)
{
	printf("\n%s: %s\n", label, value);
	return setup_ui_ask_yes("Confirm? [Y/n] ", 1);
}

int setup_prompt_domain(char out[SETUP_DOMAIN_MAX + 1])
{
	char line[1024], why[ERR_SIZE];
	for (;;) {
		printf("Enter the domain you want to use for email\n(e.g. agent.example.com).\n");
		if (setup_ui_ask_line("> ", line, sizeof(line)) < 0 || !line[0]) {
			cli_error("No domain entered. Setup cancelled.");
			return -1;
		}
		if (setup_domain_check(line, why) < 0) {
			printf("%s %s\n", setup_ui_mark(UI_FAIL), why);
			continue;
		}
		if (!confirm_value("Domain", line))
			continue;
		if (!setup_ui_ask_yes("You will need to add MX, SPF, and DKIM DNS records for this "
		                "domain.\nDo you control this domain and have access to its DNS "
		                "settings? [Y/n] ",
		                1)) {
			cli_error("Setup cancelled. You need DNS access to proceed.");
			return -1;
		}
		memcpy(out, line, strlen(line) + 1); /* checked: at most 253 characters */
		return 0;
	}
}

static int confirm_list(const struct strlist *l)
{
	printf("\nTrusted senders:\n");
	for (size_t k = 0; k < l->n; k++)
		printf("  - %s\n", l->v[k]);
	return setup_ui_ask_yes("Confirm? [Y/n] ", 1);
}

/* One answer: 1 decided, 0 ask again, -1 invalid (why filled). */
static int trust_answer(const char *line, enum trust_mode *trust, struct strlist *senders,
                        char why[ERR_SIZE])
{
	strlist_free(senders);
	if (setup_senders_parse(line, senders, why) < 0) {
		printf("%s %s\n", setup_ui_mark(UI_FAIL), why);
		return -1;
	}
	if (senders->n > 0) {
		*trust = TRUST_VERIFIED;
		return confirm_list(senders);
	}
	printf("\n%s %s\n\n", setup_ui_mark(UI_WARN), setup_no_senders_warning);
	*trust = TRUST_NONE;
	return setup_ui_ask_yes("Leave hooks disabled? [Y/n] ", 1);
}

int setup_prompt_trust(enum trust_mode *trust, struct strlist *senders)
{
	char line[4096], why[ERR_SIZE] = "";
	int invalid = 0;
	printf("\n");
	while (invalid < SETUP_SENDER_TRIES) {
		printf("Trusted sender addresses (comma-separated, e.g. you@example.com,\n"
		       "*@company.com). Leave blank to disable trust model \xe2\x80\x94 this also\n"
		       "disables hooks.\n");
		if (setup_ui_ask_line("> ", line, sizeof(line)) < 0)
			line[0] = '\0';
		int rc = trust_answer(line, trust, senders, why);
		if (rc == 1)
			return 0;
		invalid = rc < 0 ? invalid + 1 : 0;
	}
	strlist_free(senders);
	cli_error("trusted-senders prompt aborted after %d attempts; last error: %s",
	          SETUP_SENDER_TRIES, why);
	return -1;
}
