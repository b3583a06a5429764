/* dkim-keygen.c: generate the DKIM RSA key pair and print its DNS TXT record.
 *
 * usage: aimx dkim-keygen [--selector S] [--force]
 *
 * Write a 2048-bit RSA key pair to /etc/aimx/dkim/ (AIMX_CONFIG_DIR/dkim/):
 * private.key (0600, PKCS#1 PEM) and public.key (0644, SPKI PEM), then print
 * the TXT record to publish:
 *   S._domainkey.DOMAIN  v=DKIM1; k=rsa; p=BASE64
 * When keys exist and --force is not given they are kept: a warning, then
 * the record of the existing key. Needs a readable config (for the domain).
 *
 *   --selector S   DKIM selector (default: the config's dkim_selector, else
 *                  aimx). Run as root with a writable config, it is saved as
 *                  dkim_selector; otherwise the line to add is printed
 *   --force        replace existing keys
 *
 * Exit: 0 ok, 1 error, 2 usage error.
 */
#include "applets.h"
#include "cli.h"

int applet_dkim_keygen(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("dkim-keygen");
}
