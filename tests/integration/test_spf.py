"""SPF: our check_host (build/tools/spf_check) against pyspf, both resolving through the same
dnsmasq, on a table of record sets, client addresses and senders."""

import os
import subprocess

import dns.resolver
import pytest
import spf

from dns_fixture import DnsServer

TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "build", "tools", "spf_check")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pyspf uses resolver.query

TXT = {
    "pass.test": "v=spf1 ip4:192.0.2.0/24 -all",
    "fail.test": "v=spf1 ip4:198.51.100.1 -all",
    "soft.test": "v=spf1 ~all",
    "neutral.test": "v=spf1 ?all",
    "plus.test": "v=spf1 +ip4:192.0.2.1 -all",
    "cidr.test": "v=spf1 ip4:192.0.2.128/25 ip6:2001:db8::/32 -all",
    "v6.test": "v=spf1 ip6:2001:db8:1::1 -all",
    "a.test": "v=spf1 a -all",
    "aother.test": "v=spf1 a:host.a.test/24 -all",
    "a6.test": "v=spf1 a//64 -all",
    "mx.test": "v=spf1 mx -all",
    "mx24.test": "v=spf1 mx/24 -all",
    "inc.test": "v=spf1 include:pass.test -all",
    "incfail.test": "v=spf1 include:fail.test ~all",
    "incnone.test": "v=spf1 include:norecord.test -all",
    "incperm.test": "v=spf1 include:syntax.test -all",
    "redir.test": "v=spf1 redirect=pass.test",
    "redirall.test": "v=spf1 ?all redirect=pass.test",
    "redirnone.test": "v=spf1 redirect=norecord.test",
    "exists.test": "v=spf1 exists:%{i}.allow.exists.test -all",
    "local.test": "v=spf1 exists:%{l}.users.local.test -all",
    "macro.test": "v=spf1 exists:%{ir}.%{v}._spf.macro.test -all",
    "digits.test": "v=spf1 exists:%{d2}.zone.digits.test -all",
    "limit.test": "v=spf1 a:l1.limit.test a:l2.limit.test a:l3.limit.test a:l4.limit.test "
                  "a:l5.limit.test a:l6.limit.test a:l7.limit.test a:l8.limit.test "
                  "a:l9.limit.test a:l10.limit.test a:l11.limit.test -all",
    "ten.test": "v=spf1 a:l1.limit.test a:l2.limit.test a:l3.limit.test a:l4.limit.test "
                "a:l5.limit.test a:l6.limit.test a:l7.limit.test a:l8.limit.test "
                "a:l9.limit.test ip4:192.0.2.9 -all",
    "loop.test": "v=spf1 include:loop.test -all",
    "void.test": "v=spf1 a:v1.void.test a:v2.void.test a:v3.void.test ip4:192.0.2.1 -all",
    "twovoid.test": "v=spf1 a:v1.void.test a:v2.void.test ip4:192.0.2.1 -all",
    "syntax.test": "v=spf1 ip4:192.0.2.300 -all",
    "badmech.test": "v=spf1 foo:bar -all",
    "unknownmod.test": "v=spf1 moo=cow ip4:192.0.2.1 -all",
    "exp.test": "v=spf1 -all exp=explain.exp.test",
    "dupredirect.test": "v=spf1 redirect=a.test redirect=pass.test",
    "badcidr.test": "v=spf1 ip4:192.0.2.1/33 -all",
    "caps.test": "V=SPF1 IP4:192.0.2.1 -ALL",
    "ptr.test": "v=spf1 ptr -all",
    "helo.test": "v=spf1 exists:%{h}.helo.ok.test -all",
}
MULTI = {"two.test": ["v=spf1 -all", "v=spf1 +all"],
         "mixed.test": ["some other text", "v=spf1 ip4:192.0.2.1 -all"]}
A = {
    "a.test": ["192.0.2.10", "2001:db8:a::1"], "host.a.test": ["203.0.113.5"],
    "a6.test": ["2001:db8:6:6::1"],
    "mx1.mx.test": ["192.0.2.20"], "mx2.mx.test": ["198.51.100.30"],
    "mx1.mx24.test": ["203.0.113.1"],
    "192.0.2.55.allow.exists.test": ["127.0.0.2"],
    "alice.users.local.test": ["127.0.0.2"],
    "7.2.0.192.in-addr._spf.macro.test": ["127.0.0.2"],
    "digits.test.zone.digits.test": ["127.0.0.2"],
    "mail.example.helo.ok.test": ["127.0.0.2"],
}
for n in range(1, 12):
    A["l%d.limit.test" % n] = ["203.0.113.%d" % n]
MX = {"mx.test": [("mx1.mx.test", 10), ("mx2.mx.test", 20)],
      "mx24.test": [("mx1.mx24.test", 10)]}

