/* ops_config.c: top-level config settings changed under the config lock (dkim_selector). */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

#include "ops_txn.h"

int op_set_dkim_selector(const char *config_path, const char *selector, struct op_result *r)
{
	struct config_txn t;
	int rc = txn_begin(&t, config_path, NULL, r);
	char *copy = rc == 0 ? strdup(selector) : NULL;
	if (rc == 0 && !copy)
		rc = op_fail(r, "IO", "out of memory");
	if (rc == 0) {
		free(t.cfg.dkim_selector);
		t.cfg.dkim_selector = copy;
		rc = txn_commit(&t, r);
	}
	txn_end(&t);
	return rc;
}
