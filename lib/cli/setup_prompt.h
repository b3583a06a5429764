/* setup_prompt.h: the questions `aimx setup` asks on a terminal: the domain and the trust policy.
 */
#ifndef AIMX_SETUP_PROMPT_H
#define AIMX_SETUP_PROMPT_H

#include "conf/config.h"
#include "cli/setup_config.h"

#define SETUP_SENDER_TRIES 5

/* The text setup logs or prints when no sender is trusted. */
extern const char setup_no_senders_warning[];

/* Spec 6.2: ask for the domain until a valid one is confirmed, then whether the user
 * controls its DNS. 0 with the domain in out, or -1 after printing the error (no domain
 * entered, no DNS access). */
int setup_prompt_domain(char out[SETUP_DOMAIN_MAX + 1]);

/* Ask for trusted senders: a confirmed non-empty list gives TRUST_VERIFIED and the list,
 * an empty one confirmed with "Leave hooks disabled?" gives TRUST_NONE; five invalid
 * answers in a row end it. 0, or -1 after printing the error. */
int setup_prompt_trust(enum trust_mode *trust, struct strlist *senders);

#endif
