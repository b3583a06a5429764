// email.mjs: email_list (paging, order, rows), email_read, email_mark_read/unread, traversal ids and other users' mail.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { ALICE, BOB, ctx, frontmatter, inbox, read, sent, snapshot, withSessions } from './lib.mjs';

const MB = 'mcp-mail';
const IDS = ctx.seed.ids; // msg1..msg6, oldest first; [1] is read, [2] is a bundle
const NOFRONT = '2026-03-04-000000-nofront';
// Newest first, as listed: the frontmatter-less message keeps its place but gives no row.
const ORDER = [IDS[5], IDS[4], IDS[3], NOFRONT, IDS[2], IDS[1], IDS[0]];
const ROW_KEYS = ['date', 'from', 'id', 'read', 'subject', 'to'];

function pathOf(id) {
    const flat = path.join(inbox(MB), `${id}.md`);
    return fs.existsSync(flat) ? flat : path.join(inbox(MB), id, `${id}.md`);
}

const ids = (text) => JSON.parse(text).map((r) => r.id);
const rowsOf = (slice) => slice.filter((id) => id !== NOFRONT);

test('email_list: rows, newest first, paging edges, no backfill', async () => {
    await withSessions([ALICE], async (a) => {
        const rows = JSON.parse(await a.ok('email_list', { mailbox: MB }));
        assert.deepEqual(rows.map((r) => r.id), rowsOf(ORDER));
        for (const r of rows) assert.deepEqual(Object.keys(r).sort(), ROW_KEYS);
        const m6 = rows[0];
        assert.deepEqual(m6, {
            id: IDS[5], from: 'Sender <sender@example.org>', to: `${MB}@${ctx.domain}`,
            subject: `subject ${IDS[5]}`, date: '2026-03-06T12:00:00Z', read: false,
        });
        assert.equal(rows.find((r) => r.id === IDS[1]).read, true);
        assert.equal(rows.find((r) => r.id === IDS[2]).subject, `subject ${IDS[2]}`); // the bundle
        const n = ORDER.length;
        const cases = [
            [{ limit: 0 }, []],
            [{ limit: 1 }, rowsOf(ORDER.slice(0, 1))],
            [{ limit: 4 }, rowsOf(ORDER.slice(0, 4))], // 3 rows: the dropped one is not backfilled
            [{ limit: 2, offset: 3 }, rowsOf(ORDER.slice(3, 5))],
            [{ limit: n }, rowsOf(ORDER)],
            [{ limit: n + 1 }, rowsOf(ORDER)],
            [{ offset: n - 1 }, [IDS[0]]],
            [{ offset: n }, []],
            [{ offset: n + 1, limit: 5 }, []],
            [{ offset: 4294967295 }, []],
            [{ limit: 4294967295 }, rowsOf(ORDER)],
            [{ limit: 4294967295, offset: 4294967295 }, []],
            [{ limit: 0, offset: 0 }, []],
        ];
        for (const [extra, want] of cases) {
            assert.deepEqual(ids(await a.ok('email_list', { mailbox: MB, ...extra })), want, JSON.stringify(extra));
        }
        assert.deepEqual(ids(await a.ok('email_list', { mailbox: MB, folder: 'inbox', limit: 1 })), [IDS[5]]);
    });
});

test('email_list: limit defaults to 50 and is capped at 200', async () => {
    await withSessions([ALICE], async (a) => {
        const all = Array.from({ length: 205 }, (_, k) => `2026-04-01-${String(k).padStart(6, '0')}-m`).reverse();
        assert.deepEqual(ids(await a.ok('email_list', { mailbox: 'mcp-many' })), all.slice(0, 50));
        assert.deepEqual(ids(await a.ok('email_list', { mailbox: 'mcp-many', limit: 1000 })), all.slice(0, 200));
        assert.deepEqual(ids(await a.ok('email_list', { mailbox: 'mcp-many', limit: 4294967295 })), all.slice(0, 200));
        assert.deepEqual(ids(await a.ok('email_list', { mailbox: 'mcp-many', offset: 200, limit: 200 })), all.slice(200));
        assert.deepEqual(ids(await a.ok('email_list', { mailbox: 'mcp-many', offset: 204 })), all.slice(204));
        assert.deepEqual(ids(await a.ok('email_list', { mailbox: 'mcp-many', offset: 205 })), []);
    });
});

