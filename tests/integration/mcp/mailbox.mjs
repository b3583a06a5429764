// mailbox.mjs: mailbox_list, mailbox_create and mailbox_delete as their owners, as another user and as root.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

import { ALICE, BOB, ROOT, config, ctx, inbox, sent, snapshot, withSessions } from './lib.mjs';

const D = ctx.domain;
const ROW_KEYS = ['address', 'inbox_path', 'name', 'registered', 'sent_count', 'sent_path', 'total', 'unread'];

function uidOf(user) {
    const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
    return Number(line.split(':')[2]);
}

function section(name) {
    const text = config();
    const i = text.indexOf(`[mailboxes.${name}]`);
    if (i < 0) return null;
    const rest = text.slice(i + 1);
    const j = rest.search(/^\[mailboxes\.[^\].]+\]$/m);
    return j < 0 ? rest : rest.slice(0, j);
}

test('mailbox_list: only the caller\'s mailboxes, sorted, with the documented row fields', async () => {
    await withSessions([ALICE, BOB, ROOT], async (a, b, root) => {
        const rows = JSON.parse(await a.ok('mailbox_list', {}));
        const names = rows.map((r) => r.name);
        assert.deepEqual(names, [...names].sort());
        for (const n of ['alice', 'mcp-mb-alice', 'mcp-mb-full']) assert.ok(names.includes(n), n);
        for (const n of ['bob', 'mcp-mb-bob', 'catchall']) assert.ok(!names.includes(n), n);
        for (const r of rows) assert.deepEqual(Object.keys(r).sort(), ROW_KEYS);
        const full = rows.find((r) => r.name === 'mcp-mb-full');
        assert.deepEqual(full, {
            name: 'mcp-mb-full', address: `mcp-mb-full@${D}`, inbox_path: inbox('mcp-mb-full'),
            sent_path: sent('mcp-mb-full'), total: 1, unread: 1, sent_count: 0, registered: true,
        });
        const bobs = JSON.parse(await b.ok('mailbox_list', {})).map((r) => r.name);
        assert.ok(bobs.includes('mcp-mb-bob') && !bobs.includes('mcp-mb-alice'));
        const all = JSON.parse(await root.ok('mailbox_list', {})).map((r) => r.name);
        for (const n of ['alice', 'bob', 'catchall', 'mcp-mb-alice', 'mcp-mb-bob']) assert.ok(all.includes(n), n);
    });
});

test('mailbox_create: returns the address, creates owned folders and config; idempotent for the owner', async () => {
    await withSessions([ALICE, BOB], async (a, b) => {
        assert.equal(await a.ok('mailbox_create', { name: 'mcp-mb-new' }), `mcp-mb-new@${D}`);
        for (const dir of [inbox('mcp-mb-new'), sent('mcp-mb-new')]) {
            const st = fs.statSync(dir);
            assert.equal(st.uid, uidOf(ALICE), dir);
            assert.equal(st.mode & 0o777, 0o700, dir);
        }
        assert.match(section('mcp-mb-new'), new RegExp(`owner = "${ALICE}"`));
        assert.match(section('mcp-mb-new'), new RegExp(`address = "mcp-mb-new@${D}"`));
        const before = config();
        // DECISIONS 21: the owner creating it again succeeds with the address, changing nothing.
        assert.equal(await a.ok('mailbox_create', { name: 'mcp-mb-new' }), `mcp-mb-new@${D}`);
        assert.equal(config(), before);
        // Someone else's existing mailbox: the daemon's refusal, nothing changed.
        assert.match(await b.fail('mailbox_create', { name: 'mcp-mb-new' }),
            /^\[MAILBOX\] mailbox 'mcp-mb-new' already exists/);
        assert.equal(config(), before);
        assert.match(await a.fail('mailbox_create', { name: 'Bad Name!' }), /^\[VALIDATION\] /);
        assert.match(await a.fail('mailbox_create', { name: '' }), /^\[(VALIDATION|MALFORMED)\] /);
        assert.match(await a.fail('mailbox_create', { name: '../evil' }), /^\[(VALIDATION|MALFORMED)\] /);
        assert.equal(config(), before);
        assert.ok(!fs.existsSync(inbox('evil')) && !fs.existsSync(`${ctx.data}/evil`));
        // A left-over folder owned by someone else: the daemon's conflict, nothing registered.
        fs.mkdirSync(inbox('mcp-mb-conflict'), { mode: 0o700 });
        fs.chownSync(inbox('mcp-mb-conflict'), uidOf(BOB), uidOf(BOB));
        try {
            assert.match(await a.fail('mailbox_create', { name: 'mcp-mb-conflict' }),
                /^\[ECONFLICT\] .*mcp-mb-conflict already exists with owner /);
            assert.equal(config(), before);
        } finally {
            fs.rmdirSync(inbox('mcp-mb-conflict'));
        }
        const text = await a.fail('mailbox_create', { name: 'x', extra: 1 }, { schemaValid: false });
        assert.match(text, /^failed to deserialize parameters: unknown field `extra`, expected `name`$/);
    });
});

