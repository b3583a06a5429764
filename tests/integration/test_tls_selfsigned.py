"""test_tls_selfsigned.py: lib/x509_selfsigned certificates and lib/tls_server sessions, judged
by the OpenSSL CLI and Python's ssl module (through the helper build/tools/tls_echo)."""
import datetime
import os
import re
import selectors
import socket
import ssl
import stat
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "build", "tools", "tls_echo")
FIX = os.path.join(ROOT, "tests", "fixtures", "tls")
DOMAIN = "mail.example.test"
KINDS = {
    "rsa": ("sha256WithRSAEncryption", "Public-Key: (2048 bit)", "rsa"),
    "ec": ("ecdsa-with-SHA256", "Public-Key: (256 bit)", "ec"),
}


def run(argv, **kw):
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=60, **kw)


@pytest.fixture(scope="module")
def tool():
    if not os.access(TOOL, os.X_OK):
        pytest.fail(
            f"{TOOL} is missing: build it first (make build/tools/tls_echo)", pytrace=False
        )
    return TOOL


@pytest.fixture(scope="module", params=sorted(KINDS))
def pair(request, tool, tmp_path_factory):
    """(kind, cert path, key path) made by `tls_echo gencert`."""
    kind = request.param
    d = tmp_path_factory.mktemp("tls-" + kind)
    cert, key = d / "cert.pem", d / "key.pem"
    r = run([tool, "gencert", DOMAIN, kind, cert, key])
    assert r.returncode == 0, r.stderr
    return kind, str(cert), str(key)


class Server:
    """`tls_echo MODE 0 CERT KEY` in the background; .port once it listens, .finish() for
    its exit status and stderr."""

    def __init__(self, mode, cert, key):
        self.proc = subprocess.Popen(
            [TOOL, mode, "0", cert, key],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline()
        m = re.fullmatch(r"port (\d+)\n", line)
        if not m:
            self.proc.kill()
            pytest.fail(f"tls_echo did not start: {line!r} {self.proc.stderr.read()!r}")
        self.port = int(m.group(1))

    def finish(self):
        try:
            _, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return self.proc.returncode, err


def client_context(cadata):
    ctx = ssl.create_default_context(cadata=cadata)
    ctx.verify_flags |= ssl.VERIFY_X509_STRICT
    return ctx


def read_text(path):
    with open(path) as f:
        return f.read()


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        assert chunk, "connection closed early"
        data += chunk
    return data


# ---------- the certificate, as OpenSSL sees it ----------


def x509_text(cert):
    r = run(["openssl", "x509", "-in", cert, "-noout", "-text"])
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_openssl_reads_the_certificate(pair):
    kind, cert, _ = pair
    sig_alg, key_size, _ = KINDS[kind]
    text = x509_text(cert)
    assert "Version: 3 (0x2)" in text
    assert f"Subject: CN = {DOMAIN}\n" in text
    assert f"Issuer: CN = {DOMAIN}\n" in text
    assert f"DNS:{DOMAIN}\n" in text
    assert re.search(r"Basic Constraints: critical\n\s+CA:FALSE", text)
    assert "Subject Key Identifier" in text and "Authority Key Identifier" in text
    assert f"Signature Algorithm: {sig_alg}" in text
    assert key_size in text


def openssl_date(cert, which):
    r = run(["openssl", "x509", "-in", cert, "-noout", f"-{which}"])
    assert r.returncode == 0, r.stderr
    value = r.stdout.strip().split("=", 1)[1]
    return datetime.datetime.strptime(value, "%b %d %H:%M:%S %Y %Z")


def test_validity_is_ten_years_from_an_hour_ago(pair):
    _, cert, _ = pair
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    start, end = openssl_date(cert, "startdate"), openssl_date(cert, "enddate")
    assert abs((now - datetime.timedelta(hours=1)) - start) < datetime.timedelta(minutes=10)
    issued = start + datetime.timedelta(hours=1)  # valid from an hour before, until 10 years after
    assert end.year == issued.year + 10 and (end.month, end.day) in {
        (issued.month, issued.day),
        (2, 28),
    }
    assert end - start - datetime.timedelta(hours=1) >= datetime.timedelta(days=3650)


def test_serial_is_16_random_positive_bytes(pair, tool, tmp_path):
    _, cert, _ = pair
    other, other_key = tmp_path / "c.pem", tmp_path / "k.pem"
    assert run([tool, "gencert", DOMAIN, "ec", other, other_key]).returncode == 0
    serials = []
    for c in (cert, str(other)):
        r = run(["openssl", "x509", "-in", c, "-noout", "-serial"])
        serials.append(r.stdout.strip().split("=", 1)[1])
    for s in serials:
        assert re.fullmatch(r"[4-7][0-9A-F]{31}", s), s
    assert serials[0] != serials[1]


def test_openssl_verifies_strictly(pair):
    _, cert, _ = pair
    r = run(
        ["openssl", "verify", "-x509_strict", "-CAfile", cert, "-verify_hostname", DOMAIN, cert]
    )
    assert r.returncode == 0 and r.stdout.strip() == f"{cert}: OK", r.stdout + r.stderr
    r = run(["openssl", "verify", "-CAfile", cert, "-verify_hostname", "other.test", cert])
    assert r.returncode != 0


def test_key_file(pair):
    kind, cert, key = pair
    banner = "RSA PRIVATE KEY" if kind == "rsa" else "EC PRIVATE KEY"
    assert read_text(key).startswith(f"-----BEGIN {banner}-----\n")
    assert read_text(cert).startswith("-----BEGIN CERTIFICATE-----\n")
    for path in (cert, key):
        lines = read_text(path).splitlines()
        assert all(len(line) <= 64 for line in lines[1:-1])
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(cert).st_mode) == 0o644
    r = run(["openssl", KINDS[kind][2], "-in", key, "-check", "-noout"])
    assert r.returncode == 0, r.stderr
    pub_of_key = run(["openssl", "pkey", "-in", key, "-pubout"]).stdout
    pub_of_cert = run(["openssl", "x509", "-in", cert, "-noout", "-pubkey"]).stdout
    assert pub_of_key and pub_of_key == pub_of_cert


