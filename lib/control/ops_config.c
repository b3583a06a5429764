/* ops_config.c: top-level config settings changed under the config lock (dkim_selector). */
#include "control/ops.h"

#include <stdlib.h>
#include <string.h>

#include "control/ops_txn.h"

int ops_set_dkim_selector(const char *config_path, const char *selector, struct ops_result *r)
{
	struct ops_txn t;
	int rc = ops_txn_begin(&t, config_path, NULL, r);
	char *copy = rc == 0 ? strdup(selector) : NULL;
	if (rc == 0 && !copy)
		rc = ops_fail(r, "IO", "out of memory");
	if (rc == 0) {
		free(t.cfg.dkim_selector);
		t.cfg.dkim_selector = copy;
		rc = ops_txn_commit(&t, r);
	}
	ops_txn_end(&t);
	return rc;
}
