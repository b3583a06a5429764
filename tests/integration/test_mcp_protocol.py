"""`aimx mcp` driven over a raw pipe like a hostile or sloppy client: JSON-RPC framing, errors, ids, batches, EOF."""

import json
import os
import select
import subprocess
import tempfile
import time

import pytest

from conftest import run
from daemon_fixture import DOMAIN, as_user, daemon_under_tmp

ALICE, BOB = "aimxit-alice", "aimxit-bob"
VERSIONS = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"]
LATEST = "2025-11-25"
INSTRUCTIONS = "aimx email server. Manage mailboxes and emails for AI agents"
HANG_GUARD = 30  # seconds; only so a hung server fails the test instead of blocking it

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602


class Mcp:
    """One `aimx mcp` process as `user`, fed raw bytes; replies read line by line."""

    def __init__(self, aimx, env, user=ALICE):
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(as_user(user, [aimx, "mcp"]), env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.err)
        self.pending = b""

    def send(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def request(self, obj):
        self.send(json.dumps(obj).encode() + b"\n")

    def raw_line(self):
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + HANG_GUARD
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            assert ready, "no reply from aimx mcp (hang guard)"
            chunk = os.read(fd, 65536)
            assert chunk, f"aimx mcp closed stdout; stderr: {self.stderr()!r}"
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line

    def reply(self):
        return json.loads(self.raw_line())

    def call(self, obj):
        self.request(obj)
        return self.reply()

    def initialize(self, version=LATEST, rid=0):
        res = self.call(req(rid, "initialize", {"protocolVersion": version, "capabilities": {},
                                                "clientInfo": {"name": "pytest", "version": "1"}}))
        self.request({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return res

    def close(self):
        """Close stdin; returns (exit code, rest of stdout, stderr)."""
        self.proc.stdin.close()
        rest = self.pending + self.proc.stdout.read()
        rc = self.proc.wait(timeout=HANG_GUARD)
        return rc, rest, self.stderr()

    def stderr(self):
        self.err.seek(0)
        return self.err.read()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def req(rid, method, params=None):
    msg = {"jsonrpc": "2.0", "id": rid, "method": method}
    if params is not None:
        msg["params"] = params
    return msg


def tool(rid, name, arguments=None):
    params = {"name": name}
    if arguments is not None:
        params["arguments"] = arguments
    return req(rid, "tools/call", params)


def error(rid, code, message):
    return {"jsonrpc": "2.0", "id": rid, "error": {"code": code, "message": message}}


def result(rid, res):
    return {"jsonrpc": "2.0", "id": rid, "result": res}


def text_result(rid, text, is_error):
    return result(rid, {"content": [{"type": "text", "text": text}], "isError": is_error})


@pytest.fixture
def env(isolated_env):
    """No daemon: an empty runtime dir (tools needing the daemon say it is not running)."""
    return isolated_env


@pytest.fixture
def mcp(aimx, env):
    m = Mcp(aimx, env)
    yield m
    m.kill()


@pytest.fixture
def ready(mcp):
    """A server that was initialized with the latest version."""
    mcp.initialize()
    return mcp


def version_of(aimx):
    out = run([aimx, "--version"]).stdout
    return out.split(" version ")[1].split()[0]


# --- initialize, ping ---

@pytest.mark.parametrize("version", VERSIONS)
def test_initialize_echoes_each_supported_version(mcp, aimx, version):
    got = mcp.initialize(version, rid=1)
    assert got == result(1, {"protocolVersion": version, "capabilities": {"tools": {}},
                             "serverInfo": {"name": "aimx", "version": version_of(aimx)},
                             "instructions": INSTRUCTIONS})
    assert mcp.call(req(2, "ping")) == result(2, {})


@pytest.mark.parametrize("version", ["1999-01-01", "2025-11-26", "", "2025-11-25 "])
def test_initialize_unknown_version_gets_latest(mcp, version):
    got = mcp.initialize(version, rid="init")
    assert got["id"] == "init" and got["result"]["protocolVersion"] == LATEST
    assert got["result"]["instructions"]


def test_initialize_without_version_is_invalid_params(mcp):
    assert mcp.call(req(1, "initialize", {"capabilities": {}})) == error(
        1, INVALID_PARAMS, "invalid params: protocolVersion must be a string")
    assert mcp.call(req(2, "initialize", {"protocolVersion": 20251125})) == error(
        2, INVALID_PARAMS, "invalid params: protocolVersion must be a string")
    assert mcp.initialize(rid=3)["result"]["protocolVersion"] == LATEST


def test_second_initialize_is_refused(ready):
    assert ready.call(req(9, "initialize", {"protocolVersion": LATEST})) == error(
        9, INVALID_REQUEST, "already initialized")


def test_initialized_notification_and_ping_produce_exactly_one_line_each(mcp):
    mcp.initialize(rid=1)
    mcp.request({"jsonrpc": "2.0", "method": "notifications/initialized"})
    mcp.request({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}})
    assert mcp.call(req(2, "ping")) == result(2, {})
    assert mcp.call(req(3, "ping", {})) == result(3, {})
    rc, rest, err = mcp.close()
    assert (rc, rest, err) == (0, b"", b"")


# --- before initialize ---

def test_requests_before_initialize(mcp):
    not_init = "server not initialized: send initialize first"
    assert mcp.call(req(1, "tools/list")) == error(1, INVALID_REQUEST, not_init)
    assert mcp.call(tool("a", "mailbox_list")) == error("a", INVALID_REQUEST, not_init)
    assert mcp.call(req(2, "ping")) == result(2, {})
    assert mcp.call(req(3, "no/such")) == error(3, METHOD_NOT_FOUND, "Method not found")
    # notifications are never answered, before or after initialize
    for method in ("tools/list", "tools/call", "notifications/initialized", "no/such"):
        mcp.request({"jsonrpc": "2.0", "method": method})
    assert mcp.call(req(4, "ping")) == result(4, {})
    mcp.request({"jsonrpc": "2.0", "method": "initialize", "params": {"protocolVersion": LATEST}})
    assert mcp.call(req("l", "tools/list")) == error("l", INVALID_REQUEST, not_init)
    assert mcp.initialize(rid=5)["result"]["protocolVersion"] == LATEST
    assert len(mcp.call(req(6, "tools/list"))["result"]["tools"]) == 12


# --- framing and error codes ---

@pytest.mark.parametrize("line", [
    b"{", b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"", b"not json", b"{'a':1}",
    b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} trailing", b"\xff\xfe{}",
    b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xc3\"}",
    b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\x00\"}",
    pytest.param(b"[" * 100000, id="deep-array"), pytest.param(b"{\"a\":" * 100000, id="deep-object"),
])
def test_malformed_json_is_parse_error_and_server_goes_on(ready, line):
    ready.send(line + b"\n")
    assert ready.reply() == error(None, PARSE_ERROR, "Parse error")
    assert ready.call(req(7, "ping")) == result(7, {})


def test_blank_lines_are_ignored(ready):
    ready.send(b"\n \n\t\r\n")
    assert ready.call(req(1, "ping")) == result(1, {})


@pytest.mark.parametrize("msg,rid,why", [
    ({"id": 1, "method": "ping"}, 1, "\"jsonrpc\" must be \"2.0\""),
    ({"jsonrpc": "1.0", "id": 1, "method": "ping"}, 1, "\"jsonrpc\" must be \"2.0\""),
    ({"jsonrpc": 2.0, "id": "s", "method": "ping"}, "s", "\"jsonrpc\" must be \"2.0\""),
    ({"jsonrpc": "2.0", "id": 1, "method": 5}, 1, "\"method\" must be a string"),
    ({"jsonrpc": "2.0", "id": 1, "method": None}, 1, "\"method\" must be a string"),
    ({"jsonrpc": "2.0", "id": 1}, 1, "\"method\" is missing"),
    ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"}, None,
     "\"id\" must be a string or an integer"),
    ({"jsonrpc": "2.0", "id": [1], "method": "ping"}, None, "\"id\" must be a string or an integer"),
    ({"jsonrpc": "2.0", "id": None, "method": "ping"}, None, "\"id\" must be a string or an integer"),
    ({"jsonrpc": "2.0", "id": True, "method": "ping"}, None, "\"id\" must be a string or an integer"),
    ({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}, None, "\"id\" must be a string or an integer"),
    ({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": "x"}, 1,
     "\"params\" must be an object or an array"),
    (42, None, "a message must be a JSON object"),
    ("ping", None, "a message must be a JSON object"),
    (None, None, "a message must be a JSON object"),
])
def test_invalid_request_shapes(ready, msg, rid, why):
    assert ready.call(msg) == error(rid, INVALID_REQUEST, why)
    assert ready.call(req(8, "ping")) == result(8, {})


def test_responses_from_the_client_are_ignored(ready):
    ready.request({"jsonrpc": "2.0", "id": 1, "result": {}})
    ready.request({"jsonrpc": "2.0", "id": 2, "error": {"code": -1, "message": "x"}})
    assert ready.call(req(3, "ping")) == result(3, {})


@pytest.mark.parametrize("rid", [7, 0, -3, 2**31, "abc", "", "7", "é \"quoted\""])
def test_unknown_method_keeps_the_id(ready, rid):
    assert ready.call(req(rid, "resources/list")) == error(rid, METHOD_NOT_FOUND, "Method not found")
    assert ready.call(req(rid, "ping")) == result(rid, {})


def test_large_safe_integer_id_is_echoed_exactly(ready):
    """JSON-RPC 2.0 section 5: the response id must be the same as the request's."""
    # 2**53 - 1 (JavaScript's Number.MAX_SAFE_INTEGER) is exactly representable as a double.
    rid = 2**53 - 1
    ready.send(b'{"jsonrpc":"2.0","id":%d,"method":"ping"}\n' % rid)
    assert ready.reply() == result(rid, {})


def test_id_overflowing_a_double_is_invalid(ready):
    ready.send(b'{"jsonrpc":"2.0","id":1e400,"method":"ping"}\n')
    assert ready.reply() == error(None, INVALID_REQUEST, "\"id\" must be a string or an integer")


def test_id_with_nul_is_never_answered_under_another_id(ready):
    """Echoed exactly or refused with id null, but never answered as a different request."""
    ready.send(b'{"jsonrpc":"2.0","id":"a\\u0000b","method":"ping"}\n')
    assert ready.reply()["id"] in ("a\x00b", None)


def test_unknown_tool_is_invalid_params(ready):
    assert ready.call(tool("t1", "no_such_tool")) == error("t1", INVALID_PARAMS, "tool not found")
    assert ready.call(tool(11, "Mailbox_List")) == error(11, INVALID_PARAMS, "tool not found")


@pytest.mark.parametrize("params", [None, {}, {"name": 5}, {"arguments": {}}, ["mailbox_list"]])
def test_tools_call_without_a_name_is_invalid_params(ready, params):
    assert ready.call(req(12, "tools/call", params)) == error(
        12, INVALID_PARAMS, "invalid params: \"name\" must be a string")


# Bad arguments are a tool result with isError (spec 5.1), not a JSON-RPC error.
@pytest.mark.parametrize("name,arguments,why", [
    ("email_list", {"mailbox": 5}, "invalid type: integer `5`, expected a string"),
    ("email_list", {"mailbox": "alice", "limit": "3"},
     "invalid type: string \"3\", expected u32"),
    ("email_list", {"mailbox": "alice", "limit": -1}, "invalid value: integer `-1`, expected u32"),
    ("email_list", {"mailbox": "alice", "limit": 1.5},
     "invalid type: floating point `1.5`, expected u32"),
    ("email_list", {}, "missing field `mailbox`"),
    ("email_list", None, "missing field `mailbox`"),
    ("email_list", [], "invalid type: sequence, expected a map"),
    ("email_read", {"mailbox": "alice"}, "missing field `id`"),
    ("email_read", {"mailbox": "alice", "id": None}, "invalid type: null, expected a string"),
    ("email_list", {"mailbox": "alice", "limit": 2**32},
     "invalid value: integer `4294967296`, expected u32"),
    ("mailbox_delete", {"name": "x", "force": "yes"},
     "invalid type: string \"yes\", expected a boolean"),
    ("mailbox_create", {"name": "x", "extra": 1}, "unknown field `extra`, expected `name`"),
    ("email_mark_read", {"mailbox": "alice", "id": "x", "folder": "inbox"},
     "unknown field `folder`, expected one of `mailbox`, `id`"),
    ("hook_create", {"mailbox": "alice", "event": "on_receive", "cmd": ["/bin/true", 1]},
     "invalid type: integer `1`, expected a string"),
])
def test_bad_arguments_are_an_error_result(ready, name, arguments, why):
    for rid in (21, "x21"):
        assert ready.call(tool(rid, name, arguments)) == text_result(
            rid, "failed to deserialize parameters: " + why, True)


def test_duplicate_argument_is_refused(ready):
    ready.send(b'{"jsonrpc":"2.0","id":23,"method":"tools/call","params":{"name":"email_list",'
               b'"arguments":{"mailbox":"a","mailbox":"b"}}}\n')
    assert ready.reply() == text_result(
        23, "failed to deserialize parameters: duplicate field `mailbox`", True)


def test_null_optional_arguments_are_absent(ready):
    got = ready.call(tool(24, "email_list", {"mailbox": "alice", "limit": None, "folder": None}))
    assert got == text_result(24, "aimx daemon not running. Start with 'sudo systemctl start aimx'",
                              True)


def test_unknown_argument_on_a_lenient_tool_is_ignored(ready):
    got = ready.call(tool(22, "mailbox_list", {"bogus": 1}))
    assert got == text_result(22, "aimx daemon not running. Start with 'sudo systemctl start aimx'",
                              True)


def test_nul_inside_arguments_is_refused(ready):
    ready.send(b'{"jsonrpc":"2.0","id":"n","method":"tools/call","params":{"name":"email_read",'
               b'"arguments":{"mailbox":"al\\u0000ice","id":"x"}}}\n')
    assert ready.reply() == text_result(
        "n", "failed to deserialize parameters: a string contains NUL (\\u0000), "
        "which no aimx parameter accepts", True)
    # in an email id, NUL is one of the invalid characters (surface.md 5.2)
    ready.send(b'{"jsonrpc":"2.0","id":"i","method":"tools/call","params":{"name":"email_read",'
               b'"arguments":{"mailbox":"alice","id":"a\\u0000/../../x"}}}\n')
    assert ready.reply() == text_result("i", "Email ID contains invalid characters.", True)
    # an escaped backslash before u0000 is just text, not a NUL
    ready.send(b'{"jsonrpc":"2.0","id":"m","method":"tools/call","params":{"name":"mailbox_create",'
               b'"arguments":{"name":"x","z":"\\\\u0000"}}}\n')
    assert ready.reply() == text_result(
        "m", "failed to deserialize parameters: unknown field `z`, expected `name`", True)


# --- batches ---

BATCH = [req(1, "ping"), {"jsonrpc": "2.0", "method": "notifications/x"}, 5,
         req("b", "nope"), {"jsonrpc": "2.0", "id": 2, "result": {}}, req(3, "tools/list")]


def test_batch_accepted_under_2025_03_26(mcp):
    mcp.initialize("2025-03-26")
    got = mcp.call(BATCH)
    assert isinstance(got, list) and len(got) == 4
    assert got[:3] == [result(1, {}), error(None, INVALID_REQUEST, "a message must be a JSON object"),
                       error("b", METHOD_NOT_FOUND, "Method not found")]
    assert got[3]["id"] == 3 and len(got[3]["result"]["tools"]) == 12
    # only notifications and responses: no reply at all
    mcp.request([{"jsonrpc": "2.0", "method": "notifications/x"}, {"jsonrpc": "2.0", "id": 9,
                                                                  "result": {}}])
    assert mcp.call([]) == error(None, INVALID_REQUEST, "empty batch")
    assert mcp.call(req(4, "ping")) == result(4, {})


def test_initialize_inside_a_batch_is_refused_with_its_id(mcp):
    """A well-formed request with a usable id: its error must carry that id (JSON-RPC 2.0 section 5)."""
    mcp.initialize("2025-03-26")
    got = mcp.call([req(1, "ping"), req(2, "initialize", {"protocolVersion": "2025-03-26"})])
    assert got == [result(1, {}), error(2, INVALID_REQUEST, "initialize must not be part of a batch")]


@pytest.mark.parametrize("version", [None] + [v for v in VERSIONS if v != "2025-03-26"])
def test_batch_rejected_otherwise(mcp, version):
    if version:
        mcp.initialize(version)
    assert mcp.call(BATCH) == error(None, INVALID_REQUEST,
                                    "batches are not supported by this protocol version")
    assert mcp.call(req(4, "ping")) == result(4, {})


# --- size, EOF, stdout hygiene ---

def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:"))


def test_50_mib_line_is_refused_and_server_goes_on(ready):
    size = 50 * 1024 * 1024
    ready.send(b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"')
    chunk = b"a" * (1024 * 1024)
    for _ in range(size // len(chunk)):
        ready.send(chunk)
    assert ready.proc.poll() is None
    ready.send(b'"}}\n')
    assert ready.reply() == error(None, PARSE_ERROR, "Parse error: message longer than 32 MiB")
    assert ready.call(req(2, "ping")) == result(2, {})
    assert ready.proc.poll() is None
    # the line was dropped, not held: peak memory stays below the line's own size
    assert peak_rss_kib(ready.proc.pid) * 1024 < size
    rc, rest, err = ready.close()
    assert (rc, rest, err) == (0, b"", b"")


def test_line_just_under_the_limit_is_parsed(ready):
    pad = b"a" * (32 * 1024 * 1024 - 200)
    ready.send(b'{"jsonrpc":"2.0","id":"big","method":"ping","params":{"x":"' + pad + b'"}}\n')
    assert ready.reply() == result("big", {})


def test_eof_inside_a_complete_unterminated_request_answers_it(mcp):
    mcp.initialize()
    mcp.send(b'{"jsonrpc":"2.0","id":"last","method":"ping"}')
    rc, rest, err = mcp.close()
    assert (rc, err) == (0, b"")
    assert [json.loads(ln) for ln in rest.splitlines()] == [result("last", {})]


def test_eof_mid_message_exits_zero(mcp):
    mcp.initialize()
    mcp.send(b'{"jsonrpc":"2.0","id":3,"method":"tools/ca')
    rc, rest, err = mcp.close()
    assert (rc, err) == (0, b"")
    assert [json.loads(ln) for ln in rest.splitlines()] == [error(None, PARSE_ERROR, "Parse error")]


def test_eof_mid_oversized_line_exits_zero(ready):
    ready.send(b"{" + b" " * (33 * 1024 * 1024))
    rc, rest, err = ready.close()
    assert (rc, err) == (0, b"")
    assert [json.loads(ln) for ln in rest.splitlines()] == [
        error(None, PARSE_ERROR, "Parse error: message longer than 32 MiB")]


def test_eof_right_after_initialize(mcp):
    mcp.initialize()
    rc, rest, err = mcp.close()
    assert (rc, rest, err) == (0, b"", b"")


def test_eof_before_anything(mcp):
    assert mcp.close() == (0, b"", b"")


def test_stdout_carries_only_json_rpc_lines(mcp):
    feed = [json.dumps(req(0, "initialize", {"protocolVersion": "2025-03-26"})).encode(),
            b"garbage", b"", b"[", json.dumps(BATCH).encode(), b'{"jsonrpc":"2.0"}',
            json.dumps(req(1, "tools/list")).encode(),
            json.dumps(tool(2, "email_list", {"mailbox": "alice"})).encode(),
            json.dumps(tool(3, "hook_create", {"mailbox": "alice"})).encode(),
            b"\xc0\x80", b"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}\r"]
    mcp.send(b"\n".join(feed) + b"\n")
    rc, rest, err = mcp.close()
    assert rc == 0
    lines = rest.split(b"\n")
    assert lines[-1] == b""
    replies = [json.loads(ln) for ln in lines[:-1]]
    assert len(replies) == 10  # every non-blank line gets exactly one reply line
    for r in replies:
        for one in (r if isinstance(r, list) else [r]):
            assert one["jsonrpc"] == "2.0" and ("result" in one) != ("error" in one)
    assert replies[-1] == result(4, {})
    assert b"{" not in err


def test_request_dribbled_byte_by_byte(ready):
    for b in json.dumps(req("slow", "ping")).encode() + b"\n":
        ready.send(bytes([b]))
    assert ready.reply() == result("slow", {})


def test_pipelined_requests_answered_in_order(ready):
    ready.send(b"".join(json.dumps(req(k, "ping")).encode() + b"\n" for k in range(200)))
    assert [ready.reply() for _ in range(200)] == [result(k, {}) for k in range(200)]


def test_client_that_stops_reading_gets_exit_1(ready):
    ready.proc.stdout.close()
    ready.send(json.dumps(req(1, "tools/list")).encode() + b"\n")
    ready.proc.stdin.close()
    assert ready.proc.wait(timeout=HANG_GUARD) == 1
    assert ready.stderr() == b"aimx mcp: Broken pipe\n"


def test_extra_arguments_are_a_usage_error(aimx, env):
    r = subprocess.run(as_user(ALICE, [aimx, "mcp", "x"]), env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=HANG_GUARD)
    assert (r.returncode, r.stdout) == (2, b"")
    assert r.stderr == b"aimx mcp: takes no arguments\n"


# --- through the daemon, as real users ---

@pytest.fixture(scope="module")
def daemon(aimx):
    with daemon_under_tmp(aimx, "aimx-it-mcp-") as d:
        yield d


@pytest.mark.parametrize("user,mailbox", [(ALICE, "alice"), (BOB, "bob")])
def test_mailbox_list_as_user_shows_own_mailboxes_only(aimx, daemon, user, mailbox):
    m = Mcp(aimx, dict(daemon.env), user)
    try:
        m.initialize()
        got = m.call(tool(1, "mailbox_list"))
        assert got["id"] == 1 and got["result"]["isError"] is False
        rows = json.loads(got["result"]["content"][0]["text"])
        assert [(r["name"], r["address"]) for r in rows] == [(mailbox, f"{mailbox}@{DOMAIN}")]
        assert rows[0]["inbox_path"] == os.path.join(daemon.data, "inbox", mailbox)
        got = m.call(tool("x", "email_list", {"mailbox": "catchall"}))
        assert got == text_result("x", "Mailbox 'catchall' does not exist.", True)
        rc, rest, err = m.close()
        assert (rc, rest, err) == (0, b"", b"")
    finally:
        m.kill()