test('email_list: sent folder rows, unknown folder, broken frontmatter, missing mailbox', async () => {
    await withSessions([ALICE], async (a) => {
        const rows = JSON.parse(await a.ok('email_list', { mailbox: MB, folder: 'sent' }));
        assert.deepEqual(rows.map((r) => r.id), ['2026-03-02-130000-out2', '2026-03-01-130000-out1']);
        for (const r of rows) assert.deepEqual(Object.keys(r).sort(), ['date', 'delivery_status', 'from', 'id', 'subject', 'to']);
        assert.deepEqual(rows.map((r) => r.delivery_status), ['', 'delivered']);
        for (const f of ['trash', 'Inbox', '']) {
            assert.equal(await a.fail('email_list', { mailbox: MB, folder: f }),
                `Invalid folder '${f}': expected "inbox" or "sent".`);
        }
        assert.match(await a.fail('email_list', { mailbox: 'mcp-badtoml' }), /2026-05-01-000000-bad/);
        assert.equal(await a.fail('email_list', { mailbox: 'mcp-nonesuch' }), "Mailbox 'mcp-nonesuch' does not exist.");
        // Lookup comes before the folder check.
        assert.equal(await a.fail('email_list', { mailbox: 'mcp-nonesuch', folder: 'trash' }),
            "Mailbox 'mcp-nonesuch' does not exist.");
    });
});

test('email_read: verbatim file, flat and bundle, sent folder, not found', async () => {
    await withSessions([ALICE], async (a) => {
        assert.equal(await a.ok('email_read', { mailbox: MB, id: IDS[4] }), read(pathOf(IDS[4])));
        assert.equal(await a.ok('email_read', { mailbox: MB, id: IDS[2] }),
            read(path.join(inbox(MB), IDS[2], `${IDS[2]}.md`)));
        const out1 = '2026-03-01-130000-out1';
        assert.equal(await a.ok('email_read', { mailbox: MB, id: out1, folder: 'sent' }),
            read(path.join(sent(MB), `${out1}.md`)));
        assert.equal(await a.fail('email_read', { mailbox: MB, id: out1 }), `Email '${out1}' not found in mailbox '${MB}'.`);
        assert.equal(await a.fail('email_read', { mailbox: MB, id: IDS[4], folder: 'sent' }),
            `Email '${IDS[4]}' not found in mailbox '${MB}'.`);
        assert.equal(await a.fail('email_read', { mailbox: MB, id: 'nope' }), `Email 'nope' not found in mailbox '${MB}'.`);
        assert.equal(await a.fail('email_read', { mailbox: MB, id: IDS[4], folder: 'drafts' }),
            `Invalid folder 'drafts': expected "inbox" or "sent".`);
        assert.equal(await a.fail('email_read', { mailbox: 'mcp-nonesuch', id: IDS[4] }), "Mailbox 'mcp-nonesuch' does not exist.");
        // A message the caller may not read (root's, 0600): the read error, not its content.
        const locked = path.join(inbox(MB), '2026-03-07-000000-locked.md');
        fs.writeFileSync(locked, '+++\nid = "x"\n+++\n\nsecret\n', { mode: 0o600 });
        try {
            assert.equal(await a.fail('email_read', { mailbox: MB, id: '2026-03-07-000000-locked' }),
                'Failed to read email: Permission denied');
        } finally {
            fs.unlinkSync(locked);
        }
    });
});

const TRAVERSAL = ['../x', '..', 'a/b', '/etc/passwd', `${ctx.outside}/secret/secret`, 'a\\b', `../mcp-mail-bob/2026-03-01-000000-bobs`,
    `../../inbox/mcp-mail-bob/2026-03-01-000000-bobs`, 'x..y'];

test('traversal ids, symlinks and empty ids are refused by every id-taking tool', async () => {
    await withSessions([ALICE], async (a) => {
        const before = [snapshot(inbox(MB)), snapshot(inbox('mcp-mail-bob')), snapshot(ctx.outside)];
        for (const id of TRAVERSAL) {
            for (const tool of ['email_read', 'email_mark_read', 'email_mark_unread']) {
                assert.equal(await a.fail(tool, { mailbox: MB, id }), 'Email ID contains invalid characters.', `${tool} ${id}`);
            }
            assert.equal(await a.fail('email_reply', { mailbox: MB, id, body: 'b' }), 'Email ID contains invalid characters.', id);
        }
        for (const tool of ['email_read', 'email_mark_read', 'email_mark_unread']) {
            assert.equal(await a.fail(tool, { mailbox: MB, id: '' }), 'Email ID cannot be empty.', tool);
            // a NUL in the id is an invalid character (spec); elsewhere it is refused whole
            assert.equal(await a.fail(tool, { mailbox: MB, id: `${IDS[0]}\u0000x` }), 'Email ID contains invalid characters.', tool);
            assert.match(await a.fail(tool, { mailbox: `${MB}\u0000`, id: IDS[0] }), /^failed to deserialize parameters: a string contains NUL/);
        }
        // A symlinked message file and a symlinked bundle dir, both pointing outside: not found, no fallback.
        for (const id of ['2026-09-01-000000-link', 'secret']) {
            assert.equal(await a.fail('email_read', { mailbox: MB, id }), `Email '${id}' not found in mailbox '${MB}'.`, id);
            assert.match(await a.fail('email_mark_read', { mailbox: MB, id }), /^\[NOTFOUND\] /, id);
            assert.equal(await a.fail('email_reply', { mailbox: MB, id, body: 'b' }), `Email '${id}' not found in mailbox '${MB}'.`, id);
        }
        assert.ok(!ids(await a.ok('email_list', { mailbox: MB })).includes('2026-09-01-000000-link'));
        assert.ok(!ids(await a.ok('email_list', { mailbox: MB })).includes('secret'));
        assert.deepEqual([snapshot(inbox(MB)), snapshot(inbox('mcp-mail-bob')), snapshot(ctx.outside)], before);
    });
});

