/* cli_prompt.h: questions on the terminal: a line, a yes/no, a mailbox owner. */
#ifndef AIMX_CLI_PROMPT_H
#define AIMX_CLI_PROMPT_H

#include <stddef.h>

/* stdin may be a pipe: a line is read either way. */

/* The next line of stdin without surrounding whitespace; "" at EOF or on a read error. */
void cli_read_answer(char *buf, size_t size);
/* Print prompt (no newline) on stdout and read the answer: 1 for "y" or "Y"; otherwise
 * print "Cancelled." and return 0. */
int cli_confirm(const char *prompt);
/* Root's question for the owner of the mailbox at `address` (upstream setup's prompt):
 * the default is the local part when getpwnam knows it; every answer is checked with
 * getpwnam, 5 tries. AIMX_NONINTERACTIVE (1/true/yes) takes the default without asking.
 * 0 with the user in owner, or -1 after printing the error. */
int cli_prompt_owner(const char *address, char *owner, size_t size);

#endif
