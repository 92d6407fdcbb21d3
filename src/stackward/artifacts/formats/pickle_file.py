"""Pickle files: plain, stacked, joblib dumps and legacy (pre-zip) ``torch.save`` files.

Each stream is simulated by :class:`PickleMachine`; the globals of all streams in one source
are judged together at the end (so a global that is referenced early and called later is
reported once, as called), even when the scan stops early on a budget.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from stackward.artifacts.context import ScanContext
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.pickle.machine import PickleMachine, looks_like_stream_start
from stackward.artifacts.pickle.policy import Category, Verdict, classify, is_deserializer
from stackward.artifacts.pickle.sniff import looks_like_pickle
from stackward.artifacts.pickle.values import (
    Call,
    DictValue,
    Global,
    GlobalRef,
    PickleTrace,
    StreamProblem,
    Use,
)
from stackward.artifacts.source import ByteSource, BytesSource, SliceSource
from stackward.model import Severity

MAX_STACKED = 10_000
"""Streams read back to back from one source before the rest is reported unscanned."""
LEGACY_TORCH_PICKLES = 5
"""magic number, protocol version, sys_info, the object, the storage keys."""
_JOBLIB_WRAPPERS = frozenset(
    {
        "joblib.numpy_pickle.NumpyArrayWrapper",
        "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
    }
)
_DTYPE_CODE = re.compile(r"[<>|=]?([a-zA-Z])(\d*)")
_ITEMSIZE = {
    "b": 1,
    "B": 1,
    "?": 1,
    "h": 2,
    "H": 2,
    "e": 2,
    "i": 4,
    "I": 4,
    "f": 4,
    "l": 8,
    "L": 8,
    "q": 8,
    "Q": 8,
    "d": 8,
    "g": 16,
    "F": 8,
    "D": 16,
    "G": 32,
    "M": 8,
    "m": 8,
}


@dataclass(slots=True)
class _Scan:
    """Everything learned from the streams of one source."""

    source: ByteSource
    ctx: ScanContext
    extensions: dict[int, tuple[str, str]] = field(default_factory=dict)
    refs: list[GlobalRef] = field(default_factory=list)
    traces: list[PickleTrace] = field(default_factory=list)
    nested_depth: int = 0

    def run_stream(self, start: int) -> PickleTrace:
        machine = PickleMachine(
            self.source, start, self.ctx, self.extensions, on_build=self._after_build
        )
        trace = machine.trace
        self.traces.append(trace)
        try:
            machine.run()
        finally:
            self.refs.extend(trace.globals)
        for problem in trace.problems:
            _report_problem(self.ctx, problem)
        return trace

    def _after_build(self, instance: Call, offset: int) -> int | None:
        """joblib writes an array's raw bytes (or a nested pickle) right after its wrapper.

        Returns where the stream resumes; the source size when the rest cannot be followed
        (already reported here)."""
        if not isinstance(instance.func, Global):
            return None
        ref = instance.func.ref
        if f"{ref.module}.{ref.name}" not in _JOBLIB_WRAPPERS:
            return None
        return self._skip_joblib_array(instance.state, offset)

    def _skip_joblib_array(self, state: object, offset: int) -> int | None:
        """Where the stream resumes after the array data that follows a wrapper's BUILD."""
        if not isinstance(state, DictValue):
            return None
        info = _dtype_info(state.get("dtype"))
        shape = state.get("shape")
        sized = isinstance(shape, tuple) and all(isinstance(n, int) and n >= 0 for n in shape)
        if info is None or not sized or not isinstance(shape, tuple):
            self.ctx.unscannable(
                "joblib array with a dtype or shape the scanner cannot size; the rest of"
                " the stream was not analysed",
                symbol="joblib array",
                severity=Severity.MEDIUM,
            )
            return self.source.size
        kind, itemsize = info
        if kind == "O":
            return self._nested_stream_end(offset)
        position = offset
        if isinstance(state.get("numpy_array_alignment_bytes"), int):
            padding = self.source.read_at(position, 1)
            if not padding:
                return self.source.size
            position += 1 + padding[0]
        count = math.prod(n for n in shape if isinstance(n, int))
        return min(position + itemsize * count, self.source.size)

    def _nested_stream_end(self, offset: int) -> int:
        if self.nested_depth >= self.ctx.limits.max_depth:
            self.ctx.unscannable("object arrays nested too deeply", severity=Severity.MEDIUM)
            return self.source.size
        self.nested_depth += 1
        try:
            trace = self.run_stream(offset)
        finally:
            self.nested_depth -= 1
        return trace.end if trace.completed else self.source.size

    def finish(self) -> None:
        _judge(self.ctx, self.refs)
        for trace in self.traces:
            _scan_nested_bytes(self.source, self.ctx, trace)
        if self.traces:
            props = self.ctx.report.properties
            protocol = max(t.protocol for t in self.traces)
            props["pickle_protocol"] = max(protocol, _as_int(props.get("pickle_protocol")))
            opcodes = sum(t.opcodes for t in self.traces)
            props["pickle_opcodes"] = opcodes + _as_int(props.get("pickle_opcodes"))
            props["pickle_streams"] = len(self.traces) + _as_int(props.get("pickle_streams"))


def _as_int(value: object) -> int:
    """A property another pickle of the same artifact already set (zip members add up)."""
    return value if isinstance(value, int) else 0


