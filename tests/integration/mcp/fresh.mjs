// fresh.mjs: mailbox_create as the first mailbox of an empty data dir, then the owner lists and reads it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { ALICE, ctx, withSessions } from './lib.mjs';

test('a mailbox created on a fresh data dir is listable by its owner', async () => {
    await withSessions([ALICE], async (a) => {
        assert.equal(await a.ok('mailbox_create', { name: 'firstbox' }), `firstbox@${ctx.domain}`);
        for (const folder of ['inbox', 'sent']) {
            const mode = fs.statSync(path.join(ctx.data, folder)).mode & 0o777;
            assert.equal(mode, 0o755, `${folder}/ is ${mode.toString(8)}`);
        }
        assert.deepEqual(JSON.parse(await a.ok('email_list', { mailbox: 'firstbox' })), []);
        assert.deepEqual(JSON.parse(await a.ok('email_list', { mailbox: 'firstbox', folder: 'sent' })), []);
    });
});