test('mailbox_create as root: owner is the user named like the mailbox, else a clear error', async () => {
    await withSessions([ROOT, BOB], async (root, b) => {
        assert.equal(await root.ok('mailbox_create', { name: BOB }), `${BOB}@${D}`);
        assert.match(section(BOB), new RegExp(`owner = "${BOB}"`));
        assert.equal(fs.statSync(inbox(BOB)).uid, uidOf(BOB));
        assert.ok(JSON.parse(await b.ok('mailbox_list', {})).some((r) => r.name === BOB));
        const before = config();
        const text = await root.fail('mailbox_create', { name: 'nosuchuser-mcp' });
        assert.match(text, /^\[VALIDATION\] /);
        assert.match(text, /aimx mailboxes create nosuchuser-mcp --owner/);
        assert.equal(config(), before);
    });
});

test('mailbox_delete: refusals leave everything; the owner deletes, force wipes mail', async () => {
    await withSessions([ALICE, BOB], async (a, b) => {
        assert.equal(await a.ok('mailbox_create', { name: 'mcp-mb-new2' }), `mcp-mb-new2@${D}`);
        const before = [config(), snapshot(inbox('mcp-mb-full')), snapshot(inbox('mcp-mb-new2'))];
        const state = () => [config(), snapshot(inbox('mcp-mb-full')), snapshot(inbox('mcp-mb-new2'))];
        // Not the owner: reported as missing, with or without force.
        for (const force of [false, true]) {
            assert.equal(await b.fail('mailbox_delete', { name: 'mcp-mb-new2', force }),
                "[MAILBOX] mailbox 'mcp-mb-new2' does not exist");
            assert.equal(await b.fail('mailbox_delete', { name: 'mcp-mb-full', force }),
                "[MAILBOX] mailbox 'mcp-mb-full' does not exist");
        }
        assert.equal(await a.fail('mailbox_delete', { name: 'mcp-mb-missing' }),
            "[MAILBOX] mailbox 'mcp-mb-missing' does not exist");
        assert.match(await a.fail('mailbox_delete', { name: 'mcp-mb-full' }), /^\[NONEMPTY\] /);
        assert.equal(await a.fail('mailbox_delete', { name: 'catchall', force: true }),
            'Cannot delete the catchall mailbox');
        assert.match(await a.fail('mailbox_delete', { name: 'catchall' }), /^\[VALIDATION\] /);
        assert.match(await a.fail('mailbox_delete', { name: 'mcp-mb-full', wipe: true }, { schemaValid: false }),
            /^failed to deserialize parameters: unknown field `wipe`/);
        assert.deepEqual(state(), before);
        assert.ok(fs.existsSync(inbox('mcp-mb-full')));
        // The owner: an empty mailbox goes without force, a full one with it.
        assert.equal(await a.ok('mailbox_delete', { name: 'mcp-mb-new2' }), "Mailbox 'mcp-mb-new2' deleted.");
        assert.equal(section('mcp-mb-new2'), null);
        assert.equal(await a.ok('mailbox_delete', { name: 'mcp-mb-full', force: true }), "Mailbox 'mcp-mb-full' deleted.");
        assert.equal(section('mcp-mb-full'), null);
        assert.deepEqual(Object.keys(snapshot(inbox('mcp-mb-full'))), []);
        // Deleted mailboxes are no longer registered; a left-over empty dir shows as a stray row.
        for (const r of JSON.parse(await a.ok('mailbox_list', {}))) {
            if (r.name === 'mcp-mb-new2' || r.name === 'mcp-mb-full') {
                assert.equal(r.registered, false, r.name);
                assert.equal(r.address, null, r.name);
            }
        }
    });
});
