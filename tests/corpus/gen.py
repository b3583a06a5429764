#!/usr/bin/python3
"""gen.py: writes the inbound MIME corpus (.eml files) and manifest.json of expected facts.

usage: /usr/bin/python3 tests/corpus/gen.py OUTDIR

Nothing here is committed output: the messages (one of them carries a 20 MiB attachment)
are generated into OUTDIR each run, deterministically. Only the Python standard library is
used. Most messages are built byte by byte, so that every expected fact is known exactly;
a few come from the `email` package's own generator, a peer we did not write.

manifest.json is {"messages": [ENTRY, ...]}, one ENTRY per file:
  file            the .eml file name in OUTDIR
  about           what the message exercises
  subject         expected frontmatter subject (decoded; "(no subject)" when absent)
  from, to        expected frontmatter from / to (mail.md 2.3: first address, "Name <addr>")
  cc              expected cc, when the message has one
  date            expected frontmatter date (RFC 3339, sender's offset), when parseable
  body_contains   substrings the stored body must contain
  body_absent     substrings the stored body must not contain
  body_from_html  the body was derived from text/html
  attachments     in MIME order: name (sender's name decoded, null if none), filename (the
                  on-disk name after mail.md 2.5 sanitising and de-duplication),
                  content_type, size (bytes written), sha256 (hex of those bytes)
  malformed       the MIME structure is broken on purpose (parsing must still succeed)

The file is also self-checked against Python's own parser where the two agree by design
(decoded subjects and attachment file names).
"""

import base64
import email
import email.policy
import hashlib
import itertools
import json
import os
import random
import sys
import unicodedata
from email.message import EmailMessage

CRLF = b"\r\n"
BIG_ATTACHMENT_SIZE = 20 * 1024 * 1024


def b64(data):
    """Base64 in 76-column CRLF lines, as mailers send it."""
    return base64.encodebytes(data).replace(b"\n", CRLF)


def headers(fields):
    """Header block from (name, value) pairs; values are str (UTF-8) or bytes (as they are)."""
    out = b""
    for name, value in fields:
        raw = value if isinstance(value, bytes) else value.encode("utf-8")
        out += name.encode("ascii") + b": " + raw + CRLF
    return out


def entity(fields, body):
    """One message or body part: header block, blank line, body bytes."""
    return headers(fields) + CRLF + body


def multipart(boundary, parts, preamble=b"", epilogue=b"", close=True):
    """A multipart body. Each part is followed by CRLF, which belongs to the next delimiter
    (RFC 2046), so a part's content is exactly the bytes given."""
    out = preamble + CRLF if preamble else b""
    delim = b"--" + boundary.encode("ascii")
    for p in parts:
        out += delim + CRLF + p + CRLF
    if close:
        out += delim + b"--" + CRLF + epilogue
    return out


MESSAGE_IDS = itertools.count(1)


def common(subject=None, sender="Alice Example <alice@example.com>", to="agent@test.local",
           date="Wed, 01 Jan 2025 12:00:00 +0000", extra=()):
    fields = [("From", sender), ("To", to)]
    if subject is not None:
        fields.append(("Subject", subject))
    fields += [("Date", date), ("Message-ID", "<m%d@corpus.test>" % next(MESSAGE_IDS)),
               ("MIME-Version", "1.0")]
    return fields + list(extra)


UNSAFE = set(range(0x200B, 0x2010)) | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
UNSAFE |= {0xFEFF, ord("/"), ord("\\"), 0}


def sanitize(name, index):
    """mail.md 2.5: last path component, NFC, unsafe runs to '_', trimmed, capped, fallback."""
    if name is not None:
        name = unicodedata.normalize("NFC", name.split("/")[-1])
        out, in_run = [], False
        for ch in name:
            bad = ord(ch) in UNSAFE or unicodedata.category(ch) == "Cc"
            if bad and not in_run:
                out.append("_")
            elif not bad:
                out.append(ch)
            in_run = bad
        name = "".join(out).strip(" \t\r\n.-_")
        raw = name.encode("utf-8")[:200]
        name = raw.decode("utf-8", "ignore").rstrip(" \t\r\n.-_")
    return name or "attachment-%d" % index


