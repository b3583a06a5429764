/* server_addr.c: this host's first IPv4 and first global IPv6 address from getifaddrs(3). */
#include "net/server_addr.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "base/test_env.h"

/* Not loopback, unspecified, link-local fe80::/10 or unique-local fc00::/7. */
static int ipv6_global(const struct in6_addr *a)
{
	const unsigned char *b = a->s6_addr;
	if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a))
		return 0;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return 0;
	return (b[0] & 0xfe) != 0xfc;
}

static void take_address(const struct ifaddrs *ifa, char ip4[SERVER_ADDR_SIZE],
                         char ip6[SERVER_ADDR_SIZE])
{
	const struct sockaddr *sa = ifa->ifa_addr;
	if (!sa || !(ifa->ifa_flags & IFF_UP) || (ifa->ifa_flags & IFF_LOOPBACK))
		return;
	if (sa->sa_family == AF_INET && !ip4[0]) {
		const struct in_addr *a = &((const struct sockaddr_in *)sa)->sin_addr;
		if ((ntohl(a->s_addr) >> 24) != 127 && a->s_addr != 0 &&
		    !inet_ntop(AF_INET, a, ip4, SERVER_ADDR_SIZE))
			ip4[0] = '\0';
	} else if (sa->sa_family == AF_INET6 && !ip6[0]) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (ipv6_global(a) && !inet_ntop(AF_INET6, a, ip6, SERVER_ADDR_SIZE))
			ip6[0] = '\0';
	}
}

/* A test override: "none" clears the address; anything else must be an address of family. */
static void apply_override(const char *name, int family, char out[SERVER_ADDR_SIZE])
{
	const char *v = test_env(name);
	unsigned char bytes[sizeof(struct in6_addr)];
	if (!v)
		return;
	out[0] = '\0';
	if (strcmp(v, "none") != 0 && inet_pton(family, v, bytes) == 1)
		inet_ntop(family, bytes, out, SERVER_ADDR_SIZE);
}

int server_addr_get(char ip4[SERVER_ADDR_SIZE], char ip6[SERVER_ADDR_SIZE])
{
	struct ifaddrs *list = NULL;
	ip4[0] = ip6[0] = '\0';
	if (getifaddrs(&list) == 0) {
		for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next)
			take_address(ifa, ip4, ip6);
		freeifaddrs(list);
	}
	apply_override("AIMX_TEST_SERVER_IP4", AF_INET, ip4);
	apply_override("AIMX_TEST_SERVER_IP6", AF_INET6, ip6);
	return ip4[0] ? 0 : -1;
}
