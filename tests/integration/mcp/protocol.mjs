// protocol.mjs: initialize, tools/list (names, order, schemas compiled with ajv), unknown tools, bad arguments, daemon errors.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { McpError } from '@modelcontextprotocol/sdk/types.js';

import { ALICE, connect, ctx, withSessions } from './lib.mjs';

const MB = ctx.seed.mailbox;

const TOOLS = {
    email_list: { required: ['mailbox'], optional: { folder: 'string', limit: 'integer', offset: 'integer' }, strict: false },
    email_mark_read: { required: ['mailbox', 'id'], optional: {}, strict: true },
    email_mark_unread: { required: ['mailbox', 'id'], optional: {}, strict: true },
    email_read: { required: ['mailbox', 'id'], optional: { folder: 'string' }, strict: false },
    email_reply: { required: ['mailbox', 'id', 'body'], optional: { text_only: 'boolean', html_body: 'string' }, strict: false },
    email_send: {
        required: ['from_mailbox', 'to', 'subject', 'body'],
        optional: { reply_to: 'string', references: 'string', attachments: 'array', text_only: 'boolean', html_body: 'string' },
        strict: false,
    },
    hook_create: {
        required: ['mailbox', 'event', 'cmd'],
        optional: { name: 'string', timeout_secs: 'integer', fire_on_untrusted: 'boolean' },
        strict: false,
    },
    hook_delete: { required: ['name'], optional: {}, strict: false },
    hook_list: { required: [], optional: { mailbox: 'string' }, strict: false },
    mailbox_create: { required: ['name'], optional: {}, strict: true },
    mailbox_delete: { required: ['name'], optional: { force: 'boolean' }, strict: true },
    mailbox_list: { required: [], optional: {}, strict: false },
};

const REQUIRED_TYPES = {
    mailbox: 'string', id: 'string', body: 'string', from_mailbox: 'string', to: 'string',
    subject: 'string', event: 'string', cmd: 'array', name: 'string',
};

test('initialize: server identity, capabilities, instructions, negotiated version', async () => {
    const s = await connect(ALICE);
    try {
        const info = s.client.getServerVersion();
        const version = fs.readFileSync(path.join(ctx.aimx, '..', 'VERSION'), 'utf8').trim();
        assert.deepEqual(info, { name: 'aimx', version });
        assert.deepEqual(s.client.getServerCapabilities(), { tools: {} });
        assert.equal(s.client.getInstructions(),
            'aimx email server. Manage mailboxes and emails for AI agents');
        assert.equal(s.client.transport.protocolVersion ?? '2025-11-25', '2025-11-25');
        await s.client.ping();
    } finally {
        await s.close();
    }
});

test('tools/list: exactly the 12 tools, sorted, each schema as the spec generates it', async () => {
    await withSessions([ALICE], async (s) => {
        const names = s.tools.map((t) => t.name);
        assert.deepEqual(names, Object.keys(TOOLS).sort());
        assert.deepEqual(names, [...names].sort());
        for (const t of s.tools) {
            const want = TOOLS[t.name];
            const sc = t.inputSchema;
            assert.equal(sc.type, 'object', t.name);
            assert.deepEqual((sc.required ?? []).slice().sort(), want.required.slice().sort(), t.name);
            assert.equal(sc.additionalProperties, want.strict ? false : undefined, t.name);
            assert.equal(typeof t.description, 'string');
            assert.ok(t.description.length > 0);
            const props = sc.properties ?? {};
            assert.deepEqual(Object.keys(props).sort(),
                [...want.required, ...Object.keys(want.optional)].sort(), t.name);
            for (const r of want.required) assert.equal(props[r].type, REQUIRED_TYPES[r], `${t.name}.${r}`);
            for (const [o, ty] of Object.entries(want.optional)) {
                assert.deepEqual(props[o].type, [ty, 'null'], `${t.name}.${o}`);
            }
            for (const p of Object.values(props)) {
                if (p.type === 'integer' || p.type?.[0] === 'integer') {
                    assert.equal(p.format, 'uint32');
                    assert.equal(p.minimum, 0);
                }
                if (p.type === 'array' || p.type?.[0] === 'array') assert.deepEqual(p.items, { type: 'string' });
            }
        }
    });
});

test('unknown tool: JSON-RPC error -32602 "tool not found"', async () => {
    await withSessions([ALICE], async (s) => {
        await assert.rejects(s.client.callTool({ name: 'mailbox_explode', arguments: {} }), (e) => {
            assert.ok(e instanceof McpError, String(e));
            assert.equal(e.code, -32602);
            assert.match(e.message, /tool not found/);
            return true;
        });
    });
});

