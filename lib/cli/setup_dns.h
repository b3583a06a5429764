/* setup_dns.h: step 2's DNS part: the records to publish and their check through our resolver. */
#ifndef AIMX_SETUP_DNS_H
#define AIMX_SETUP_DNS_H

/* Find this server's addresses, print the record table (spec 6.3) for domain, selector and
 * the DKIM TXT value, then check the records: interactively Enter checks and q skips until
 * all pass; with once, one check without waiting. 0 (records pass or not: the result is
 * printed), or -1 after printing the error (no IPv4 address found). */
int setup_dns_step(const char *domain, const char *selector, int enable_ipv6,
                   const char *dkim_value, int once);

#endif
