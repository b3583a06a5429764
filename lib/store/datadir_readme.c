/* datadir_readme.c: keeps <data_dir>/README.md, the map of the mail store, at the current version. */
#include "store/datadir_readme.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/paths.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define VERSION_LINE "<!-- aimx-readme-version: " STR(DATADIR_README_VERSION) " -->"

static const char readme[] =
	VERSION_LINE "\n"
	"# aimx mail store\n"
	"\n"
	"This directory is written by the aimx daemon. Each mailbox has two folders:\n"
	"\n"
	"- `inbox/<mailbox>/`: received mail, newest ids sort last\n"
	"- `sent/<mailbox>/`: copies of mail sent from the mailbox\n"
	"\n"
	"A message is `<id>.md`, or `<id>/<id>.md` with its attachments beside it\n"
	"when it has any. The id is `YYYY-MM-DD-HHMMSS-<subject-slug>` in UTC.\n"
	"\n"
	"Each `.md` starts with TOML frontmatter between `+++` lines (id, message_id,\n"
	"thread_id, from, to, subject, date, the dkim/spf/dmarc verdicts, trusted,\n"
	"read, attachments) followed by the body as text.\n"
	"\n"
	"Read mail with `cat`, or through `aimx mcp`. Change state (read/unread,\n"
	"mailboxes, hooks) through `aimx` or its MCP tools, not by editing files:\n"
	"the daemon serialises those changes.\n";

int datadir_readme_refresh(const char *data_dir)
{
	char path[AIMX_PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/README.md", data_dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	char head[sizeof(VERSION_LINE)] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		ssize_t got = read(fd, head, sizeof(head));
		close(fd);
		if (got == (ssize_t)sizeof(head) && memcmp(head, VERSION_LINE "\n", sizeof(head)) == 0)
			return 0;
	}
	return fileio_write_atomic(path, readme, sizeof(readme) - 1, 0644, (uid_t)-1, (gid_t)-1);
}
