"""Our DNS resolver (build/tools/dns_query) against a real dnsmasq and against hostile servers."""

import os
import random
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time

import pytest

from dns_fixture import DnsServer

TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "build", "tools", "dns_query")


def query(resolv_conf, name, rtype, timeout=30):
    """(status, record lines, seconds taken) of `dns_query NAME TYPE`; checks the exit code."""
    start = time.monotonic()
    r = subprocess.run([TOOL, name, rtype], env=dict(os.environ, AIMX_RESOLV_CONF=resolv_conf),
                       capture_output=True, text=True, timeout=timeout)
    lines = r.stdout.splitlines()
    status = lines[0].split("=", 1)[1]
    assert r.returncode == (0 if status == "ok" else 1)
    return status, lines[1:], time.monotonic() - start


@pytest.fixture(scope="module")
def dnsmasq():
    with DnsServer() as d:
        d.txt("long.test", "x" * 600)
        d.txt("two.test", "first", "second")
        d.mx("mail.test", "mx1.mail.test", 10)
        d.mx("mail.test", "mx2.mail.test", 20)
        d.a("mx1.mail.test", "192.0.2.10", "2001:db8::10")
        d.cname("alias.test", "mx1.mail.test")
        d.cname("txt-alias.test", "long.test")
        d.ptr("10.2.0.192.in-addr.arpa", "mx1.mail.test")
        d.start()
        yield d


def test_records_from_dnsmasq(dnsmasq):
    conf = dnsmasq.resolv_conf
    assert query(conf, "long.test", "TXT")[:2] == ("ok", ["TXT " + "x" * 600])
    assert sorted(query(conf, "two.test", "TXT")[1]) == ["TXT first", "TXT second"]
    assert sorted(query(conf, "mail.test", "MX")[1]) == ["MX 10 mx1.mail.test",
                                                        "MX 20 mx2.mail.test"]
    assert query(conf, "mx1.mail.test", "A")[:2] == ("ok", ["A 192.0.2.10"])
    assert query(conf, "MX1.Mail.Test.", "AAAA")[:2] == ("ok", ["AAAA 2001:db8::10"])
    assert query(conf, "10.2.0.192.in-addr.arpa", "PTR")[:2] == ("ok", ["PTR mx1.mail.test"])


def test_cnames_are_followed(dnsmasq):
    conf = dnsmasq.resolv_conf
    assert query(conf, "alias.test", "A")[:2] == ("ok", ["A 192.0.2.10"])
    assert query(conf, "txt-alias.test", "TXT")[:2] == ("ok", ["TXT " + "x" * 600])


def test_nxdomain_nodata_and_bad_names(dnsmasq):
    conf = dnsmasq.resolv_conf
    assert query(conf, "missing.test", "A")[:2] == ("nxdomain", [])
    assert query(conf, "long.test", "A")[:2] == ("nodata", [])
    assert query(conf, "mail.test", "TXT")[:2] == ("nodata", [])
    assert query(conf, "bad..name", "A")[0] == "badname"
    assert query(conf, "a" * 64 + ".test", "A")[0] == "badname"
    assert query(conf, ".".join(["abcdefg"] * 32) + ".test", "A")[0] == "badname"


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


def random_address():
    """A 127.0.53.N whose UDP and TCP port 53 are free right now, so side-by-side runs do not
    collide."""
    for _ in range(100):
        ip = "127.0.53.%d" % random.randint(2, 239)
        probes = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM), socket.socket()]
        try:
            for p in probes:
                p.bind((ip, 53))
            return ip
        except OSError:
            continue
        finally:
            for p in probes:
                p.close()
    raise RuntimeError("no free 127.0.53.N:53")


