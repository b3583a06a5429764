// lib.mjs: shared helpers for the `aimx mcp` tests: an SDK client per user, schema-checked calls, disk reads.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import Ajv from 'ajv';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

// Everything the pytest side set up: binary, users, dirs, seeded mailboxes and ids.
export const ctx = JSON.parse(process.env.AIMX_MCP_CTX);
export const ALICE = ctx.alice;
export const BOB = ctx.bob;
export const ROOT = 'root';

function newAjv() {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
    ajv.addFormat('uint32', {
        type: 'number',
        validate: (n) => Number.isInteger(n) && n >= 0 && n <= 4294967295,
    });
    return ajv;
}

// The argv that runs `aimx mcp` as user (root: directly).
function serverCommand(user) {
    if (user === ROOT) return { command: ctx.aimx, args: ['mcp'] };
    return {
        command: 'setpriv',
        args: [`--reuid=${user}`, `--regid=${user}`, '--init-groups', ctx.aimx, 'mcp'],
    };
}

// A connected session: the SDK Client plus the compiled input schema of every listed tool.
export async function connect(user, env = ctx.env) {
    const transport = new StdioClientTransport({ ...serverCommand(user), env, stderr: 'pipe' });
    let stderr = '';
    transport.stderr.on('data', (d) => { stderr += d; });
    const client = new Client({ name: 'aimx-integration', version: '1.0.0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    const ajv = newAjv();
    const validators = new Map(tools.map((t) => [t.name, ajv.compile(t.inputSchema)]));
    return {
        client, tools, validators,
        stderr: () => stderr,
        // Call a tool after checking args against its schema (schemaValid: the expected verdict).
        async call(name, args, { schemaValid = true } = {}) {
            const validate = validators.get(name);
            assert.ok(validate, `tool ${name} is not listed`);
            assert.equal(validate(args), schemaValid,
                `${name} ${JSON.stringify(args)}: schema verdict ${JSON.stringify(validate.errors)}`);
            const res = await client.callTool({ name, arguments: args });
            assert.deepEqual(Object.keys(res).sort(), ['content', 'isError']);
            assert.equal(res.content.length, 1);
            assert.equal(res.content[0].type, 'text');
            assert.equal(typeof res.content[0].text, 'string');
            assert.equal(typeof res.isError, 'boolean');
            return { text: res.content[0].text, isError: res.isError };
        },
        async ok(name, args) {
            const r = await this.call(name, args);
            assert.equal(r.isError, false, `${name} ${JSON.stringify(args)} failed: ${r.text}`);
            return r.text;
        },
        async fail(name, args, opts) {
            const r = await this.call(name, args, opts);
            assert.equal(r.isError, true, `${name} ${JSON.stringify(args)} succeeded: ${r.text}`);
            return r.text;
        },
        close: () => client.close(),
    };
}

// Run fn with a session for each user, closing them all afterwards.
export async function withSessions(users, fn) {
    const sessions = [];
    try {
        for (const u of users) sessions.push(await connect(u));
        return await fn(...sessions);
    } finally {
        for (const s of sessions) await s.close();
    }
}

export function inbox(mailbox) {
    return path.join(ctx.data, 'inbox', mailbox);
}

export function sent(mailbox) {
    return path.join(ctx.data, 'sent', mailbox);
}

export function read(p) {
    return fs.readFileSync(p, 'utf8');
}

// The TOML frontmatter lines of a stored message as a key -> raw value map.
export function frontmatter(p) {
    const text = read(p);
    assert.ok(text.startsWith('+++\n'), `${p} has no frontmatter`);
    const head = text.slice(4, text.indexOf('\n+++', 3));
    const out = {};
    for (const line of head.split('\n')) {
        const m = /^([a-z_]+) = (.*)$/.exec(line);
        if (m) out[m[1]] = m[2];
    }
    return out;
}

// Contents of every file under dir (recursively), for "nothing changed" checks.
export function snapshot(dir) {
    const out = {};
    if (!fs.existsSync(dir)) return out;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isSymbolicLink()) out[p] = `-> ${fs.readlinkSync(p)}`;
        else if (e.isDirectory()) Object.assign(out, snapshot(p));
        else out[p] = read(p);
    }
    return out;
}

export function config() {
    return read(ctx.config);
}

// The messages the daemon's test transport appended to the drop file, as header maps + raw.
export function dropped() {
    if (!fs.existsSync(ctx.drop)) return [];
    return read(ctx.drop).split('----- AIMX TEST DROP -----\n').filter((m) => m).map((raw) => {
        const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
        const headers = {};
        for (const line of head.split('\r\n')) {
            const i = line.indexOf(':');
            const k = line.slice(0, i).toLowerCase();
            (headers[k] ??= []).push(line.slice(i + 1).trim());
        }
        return { headers, raw };
    });
}

// The one dropped message carrying this Message-ID.
export function droppedById(mid) {
    const found = dropped().filter((m) => (m.headers['message-id'] || []).includes(mid));
    assert.equal(found.length, 1, `message ${mid} in the drop: ${found.length} times`);
    return found[0];
}
