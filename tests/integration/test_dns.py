"""Our DNS resolver (build/tools/dns_query) against a real dnsmasq and against hostile servers."""

import os
import socket
import struct
import subprocess
import tempfile
import itertools
import threading
import time

import pytest

from daemon_fixture import cleanup
from dns_fixture import DnsServer

_fake_addresses = itertools.cycle(range(240, 201, -1))
TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "build", "tools", "dns_query")


def query(resolv_conf, name, rtype, timeout=30):
    start = time.monotonic()
    r = subprocess.run([TOOL, name, rtype], env=dict(os.environ, AIMX_RESOLV_CONF=resolv_conf),
                       capture_output=True, text=True, timeout=timeout)
    lines = r.stdout.splitlines()
    return lines[0].split("=", 1)[1], lines[1:], time.monotonic() - start


@pytest.fixture(scope="module")
def dnsmasq():
    with DnsServer() as d:
        d.txt("long.test", "x" * 600)
        d.txt("two.test", "first", "second")
        d.mx("mail.test", "mx1.mail.test", 10)
        d.mx("mail.test", "mx2.mail.test", 20)
        d.a("mx1.mail.test", "192.0.2.10", "2001:db8::10")
        d.cname("alias.test", "mx1.mail.test")
        d.start()
        yield d


def test_records_from_dnsmasq(dnsmasq):
    conf = dnsmasq.resolv_conf
    assert query(conf, "long.test", "TXT")[:2] == ("ok", ["TXT 600 " + "x" * 600])
    assert sorted(query(conf, "two.test", "TXT")[1]) == ["TXT 5 first", "TXT 6 second"]
    assert sorted(query(conf, "mail.test", "MX")[1]) == ["MX 10 mx1.mail.test",
                                                        "MX 20 mx2.mail.test"]
    assert query(conf, "mx1.mail.test", "A")[:2] == ("ok", ["A 192.0.2.10"])
    assert query(conf, "MX1.Mail.Test.", "AAAA")[:2] == ("ok", ["AAAA 2001:db8::10"])
    assert query(conf, "alias.test", "A")[:2] == ("ok", ["A 192.0.2.10"])
    assert query(conf, "missing.test", "A")[0] == "nxdomain"
    assert query(conf, "long.test", "A")[0] == "nodata"
    assert query(conf, "bad..name", "A")[0] == "badname"


def parse_query(data):
    qid = struct.unpack("!H", data[:2])[0]
    end = 12
    while data[end] != 0:
        end += data[end] + 1
    return qid, data[12:end + 5]


def answer(qid, question, rcode=0, flags=0x8180, records=b"", count=0):
    return struct.pack("!HHHHHH", qid, flags | rcode, 1, count, 0, 0) + question + records


def txt_rr(text):
    strings = b"".join(bytes([len(text[i:i + 255])]) + text[i:i + 255]
                       for i in range(0, len(text), 255))
    return b"\xc0\x0c" + struct.pack("!HHIH", 16, 1, 60, len(strings)) + strings


class FakeServer:
    """UDP+TCP on 127.0.53.N:53 answering each query with behaviour(qid, question, tcp)."""

    def __init__(self, ip, behaviour):
        self.behaviour, self.ip = behaviour, ip
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((ip, 53))
        self.tcp = socket.socket()
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((ip, 53))
        self.tcp.listen(4)
        self.stop = False
        self.threads = [threading.Thread(target=self._serve_udp, daemon=True),
                        threading.Thread(target=self._serve_tcp, daemon=True)]
        for t in self.threads:
            t.start()

    def _serve_udp(self):
        self.udp.settimeout(0.2)
        while not self.stop:
            try:
                data, peer = self.udp.recvfrom(4096)
            except OSError:
                continue
            for reply in self.behaviour(*parse_query(data), False):
                self.udp.sendto(reply, peer)

    def _serve_tcp(self):
        self.tcp.settimeout(0.2)
        while not self.stop:
            try:
                conn, _ = self.tcp.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                size = struct.unpack("!H", conn.recv(2))[0]
                data = b""
                while len(data) < size:
                    data += conn.recv(size - len(data))
                for reply in self.behaviour(*parse_query(data), True):
                    conn.sendall(struct.pack("!H", len(reply)) + reply)

    def close(self):
        self.stop = True
        for t in self.threads:
            t.join()
        self.udp.close()
        self.tcp.close()


@pytest.fixture
def hostile():
    servers, dirs = [], []

    def start(behaviours, options="options timeout:1 attempts:1"):
        d = tempfile.mkdtemp(prefix="aimx-dnsfake-", dir="/tmp")
        dirs.append(d)
        lines = []
        for b in behaviours:
            ip = "127.0.53.%d" % next(_fake_addresses)
            if b is not None:
                servers.append(FakeServer(ip, b))
            lines.append("nameserver " + ip)
        conf = os.path.join(d, "resolv.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines + [options]) + "\n")
        return conf

    yield start
    for s in servers:
        s.close()
    for d in dirs:
        cleanup(d)


def test_truncated_udp_falls_back_to_tcp_for_a_64k_txt(hostile):
    big = bytes((65 + k % 26) for k in range(64000))

    def behaviour(qid, question, tcp):
        if tcp:
            return [answer(qid, question, records=txt_rr(big), count=1)]
        return [answer(qid, question, flags=0x8380)]  # TC set, no records

    status, lines, _ = query(hostile([behaviour]), "big.test", "TXT")
    assert status == "ok"
    assert lines[0].startswith("TXT 64000 ") and lines[0].endswith(big[-50:].decode())


def test_compression_loop_is_refused_without_hanging(hostile):
    def behaviour(qid, question, tcp):
        owner = 12 + len(question)  # the answer's owner name points at itself
        loop = struct.pack("!H", 0xC000 | owner) + struct.pack("!HHIH", 1, 1, 60, 4) + b"\1\2\3\4"
        return [answer(qid, question, records=loop, count=1)]

    status, _, elapsed = query(hostile([behaviour]), "loop.test", "A")
    assert status == "tempfail" and elapsed < 10


def test_wrong_ids_are_ignored_and_the_right_one_accepted(hostile):
    def behaviour(qid, question, tcp):
        good = txt_rr(b"right")
        return [answer(qid ^ 1, question, records=txt_rr(b"spoof"), count=1),
                answer(qid, question, records=good, count=1)]

    assert query(hostile([behaviour]), "id.test", "TXT")[:2] == ("ok", ["TXT 5 right"])


def test_only_wrong_ids_time_out(hostile):
    def behaviour(qid, question, tcp):
        return [answer(qid ^ 0x8000, question, records=txt_rr(b"spoof"), count=1)]

    status, _, elapsed = query(hostile([behaviour]), "id.test", "TXT")
    assert status == "tempfail" and elapsed < 10


def test_silent_server_is_bounded_and_the_next_server_answers(hostile):
    def silent(qid, question, tcp):
        return []

    def good(qid, question, tcp):
        return [answer(qid, question, records=txt_rr(b"second server"), count=1)]

    status, _, elapsed = query(hostile([silent]), "s.test", "TXT")
    assert status == "tempfail" and elapsed < 10
    assert query(hostile([silent, good]), "s.test", "TXT")[:2] == ("ok", ["TXT 13 second server"])


def test_servfail_is_temporary_and_refusal_tries_the_next_server(hostile):
    def servfail(qid, question, tcp):
        return [answer(qid, question, rcode=2)]

    assert query(hostile([servfail]), "sf.test", "TXT")[0] == "tempfail"
