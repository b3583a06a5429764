/* setup_ui.h: the marks, headers and questions of the setup and uninstall dialogues. */
#ifndef AIMX_SETUP_UI_H
#define AIMX_SETUP_UI_H

#include <stddef.h>

enum setup_ui_mark { UI_OK, UI_FAIL, UI_WARN, UI_ARROW };

/* "✓" "✗" "⚠" "→" in green, red, yellow or plain; without colour "[OK]" "[FAIL]" "[WARN]"
 * "[>]" (lib/cli/cli.h decides colour). The string is static. */
const char *setup_ui_mark(enum setup_ui_mark m);

/* Print s in bold (or plain) followed by a newline. */
void setup_ui_header(const char *s);
/* Print s in dim (or plain) followed by a newline. */
void setup_ui_dim(const char *s);

/* Print prompt, read one line (lib/cli/cli_prompt.h cli_read_answer): 1 for yes. With def_yes
 * ("[Y/n]") anything not starting with n or N is yes; otherwise ("(y/N)") only y or Y. */
int setup_ui_ask_yes(const char *prompt, int def_yes);

/* Print prompt, then read one trimmed line into buf. 0, or -1 at end of input. */
int setup_ui_ask_line(const char *prompt, char *buf, size_t size);

#endif
