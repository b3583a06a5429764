/* test_setup_config.c: unit tests for lib/cli/setup_config.c (domain and sender rules, config creation
 * and update). */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "base/err.h"
#include "base/fileio.h"
#include "base/log.h"
#include "cli/setup_config.h"
#include "unit.h"

static void domains(void)
{
	char why[ERR_SIZE], long_label[80], too_long[300];
	const char *good[] = {"a.b", "agent.example.com", "x-1.EXAMPLE.org", "1.2.3.4"};
	for (size_t k = 0; k < sizeof(good) / sizeof(good[0]); k++)
		CHECK(setup_domain_check(good[k], why) == 0);
	CHECK(setup_domain_check("", why) < 0);
	CHECK_STR(why, "Domain must not be empty");
	CHECK(setup_domain_check("localhost", why) < 0);
	CHECK_STR(why, "Domain must have at least two labels (e.g. example.com)");
	CHECK(setup_domain_check("a.-b.c", why) < 0);
	CHECK_STR(why, "Domain label must not start or end with a hyphen: '-b'");
	CHECK(setup_domain_check("a b.c", why) < 0);
	CHECK_STR(why, "Domain label contains invalid characters: 'a b'");
	CHECK(setup_domain_check("a..c", why) < 0);
	CHECK_STR(why, "Invalid domain label: ''");
	memset(long_label, 'x', 64);
	strcpy(long_label + 64, ".com");
	CHECK(setup_domain_check(long_label, why) < 0);
	CHECK(setup_domain_check(long_label + 1, why) == 0); /* 63 is the limit */
	memset(too_long, 'a', 254);
	for (size_t k = 50; k < 254; k += 50)
		too_long[k] = '.';
	too_long[254] = '\0';
	CHECK(setup_domain_check(too_long, why) < 0);
	CHECK_STR(why, "Domain exceeds maximum length of 253 characters");
	too_long[253] = '\0';
	CHECK(setup_domain_check(too_long, why) == 0);
}

static void senders(void)
{
	char why[ERR_SIZE];
	struct strlist l = {0};
	CHECK(setup_senders_parse(" a@b.c,*@corp.test  x+y?@*.z ,", &l, why) == 0);
	CHECK(l.n == 3);
	CHECK_STR(l.n == 3 ? l.v[2] : NULL, "x+y?@*.z");
	strlist_free(&l);
	CHECK(setup_senders_parse(" , ", &l, why) == 0 && l.n == 0);
	CHECK(setup_senders_parse("ok@x bad", &l, why) < 0);
	CHECK_STR(why, "invalid sender 'bad': expected exactly one '@', got 0");
	strlist_free(&l);
	CHECK(setup_sender_check("@x", why) < 0);
	CHECK_STR(why, "empty local part before '@'");
	CHECK(setup_sender_check("x@", why) < 0);
	CHECK_STR(why, "empty domain after '@'");
	CHECK(setup_sender_check("a/b@c", why) < 0);
	CHECK_STR(why, "invalid character '/'");
}

static char *slurp(const char *path)
{
	struct buf b = BUF_INIT;
	if (fileio_read_file(path, &b) < 0)
		return NULL;
	return b.data;
}

static void create_and_update(void)
{
	char path[512], err[ERR_SIZE];
	snprintf(path, sizeof(path), "%s/config.toml", unit_tmpdir("setup_config"));
	struct strlist s = {0};
	CHECK(strlist_push(&s, "boss@example.com") == 0);
	struct setup_config_new n = {"a.test", "/var/lib/aimx", "aimx", TRUST_VERIFIED, &s, "root"};
	CHECK(setup_config_create(path, &n, err) < 0); /* a root catchall needs the flag */
	n.catchall_owner = "aimx-catchall";
	CHECK(setup_config_create(path, &n, err) == 0);
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
	char *text = slurp(path);
	CHECK_CONTAINS(text, "domain = \"a.test\"\n");
	CHECK_CONTAINS(text, "trust = \"verified\"\n");
	CHECK_CONTAINS(text,
	               "[mailboxes.catchall]\naddress = \"*@a.test\"\nowner = \"aimx-catchall\"\n");
	free(text);
	CHECK(setup_config_create(path, &n, err) < 0 && errno == EEXIST);
	int changed = 1;
	CHECK(setup_config_update(path, "a.test", "aimx-catchall", &changed, err) == 0);
	CHECK(changed == 0);
	CHECK(chmod(path, 0600) == 0);
	CHECK(setup_config_update(path, "B.test", "aimx-catchall", &changed, err) == 0);
	CHECK(changed == 1);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
	text = slurp(path);
	CHECK_CONTAINS(text, "domain = \"B.test\"\n");
	CHECK_CONTAINS(text, "address = \"*@B.test\"\n");
	free(text);
	strlist_free(&s);
}

void suite_setup_config(void)
{
	log_set_level(LOG_ERROR);
	domains();
	senders();
	create_and_update();
	log_set_level(LOG_INFO);
}