def _dtype_info(dtype: object) -> tuple[str, int] | None:
    """``(kind, itemsize)`` of a simulated ``numpy.dtype(code, align, copy)`` call."""
    if not isinstance(dtype, Call) or not isinstance(dtype.args, tuple) or not dtype.args:
        return None
    code = dtype.args[0]
    if not isinstance(code, str):
        return None
    match = _DTYPE_CODE.fullmatch(code)
    if match is None:
        return None
    kind, digits = match.group(1), match.group(2)
    state = dtype.state
    if isinstance(state, tuple) and len(state) >= 6 and isinstance(state[5], int) and state[5] > 0:
        return kind, state[5]
    if kind == "O":
        return kind, 8
    if digits:
        size = int(digits)
        return kind, size * 4 if kind == "U" else size
    known = _ITEMSIZE.get(kind)
    return None if known is None else (kind, known)


def _report_problem(ctx: ScanContext, problem: StreamProblem) -> None:
    if problem.kind == "dynamic":
        ctx.issue(
            IssueKind.CODE_EXECUTION,
            Severity.CRITICAL,
            f"dynamic import: {problem.message}; the loaded global is computed at load time",
            symbol=problem.symbol,
            offset=problem.offset,
        )
    elif problem.kind == "ext":
        ctx.issue(
            IssueKind.UNAPPROVED_IMPORT,
            Severity.HIGH,
            problem.message,
            symbol=problem.symbol,
            offset=problem.offset,
        )
    elif problem.kind == "limit":
        ctx.unscannable(
            f"pickle not fully analysed: {problem.message}",
            symbol="pickle limit",
            severity=Severity.MEDIUM,
        )
    else:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.LOW,
            f"pickle stream is malformed at byte {problem.offset}: {problem.message};"
            " nothing after it was analysed",
            symbol="malformed pickle",
            offset=problem.offset,
        )


_USE_ORDER = (Use.CALLED, Use.BUILT, Use.INSTANTIATED, Use.REFERENCED)


def _judge(ctx: ScanContext, refs: list[GlobalRef]) -> None:
    """Record every global and raise one issue per unsafe qualified name."""
    merged: dict[str, tuple[GlobalRef, set[Use]]] = {}
    verdicts: dict[str, Verdict] = {}
    seen: dict[tuple[str, str], Verdict] = {}
    for ref in refs:
        verdict = seen.get((ref.module, ref.name))
        if verdict is None:
            verdict = classify(ref.module, ref.name, ctx.allow_globals)
            seen[ref.module, ref.name] = verdict
            ctx.report.globals.add(verdict.qualified)
        verdicts[verdict.qualified] = verdict
        first, uses = merged.setdefault(verdict.qualified, (ref, set()))
        uses.update(ref.uses or {Use.REFERENCED})
    for qualified, (first, uses) in merged.items():
        verdict = verdicts[qualified]
        use = next(u for u in _USE_ORDER if u in uses)
        if verdict.category is Category.DANGEROUS:
            ctx.issue(
                IssueKind.CODE_EXECUTION,
                Severity.CRITICAL,
                f"{qualified} {verdict.reason} (global {use.value})",
                symbol=qualified,
                offset=first.offset,
            )
        elif verdict.category is Category.UNAPPROVED:
            severe = use in (Use.CALLED, Use.BUILT)
            ctx.issue(
                IssueKind.UNAPPROVED_IMPORT,
                Severity.HIGH if severe else Severity.MEDIUM,
                f"{qualified} {verdict.reason} and is {use.value} when the pickle is loaded;"
                " loading imports its module",
                symbol=qualified,
                offset=first.offset,
            )


def _scan_nested_bytes(source: ByteSource, ctx: ScanContext, trace: PickleTrace) -> None:
    """A deserializer called with a bytes literal: scan the literal as a pickle."""
    for call in trace.bytes_calls:
        if not is_deserializer(classify(call.ref.module, call.ref.name, ctx.allow_globals)):
            continue
        payload = call.payload
        name = f"<nested pickle @{call.offset}>"
        if isinstance(payload, bytes):
            ctx.scan_member(name, BytesSource(payload, name), "pickle")
        elif payload.length <= ctx.limits.max_nested_pickle:
            ctx.scan_member(
                name, SliceSource(source, payload.offset, payload.length, name), "pickle"
            )
        else:
            ctx.unscannable(
                f"nested pickle of {payload.length} bytes is larger than the nested limit",
                symbol=name,
                severity=Severity.MEDIUM,
            )


def _another_stream_follows(source: ByteSource, offset: int) -> bool:
    """``pickle.load`` called again on the same file reads whatever pickle comes next."""
    head = source.read_at(offset, 4096)
    return looks_like_stream_start(head) or looks_like_pickle(head)


def scan_pickle(source: ByteSource, ctx: ScanContext) -> None:
    """Scan a pickle stream and any pickles stacked after it."""
    scan = _Scan(source, ctx)
    try:
        offset = 0
        for _ in range(MAX_STACKED):
            trace = scan.run_stream(offset)
            if not trace.completed or trace.end >= source.size:
                break
            if not _another_stream_follows(source, trace.end):
                break
            offset = trace.end
        else:
            ctx.unscannable(
                f"more than {MAX_STACKED} stacked pickles; the rest were not analysed",
                symbol="stacked pickles",
                severity=Severity.MEDIUM,
            )
    finally:
        scan.finish()


def scan_pytorch_legacy(source: ByteSource, ctx: ScanContext) -> None:
    """Scan a legacy ``torch.save`` file: five pickles, then raw storage bytes (not parsed)."""
    scan = _Scan(source, ctx)
    try:
        offset = 0
        for _ in range(LEGACY_TORCH_PICKLES):
            trace = scan.run_stream(offset)
            if not trace.completed:
                return
            offset = trace.end
        ctx.report.properties["torch_legacy_storage_bytes"] = source.size - offset
    finally:
        scan.finish()


__all__ = ["scan_pickle", "scan_pytorch_legacy"]