def dedupe(names):
    seen, out = set(), []
    for n in names:
        candidate, k = n, 0
        while candidate in seen:
            k += 1
            stem, dot, ext = n.rpartition(".")
            candidate = "%s-%d.%s" % (stem, k, ext) if dot and stem else "%s-%d" % (n, k)
        seen.add(candidate)
        out.append(candidate)
    return out


def att(name, content_type, data):
    """An expected attachment (data = the bytes that must be written)."""
    return {"name": name, "content_type": content_type, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


class Corpus:
    def __init__(self, outdir):
        self.outdir = outdir
        self.entries = []

    def add(self, slug, about, raw, subject, body_contains=(), attachments=(), sender=None,
            to="agent@test.local", date="2025-01-01T12:00:00Z", body_from_html=False,
            malformed=False, cc=None, body_absent=(), check_subject=True):
        name = "%02d-%s.eml" % (len(self.entries) + 1, slug)
        with open(os.path.join(self.outdir, name), "wb") as f:
            f.write(raw)
        atts = [dict(a) for a in attachments]
        final = dedupe([sanitize(a["name"], i) for i, a in enumerate(atts)])
        for a, fn in zip(atts, final):
            a["filename"] = fn
        entry = {"file": name, "about": about, "subject": subject,
                 "from": sender if sender is not None else "Alice Example <alice@example.com>",
                 "to": to, "body_contains": list(body_contains), "body_absent": list(body_absent),
                 "body_from_html": body_from_html, "attachments": atts, "malformed": malformed}
        if date:
            entry["date"] = date
        if cc:
            entry["cc"] = cc
        self.entries.append(entry)
        self.self_check(raw, entry, check_subject)

    @staticmethod
    def self_check(raw, entry, check_subject):
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        if check_subject and entry["subject"] != "(no subject)":
            got = str(msg["subject"])
            assert got == entry["subject"], (entry["file"], got, entry["subject"])
        if entry["malformed"]:
            return
        py_names = [p.get_filename() for p in msg.walk()
                    if not p.is_multipart() and p.get_filename()]
        ours = [a["name"] for a in entry["attachments"] if a["name"]]
        assert ours == [n for n in py_names if n in ours], (entry["file"], py_names, ours)

    def write_manifest(self):
        with open(os.path.join(self.outdir, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump({"messages": self.entries}, f, ensure_ascii=False, indent=1)
            f.write("\n")


def simple_bodies(c):
    c.add("plain-ascii", "text/plain, 7bit, CRLF",
          entity(common("Hello World"), b"Hi agent,\r\nthis is a plain message.\r\n"),
          "Hello World", ["this is a plain message."])
    c.add("plain-lf-only", "bare LF line endings throughout (stdin ingest path)",
          entity(common("LF only"), b"line one\nline two\n").replace(CRLF, b"\n"),
          "LF only", ["line one\nline two"])
    c.add("utf8-8bit", "UTF-8 body sent 8bit, RFC 2047 B subject with emoji",
          entity(common("=?UTF-8?B?" + base64.b64encode("Grüße 🚀".encode()).decode() + "?=",
                        extra=[("Content-Type", "text/plain; charset=utf-8"),
                               ("Content-Transfer-Encoding", "8bit")]),
                 "Grüße aus Köln — 🚀\r\n".encode("utf-8")),
          "Grüße 🚀", ["Grüße aus Köln — 🚀"])
    c.add("latin1-qp", "ISO-8859-1 quoted-printable body with soft line breaks, Q subject",
          entity(common("=?ISO-8859-1?Q?Caf=E9_cr=E8me?=",
                        extra=[("Content-Type", "text/plain; charset=ISO-8859-1"),
                               ("Content-Transfer-Encoding", "quoted-printable")]),
                 b"Un caf=E9 cr=E8me, s'il vous pla=EEt. Ce texte est long et se poursuit=\r\n"
                 b" sur la ligne suivante sans coupure.\r\n"),
          "Café crème", ["Un café crème, s'il vous plaît.",
                         "se poursuit sur la ligne suivante"])
    c.add("windows-1252-8bit", "Windows-1252 8bit body: smart quotes, euro sign, en dash",
          entity(common("Windows 1252", extra=[("Content-Type", "text/plain; charset=windows-1252"),
                                               ("Content-Transfer-Encoding", "8bit")]),
                 "“Quoted” price: 5€ – final\r\n".encode("cp1252")),
          "Windows 1252", ["“Quoted” price: 5€ – final"])
    c.add("latin1-as-1252", "ISO-8859-1 label with a 0x80 byte: read as Windows-1252 (WHATWG)",
          entity(common("Latin1 euro", extra=[("Content-Type", "text/plain; charset=iso-8859-1"),
                                              ("Content-Transfer-Encoding", "8bit")]),
                 b"Price: 10\x80, na\xefve\r\n"),
          "Latin1 euro", ["Price: 10€, naïve"])
    jp = "こんにちは、世界。日本語のメールです。"
    c.add("shift-jis-base64", "Shift_JIS base64 body, ISO-2022-JP B subject (classic Japanese mail)",
          entity(common("=?ISO-2022-JP?B?" + base64.b64encode("日本語の件名".encode("iso2022_jp")).decode()
                        + "?=", sender="=?ISO-2022-JP?B?"
                        + base64.b64encode("山田太郎".encode("iso2022_jp")).decode()
                        + "?= <taro@example.jp>",
                        extra=[("Content-Type", "text/plain; charset=Shift_JIS"),
                               ("Content-Transfer-Encoding", "base64")]),
                 b64((jp + "\r\n").encode("shift_jis"))),
          "日本語の件名", [jp], sender="山田太郎 <taro@example.jp>")
    c.add("iso-2022-jp-7bit", "ISO-2022-JP 7bit body (escape sequences)",
          entity(common("JIS", extra=[("Content-Type", "text/plain; charset=iso-2022-jp"),
                                      ("Content-Transfer-Encoding", "7bit")]),
                 (jp + "\r\n").encode("iso2022_jp")),
          "JIS", [jp])
    c.add("euc-jp-x-sjis-names", "EUC-JP body; x-sjis label on an encoded-word subject",
          entity(common("=?x-sjis?B?" + base64.b64encode("件名".encode("shift_jis")).decode() + "?=",
                        extra=[("Content-Type", "text/plain; charset=EUC-JP"),
                               ("Content-Transfer-Encoding", "8bit")]),
                 "ユーロ圏\r\n".encode("euc_jp")),
          "件名", ["ユーロ圏"], check_subject=False)
    cjk = [("gb2312", "GB2312", "你好，世界"), ("big5", "Big5", "中文郵件"),
           ("euc-kr", "EUC-KR", "안녕하세요"), ("koi8-r", "KOI8-R", "Привет, мир")]
    for codec, label, text in cjk:
        c.add("charset-" + codec, "%s base64 body and %s B subject" % (label, label),
              entity(common("=?%s?B?%s?=" % (label, base64.b64encode(text.encode(codec)).decode()),
                            extra=[("Content-Type", "text/plain; charset=" + label),
                                   ("Content-Transfer-Encoding", "base64")]),
                     b64(text.encode(codec) + CRLF)),
              text, [text])


def headers_cases(c):
    c.add("encoded-words", "subject: adjacent words joined, one character split across words; "
          "quoted display name with a comma; Cc list; obsolete date with zone name",
          entity([("From", "\"Doe, John\" <john@example.com>"),
                  ("To", "=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.de>, other@example.de"),
                  ("Cc", "Ann <ann@example.com>, bob@example.com"),
                  ("Subject", "=?UTF-8?Q?caf=C3?=\r\n =?UTF-8?Q?=A9?= and =?UTF-8?B?bW9yZQ==?="),
                  ("Date", "Fri, 21 Nov 97 09:55:06 PST"),
                  ("Message-ID", "<enc@corpus.test>")],
                 b"Body.\r\n"),
          "café and more", ["Body."], sender="Doe, John <john@example.com>",
          to="Jörg Müller <joerg@example.de>", cc="Ann <ann@example.com>, bob@example.com",
          date="1997-11-21T09:55:06-08:00", check_subject=False)
    c.add("no-subject-group", "no Subject; To is an empty group; date with offset and comment",
          entity([("From", "bob@example.org"), ("To", "undisclosed-recipients:;"),
                  ("Date", "Mon, 6 Jan 2025 08:00:00 +0530 (IST)"),
                  ("Message-ID", "<nosub@corpus.test>")], b"No subject here.\r\n"),
          "(no subject)", ["No subject here."], sender="bob@example.org",
          to="undisclosed-recipients", date="2025-01-06T08:00:00+05:30")
    c.add("no-separator", "header block not followed by a blank line",
          headers(common("No separator")) + b"This line starts the body.\r\n",
          "No separator", ["This line starts the body."])
    c.add("unparseable-date", "Date header that cannot be parsed (ingest time is used)",
          entity(common("Bad date", date="sometime last week"), b"x\r\n"),
          "Bad date", ["x"], date=None)


def html_cases(c):
    html = ("<html><head><title>ignored title</title><style>p{color:red}</style></head><body>"
            "<h1>Quarterly report</h1><p>Read <a href=\"https://example.com/r?a=1&amp;b=2\">the "
            "report</a> now.</p><ul><li>first item</li><li>second item</li></ul>"
            "<script>alert('no')</script><p>caf&eacute; &amp; cr&egrave;me</p></body></html>")
    c.add("html-only", "text/html only: Markdown-ish text derived, head/style/script skipped",
          entity(common("HTML only", extra=[("Content-Type", "text/html; charset=utf-8")]),
                 html.encode() + CRLF),
          "HTML only", ["# Quarterly report",
                        "the report (https://example.com/r?a=1&b=2)", "- first item\n- second item",
                        "café & crème"], body_from_html=True,
          body_absent=["ignored title", "color:red", "alert", "<p>"])
    c.add("alternative", "multipart/alternative: the text/plain part is the body",
          entity(common("Alternative", extra=[("Content-Type",
                                               "multipart/alternative; boundary=\"alt-1\"")]),
                 multipart("alt-1", [
                     entity([("Content-Type", "text/plain; charset=utf-8")], b"Plain version.\r\n"),
                     entity([("Content-Type", "text/html; charset=utf-8")],
                            b"<p>HTML version.</p>\r\n")],
                     preamble=b"This is a multi-part message in MIME format.",
                     epilogue=b"epilogue text\r\n")),
          "Alternative", ["Plain version."], body_absent=["HTML version", "preamble", "epilogue"])
    c.add("alternative-html-first", "alternative with html before plain; padding after delimiter",
          entity(common("HTML first", extra=[("Content-Type",
                                              "multipart/alternative; boundary=b2")]),
                 multipart("b2", [
                     entity([("Content-Type", "text/html")], b"<p>rich</p>"),
                     entity([("Content-Type", "text/plain")], b"simple text")]
                 ).replace(b"--b2\r\nContent-Type: text/plain", b"--b2   \r\nContent-Type: text/plain")),
          "HTML first", ["simple text"], body_absent=["rich"])
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = "Zoë Ångström <zoe@example.se>"
    msg["To"] = "agent@test.local"
    msg["Subject"] = "Generated by Python: naïve façade ✓"
    msg["Date"] = "Thu, 02 Jan 2025 09:30:00 -0500"
    msg.set_content("Plain part from Python, naïve.\n")
    msg.add_alternative("<p>HTML part from <b>Python</b>.</p>\n", subtype="html")
    report = b"%PDF-1.4\n" + bytes(range(256)) * 8
    msg.add_attachment(report, maintype="application", subtype="pdf",
                       filename=("utf-8", "", "Résumé €.pdf"))
    c.add("python-generated", "email package: alternative + RFC 2231 filename, folded headers",
          msg.as_bytes(), "Generated by Python: naïve façade ✓", ["Plain part from Python, naïve."],
          [att("Résumé €.pdf", "application/pdf", report)],
          sender="Zoë Ångström <zoe@example.se>", date="2025-01-02T09:30:00-05:00")


def attachment_cases(c):
    pdf = b"%PDF-1.4 fake document\n" * 40
    c.add("attachment-pdf", "mixed: body + base64 PDF with a plain filename",
          entity(common("Report", extra=[("Content-Type", "multipart/mixed; boundary=\"==m==\"")]),
                 multipart("==m==", [
                     entity([("Content-Type", "text/plain")], b"See attached."),
                     entity([("Content-Type", "application/pdf; name=\"report.pdf\""),
                             ("Content-Disposition", "attachment; filename=\"report.pdf\""),
                             ("Content-Transfer-Encoding", "base64")], b64(pdf))])),
          "Report", ["See attached."], [att("report.pdf", "application/pdf", pdf)])
    long_name = "Überweisungsbestätigung für das Geschäftsjahr 2024 – endgültig.xlsx"
    raw = long_name.encode()
    enc = ["".join(chr(b) if b < 128 and chr(b).isalnum() else "%%%02X" % b for b in piece)
           for piece in (raw[:19], raw[19:44], raw[44:])]  # 19 cuts a UTF-8 character
    xlsx = b"PK\x03\x04" + b"sheet" * 100
    c.add("rfc2231-continuations", "RFC 2231 filename split into encoded continuations",
          entity(common("Continuations", extra=[("Content-Type", "multipart/mixed; boundary=c")]),
                 multipart("c", [
                     entity([("Content-Type", "text/plain")], b"Spreadsheet attached."),
                     entity([("Content-Type", "application/vnd.openxmlformats-officedocument"
                                              ".spreadsheetml.sheet"),
                             ("Content-Disposition", "attachment;\r\n filename*0*=UTF-8''"
                              + enc[0] + ";\r\n filename*1*=" + enc[1]
                              + ";\r\n filename*2*=" + enc[2]),
                             ("Content-Transfer-Encoding", "base64")], b64(xlsx))])),
          "Continuations", ["Spreadsheet attached."],
          [att(long_name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               xlsx)])
    doc = b"\xd0\xcf\x11\xe0 legacy doc" * 10
    ew = "=?UTF-8?B?" + base64.b64encode("Angebot Müller.doc".encode()).decode() + "?="
    c.add("rfc2047-name", "attachment named only by RFC 2047 words in name= (Outlook style)",
          entity(common("Encoded name", extra=[("Content-Type", "multipart/mixed; boundary=e")]),
                 multipart("e", [
                     entity([("Content-Type", "text/plain")], b"Offer attached."),
                     entity([("Content-Type", "application/msword; name=\"%s\"" % ew),
                             ("Content-Disposition", "attachment"),
                             ("Content-Transfer-Encoding", "base64")], b64(doc))])),
          "Encoded name", ["Offer attached."], [att("Angebot Müller.doc", "application/msword", doc)])
    c.add("hostile-names", "path traversal, bidi override and a duplicate name",
          entity(common("Hostile names", extra=[("Content-Type", "multipart/mixed; boundary=h")]),
                 multipart("h", [
                     entity([("Content-Type", "text/plain")], b"Careful."),
                     entity([("Content-Type", "application/octet-stream"),
                             ("Content-Disposition", "attachment; filename=\"../../etc/passwd\"")],
                            b"root:x:0:0:root:/root:/bin/sh"),
                     entity([("Content-Type", "application/octet-stream"),
                             ("Content-Disposition", "attachment; filename*=UTF-8''evil%E2%80%AEtxt.exe")],
                            b"MZ"),
                     entity([("Content-Type", "text/plain; charset=utf-8; name=notes.txt"),
                             ("Content-Disposition", "attachment; filename=notes.txt")], b"one"),
                     entity([("Content-Type", "text/plain; charset=utf-8; name=notes.txt"),
                             ("Content-Disposition", "attachment; filename=notes.txt")], b"two")])),
          "Hostile names", ["Careful."],
          [att("../../etc/passwd", "application/octet-stream", b"root:x:0:0:root:/root:/bin/sh"),
           att("evil\u202etxt.exe", "application/octet-stream", b"MZ"),
           att("notes.txt", "text/plain", b"one"), att("notes.txt", "text/plain", b"two")])
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    c.add("nested-related", "mixed > alternative > (plain, related > (html, inline image)) + zip",
          entity(common("Nested", extra=[("Content-Type", "multipart/mixed; boundary=outer")]),
                 multipart("outer", [
                     entity([("Content-Type", "multipart/alternative; boundary=alt")],
                            multipart("alt", [
                                entity([("Content-Type", "text/plain; charset=us-ascii")],
                                       b"Nested plain body."),
                                entity([("Content-Type", "multipart/related; boundary=rel")],
                                       multipart("rel", [
                                           entity([("Content-Type", "text/html")],
                                                  b"<p>Nested <img src=\"cid:logo\"></p>"),
                                           entity([("Content-Type", "image/png"),
                                                   ("Content-ID", "<logo>"),
                                                   ("Content-Disposition", "inline"),
                                                   ("Content-Transfer-Encoding", "base64")],
                                                  b64(png))]))])),
                     entity([("Content-Type", "application/zip"),
                             ("Content-Disposition", "attachment; filename=archive.zip"),
                             ("Content-Transfer-Encoding", "base64")], b64(b"PK\x05\x06" + bytes(18)))])),
          "Nested", ["Nested plain body."],
          [att(None, "image/png", png), att("archive.zip", "application/zip", b"PK\x05\x06" + bytes(18))])
    cal = "BEGIN:VCALENDAR\r\nSUMMARY:Réunion\r\nEND:VCALENDAR"
    notes = "Notizen: Grüße"
    c.add("text-attachments", "text/calendar and a named latin-1 text/plain: re-encoded to UTF-8",
          entity(common("Text attachments", extra=[("Content-Type", "multipart/mixed; boundary=t")]),
                 multipart("t", [
                     entity([("Content-Type", "text/plain")], b"Agenda attached."),
                     entity([("Content-Type", "text/calendar; charset=iso-8859-1; method=REQUEST")],
                            cal.encode("latin-1")),
                     entity([("Content-Type", "text/plain; charset=iso-8859-1; name=\"notes.txt\"")],
                            notes.encode("latin-1")),
                     entity([("Content-Type", "text/plain")], b"Dropped second inline text.")])),
          "Text attachments", ["Agenda attached."],
          [att(None, "text/calendar", cal.encode()), att("notes.txt", "text/plain", notes.encode())],
          body_absent=["Dropped second inline text."])
    inner = entity([("From", "carol@example.net"), ("To", "alice@example.com"),
                    ("Subject", "Original message"), ("Date", "Tue, 31 Dec 2024 18:00:00 +0100"),
                    ("Content-Type", "text/plain")], b"Inner body must not become the body.\r\n")
    c.add("forwarded-rfc822", "message/rfc822 attachment: raw bytes, not descended into",
          entity(common("Fwd: Original message",
                        extra=[("Content-Type", "multipart/mixed; boundary=fwd")]),
                 multipart("fwd", [
                     entity([("Content-Type", "text/plain")], b"Forwarding this."),
                     entity([("Content-Type", "message/rfc822"),
                             ("Content-Disposition", "inline")], inner)])),
          "Fwd: Original message", ["Forwarding this."], [att(None, "message/rfc822", inner)],
          body_absent=["Inner body"])
    c.add("rfc822-only", "a message whose only part is message/rfc822: empty body",
          entity(common("Only forward", extra=[("Content-Type", "message/rfc822")]), inner),
          "Only forward", [], [att(None, "message/rfc822", inner)])
    c.add("html-with-attachment", "mixed: html body + attachment",
          entity(common("HTML and file", extra=[("Content-Type", "multipart/mixed; boundary=hx")]),
                 multipart("hx", [
                     entity([("Content-Type", "text/html; charset=windows-1252")],
                            "<h2>Bonjour</h2><p>Voilà le fichier.</p>".encode("cp1252")),
                     entity([("Content-Type", "image/jpeg; name=photo.jpg"),
                             ("Content-Transfer-Encoding", "base64")], b64(b"\xff\xd8\xff\xe0JFIF"))])),
          "HTML and file", ["## Bonjour", "Voilà le fichier."], [att("photo.jpg", "image/jpeg",
                                                                    b"\xff\xd8\xff\xe0JFIF")],
          body_from_html=True)
    digest = multipart("dg", [CRLF + entity([("Subject", "digest one")], b"first"),
                              CRLF + entity([("Subject", "digest two")], b"second")])
    c.add("digest", "multipart/digest: parts default to message/rfc822",
          entity(common("Digest", extra=[("Content-Type", "multipart/digest; boundary=dg")]), digest),
          "Digest", [], [att(None, "message/rfc822", entity([("Subject", "digest one")], b"first")),
                         att(None, "message/rfc822", entity([("Subject", "digest two")], b"second"))])
    deep = entity([("Content-Type", "text/plain")], b"Deep body.")
    for k in range(6):
        deep = entity([("Content-Type", "multipart/mixed; boundary=L%d" % k)],
                      multipart("L%d" % k, [deep]))
    c.add("deep-nesting", "six nested multiparts", headers(common("Deep")) + deep,
          "Deep", ["Deep body."])


def malformed_cases(c):
    c.add("missing-boundary", "multipart/mixed without boundary: read as one text/plain part",
          entity(common("No boundary", extra=[("Content-Type", "multipart/mixed")]),
                 b"--x\r\nContent-Type: text/plain\r\n\r\nvisible anyway\r\n--x--\r\n"),
          "No boundary", ["visible anyway"], malformed=True)
    data = bytes(range(256)) * 4
    encoded = base64.b64encode(data)[:602]  # 150 whole groups + 2 characters
    expected = base64.b64decode(encoded + b"==")
    c.add("truncated-base64", "base64 attachment cut mid-group, no close delimiter",
          entity(common("Truncated", extra=[("Content-Type", "multipart/mixed; boundary=tr")]),
                 b"--tr\r\nContent-Type: text/plain\r\n\r\nTruncated mail.\r\n"
                 b"--tr\r\nContent-Type: application/octet-stream; name=cut.bin\r\n"
                 b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded),
          "Truncated", ["Truncated mail."], [att("cut.bin", "application/octet-stream", expected)],
          malformed=True)
    c.add("boundary-never-used", "boundary parameter present but never in the body",
          entity(common("Unused boundary", extra=[("Content-Type", "multipart/mixed; boundary=zz")]),
                 b"Just text, no parts.\r\n"),
          "Unused boundary", ["Just text, no parts."], malformed=True)
    c.add("qp-bad-escapes", "quoted-printable with invalid escapes kept literally",
          entity(common("QP", extra=[("Content-Type", "text/plain; charset=utf-8"),
                                     ("Content-Transfer-Encoding", "quoted-printable")]),
                 b"50=% off =ZZ and caf=C3=A9\r\n"),
          "QP", ["50=% off =ZZ and café"])


def big_case(c):
    data = random.Random(2025).randbytes(BIG_ATTACHMENT_SIZE)
    c.add("big-attachment", "20 MiB base64 attachment",
          entity(common("Big", extra=[("Content-Type", "multipart/mixed; boundary=big")]),
                 multipart("big", [
                     entity([("Content-Type", "text/plain")], b"Large file attached."),
                     entity([("Content-Type", "application/octet-stream"),
                             ("Content-Disposition", "attachment; filename=big.bin"),
                             ("Content-Transfer-Encoding", "base64")], b64(data))])),
          "Big", ["Large file attached."], [att("big.bin", "application/octet-stream", data)])


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen.py OUTDIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    c = Corpus(sys.argv[1])
    simple_bodies(c)
    headers_cases(c)
    html_cases(c)
    attachment_cases(c)
    malformed_cases(c)
    big_case(c)
    c.write_manifest()
    print("%d messages in %s" % (len(c.entries), sys.argv[1]))


if __name__ == "__main__":
    main()
