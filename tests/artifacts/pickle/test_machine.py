"""Opcode simulation: every way a stream can name, call or hide a global."""

from __future__ import annotations

import pickle
import struct

import pytest

from stackward.artifacts import IssueKind
from stackward.artifacts.context import ScanContext
from stackward.artifacts.issues import ArtifactReport
from stackward.artifacts.limits import ScanLimits
from stackward.artifacts.pickle.machine import PickleMachine
from stackward.artifacts.pickle.values import Use
from stackward.artifacts.source import BytesSource
from tests.artifacts.pickle.build import (
    BUILD,
    EMPTY_DICT,
    EMPTY_TUPLE,
    MARK,
    MARKER_COMMAND,
    MEMOIZE,
    NEWOBJ,
    NEWOBJ_EX,
    NONE,
    PROTO2,
    REDUCE,
    STACK_GLOBAL,
    STOP,
    TUPLE1,
    TUPLE2,
    TUPLE3,
    binbytes,
    binget,
    binint,
    binput,
    binunicode,
    call,
    ext,
    frame,
    glob,
    inst,
    long_binget,
    long_binput,
    scan,
    severities,
    short_str,
    system_call,
    worst,
)

P4 = b"\x80\x04"
CMD = binunicode(MARKER_COMMAND)


def trace_of(data: bytes) -> PickleMachine:
    ctx = ScanContext.start(ArtifactReport("t", len(data)))
    machine = PickleMachine(BytesSource(data, "t"), 0, ctx)
    machine.run()
    return machine


OPCODE_CASES = [
    # (id, stream, symbol, expected severity)
    ("global-reduce", system_call(), "os.system", "critical"),
    (
        "protocol0-text",
        b"cos\nsystem\n(V" + MARKER_COMMAND.encode() + b"\ntR.",
        "os.system",
        "critical",
    ),
    ("inst", b"(" + CMD + inst("os", "system") + STOP, "os.system", "critical"),
    ("obj", PROTO2 + MARK + glob("os", "system") + CMD + b"o" + STOP, "os.system", "critical"),
    (
        "stack-global",
        P4 + short_str("os") + short_str("system") + STACK_GLOBAL + CMD + TUPLE1 + REDUCE + STOP,
        "os.system",
        "critical",
    ),
    (
        "stack-global-framed",
        P4
        + frame(
            short_str("subprocess")
            + short_str("getoutput")
            + STACK_GLOBAL
            + CMD
            + TUPLE1
            + REDUCE
            + STOP
        ),
        "subprocess.getoutput",
        "critical",
    ),
    (
        "newobj-unapproved",
        PROTO2 + glob("mypkg.models", "Net") + EMPTY_TUPLE + NEWOBJ + STOP,
        "mypkg.models.Net",
        "medium",
    ),
    (
        "newobj-ex-unapproved",
        P4 + glob("mypkg.models", "Net") + EMPTY_TUPLE + EMPTY_DICT + NEWOBJ_EX + STOP,
        "mypkg.models.Net",
        "medium",
    ),
    ("reduce-unapproved", call("mypkg.models", "build", "x"), "mypkg.models.build", "high"),
    ("obj-unapproved", PROTO2 + MARK + glob("mypkg", "Net") + b"o" + STOP, "mypkg.Net", "high"),
    ("inst-unapproved", MARK + inst("mypkg", "Net") + STOP, "mypkg.Net", "high"),
    (
        "build-on-global",
        PROTO2 + glob("mypkg", "Net") + EMPTY_DICT + BUILD + STOP,
        "mypkg.Net",
        "high",
    ),
    ("referenced-only", PROTO2 + glob("mypkg", "helper") + STOP, "mypkg.helper", "medium"),
    ("dangerous-referenced-only", PROTO2 + glob("os", "system") + STOP, "os.system", "critical"),
    (
        "dotted-name",
        call("torch", "serialization.os.system", MARKER_COMMAND),
        "torch.serialization.os.system",
        "critical",
    ),
    ("py2-alias", call("__builtin__", "eval", "1"), "builtins.eval", "critical"),
    ("posix-alias", call("posix", "system", MARKER_COMMAND), "os.system", "critical"),
    ("persid", PROTO2 + b"Pkey\n" + STOP, "", "none"),
    (
        "binpersid-torch-storage",
        PROTO2
        + MARK
        + short_str("storage")
        + glob("torch", "FloatStorage")
        + short_str("0")
        + short_str("cpu")
        + binint(4)
        + b"t"
        + b"Q"
        + STOP,
        "",
        "none",
    ),
]