class FakeServer:
    """UDP+TCP on ip:53 answering each query with behaviour(qid, question, tcp) -> replies."""

    def __init__(self, ip, behaviour):
        self.behaviour, self.ip = behaviour, ip
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((ip, 53))
        self.tcp = socket.socket()
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((ip, 53))
        self.tcp.listen(4)
        self.udp_queries = 0
        self.udp_peers = []
        self.tcp_queries = 0
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
            self.udp_queries += 1
            self.udp_peers.append(peer)
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
                self.tcp_queries += 1
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
    """start([behaviour or None, ...]) -> resolv.conf naming one server per entry (None: an
    address where nothing listens); the servers are in start.servers."""
    dirs = []

    def start(behaviours, options="options timeout:1 attempts:1"):
        d = tempfile.mkdtemp(prefix="aimx-dnsfake-", dir="/tmp")
        dirs.append(d)
        lines = []
        for b in behaviours:
            ip = random_address()
            if b is not None:
                start.servers.append(FakeServer(ip, b))
            lines.append("nameserver " + ip)
        conf = os.path.join(d, "resolv.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines + [options]) + "\n")
        return conf

    start.servers = []
    yield start
    for s in start.servers:
        s.close()
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)


def test_truncated_udp_falls_back_to_tcp_for_a_64k_txt(hostile):
    # header 12 + question 14 ("big.test" A/IN) + RR fixed part 12 + rdata: exactly 65535 bytes
    text = bytes(65 + k % 26 for k in range(255 * 255 + 216))

    def behaviour(qid, question, tcp):
        if tcp:
            reply = answer(qid, question, records=txt_rr(text), count=1)
            assert len(reply) == 65535
            return [reply]
        return [answer(qid, question, flags=0x8380)]  # TC set, no records

    conf = hostile([behaviour])
    status, lines, _ = query(conf, "big.test", "TXT")
    assert status == "ok" and lines == ["TXT " + text.decode()]
    server = hostile.servers[0]
    assert (server.udp_queries, server.tcp_queries) == (1, 1)


def test_truncated_udp_with_cut_records_still_goes_to_tcp(hostile):
    def behaviour(qid, question, tcp):
        if tcp:
            return [answer(qid, question, records=txt_rr(b"whole"), count=1)]
        cut = txt_rr(b"x" * 600)[:200]  # ANCOUNT 1 but the record runs past the end
        return [answer(qid, question, flags=0x8380, records=cut, count=1)]

    assert query(hostile([behaviour]), "cut.test", "TXT")[:2] == ("ok", ["TXT whole"])


def test_udp_answer_too_big_for_our_buffer_is_asked_again_over_tcp(hostile):
    # 2000 bytes without TC: more than the 1232 we read, so it counts as truncated
    def behaviour(qid, question, tcp):
        text = b"tcp" if tcp else b"u" * 1950
        return [answer(qid, question, records=txt_rr(text), count=1)]

    assert query(hostile([behaviour]), "big.test", "TXT")[:2] == ("ok", ["TXT tcp"])
    server = hostile.servers[0]
    assert (server.udp_queries, server.tcp_queries) == (1, 1)


def test_query_ids_and_source_ports_vary(hostile):
    ids = []

    def behaviour(qid, question, tcp):
        ids.append(qid)
        return [answer(qid, question, records=txt_rr(b"ok"), count=1)]

    conf = hostile([behaviour])
    for _ in range(12):
        assert query(conf, "rnd.test", "TXT")[:2] == ("ok", ["TXT ok"])
    ports = [port for _, port in hostile.servers[0].udp_peers]
    assert len(ids) == 12 and len(set(ids)) >= 11  # 16 random bits: a repeat is rare
    assert len(set(ports)) >= 11
    steps = {(b - a) % 65536 for a, b in zip(ports, ports[1:])}
    assert len(steps) > 2  # not a counter walking the port range
    steps = {(b - a) % 65536 for a, b in zip(ids, ids[1:])}
    assert len(steps) > 2


