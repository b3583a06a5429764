/* server_addr.h: this host's public-facing addresses (first IPv4, first global IPv6) via
 * getifaddrs. */
#ifndef AIMX_SERVER_ADDR_H
#define AIMX_SERVER_ADDR_H

#define SERVER_ADDR_SIZE    46 /* INET6_ADDRSTRLEN */
#define SERVER_ADDR_NO_IPV4 "Could not determine server IPv4 address"

/* ip4: the first non-loopback IPv4 address of an interface that is up; ip6: the first global
 * IPv6 (not loopback, unspecified, fe80::/10 or fc00::/7). "" when there is none. Test-only
 * overrides (logged by lib/test_env): AIMX_TEST_SERVER_IP4 and AIMX_TEST_SERVER_IP6 replace
 * what the interfaces say ("none": no such address). 0, or -1 when there is no IPv4
 * (the caller prints SERVER_ADDR_NO_IPV4). */
int server_addr_get(char ip4[SERVER_ADDR_SIZE], char ip6[SERVER_ADDR_SIZE]);

#endif
