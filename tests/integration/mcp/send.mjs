// send.mjs: email_send and email_reply: what reaches the wire (test drop), the sent copy, threading, refusals.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { ALICE, BOB, ROOT, ctx, droppedById, dropped, frontmatter, sent, snapshot, withSessions } from './lib.mjs';

const MB = 'mcp-send';
const FROM = `${MB}@${ctx.domain}`;
const SENT_RE = /^Email sent to (\S+)\. Message-ID: (<[^<>@\s]+@[^<>\s]+>)$/;

function sentOk(text, to) {
    const m = SENT_RE.exec(text);
    assert.ok(m, text);
    assert.equal(m[1], to);
    return m[2];
}

function one(msg, name) {
    const v = msg.headers[name.toLowerCase()];
    assert.ok(v, `${name} missing`);
    assert.equal(v.length, 1, `${name}: ${v}`);
    return v[0];
}

function signed(msg) {
    const sig = one(msg, 'DKIM-Signature');
    assert.match(sig, new RegExp(`(^|;)\\s*d=${ctx.domain.replace('.', '\\.')}\\s*;`));
    assert.match(sig, /(^|;)\s*b=[A-Za-z0-9+/=\s]{40,}/);
}

// The sent copy in sent/<mb>/ whose message_id is mid (without <>).
function sentCopy(mid) {
    const bare = mid.slice(1, -1);
    const files = Object.keys(snapshot(sent(MB))).filter((p) => p.endsWith('.md'));
    const hits = files.filter((p) => frontmatter(p).message_id === JSON.stringify(bare));
    assert.equal(hits.length, 1, `sent copy of ${mid}: ${hits.length}`);
    return hits[0];
}

test('email_send: signed message on the wire, sent copy filed, result text', async () => {
    await withSessions([ALICE], async (a) => {
        const mid = sentOk(await a.ok('email_send', {
            from_mailbox: MB, to: 'bob@example.test', subject: 'Weekly report', body: '# Hello\n\n*numbers* inside',
        }), 'bob@example.test');
        const msg = droppedById(mid);
        assert.equal(one(msg, 'From'), FROM);
        assert.equal(one(msg, 'To'), 'bob@example.test');
        assert.equal(one(msg, 'Subject'), 'Weekly report');
        assert.equal(msg.headers['in-reply-to'], undefined);
        assert.equal(msg.headers.references, undefined);
        assert.match(msg.raw, /multipart\/alternative/);
        assert.match(msg.raw, /<h1[^>]*>Hello<\/h1>/);
        signed(msg);
        const fm = frontmatter(sentCopy(mid));
        assert.equal(fm.from, JSON.stringify(FROM));
        assert.equal(fm.subject, '"Weekly report"');
        assert.equal(fm.delivery_status, '"delivered"');
        assert.equal(fm.outbound_format, '"markdown"');
        const listed = JSON.parse(await a.ok('email_list', { mailbox: MB, folder: 'sent' }));
        assert.ok(listed.some((r) => r.subject === 'Weekly report' && r.delivery_status === 'delivered'));
    });
});

test('email_send: text_only, html_body, attachment, reply_to threading, references ignored alone', async () => {
    await withSessions([ALICE], async (a) => {
        let mid = sentOk(await a.ok('email_send', {
            from_mailbox: MB, to: 'carol@example.test', subject: 'plain', body: 'just *text*', text_only: true,
            attachments: [ctx.seed.attachment],
        }), 'carol@example.test');
        let msg = droppedById(mid);
        assert.match(msg.raw, /multipart\/mixed/);
        assert.doesNotMatch(msg.raw, /text\/html/);
        assert.match(msg.raw, /filename="?report\.txt"?/);
        assert.match(msg.raw, /just \*text\*/);
        signed(msg);
        assert.ok(fs.existsSync(path.join(path.dirname(sentCopy(mid)), 'report.txt')));

        mid = sentOk(await a.ok('email_send', {
            from_mailbox: MB, to: 'carol@example.test', subject: 'own html', body: 'plain part',
            html_body: '<p>my <b>html</b></p>',
        }), 'carol@example.test');
        msg = droppedById(mid);
        assert.match(msg.raw, /<p>my <b>html<\/b><\/p>/);
        assert.match(msg.raw, /plain part/);

        mid = sentOk(await a.ok('email_send', {
            from_mailbox: MB, to: 'carol@example.test', subject: 'Re: thread', body: 'answer',
            reply_to: '<parent@example.org>', references: '<root@example.org> <parent@example.org>',
        }), 'carol@example.test');
        msg = droppedById(mid);
        assert.equal(one(msg, 'In-Reply-To'), '<parent@example.org>');
        assert.equal(one(msg, 'References'), '<root@example.org> <parent@example.org>');

        mid = sentOk(await a.ok('email_send', {
            from_mailbox: MB, to: 'carol@example.test', subject: 'no thread', body: 'x',
            references: '<root@example.org>',
        }), 'carol@example.test');
        msg = droppedById(mid);
        assert.equal(msg.headers.references, undefined);
        assert.equal(msg.headers['in-reply-to'], undefined);
    });
});

