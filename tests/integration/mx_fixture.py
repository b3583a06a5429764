"""mx_fixture.py: aiosmtpd receiving MX servers (recording, with scripted replies, optionally
STARTTLS) and a test CA, shared by the delivery and send tests."""

import os
import subprocess

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class Recorder:
    """An aiosmtpd handler that records messages and answers RCPT/DATA as configured."""

    def __init__(self, rcpt_reply=None, data_reply="250 OK"):
        self.messages, self.rcpt_reply, self.data_reply = [], rcpt_reply or {}, data_reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.rcpt_reply.get(address.split("@")[0])
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply.startswith("250"):
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                  envelope.original_content, session.ssl is not None))
        return self.data_reply


class TLSController(Controller):
    """An aiosmtpd server that offers STARTTLS with the given context."""

    def __init__(self, handler, host, port, context):
        self.context = context
        super().__init__(handler, hostname=host, port=port)

    def factory(self):
        return SMTP(self.handler, tls_context=self.context, require_starttls=False)


def make_ca(tmp):
    """A test CA and a certificate it signed for mx.tls.test and mx.wrongname.test."""
    def ossl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp)

    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=aimx test CA",
         "-keyout", "ca.key", "-out", "ca.pem")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=mx.tls.test", "-keyout", "mx.key",
         "-out", "mx.csr")
    with open(os.path.join(tmp, "ext"), "w") as f:
        f.write("subjectAltName=DNS:mx.tls.test,DNS:mx.wrongname.test\n")
    ossl("x509", "-req", "-in", "mx.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-days", "2", "-extfile", "ext", "-out", "mx.pem")
    return os.path.join(tmp, "ca.pem"), os.path.join(tmp, "mx.pem"), os.path.join(tmp, "mx.key")
