"""`aimx mcp` driven by the official MCP TypeScript SDK client (tests/integration/mcp/*.mjs), as
real non-root users against a root daemon: tool list and schemas (ajv), every tool's result and
effect on disk, errors, cross-user refusals, id traversal, paging, send and reply (test drop,
DKIM checked with dkimpy)."""

import json
import os
import pwd
import re
import subprocess
import tempfile

import dkim
import pytest

from daemon_fixture import DOMAIN, Daemon, cleanup, uds_call

ALICE, BOB = "aimxit-alice", "aimxit-bob"
MCP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mcp")
NODE = "/usr/bin/node"


@pytest.fixture(scope="module")
def world(aimx):
    if not os.path.isdir(os.path.join(MCP_DIR, "node_modules", "@modelcontextprotocol", "sdk")):
        pytest.fail("tests/integration/mcp/node_modules is missing: run scripts/bootstrap",
                    pytrace=False)
    root = tempfile.mkdtemp(prefix="aimx-it-mcp-", dir="/tmp")  # the users must reach it
    os.chmod(root, 0o755)
    drop = os.path.join(root, "drop.txt")
    for folder in ("inbox", "sent"):  # as setup and delivery leave them (see the fresh test)
        os.makedirs(os.path.join(root, "data", folder), mode=0o755)
        os.chmod(os.path.join(root, "data", folder), 0o755)
    d = Daemon(aimx, root, {"AIMX_TEST_MAIL_DROP": drop})
    r = subprocess.run([aimx, "dkim-keygen"], env=d.env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    record = re.search(r"v=DKIM1; k=rsa; p=\S+", r.stdout).group(0).encode()
    outside = os.path.join(root, "outside")  # readable by everyone, outside every mailbox
    os.makedirs(outside)
    os.chmod(outside, 0o755)
    yield {"daemon": d, "aimx": aimx, "root": root, "drop": drop, "record": record,
           "outside": outside}
    d.stop()
    cleanup(root)


def uid(user):
    return pwd.getpwnam(user).pw_uid


def create_mailbox(world, name, user):
    frame = f"AIMX/1 MAILBOX-CREATE\nName: {name}\nContent-Length: 0\n\n".encode()
    assert uds_call(world["daemon"], frame, user) == b"AIMX/1 OK\n"


def delete_mailbox(world, name):
    frame = f"AIMX/1 MAILBOX-DELETE\nName: {name}\nForce: true\nContent-Length: 0\n\n".encode()
    uds_call(world["daemon"], frame)


@pytest.fixture
def mailboxes(world):
    """Creates mailboxes (name -> owner) for one test; force-deletes them afterwards."""
    made = []

    def make(owners):
        for name, user in owners.items():
            create_mailbox(world, name, user)
            made.append(name)
    yield make
    for name in made:
        delete_mailbox(world, name)


def put_mail(world, mailbox, mid, user, folder="inbox", bundle=False, raw=None, **fields):
    """Writes one stored message as the daemon would (TOML frontmatter, owner user, 0600)."""
    base = os.path.join(world["daemon"].data, folder, mailbox)
    os.makedirs(base, exist_ok=True)
    st = os.stat(os.path.join(world["daemon"].data, "inbox", mailbox))
    os.chown(base, st.st_uid, st.st_gid)
    os.chmod(base, 0o700)
    if bundle:
        base = os.path.join(base, mid)
        os.mkdir(base)
        os.chown(base, uid(user), uid(user))
    f = {"id": mid, "message_id": f"{mid}@example.org", "thread_id": "0123456789abcdef",
         "from": "Sender <sender@example.org>", "to": f"{mailbox}@{DOMAIN}",
         "delivered_to": f"{mailbox}@{DOMAIN}", "subject": f"subject {mid}",
         "date": f"{mid[:10]}T{mid[11:13]}:{mid[13:15]}:{mid[15:17]}Z", "mailbox": mailbox}
    f.update({k: v for k, v in fields.items() if k not in ("read", "body")})
    lines = [f'{k} = {json.dumps(v)}' for k, v in f.items() if v is not None]
    if folder == "inbox":
        lines.append("read = %s" % ("true" if fields.get("read") else "false"))
    text = raw if raw is not None else "+++\n" + "\n".join(lines) + "\n+++\n\n" + \
        fields.get("body", f"body of {mid}\n")
    path = os.path.join(base, mid + ".md")
    with open(path, "w") as out:
        out.write(text)
    os.chown(path, uid(user), uid(user))
    os.chmod(path, 0o600)
    return path


def run_node(world, script, **seed):
    d = world["daemon"]
    server_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AIMX_RUNTIME_DIR": d.run_dir,
                  "NO_COLOR": "1"}
    ctx = {"aimx": world["aimx"], "alice": ALICE, "bob": BOB, "domain": DOMAIN, "data": d.data,
           "config": d.config, "runtime": d.run_dir, "root": world["root"], "drop": world["drop"],
           "outside": world["outside"], "env": server_env, "seed": seed}
    env = dict(os.environ, AIMX_MCP_CTX=json.dumps(ctx))
    r = subprocess.run([NODE, os.path.join(MCP_DIR, script)], env=env, cwd=MCP_DIR,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"node {script} exited {r.returncode}\n--- stdout\n{r.stdout}\n" \
                              f"--- stderr\n{r.stderr}\n--- daemon\n{d.logs()[-4000:]}"
    print(r.stdout)  # node:test's report, shown with -s
    return r.stdout


def test_protocol_tools_and_schemas(world, mailboxes):
    mailboxes({"mcp-proto": ALICE})
    run_node(world, "protocol.mjs", mailbox="mcp-proto")


def test_mailbox_tools(world, mailboxes):
    mailboxes({"mcp-mb-alice": ALICE, "mcp-mb-bob": BOB, "mcp-mb-full": ALICE})
    put_mail(world, "mcp-mb-full", "2026-01-01-000000-keep", ALICE)
    try:
        run_node(world, "mailbox.mjs")
    finally:
        for name in ("mcp-mb-new", "mcp-mb-new2", "aimxit-bob"):
            delete_mailbox(world, name)


def seed_folder(world):
    """mcp-mail (alice): 6 inbox messages, one of them a bundle with an attachment, one read;
    a stray file and a frontmatter-less message; 2 sent copies."""
    ids = [f"2026-03-0{k}-120000-msg{k}" for k in range(1, 7)]
    for k, mid in enumerate(ids):
        put_mail(world, "mcp-mail", mid, ALICE, bundle=(k == 2), read=(k == 1))
    bundle = os.path.join(world["daemon"].inbox("mcp-mail"), ids[2])
    with open(os.path.join(bundle, "a.txt"), "w") as f:
        f.write("attachment\n")
    put_mail(world, "mcp-mail", "2026-03-04-000000-nofront", ALICE, raw="no frontmatter here\n")
    for k in (1, 2):
        put_mail(world, "mcp-mail", f"2026-03-0{k}-130000-out{k}", ALICE, folder="sent",
                 delivery_status="delivered" if k == 1 else None)
    return ids


def test_email_list_read_and_mark(world, mailboxes):
    mailboxes({"mcp-mail": ALICE, "mcp-mail-bob": BOB, "mcp-many": ALICE, "mcp-badtoml": ALICE})
    ids = seed_folder(world)
    put_mail(world, "mcp-mail-bob", "2026-03-01-000000-bobs", BOB)
    for k in range(205):
        put_mail(world, "mcp-many", f"2026-04-01-{k:06d}-m", ALICE, body="x\n")
    put_mail(world, "mcp-badtoml", "2026-05-01-000000-bad", ALICE, raw="+++\nid = \n+++\n\nx\n")
    # A file alice may read, outside her mailbox, linked into it as a flat file and as a bundle.
    secret_dir = os.path.join(world["outside"], "secret")
    os.makedirs(secret_dir, exist_ok=True)
    os.chmod(secret_dir, 0o755)
    secret = put_mail(world, "mcp-mail", "secret", ALICE)
    os.rename(secret, os.path.join(secret_dir, "secret.md"))
    os.chmod(os.path.join(secret_dir, "secret.md"), 0o644)
    box = world["daemon"].inbox("mcp-mail")
    os.symlink(os.path.join(secret_dir, "secret.md"), os.path.join(box, "2026-09-01-000000-link.md"))
    os.symlink(secret_dir, os.path.join(box, "secret"))
    run_node(world, "email.mjs", ids=ids)


def test_send_and_reply(world, mailboxes):
    mailboxes({"mcp-send": ALICE, "mcp-send-bob": BOB})
    originals = {
        "plain": put_mail(world, "mcp-send", "2026-06-01-000000-plain", ALICE,
                          subject="Project plan", message_id="orig-1@example.org",
                          references="root@example.org mid@example.org"),
        "replyto": put_mail(world, "mcp-send", "2026-06-02-000000-replyto", ALICE,
                            subject="RE: budget", reply_to="Team <team@example.org>",
                            message_id="orig-2@example.org"),
        "re": put_mail(world, "mcp-send", "2026-06-03-000000-re", ALICE, subject="Re: lunch",
                       **{"from": "bare@example.org", "message_id": ""}),
        "catchall": put_mail(world, "catchall", "2026-06-04-000000-any", "aimx-catchall"),
        "sentonly": put_mail(world, "mcp-send", "2026-06-05-000000-mine", ALICE, folder="sent",
                             delivery_status="delivered"),
    }
    stray = world["daemon"].inbox("mcp-stray")  # an unregistered dir alice owns
    os.makedirs(stray, exist_ok=True)
    os.chown(stray, uid(ALICE), uid(ALICE))
    attachment = os.path.join(world["outside"], "report.txt")
    with open(attachment, "w") as f:
        f.write("quarterly numbers\n")
    os.chmod(attachment, 0o644)
    try:
        run_node(world, "send.mjs", attachment=attachment)
    finally:
        cleanup(stray)
        os.unlink(originals["catchall"])
    # Every message the tools sent verifies with the published key.
    messages = [m for m in open(world["drop"], "rb").read().split(b"----- AIMX TEST DROP -----\n")
                if m]
    assert messages
    for m in messages:
        assert dkim.verify(m[:-1], dnsfunc=lambda name, timeout=5: world["record"]), m[:400]


def test_hook_tools(world, mailboxes):
    mailboxes({"mcp-hook": ALICE, "mcp-hook-bob": BOB})
    run_node(world, "hooks.mjs")


def test_mailbox_create_on_a_fresh_data_dir_then_list(aimx):
    """The first mailbox_create on a data dir without inbox/ and sent/ must leave those parents
    traversable (0755), or its owner cannot list the mail of the mailbox just created."""
    root = tempfile.mkdtemp(prefix="aimx-it-mcp-fresh-", dir="/tmp")
    os.chmod(root, 0o755)
    d = Daemon(aimx, root)
    try:
        run_node({"daemon": d, "aimx": aimx, "root": root, "drop": os.path.join(root, "drop"),
                  "outside": root}, "fresh.mjs")
    finally:
        d.stop()
        cleanup(root)