test('email_send: documented refusals, nothing sent', async () => {
    await withSessions([ALICE, ROOT], async (a, root) => {
        const n = dropped().length;
        const copies = snapshot(sent(MB));
        const base = { from_mailbox: MB, to: 'x@example.test', subject: 's', body: 'b' };
        const exclusive = 'AIMX/1 SEND: --text-only and --html-body are mutually exclusive';
        assert.equal(await a.fail('email_send', { ...base, text_only: true, html_body: '' }), exclusive);
        assert.equal(await a.fail('email_send', { ...base, text_only: true, html_body: '<p>x</p>' }), exclusive);
        // The exclusion comes before any lookup.
        assert.equal(await a.fail('email_send', { ...base, from_mailbox: 'mcp-nonesuch', text_only: true, html_body: '' }), exclusive);
        assert.equal(await a.fail('email_send', { ...base, from_mailbox: 'mcp-send-bob' }), "Mailbox 'mcp-send-bob' does not exist.");
        assert.equal(await a.fail('email_send', { ...base, from_mailbox: 'mcp-nonesuch' }), "Mailbox 'mcp-nonesuch' does not exist.");
        assert.equal(await a.fail('email_send', { ...base, from_mailbox: 'mcp-stray' }), "Mailbox 'mcp-stray' is not registered.");
        // The stray mailbox is listed, and its missing sent/ dir lists as empty.
        assert.equal(await a.ok('email_list', { mailbox: 'mcp-stray', folder: 'sent' }), '[]');
        assert.equal(await root.fail('email_send', { ...base, from_mailbox: 'catchall' }),
            "Cannot send from 'catchall': catchall mailbox has no valid sender address. Use a named mailbox.");
        assert.match(await a.fail('email_send', { ...base, subject: 'a\r\nBcc: evil@example.org' }),
            /Header 'Subject' contains CRLF characters/);
        assert.match(await a.fail('email_send', { ...base, attachments: ['/nonexistent/x.pdf'] }),
            /Attachment file not found: \/nonexistent\/x\.pdf/);
        assert.match(await a.fail('email_send', { ...base, body: '#'.repeat(5 * 1024 * 1024 + 1) }), /^\[BODY_TOO_LARGE\] /);
        assert.equal(dropped().length, n);
        assert.deepEqual(snapshot(sent(MB)), copies);
    });
});

test('email_reply: recipient from reply_to else from, Re: once, In-Reply-To and References', async () => {
    await withSessions([ALICE], async (a) => {
        // from "Sender <sender@example.org>", subject "Project plan", references "root@.. mid@..".
        let mid = sentOk(await a.ok('email_reply', { mailbox: MB, id: '2026-06-01-000000-plain', body: 'Sounds good.' }),
            'sender@example.org');
        let msg = droppedById(mid);
        assert.equal(one(msg, 'From'), FROM);
        assert.equal(one(msg, 'To'), 'sender@example.org');
        assert.equal(one(msg, 'Subject'), 'Re: Project plan');
        assert.equal(one(msg, 'In-Reply-To'), '<orig-1@example.org>');
        assert.equal(one(msg, 'References'), '<root@example.org> <mid@example.org> <orig-1@example.org>');
        signed(msg);
        assert.equal(frontmatter(sentCopy(mid)).in_reply_to, '"orig-1@example.org"');

        // reply_to "Team <team@example.org>" wins over from; "RE: budget" is not prefixed again.
        mid = sentOk(await a.ok('email_reply', { mailbox: MB, id: '2026-06-02-000000-replyto', body: 'ok', text_only: true }),
            'team@example.org');
        msg = droppedById(mid);
        assert.equal(one(msg, 'To'), 'team@example.org');
        assert.equal(one(msg, 'Subject'), 'RE: budget');
        assert.equal(one(msg, 'In-Reply-To'), '<orig-2@example.org>');
        assert.equal(one(msg, 'References'), '<orig-2@example.org>');
        assert.doesNotMatch(msg.raw, /text\/html/);

        // Bare from address, "Re: lunch", no message_id: no threading headers.
        mid = sentOk(await a.ok('email_reply', { mailbox: MB, id: '2026-06-03-000000-re', body: 'x', html_body: '<p>y</p>' }),
            'bare@example.org');
        msg = droppedById(mid);
        assert.equal(one(msg, 'Subject'), 'Re: lunch');
        assert.equal(msg.headers['in-reply-to'], undefined);
        assert.equal(msg.headers.references, undefined);
        assert.match(msg.raw, /<p>y<\/p>/);
    });
});

test('email_reply: documented refusals, nothing sent', async () => {
    await withSessions([ALICE, BOB, ROOT], async (a, b, root) => {
        const n = dropped().length;
        const id = '2026-06-01-000000-plain';
        assert.equal(await a.fail('email_reply', { mailbox: MB, id: '../x', body: 'b', text_only: true, html_body: '' }),
            'AIMX/1 SEND: --text-only and --html-body are mutually exclusive');
        assert.equal(await a.fail('email_reply', { mailbox: MB, id: '', body: 'b' }), 'Email ID cannot be empty.');
        assert.equal(await a.fail('email_reply', { mailbox: MB, id: 'a/b', body: 'b' }), 'Email ID contains invalid characters.');
        assert.equal(await a.fail('email_reply', { mailbox: MB, id: 'nope', body: 'b' }), `Email 'nope' not found in mailbox '${MB}'.`);
        // Inbox only: a sent copy cannot be answered.
        assert.equal(await a.fail('email_reply', { mailbox: MB, id: '2026-06-05-000000-mine', body: 'b' }),
            `Email '2026-06-05-000000-mine' not found in mailbox '${MB}'.`);
        assert.equal(await b.fail('email_reply', { mailbox: MB, id, body: 'b' }), `Mailbox '${MB}' does not exist.`);
        assert.equal(await root.fail('email_reply', { mailbox: 'catchall', id: '2026-06-04-000000-any', body: 'b' }),
            "Cannot reply from 'catchall': catchall mailbox has no valid sender address. Use a named mailbox.");
        assert.equal(dropped().length, n);
    });
});