CASES = [
    ("192.0.2.1", "x@pass.test"), ("192.0.2.200", "x@pass.test"), ("10.0.0.1", "x@pass.test"),
    ("192.0.2.1", "x@fail.test"), ("198.51.100.1", "x@fail.test"), ("192.0.2.1", "x@soft.test"),
    ("192.0.2.1", "x@neutral.test"), ("192.0.2.1", "x@plus.test"),
    ("192.0.2.200", "x@cidr.test"), ("192.0.2.1", "x@cidr.test"),
    ("2001:db8:ffff::1", "x@cidr.test"), ("2001:db9::1", "x@cidr.test"),
    ("2001:db8:1::1", "x@v6.test"), ("2001:db8:1::2", "x@v6.test"),
    ("192.0.2.10", "x@a.test"), ("192.0.2.11", "x@a.test"), ("2001:db8:a::1", "x@a.test"),
    ("::ffff:192.0.2.10", "x@a.test"), ("203.0.113.77", "x@aother.test"),
    ("203.0.114.1", "x@aother.test"), ("2001:db8:6:6::ffff", "x@a6.test"),
    ("192.0.2.20", "x@mx.test"), ("198.51.100.30", "x@mx.test"), ("192.0.2.21", "x@mx.test"),
    ("203.0.113.99", "x@mx24.test"),
    ("192.0.2.5", "x@inc.test"), ("10.1.1.1", "x@inc.test"), ("198.51.100.1", "x@incfail.test"),
    ("192.0.2.1", "x@incnone.test"), ("192.0.2.1", "x@incperm.test"),
    ("192.0.2.5", "x@redir.test"), ("10.9.9.9", "x@redir.test"), ("192.0.2.5", "x@redirall.test"),
    ("192.0.2.5", "x@redirnone.test"),
    ("192.0.2.55", "x@exists.test"), ("192.0.2.56", "x@exists.test"),
    ("192.0.2.1", "alice@local.test"), ("192.0.2.1", "bob@local.test"),
    ("192.0.2.7", "x@macro.test"), ("192.0.2.8", "x@macro.test"),
    ("192.0.2.1", "x@digits.test"),
    ("203.0.113.11", "x@limit.test"), ("192.0.2.9", "x@ten.test"),
    ("192.0.2.1", "x@loop.test"),
    ("192.0.2.1", "x@void.test"), ("192.0.2.1", "x@twovoid.test"),
    ("192.0.2.1", "x@syntax.test"), ("192.0.2.1", "x@badmech.test"),
    ("192.0.2.1", "x@unknownmod.test"), ("192.0.2.1", "x@exp.test"),
    ("192.0.2.1", "x@dupredirect.test"), ("192.0.2.1", "x@badcidr.test"),
    ("192.0.2.1", "x@caps.test"), ("192.0.2.1", "x@two.test"), ("192.0.2.1", "x@mixed.test"),
    ("192.0.2.1", "x@norecord.test"), ("192.0.2.1", "x@nxdomain.test"),
    ("192.0.2.1", "x@ptr.test"),
    ("192.0.2.1", "pass.test"),  # no local part: postmaster@pass.test
]


@pytest.fixture(scope="module")
def zone():
    with DnsServer() as d:
        for name, text in TXT.items():
            d.txt(name, text)
        for name, texts in MULTI.items():
            d.txt(name, *texts)
        for name, addrs in A.items():
            d.a(name, *addrs)
        for name, hosts in MX.items():
            for host, pref in hosts:
                d.mx(name, host, pref)
        d.txt("norecord.test", "not spf")
        d.start()
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [d.ip]
        resolver.lifetime = 5
        saved = dns.resolver.default_resolver
        dns.resolver.default_resolver = resolver
        yield d
        dns.resolver.default_resolver = saved


def ours(zone, ip, sender, helo):
    r = subprocess.run([TOOL, ip, sender, helo], capture_output=True, text=True, check=True,
                       env=dict(os.environ, AIMX_RESOLV_CONF=zone.resolv_conf), timeout=60)
    return r.stdout.strip()


def pyspf(ip, sender, helo):
    result, _explanation = spf.check2(i=ip, s=sender, h=helo)
    return result


@pytest.mark.parametrize("ip,sender", CASES)
def test_agrees_with_pyspf(zone, ip, sender):
    helo = sender.rpartition("@")[2]
    assert ours(zone, ip, sender, helo) == pyspf(ip, sender, helo)


def test_helo_macro(zone):
    assert ours(zone, "192.0.2.1", "x@helo.test", "mail.example") == "pass"
    assert pyspf("192.0.2.1", "x@helo.test", "mail.example") == "pass"
    assert ours(zone, "192.0.2.1", "x@helo.test", "other.example") == "fail"


def test_case_count():
    assert len(CASES) >= 40