// Arguments that break each tool's schema; each must come back isError with the serde-style text.
const BAD = [
    ['mailbox_list', 'not an object', null],
    ['mailbox_create', {}, /^failed to deserialize parameters: missing field `name`$/],
    ['mailbox_create', { name: 5 }, /^failed to deserialize parameters: invalid type: integer `5`, expected a string$/],
    ['mailbox_create', { name: 'x', owner: 'root' }, /^failed to deserialize parameters: unknown field `owner`, expected `name`$/],
    ['mailbox_delete', { name: 'x', force: 'yes' }, /^failed to deserialize parameters: invalid type: string "yes", expected a boolean$/],
    ['mailbox_delete', { name: 'x', wipe: true }, /^failed to deserialize parameters: unknown field `wipe`, expected one of `name`, `force`$/],
    ['email_list', { folder: 'inbox' }, /missing field `mailbox`/],
    ['email_list', { mailbox: MB, limit: -1 }, /invalid value: integer `-1`, expected u32/],
    ['email_list', { mailbox: MB, limit: 4294967296 }, /invalid value: integer `4294967296`, expected u32/],
    ['email_list', { mailbox: MB, limit: 1.5 }, /invalid type: floating point `1.5`, expected u32/],
    ['email_list', { mailbox: MB, offset: '3' }, /invalid type: string "3", expected u32/],
    ['email_read', { mailbox: MB }, /missing field `id`/],
    ['email_read', { mailbox: MB, id: ['a'] }, /invalid type: sequence, expected a string/],
    ['email_mark_read', { mailbox: MB, id: 'x', read: true }, /unknown field `read`, expected one of `mailbox`, `id`/],
    ['email_mark_read', { mailbox: MB }, /missing field `id`/],
    ['email_mark_unread', { mailbox: MB, id: 'x', folder: 'inbox' }, /unknown field `folder`/],
    ['email_mark_unread', { mailbox: true, id: 'x' }, /invalid type: boolean `true`, expected a string/],
    ['email_send', { from_mailbox: MB, to: 'a@b.c', subject: 's' }, /missing field `body`/],
    ['email_send', { from_mailbox: MB, to: 'a@b.c', subject: 's', body: 'b', attachments: 'x' }, /invalid type: string "x", expected a sequence/],
    ['email_send', { from_mailbox: MB, to: 'a@b.c', subject: 's', body: 'b', attachments: [1] }, /invalid type: integer `1`, expected a string/],
    ['email_reply', { mailbox: MB, id: 'x' }, /missing field `body`/],
    ['email_reply', { mailbox: MB, id: 'x', body: 'b', text_only: 1 }, /invalid type: integer `1`, expected a boolean/],
    ['hook_create', { mailbox: MB, event: 'on_receive' }, /missing field `cmd`/],
    ['hook_create', { mailbox: MB, event: 'on_receive', cmd: '/bin/true' }, /expected a sequence/],
    ['hook_create', { mailbox: MB, event: 'on_receive', cmd: ['/bin/true'], timeout_secs: -5 }, /expected u32/],
    ['hook_list', { mailbox: {} }, /invalid type: map, expected a string/],
    ['hook_delete', {}, /missing field `name`/],
];

test('bad arguments: schema rejects them, server answers isError "failed to deserialize parameters: "', async () => {
    await withSessions([ALICE], async (s) => {
        for (const [tool, args, text] of BAD) {
            if (typeof args !== 'object' || args === null) continue;
            const got = await s.fail(tool, args, { schemaValid: false });
            assert.match(got, /^failed to deserialize parameters: /, `${tool} ${JSON.stringify(args)}`);
            assert.match(got, text, `${tool} ${JSON.stringify(args)}`);
        }
        // Not an object at all (the SDK would not send this; the raw request goes through its transport).
        const raw = await s.client.request(
            { method: 'tools/call', params: { name: 'email_list', arguments: 'x' } },
            (await import('@modelcontextprotocol/sdk/types.js')).CallToolResultSchema);
        assert.equal(raw.isError, true);
        assert.match(raw.content[0].text, /^failed to deserialize parameters: invalid type: string "x", expected a map$/);
    });
});

test('null for an optional parameter means absent; unknown fields pass on non-strict tools', async () => {
    await withSessions([ALICE], async (s) => {
        const a = JSON.parse(await s.ok('email_list', { mailbox: MB, folder: null, limit: null, offset: null }));
        assert.deepEqual(a, []);
        const b = JSON.parse(await s.ok('email_list', { mailbox: MB, colour: 'blue' }));
        assert.deepEqual(b, []);
        assert.deepEqual(JSON.parse(await s.ok('hook_list', { mailbox: null })),
            JSON.parse(await s.ok('hook_list', {})));
    });
});

test('daemon not running / not reachable: the documented texts', async () => {
    const empty = fs.mkdtempSync(path.join(ctx.root, 'norun-'));
    // A refused connection (a stale non-socket file) counts as "not running", as upstream does.
    const stale = fs.mkdtempSync(path.join(ctx.root, 'stale-'));
    fs.writeFileSync(path.join(stale, 'aimx.sock'), '');
    // Any other failure (here ENOTDIR: the runtime dir is a file) names the socket and the error.
    const notDir = path.join(stale, 'aimx.sock');
    for (const d of [empty, stale]) fs.chmodSync(d, 0o755);
    const down = "aimx daemon not running. Start with 'sudo systemctl start aimx'";
    try {
        const noDaemon = await connect(ALICE, { ...ctx.env, AIMX_RUNTIME_DIR: empty });
        try {
            for (const [tool, args] of [['mailbox_list', {}], ['email_list', { mailbox: MB }],
                ['hook_delete', { name: 'x' }], ['mailbox_create', { name: 'x' }],
                ['email_send', { from_mailbox: MB, to: 'a@example.org', subject: 's', body: 'b' }]]) {
                assert.equal(await noDaemon.fail(tool, args), down, tool);
            }
        } finally {
            await noDaemon.close();
        }
        const refused = await connect(ALICE, { ...ctx.env, AIMX_RUNTIME_DIR: stale });
        try {
            assert.equal(await refused.fail('mailbox_list', {}), down);
        } finally {
            await refused.close();
        }
        const broken = await connect(ALICE, { ...ctx.env, AIMX_RUNTIME_DIR: notDir });
        try {
            assert.equal(await broken.fail('mailbox_list', {}),
                `Failed to connect to aimx daemon at ${notDir}/aimx.sock: Not a directory`);
        } finally {
            await broken.close();
        }
    } finally {
        fs.rmSync(empty, { recursive: true });
        fs.rmSync(stale, { recursive: true });
    }
});