@pytest.mark.parametrize(
    ("stream", "symbol", "expected"),
    [case[1:] for case in OPCODE_CASES],
    ids=[case[0] for case in OPCODE_CASES],
)
def test_opcode_paths(stream: bytes, symbol: str, expected: str) -> None:
    report = scan(stream)
    if expected == "none":
        assert worst(report) == "none", report.issues
    else:
        assert severities(report)[symbol] == expected, report.issues
        issue = next(i for i in report.issues if i.symbol == symbol)
        assert issue.offset is not None
        assert symbol in report.globals


MEMO_CASES = [
    (
        "binput-binget",
        P4
        + short_str("os")
        + binput(1)
        + short_str("system")
        + binput(2)
        + binget(1)
        + binget(2)
        + STACK_GLOBAL
        + CMD
        + TUPLE1
        + REDUCE
        + STOP,
    ),
    (
        "memoize-binget",
        P4
        + short_str("nt")
        + MEMOIZE
        + short_str("system")
        + MEMOIZE
        + binget(0)
        + binget(1)
        + STACK_GLOBAL
        + CMD
        + TUPLE1
        + REDUCE
        + STOP,
    ),
    (
        "long-binput",
        P4
        + short_str("os")
        + long_binput(70000)
        + short_str("system")
        + long_binput(70001)
        + long_binget(70000)
        + long_binget(70001)
        + STACK_GLOBAL
        + CMD
        + TUPLE1
        + REDUCE
        + STOP,
    ),
    (
        "text-put-get",
        b"Vos\np0\n0Vsystem\np1\n0"
        + b"\x80\x04"
        + b"g0\ng1\n"
        + STACK_GLOBAL
        + CMD
        + TUPLE1
        + REDUCE
        + STOP,
    ),
    (
        "global-memoised-then-called",
        PROTO2 + glob("os", "system") + binput(0) + b"0" + binget(0) + CMD + TUPLE1 + REDUCE + STOP,
    ),
    (
        "dup",
        P4
        + short_str("os")
        + b"2"
        + b"0"
        + short_str("system")
        + STACK_GLOBAL
        + CMD
        + TUPLE1
        + REDUCE
        + STOP,
    ),
]


@pytest.mark.parametrize("stream", [c[1] for c in MEMO_CASES], ids=[c[0] for c in MEMO_CASES])
def test_memo_tricks_resolve_to_the_real_global(stream: bytes) -> None:
    assert severities(scan(stream))["os.system"] == "critical"