test('email_mark_read / email_mark_unread: frontmatter, counts, listing; errors', async () => {
    await withSessions([ALICE], async (a) => {
        const unread = async () => JSON.parse(await a.ok('mailbox_list', {})).find((r) => r.name === MB).unread;
        const u0 = await unread();
        for (const id of [IDS[0], IDS[2]]) { // flat and bundle
            assert.equal(await a.ok('email_mark_read', { mailbox: MB, id }), `Email '${id}' marked as read.`);
            const fm = frontmatter(pathOf(id));
            assert.equal(fm.read, 'true', id);
            assert.match(fm.read_at, /^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/);
            assert.equal(read(pathOf(id)).split('\n+++\n')[1], `\nbody of ${id}\n`);
        }
        assert.equal(await unread(), u0 - 2);
        const row = JSON.parse(await a.ok('email_list', { mailbox: MB })).find((r) => r.id === IDS[0]);
        assert.equal(row.read, true);
        for (const id of [IDS[0], IDS[2]]) {
            assert.equal(await a.ok('email_mark_unread', { mailbox: MB, id }), `Email '${id}' marked as unread.`);
            const fm = frontmatter(pathOf(id));
            assert.equal(fm.read, 'false', id);
            assert.equal(fm.read_at, undefined, id);
        }
        assert.equal(await unread(), u0);
        assert.match(await a.fail('email_mark_read', { mailbox: MB, id: 'nope' }),
            /^\[NOTFOUND\] email 'nope' not found in inbox\/mcp-mail/);
        assert.match(await a.fail('email_mark_unread', { mailbox: MB, id: 'nope' }), /^\[NOTFOUND\] /);
        // Inbox only: a sent copy's id is not found.
        assert.match(await a.fail('email_mark_read', { mailbox: MB, id: '2026-03-01-130000-out1' }), /^\[NOTFOUND\] /);
        assert.equal(await a.fail('email_mark_read', { mailbox: 'mcp-nonesuch', id: IDS[0] }), "Mailbox 'mcp-nonesuch' does not exist.");
    });
});

test('another user\'s mailbox: every tool says it does not exist and nothing changes', async () => {
    await withSessions([ALICE, BOB], async (a, b) => {
        const before = [snapshot(inbox(MB)), snapshot(sent(MB)), snapshot(inbox('mcp-mail-bob'))];
        const miss = (m) => `Mailbox '${m}' does not exist.`;
        for (const [s, mb, id] of [[b, MB, IDS[0]], [a, 'mcp-mail-bob', '2026-03-01-000000-bobs']]) {
            assert.equal(await s.fail('email_list', { mailbox: mb }), miss(mb));
            assert.equal(await s.fail('email_list', { mailbox: mb, folder: 'sent' }), miss(mb));
            assert.equal(await s.fail('email_read', { mailbox: mb, id }), miss(mb));
            assert.equal(await s.fail('email_mark_read', { mailbox: mb, id }), miss(mb));
            assert.equal(await s.fail('email_mark_unread', { mailbox: mb, id }), miss(mb));
            assert.equal(await s.fail('email_reply', { mailbox: mb, id, body: 'hi' }), miss(mb));
        }
        // Bob's own mailbox with Alice's id: not there.
        assert.equal(await b.fail('email_read', { mailbox: 'mcp-mail-bob', id: IDS[0] }),
            `Email '${IDS[0]}' not found in mailbox 'mcp-mail-bob'.`);
        assert.deepEqual([snapshot(inbox(MB)), snapshot(sent(MB)), snapshot(inbox('mcp-mail-bob'))], before);
    });
});
