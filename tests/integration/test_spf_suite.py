"""SPF: the published RFC 7208 test suite (rfc7208-tests.yml, shipped by Debian's python3-spf)
through our check_host (build/tools/spf_check). Each scenario's zone is served by a small
DNS server of this file (the suite needs answers dnsmasq cannot give: NUL bytes in TXT
strings, timeouts per name and type); every one of its cases must agree."""

import gzip
import os
import socket
import subprocess
import tempfile
import threading

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT
import dns.rrset
import pytest
import yaml

from daemon_fixture import cleanup
from dns_fixture import free_loopback

SUITE = "/usr/share/doc/python3-spf/rfc7208-tests.yml.gz"
TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "build", "tools", "spf_check")


def records(data):
    """A scenario's zone: name -> list of (type, value), with the suite's rules: an SPF entry
    is served as TXT too unless the name has TXT entries; NONE entries are no record; a name
    holding TIMEOUT times out for every type."""
    zone = {}
    for name, entries in (data.get("zonedata") or {}).items():
        out, spf, has_txt = [], [], False
        for entry in entries:
            if entry == "TIMEOUT":
                out.append(("TIMEOUT", None))
                continue
            (kind, value), = entry.items()
            if kind in ("TXT", "SPF") and isinstance(value, str):
                value = [value]
            has_txt |= kind == "TXT"
            if kind == "SPF":
                spf.append(("TXT", value))
            if value != ["NONE"]:
                out.append((kind, value))
        zone[name.lower()] = out + ([] if has_txt else spf)
    return zone


def rdata(kind, value):
    if kind == "TXT":
        return dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT,
                                       [s.encode("utf-8") for s in value])
    if kind == "MX":
        value = "%d %s." % (value[0], value[1].rstrip("."))
    elif kind in ("PTR", "CNAME"):
        value = value.rstrip(".") + "."
    return dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(kind), value)


def qname_text(name):
    """The query name as the zone spells it: labels joined by dots, bytes as they are."""
    return b".".join(name.labels).decode("utf-8", "replace").rstrip(".").lower()


def rrsets(zone, owner, name, qtype, level=0):
    """The records of name for qtype, or None for a timeout. As the suite's own harness: a
    TIMEOUT entry times out unless an entry of qtype came before it; a CNAME is followed
    one level, its target's records answered with it."""
    out, seen = [], False
    for kind, value in zone.get(name, []):
        if kind == "TIMEOUT":
            if not seen:
                return None
            break
        seen |= kind == qtype
        if value == "TIMEOUT":
            if kind == qtype:
                return None
            continue
        if kind == qtype or (kind == "CNAME" and qtype != "CNAME"):
            out.append(dns.rrset.from_rdata(owner, 300, rdata(kind, value)))
            if kind == "CNAME" and not level:
                target = value.rstrip(".").lower()
                more = rrsets(zone, dns.name.from_text(target + "."), target, qtype, 1)
                if more is None:
                    return None
                out += more
    return out


def answer(zone, query):
    """The response to query, or None to let it time out."""
    q = query.question[0]
    name, qtype = qname_text(q.name), dns.rdatatype.to_text(q.rdtype)
    resp = dns.message.make_response(query)
    resp.flags |= dns.flags.AA
    if name not in zone:
        if name.startswith("error."):
            return None
        resp.set_rcode(dns.rcode.NXDOMAIN)
        return resp
    found = rrsets(zone, q.name, name, qtype)
    if found is None:
        return None
    resp.answer += found
    return resp


class SuiteDns:
    """UDP on port 53 of a free 127.53.x.y, answering from the current zone."""

    def __init__(self):
        self.ip, self.zone = free_loopback(), {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((self.ip, 53))
        self.dir = tempfile.mkdtemp(prefix="aimx-spf-suite-", dir="/tmp")
        self.resolv_conf = os.path.join(self.dir, "resolv.conf")
        with open(self.resolv_conf, "w") as f:
            f.write(f"nameserver {self.ip}\noptions timeout:1 attempts:1\n")
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            try:
                resp = answer(self.zone, dns.message.from_wire(data))
            except Exception:  # a query we cannot parse: no answer
                continue
            if resp is not None:
                wire = resp.to_wire()
                if len(wire) > 512:
                    resp.flags |= dns.flags.TC
                    resp.answer = []
                    wire = resp.to_wire()
                self.sock.sendto(wire, peer)

    def close(self):
        self.sock.close()
        cleanup(self.dir)


def scenarios():
    with gzip.open(SUITE, "rt", encoding="utf-8") as f:
        return list(yaml.safe_load_all(f))


def check(resolv_conf, case):
    r = subprocess.run([TOOL, case["host"], case["mailfrom"], case.get("helo", "")],
                       env=dict(os.environ, AIMX_RESOLV_CONF=resolv_conf),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


@pytest.mark.skipif(not os.path.exists(SUITE), reason="python3-spf's test suite not installed")
def test_rfc7208_suite():
    server = SuiteDns()
    agree, differ = 0, []
    try:
        for sc in scenarios():
            server.zone = records(sc)
            for name, case in sc["tests"].items():
                want = case["result"] if isinstance(case["result"], list) else [case["result"]]
                got = check(server.resolv_conf, case)
                if got in want:
                    agree += 1
                else:
                    differ.append((sc["description"], name, want, got))
    finally:
        server.close()
    print(f"RFC 7208 suite: {agree} of {agree + len(differ)} cases agree")
    assert not differ, differ