@pytest.mark.parametrize(
    "stream",
    [
        P4 + short_str("o") + short_str("s") + TUPLE2 + short_str("system") + STACK_GLOBAL + STOP,
        P4
        + glob("builtins", "str")
        + short_str("os")
        + TUPLE1
        + REDUCE
        + short_str("system")
        + STACK_GLOBAL
        + STOP,
        P4 + NONE + short_str("system") + STACK_GLOBAL + STOP,
    ],
    ids=["tuple-module", "computed-module", "none-module"],
)
def test_stack_global_on_computed_operands_is_a_dynamic_import(stream: bytes) -> None:
    report = scan(stream)
    dynamic = [i for i in report.issues if i.symbol.startswith("STACK_GLOBAL")]
    assert dynamic and dynamic[0].severity.label == "critical"
    assert dynamic[0].kind is IssueKind.CODE_EXECUTION


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        (PROTO2 + ext(1) + CMD + TUPLE1 + REDUCE + STOP, {"EXT 1": "high"}),
        (PROTO2 + ext(300) + STOP, {"EXT 300": "high"}),
        (PROTO2 + ext(70000) + STOP, {"EXT 70000": "high"}),
        (
            PROTO2
            + glob("copyreg", "add_extension")
            + short_str("os")
            + short_str("system")
            + binint(42)
            + TUPLE3
            + REDUCE
            + b"0"
            + ext(42)
            + CMD
            + TUPLE1
            + REDUCE
            + STOP,
            {"copyreg.add_extension": "critical", "os.system": "critical"},
        ),
        (
            PROTO2
            + glob("copy_reg", "add_extension")
            + short_str("mypkg")
            + short_str("f")
            + binint(7)
            + TUPLE3
            + REDUCE
            + b"0"
            + ext(7)
            + EMPTY_TUPLE
            + REDUCE
            + STOP,
            {"copyreg.add_extension": "critical", "mypkg.f": "high"},
        ),
    ],
    ids=[
        "ext1-unregistered",
        "ext2-unregistered",
        "ext4-unregistered",
        "registered-os",
        "registered-py2-name",
    ],
)
def test_extension_codes(stream: bytes, expected: dict[str, str]) -> None:
    found = severities(scan(stream))
    for symbol, severity in expected.items():
        assert found[symbol] == severity, found
    assert not any(s.startswith("EXT") for s in found if s not in expected)


def test_uses_are_recorded_per_global() -> None:
    stream = (
        PROTO2
        + glob("a", "Called")
        + EMPTY_TUPLE
        + REDUCE
        + b"0"
        + glob("a", "New")
        + EMPTY_TUPLE
        + NEWOBJ
        + b"0"
        + glob("a", "Built")
        + EMPTY_DICT
        + BUILD
        + b"0"
        + glob("a", "Ref")
        + b"0"
        + glob("copyreg", "_reconstructor")
        + glob("a", "Recon")
        + glob("builtins", "object")
        + NONE
        + TUPLE3
        + REDUCE
        + STOP
    )
    machine = trace_of(stream)
    uses = {r.name: r.uses for r in machine.trace.globals}
    assert uses["Called"] == {Use.CALLED}
    assert uses["New"] == {Use.INSTANTIATED}
    assert uses["Built"] == {Use.BUILT}
    assert uses["Ref"] == set()
    assert uses["Recon"] == {Use.INSTANTIATED}
    assert machine.trace.completed


def test_first_offset_and_merged_use() -> None:
    stream = PROTO2 + glob("mypkg", "f") + b"0" + glob("mypkg", "f") + EMPTY_TUPLE + REDUCE + STOP
    report = scan(stream)
    (issue,) = report.issues
    assert (issue.severity.label, issue.offset) == ("high", 2)


MALFORMED_CASES = [
    ("truncated-after-payload", system_call()[:-1]),
    ("unknown-opcode", system_call()[:-1] + b"\xff" + STOP),
    ("underflow", system_call()[:-1] + REDUCE + REDUCE + STOP),
    ("length-past-end", system_call()[:-1] + b"X" + struct.pack("<I", 1 << 30) + b"abc"),
    ("frame-past-end", system_call()[:-1] + b"\x95" + struct.pack("<Q", 1 << 40)),
    ("missing-memo", system_call()[:-1] + binget(9) + STOP),
    ("no-mark", system_call()[:-1] + b"t" + STOP),
    ("bad-protocol", system_call()[:-1] + b"\x80\x09" + STOP),
    ("bad-text-int", system_call()[:-1] + b"Iabc\n" + STOP),
    ("unterminated-line", system_call()[:-1] + b"Vabc"),
    ("huge-bytes8", system_call()[:-1] + b"\x8e" + struct.pack("<Q", (1 << 64) - 1)),
]


@pytest.mark.parametrize(
    "stream", [c[1] for c in MALFORMED_CASES], ids=[c[0] for c in MALFORMED_CASES]
)
def test_malformed_streams_keep_what_came_before(stream: bytes) -> None:
    report = scan(stream)
    found = severities(report)
    assert found["os.system"] == "critical"
    malformed = [i for i in report.issues if i.kind is IssueKind.MALFORMED]
    assert malformed and malformed[0].severity.label == "low"
    assert malformed[0].offset is not None and malformed[0].offset >= 0


