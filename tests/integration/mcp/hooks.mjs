// hooks.mjs: hook_create, hook_list and hook_delete: config effect, `aimx hooks list`, refusals and other users' hooks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { ALICE, BOB, ROOT, config, ctx, withSessions } from './lib.mjs';

const MB = 'mcp-hook';
const ROW_KEYS = ['cmd', 'event', 'fire_on_untrusted', 'mailbox', 'name', 'timeout_secs'];

// `aimx hooks list --mailbox M` run as user, as an operator would check.
function cliList(user, mailbox) {
    return execFileSync('setpriv', [`--reuid=${user}`, `--regid=${user}`, '--init-groups', ctx.aimx,
        'hooks', 'list', '--mailbox', mailbox], { env: ctx.env, encoding: 'utf8' });
}

// The [[mailboxes.M.hooks]] blocks of the config, as text.
function hookBlocks(mailbox) {
    return config().split(/\n(?=\[)/).filter((b) => b.startsWith(`[[mailboxes.${mailbox}.hooks]]`));
}

test('hook_create / hook_list / hook_delete as the owner', async () => {
    await withSessions([ALICE], async (a) => {
        assert.equal(await a.ok('hook_create', {
            mailbox: MB, event: 'on_receive', cmd: ['/bin/sh', '-c', 'cat > /dev/null'], name: 'mcp_recv', timeout_secs: 7,
        }), `Hook created on mailbox '${MB}'.`);
        assert.equal(await a.ok('hook_create', {
            mailbox: MB, event: 'after_send', cmd: ['/bin/true'],
        }), `Hook created on mailbox '${MB}'.`);
        const rows = JSON.parse(await a.ok('hook_list', { mailbox: MB }));
        for (const r of rows) assert.deepEqual(Object.keys(r).sort(), ROW_KEYS);
        assert.deepEqual(rows.map((r) => r.event), ['after_send', 'on_receive']); // sorted by (mailbox, event, name)
        assert.deepEqual(rows[1], {
            name: 'mcp_recv', mailbox: MB, event: 'on_receive', cmd: ['/bin/sh', '-c', 'cat > /dev/null'],
            fire_on_untrusted: false, timeout_secs: 7,
        });
        const derived = rows[0].name;
        assert.match(derived, /^[0-9a-f]{12}$/);
        assert.deepEqual(rows[0].cmd, ['/bin/true']);
        // The unfiltered list holds the same rows, and only the caller's mailboxes.
        const all = JSON.parse(await a.ok('hook_list', {}));
        assert.deepEqual(all.filter((r) => r.mailbox === MB), rows);
        assert.ok(!all.some((r) => r.mailbox === 'mcp-hook-bob'));
        // On disk, and as the CLI sees it.
        const blocks = hookBlocks(MB);
        assert.equal(blocks.length, 2);
        const recv = blocks.find((b) => b.includes('name = "mcp_recv"'));
        assert.match(recv, /event = "on_receive"/);
        assert.match(recv, /timeout_secs = 7/);
        assert.match(recv.replace(/\s+/g, ' '), /cmd = \[ "\/bin\/sh", "-c", "cat > \/dev\/null", \]/);
        const cli = cliList(ALICE, MB);
        assert.match(cli, /mcp_recv/);
        assert.match(cli, new RegExp(derived));

        assert.equal(await a.ok('hook_delete', { name: 'mcp_recv' }), "Hook 'mcp_recv' deleted.");
        assert.equal(await a.ok('hook_delete', { name: derived }), `Hook '${derived}' deleted.`);
        assert.deepEqual(hookBlocks(MB), []);
        assert.deepEqual(JSON.parse(await a.ok('hook_list', { mailbox: MB })), []);
        assert.doesNotMatch(cliList(ALICE, MB), /mcp_recv/);
        assert.equal(await a.fail('hook_delete', { name: 'mcp_recv' }), "[ENOENT] hook 'mcp_recv' not found");
    });
});

test('hook_create refusals: lookup, empty cmd, bad event, rules, duplicates, catchall', async () => {
    await withSessions([ALICE, ROOT], async (a, root) => {
        const before = config();
        const base = { mailbox: MB, event: 'on_receive', cmd: ['/bin/true'] };
        assert.equal(await a.fail('hook_create', { ...base, mailbox: 'mcp-nonesuch' }), "Mailbox 'mcp-nonesuch' does not exist.");
        assert.equal(await a.fail('hook_create', { ...base, cmd: [] }), 'cmd must not be empty');
        assert.equal(await a.fail('hook_create', { ...base, event: 'on_delete' }),
            "[VALIDATION] invalid event 'on_delete': expected 'on_receive' or 'after_send'");
        assert.match(await a.fail('hook_create', { ...base, cmd: ['true'] }), /^\[VALIDATION\] /);
        assert.match(await a.fail('hook_create', { ...base, name: 'bad name!' }), /^\[VALIDATION\] /);
        assert.match(await a.fail('hook_create', { ...base, timeout_secs: 0 }), /^\[VALIDATION\] /);
        assert.match(await a.fail('hook_create', { ...base, timeout_secs: 601 }), /^\[VALIDATION\] /);
        assert.equal(config(), before);
        assert.match(await root.fail('hook_create', { ...base, mailbox: 'catchall' }),
            /^\[MAILBOX\] mailbox 'catchall' is the catchall; hooks on the catchall are forbidden/);
        assert.equal(config(), before);
        assert.ok(!(await a.call('hook_create', { ...base, name: 'mcp_dup' })).isError);
        const once = config();
        assert.match(await a.fail('hook_create', { ...base, name: 'mcp_dup', cmd: ['/bin/false'] }), /^\[VALIDATION\] /);
        assert.equal(config(), once);
        assert.equal(await a.ok('hook_delete', { name: 'mcp_dup' }), "Hook 'mcp_dup' deleted.");
        assert.equal(config(), before);
    });
});

test('another user\'s hooks: invisible, not creatable, not deletable; nothing changes', async () => {
    await withSessions([ALICE, BOB], async (a, b) => {
        assert.equal(await a.ok('hook_create', { mailbox: MB, event: 'on_receive', cmd: ['/bin/true'], name: 'mcp_alices' }),
            `Hook created on mailbox '${MB}'.`);
        try {
            const before = config();
            assert.ok(!JSON.parse(await b.ok('hook_list', {})).some((r) => r.name === 'mcp_alices'));
            assert.equal(await b.fail('hook_list', { mailbox: MB }), `Mailbox '${MB}' does not exist.`);
            assert.equal(await b.fail('hook_delete', { name: 'mcp_alices' }), "[ENOENT] hook 'mcp_alices' not found");
            assert.equal(await b.fail('hook_create', { mailbox: MB, event: 'on_receive', cmd: ['/bin/true'] }),
                `Mailbox '${MB}' does not exist.`);
            assert.equal(await a.fail('hook_list', { mailbox: 'mcp-hook-bob' }), "Mailbox 'mcp-hook-bob' does not exist.");
            assert.equal(config(), before);
            assert.ok(JSON.parse(await a.ok('hook_list', { mailbox: MB })).some((r) => r.name === 'mcp_alices'));
        } finally {
            await a.ok('hook_delete', { name: 'mcp_alices' });
        }
    });
});