def test_compression_loop_is_refused_without_hanging(hostile):
    def behaviour(qid, question, tcp):
        owner = 12 + len(question)  # the answer's owner name points at itself
        loop = struct.pack("!H", 0xC000 | owner) + struct.pack("!HHIH", 1, 1, 60, 4) + b"\1\2\3\4"
        return [answer(qid, question, records=loop, count=1)]

    status, lines, elapsed = query(hostile([behaviour]), "loop.test", "A")
    assert (status, lines) == ("tempfail", []) and elapsed < 10


def test_wrong_ids_are_ignored_and_the_right_one_accepted(hostile):
    def behaviour(qid, question, tcp):
        good = txt_rr(b"right")
        return [answer(qid ^ 1, question, records=txt_rr(b"spoof"), count=1),
                answer(qid, question, records=good, count=1)]

    assert query(hostile([behaviour]), "id.test", "TXT")[:2] == ("ok", ["TXT right"])


def test_only_wrong_ids_time_out(hostile):
    def behaviour(qid, question, tcp):
        return [answer(qid ^ 0x8000, question, records=txt_rr(b"spoof"), count=1)]

    status, lines, elapsed = query(hostile([behaviour]), "id.test", "TXT")
    assert (status, lines) == ("tempfail", [])
    assert 0.9 < elapsed < 10  # waited for the try's timeout (1 s), not returned at once


def test_mismatched_question_is_ignored(hostile):
    def behaviour(qid, question, tcp):
        other = b"\x05other" + question[question.index(b"\x04test"):]
        return [answer(qid, other, records=txt_rr(b"spoof"), count=1),
                answer(qid, question, records=txt_rr(b"real"), count=1)]

    assert query(hostile([behaviour]), "q.test", "TXT")[:2] == ("ok", ["TXT real"])


def test_silent_server_is_bounded_and_the_next_server_answers(hostile):
    def silent(qid, question, tcp):
        return []

    def good(qid, question, tcp):
        return [answer(qid, question, records=txt_rr(b"second server"), count=1)]

    status, _, elapsed = query(hostile([silent]), "s.test", "TXT")
    assert status == "tempfail" and elapsed < 10
    status, lines, elapsed = query(hostile([silent, good]), "s.test", "TXT")
    assert (status, lines) == ("ok", ["TXT second server"]) and 0.9 < elapsed < 10


def test_closed_port_moves_on_without_waiting(hostile):
    def good(qid, question, tcp):
        return [answer(qid, question, records=txt_rr(b"up"), count=1)]

    conf = hostile([None, good], options="options timeout:5 attempts:1")
    status, lines, elapsed = query(conf, "c.test", "TXT")
    assert (status, lines) == ("ok", ["TXT up"]) and elapsed < 4  # ICMP refused, not 5 s


def test_servfail_and_refused_are_temporary_and_try_the_next_server(hostile):
    def rcode(code):
        return lambda qid, question, tcp: [answer(qid, question, rcode=code)]

    def good(qid, question, tcp):
        return [answer(qid, question, records=txt_rr(b"fine"), count=1)]

    assert query(hostile([rcode(2)]), "sf.test", "TXT")[:2] == ("tempfail", [])
    assert query(hostile([rcode(5)]), "rf.test", "TXT")[:2] == ("tempfail", [])
    assert query(hostile([rcode(1)]), "fe.test", "TXT")[:2] == ("tempfail", [])
    assert query(hostile([rcode(2), good]), "sf.test", "TXT")[:2] == ("ok", ["TXT fine"])
    assert query(hostile([rcode(5), good]), "rf.test", "TXT")[:2] == ("ok", ["TXT fine"])


def test_attempts_retry_the_same_server(hostile):
    seen = []

    def second_try(qid, question, tcp):
        seen.append(qid)
        if len(seen) == 1:
            return []
        return [answer(qid, question, records=txt_rr(b"retried"), count=1)]

    conf = hostile([second_try], options="options timeout:1 attempts:2")
    assert query(conf, "r.test", "TXT")[:2] == ("ok", ["TXT retried"])
    assert len(seen) == 2