@pytest.mark.parametrize(
    "stream",
    [b"\x80\x02", b"\x80\x02(((((", b"\x80\x05\x95", b"\x80\x02\x8c\xff", b"\x80\x04" + b"0" * 10],
    ids=["proto-only", "marks-only", "cut-frame", "cut-string", "pop-empty"],
)
def test_malformed_benign_streams_are_low(stream: bytes) -> None:
    assert worst(scan(stream)) == "low"


def test_opcode_limit_is_reported_unscanned() -> None:
    stream = PROTO2 + b"N0" * 100 + glob("os", "system") + STOP
    report = scan(stream, limits=ScanLimits(max_pickle_opcodes=50))
    assert "os.system" not in report.globals
    assert severities(report)["pickle limit"] == "medium"


def test_long_strings_are_skipped_not_kept() -> None:
    big = "x" * 100_000
    stream = P4 + binunicode(big) + short_str("system") + STACK_GLOBAL + STOP
    report = scan(stream, limits=ScanLimits(max_retained_string=64))
    assert any(i.symbol.startswith("STACK_GLOBAL") for i in report.issues)


NESTED_INNER = system_call()


@pytest.mark.parametrize(
    "stream",
    [
        PROTO2 + glob("pickle", "loads") + binbytes(NESTED_INNER) + TUPLE1 + REDUCE + STOP,
        PROTO2
        + glob("_pickle", "loads")
        + binbytes(NESTED_INNER + b"\0" * 9000)
        + TUPLE1
        + REDUCE
        + STOP,
        PROTO2
        + glob("dill", "loads")
        + glob("_codecs", "encode")
        + binunicode(NESTED_INNER.decode("latin-1"))
        + short_str("latin1")
        + TUPLE2
        + REDUCE
        + TUPLE1
        + REDUCE
        + STOP,
        pickle.dumps(NESTED_INNER, protocol=2)[:-1].replace(
            b"\x80\x02", PROTO2 + glob("torch.storage", "_load_from_bytes"), 1
        )
        + TUPLE1
        + REDUCE
        + STOP,
    ],
    ids=["pickle-loads", "large-literal", "codecs-encoded", "torch-load-from-bytes"],
)
def test_nested_pickles_are_scanned(stream: bytes) -> None:
    report = scan(stream)
    nested = [i for i in report.issues if i.symbol == "os.system"]
    assert nested and nested[0].member.startswith("<nested pickle @")


def test_bytes_to_a_safe_callable_are_not_rescanned() -> None:
    stream = PROTO2 + glob("builtins", "bytearray") + binbytes(NESTED_INNER) + TUPLE1 + REDUCE
    report = scan(stream + STOP)
    assert worst(report) == "none"


def test_containers_and_literals_do_not_raise_issues() -> None:
    value = {
        "ints": [0, 1, 255, 65535, -1, 2**40, 2**80],
        "floats": [0.5, float("inf")],
        "text": ["", "é", "x" * 5000],
        "bytes": [b"", b"y" * 5000, bytearray(b"z")],
        "nested": ((1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)),
        "sets": [{1, 2}, frozenset({3})],
        "flags": [True, False, None],
    }
    for protocol in range(6):
        assert worst(scan(pickle.dumps(value, protocol=protocol))) == "none", protocol


@pytest.mark.parametrize(
    "opcode",
    [b"V", b"S'"],
    ids=["unicode-line", "string-line"],
)
@pytest.mark.parametrize("length", [10, 5000, 3 * 1024 * 1024], ids=["short", "long", "huge"])
def test_long_text_lines_do_not_hide_what_follows(opcode: bytes, length: int) -> None:
    closing = b"'" if opcode == b"S'" else b""
    stream = (
        MARK
        + opcode
        + b"x" * length
        + closing
        + b"\n0"
        + b"cos\nsystem\n(V"
        + MARKER_COMMAND.encode()
        + b"\ntR."
    )
    report = scan(stream)
    assert report.format == "pickle"
    assert severities(report) == {"os.system": "critical"}