# ---------- sessions ----------


def test_python_ssl_echo(pair):
    kind, cert, key = pair
    srv = Server("serve", cert, key)
    ctx = client_context(read_text(cert))
    big = bytes(range(256)) * 400
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=DOMAIN) as s:
            assert s.version() == "TLSv1.2"
            assert ("ECDSA" in s.cipher()[0]) == (kind == "ec")
            s.sendall(b"hello\r\n")
            assert recv_exact(s, 7) == b"hello\r\n"
            s.sendall(big)
            assert recv_exact(s, len(big)) == big
            s.unwrap()  # close_notify, and wait for the server's
    rc, err = srv.finish()
    assert rc == 0, err


def test_domain_longer_than_a_common_name(tool, tmp_path):
    """A 200-character domain does not fit in a CN (64 at most): the certificate says CN=aimx
    and carries the domain in its subjectAltName, which OpenSSL and Python match."""
    domain = ".".join(["a" * 63, "b" * 63, "c" * 63, "example"])
    cert, key = str(tmp_path / "c.pem"), str(tmp_path / "k.pem")
    r = run([tool, "gencert", domain, "rsa", cert, key])
    assert r.returncode == 0, r.stderr
    text = x509_text(cert)
    assert "Subject: CN = aimx" in text and f"DNS:{domain}" in text
    r = run(["openssl", "verify", "-x509_strict", "-CAfile", cert, "-verify_hostname", domain,
             cert])
    assert r.returncode == 0, r.stdout + r.stderr
    srv = Server("serve", cert, key)
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as raw:
        with client_context(read_text(cert)).wrap_socket(raw, server_hostname=domain) as s:
            s.sendall(b"hi\r\n")
            assert recv_exact(s, 4) == b"hi\r\n"
            s.unwrap()
    rc, err = srv.finish()
    assert rc == 0, err


def test_python_rejects_wrong_hostname(pair):
    _, cert, key = pair
    srv = Server("serve", cert, key)
    ctx = client_context(read_text(cert))
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            ctx.wrap_socket(raw, server_hostname="other.example.test")
    rc, err = srv.finish()
    assert rc == 1 and "handshake" in err


def test_tls13_only_client_is_refused(pair):
    _, cert, key = pair
    srv = Server("serve", cert, key)
    ctx = client_context(read_text(cert))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as raw:
        with pytest.raises(ssl.SSLError):
            ctx.wrap_socket(raw, server_hostname=DOMAIN)
    rc, err = srv.finish()
    assert rc == 1 and "handshake" in err


def s_client_echo(argv, line="hello"):
    """Run openssl s_client, send one line, wait for its echo, then end stdin (s_client then
    sends close_notify). Returns (exit status, everything it printed)."""
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    out = b""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    proc.stdin.write(line.encode() + b"\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 15
    while (line + "\n").encode() not in out and time.monotonic() < deadline:
        if sel.select(timeout=0.5):
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
    proc.stdin.close()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    out += proc.stdout.read()
    proc.stdout.close()
    return proc.returncode, out.decode(errors="replace")


def s_client_argv(port, cafile, extra=()):
    return [
        "openssl", "s_client", "-brief", "-connect", f"127.0.0.1:{port}",
        "-CAfile", cafile, "-verify_return_error", "-verify_hostname", DOMAIN,
        "-servername", DOMAIN, *extra,
    ]


def test_openssl_s_client(pair):
    _, cert, key = pair
    srv = Server("serve", cert, key)
    rc, out = s_client_echo(s_client_argv(srv.port, cert))
    assert rc == 0, out
    assert "Protocol version: TLSv1.2" in out and "Verification: OK" in out
    assert "\nhello\n" in out
    rc, err = srv.finish()
    assert rc == 0, err


def test_openssl_s_client_starttls_smtp(pair):
    _, cert, key = pair
    srv = Server("starttls", cert, key)
    rc, out = s_client_echo(s_client_argv(srv.port, cert, ["-starttls", "smtp"]))
    assert rc == 0, out
    assert "Protocol version: TLSv1.2" in out and "Verification: OK" in out
    assert "\nhello\n" in out
    rc, err = srv.finish()
    assert rc == 0, err


def test_chain_is_sent_to_the_client(tool):
    """An EC leaf signed by an RSA CA (fixtures): the client trusts only the CA, so the server
    must send both certificates."""
    pems = re.findall(
        r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n",
        read_text(os.path.join(FIX, "chain.crt")),
        re.S,
    )
    assert len(pems) == 2
    srv = Server("serve", os.path.join(FIX, "chain.crt"), os.path.join(FIX, "ec_p256_sec1.key"))
    ctx = client_context(pems[1])
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="chain.fixture.test") as s:
            s.sendall(b"chain\n")
            assert recv_exact(s, 6) == b"chain\n"
            s.unwrap()
    rc, err = srv.finish()
    assert rc == 0, err
