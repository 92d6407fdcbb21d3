"""A tolerant pickle opcode reader and stack/memo simulator that never imports or calls.

The simulator models just enough of the unpickler to know, for every global a stream names,
where it came from (a ``GLOBAL``/``INST`` literal, a ``STACK_GLOBAL`` over memoised strings,
a registered ``EXT`` code) and how the stream uses it (called, instantiated, given state,
only referenced). Values are small typed stand-ins; nothing in the stream is ever executed.

Unlike :func:`pickletools.genops`, a malformed stream does not lose what came before it:
the simulator stops at the first structural error and returns everything it found.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from stackward.artifacts.context import ScanContext
from stackward.artifacts.pickle.stream import OpcodeReader as _Reader
from stackward.artifacts.pickle.stream import StreamStop as _Stop
from stackward.artifacts.pickle.stream import decimal_arg as _decimal
from stackward.artifacts.pickle.stream import quoted_arg as _quoted
from stackward.artifacts.pickle.values import (
    UNKNOWN,
    BuildHook,
    BytesCall,
    BytesRef,
    Call,
    DictValue,
    Global,
    GlobalRef,
    LongText,
    Persistent,
    PickleTrace,
    SetValue,
    StreamProblem,
    Use,
)
from stackward.artifacts.source import ByteSource

TIME_CHECK_EVERY = 1 << 16
MAX_CONTAINER_ITEMS = 10_000
"""Items retained per simulated list/dict/set; the rest are counted, not kept."""
MAX_STACK = 2_000_000
MAX_MEMO = 2_000_000
MAX_BYTES_CALLS = 1_000


class _Signal:
    """What an opcode handler returns when it has nothing to push (or the stream ended)."""

    __slots__ = ()


_NOTHING = _Signal()
_STOPPED = _Signal()


class PickleMachine:
    """Simulate one pickle stream of ``source`` starting at ``start``."""

    def __init__(
        self,
        source: ByteSource,
        start: int,
        ctx: ScanContext,
        extensions: dict[int, tuple[str, str]] | None = None,
        on_build: BuildHook | None = None,
    ) -> None:
        self._reader = _Reader(source, start)
        self._ctx = ctx
        self._keep = ctx.limits.max_retained_string
        self._stack: list[object] = []
        self._marks: list[int] = []
        self._memo: dict[int, object] = {}
        self._extensions = extensions if extensions is not None else {}
        self._on_build = on_build
        self.trace = PickleTrace(start=start)

    def run(self) -> PickleTrace:
        """Simulate until STOP, a structural error or a limit; never raises on bad data
        (only :class:`BudgetExceeded` from the time check)."""
        trace = self.trace
        limit = self._ctx.limits.max_pickle_opcodes
        reader = self._reader
        stack = self._stack
        handlers = _HANDLERS
        read = reader.raw_read
        count = 0
        try:
            while True:
                if count >= limit:
                    trace.problems.append(
                        StreamProblem("limit", f"stopped after {limit} opcodes", reader.pos)
                    )
                    break
                count += 1
                if not count % TIME_CHECK_EVERY:
                    self._ctx.check_time()
                    if len(stack) > MAX_STACK:
                        raise _Stop("stack grows past the simulation limit", reader.pos, "limit")
                offset = reader.pos
                data = read(1)
                if not data:
                    raise _Stop("data ends before STOP", offset)
                reader.pos = offset + 1
                code = data[0]
                handler = handlers.get(code)
                if handler is None:
                    raise _Stop(f"unknown opcode 0x{code:02x}", offset)
                result = handler(self, offset)
                if result is _NOTHING:
                    continue
                if result is _STOPPED:
                    trace.completed = True
                    break
                stack.append(result)
        except _Stop as stop:
            if stop.kind != "quiet":
                trace.problems.append(StreamProblem(stop.kind, stop.message, stop.offset))
        finally:
            trace.opcodes = count
        trace.end = reader.pos
        return trace

    # -- stack helpers -------------------------------------------------------------------

    def _pop(self, offset: int) -> object:
        floor = self._marks[-1] if self._marks else 0
        if len(self._stack) <= floor:
            raise _Stop("stack underflow", offset)
        return self._stack.pop()

    def _top(self, offset: int) -> object:
        floor = self._marks[-1] if self._marks else 0
        if len(self._stack) <= floor:
            raise _Stop("stack underflow", offset)
        return self._stack[-1]

    def _pop_mark(self, offset: int) -> list[object]:
        if not self._marks:
            raise _Stop("no MARK on the stack", offset)
        at = self._marks.pop()
        items = self._stack[at:]
        del self._stack[at:]
        return items

    def _text(self, raw: bytes, encoding: str, offset: int) -> object:
        try:
            text = raw.decode(encoding, "surrogatepass")
        except UnicodeDecodeError:
            raise _Stop("undecodable string literal", offset) from None
        return text

    def _text_line(self, offset: int, quoted: bool) -> object:
        head, length = self._reader.long_line(self._keep)
        if length > self._keep:
            return LongText(head.decode("latin-1"), length)
        if quoted:
            return self._text(_quoted(head, offset), "latin-1", offset)
        return self._text(head, "raw_unicode_escape", offset)

    def _long_text(self, length: int, encoding: str, offset: int) -> object:
        if length <= self._keep:
            return self._text(self._reader.take(length), encoding, offset)
        head = self._reader.take(self._keep)
        self._reader.skip(length - self._keep)
        return LongText(head.decode(encoding, "replace"), length)

    def _long_bytes(self, length: int) -> object:
        if length <= self._keep:
            return self._reader.take(length)
        ref = BytesRef(self._reader.pos, length)
        self._reader.skip(length)
        return ref

    def _global(self, module: object, name: object, offset: int, via: str) -> object:
        if not isinstance(module, str) or not isinstance(name, str):
            self.trace.problems.append(
                StreamProblem(
                    "dynamic",
                    f"{via} imports a module or name that is not a constant string",
                    offset,
                    f"{via} ({_describe(module)}, {_describe(name)})",
                )
            )
            return UNKNOWN
        ref = GlobalRef(module, name, offset, via=via)
        self.trace.globals.append(ref)
        return Global(ref)

    def _memo_put(self, key: int, offset: int) -> None:
        if len(self._memo) >= MAX_MEMO and key not in self._memo:
            raise _Stop("memo grows past the simulation limit", offset, "limit")
        self._memo[key] = self._top(offset)

    def _call(self, func: object, args: object, offset: int, use: Use) -> Call:
        if isinstance(func, Global):
            func.ref.uses.add(use)
            self._inspect_call(func.ref, args, offset)
        return Call(func, args, offset)

    def _inspect_call(self, ref: GlobalRef, args: object, offset: int) -> None:
        if not isinstance(args, tuple) or not args:
            return
        first = args[0]
        qualified = f"{ref.module}.{ref.name}"
        if qualified in _RECONSTRUCTORS and isinstance(first, Global):
            first.ref.uses.add(Use.INSTANTIATED)
        if qualified in _ADD_EXTENSION and len(args) == 3:
            module, name, code = args
            if isinstance(module, str) and isinstance(name, str) and isinstance(code, int):
                self._extensions[code] = (module, name)
        if isinstance(first, bytes | BytesRef) and len(self.trace.bytes_calls) < MAX_BYTES_CALLS:
            self.trace.bytes_calls.append(BytesCall(ref, first, offset))

    def _build_done(self, target: Call) -> None:
        if self._on_build is None:
            return
        resume = self._on_build(target, self._reader.pos)
        if resume is not None:
            if resume < self._reader.pos or resume > self._reader.size:
                raise _Stop("embedded data runs past the end", self._reader.pos)
            if resume == self._reader.size:
                raise _Stop("embedded data ends the stream", resume, "quiet")
            self._reader.seek(resume)


def _describe(value: object) -> str:
    if isinstance(value, str):
        return repr(value[:64])
    if isinstance(value, Global):
        return f"{value.ref.module}.{value.ref.name}"
    if isinstance(value, Call):
        return f"result of {_describe(value.func)}(...)"
    return type(value).__name__


_RECONSTRUCTORS = frozenset(
    {
        "copyreg._reconstructor",
        "copy_reg._reconstructor",
        "copyreg.__newobj__",
        "copyreg.__newobj_ex__",
    }
)
_ADD_EXTENSION = frozenset({"copyreg.add_extension", "copy_reg.add_extension"})


def _codecs_encode(func: object, args: object) -> bytes | None:
    """``_codecs.encode(text, 'latin1')`` is how protocol 2 writes bytes; fold it."""
    if not isinstance(func, Global) or func.ref.module != "_codecs" or func.ref.name != "encode":
        return None
    if not (isinstance(args, tuple) and len(args) == 2 and isinstance(args[0], str)):
        return None
    if args[1] not in ("latin1", "latin-1"):
        return None
    try:
        return args[0].encode("latin-1")
    except UnicodeEncodeError:
        return None


# -- opcode handlers: return a value to push, _NOTHING, or _STOPPED on STOP ---------------

Handler = Callable[[PickleMachine, int], object]
"""Runs one opcode; returns the value to push, :data:`_NOTHING` or :data:`_STOPPED`."""
_HANDLERS: dict[int, Handler] = {}


def _op(code: bytes) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[code[0]] = handler
        return handler

    return register


def _register_literals() -> None:
    s = struct
    literals: dict[bytes, Callable[[PickleMachine, int], object]] = {
        b"N": lambda m, o: None,
        b"\x88": lambda m, o: True,
        b"\x89": lambda m, o: False,
        b")": lambda m, o: (),
        b"]": lambda m, o: [],
        b"}": lambda m, o: DictValue(),
        b"\x8f": lambda m, o: SetValue(),
        b"K": lambda m, o: m._reader.byte(),
        b"M": lambda m, o: s.unpack("<H", m._reader.take(2))[0],
        b"J": lambda m, o: s.unpack("<i", m._reader.take(4))[0],
        b"G": lambda m, o: s.unpack(">d", m._reader.take(8))[0],
        b"I": lambda m, o: _int_line(m._reader.line(), o),
        b"L": lambda m, o: _decimal(m._reader.line(), o),
        b"F": lambda m, o: _float_line(m._reader.line(), o),
        b"\x8a": lambda m, o: _long_le(m._reader.take(m._reader.byte())),
        b"\x8b": lambda m, o: _long4(m, o),
        b"S": lambda m, o: m._text_line(o, quoted=True),
        b"V": lambda m, o: m._text_line(o, quoted=False),
        b"U": lambda m, o: m._text(m._reader.take(m._reader.byte()), "latin-1", o),
        b"T": lambda m, o: m._long_text(_length(m, "<i", 4, o), "latin-1", o),
        b"X": lambda m, o: m._long_text(_length(m, "<I", 4, o), "utf-8", o),
        b"\x8c": lambda m, o: m._text(m._reader.take(m._reader.byte()), "utf-8", o),
        b"\x8d": lambda m, o: m._long_text(_length(m, "<Q", 8, o), "utf-8", o),
        b"C": lambda m, o: m._reader.take(m._reader.byte()),
        b"B": lambda m, o: m._long_bytes(_length(m, "<I", 4, o)),
        b"\x8e": lambda m, o: m._long_bytes(_length(m, "<Q", 8, o)),
        b"\x96": lambda m, o: m._long_bytes(_length(m, "<Q", 8, o)),
        b"\x97": lambda m, o: UNKNOWN,
    }
    for code, value_of in literals.items():
        _HANDLERS[code[0]] = value_of


def _length(m: PickleMachine, fmt: str, width: int, offset: int) -> int:
    (length,) = struct.unpack(fmt, m._reader.take(width))
    if length < 0:
        raise _Stop("negative length", offset)
    return int(length)


def _int_line(text: bytes, offset: int) -> object:
    if text == b"00":
        return False
    if text == b"01":
        return True
    return _decimal(text, offset)


def _float_line(text: bytes, offset: int) -> float:
    try:
        return float(text)
    except ValueError:
        raise _Stop("bad FLOAT argument", offset) from None


def _long_le(data: bytes) -> int:
    return int.from_bytes(data, "little", signed=True)


def _long4(m: PickleMachine, offset: int) -> object:
    length = _length(m, "<i", 4, offset)
    if length > 64:
        m._reader.skip(length)
        return UNKNOWN
    return _long_le(m._reader.take(length))


_register_literals()


@_op(b"(")
def _mark(m: PickleMachine, offset: int) -> object:
    m._marks.append(len(m._stack))
    return _NOTHING


@_op(b".")
def _stop(m: PickleMachine, offset: int) -> object:
    m._pop(offset)
    return _STOPPED


@_op(b"\x80")
def _proto(m: PickleMachine, offset: int) -> object:
    protocol = m._reader.byte()
    if protocol > 5:
        raise _Stop(f"unsupported pickle protocol {protocol}", offset)
    m.trace.protocol = max(m.trace.protocol, protocol)
    return _NOTHING


@_op(b"\x95")
def _frame(m: PickleMachine, offset: int) -> object:
    (length,) = struct.unpack("<Q", m._reader.take(8))
    if m._reader.pos + length > m._reader.size:
        raise _Stop(f"FRAME of {length} bytes runs past the end of the data", offset)
    return _NOTHING


@_op(b"0")
def _pop_op(m: PickleMachine, offset: int) -> object:
    if m._marks and len(m._stack) == m._marks[-1]:
        m._marks.pop()
    else:
        m._pop(offset)
    return _NOTHING


@_op(b"1")
def _pop_mark_op(m: PickleMachine, offset: int) -> object:
    m._pop_mark(offset)
    return _NOTHING


@_op(b"2")
def _dup(m: PickleMachine, offset: int) -> object:
    m._stack.append(m._top(offset))
    return _NOTHING


@_op(b"\x98")
def _readonly(m: PickleMachine, offset: int) -> object:
    m._top(offset)
    return _NOTHING


def _register_memo() -> None:
    def put(read_key: Callable[[PickleMachine, int], int]) -> Handler:
        def handler(m: PickleMachine, offset: int) -> object:
            m._memo_put(read_key(m, offset), offset)
            return _NOTHING

        return handler

    def get(read_key: Callable[[PickleMachine, int], int]) -> Handler:
        def handler(m: PickleMachine, offset: int) -> object:
            key = read_key(m, offset)
            if key not in m._memo:
                raise _Stop(f"memo key {key} read before it was written", offset)
            return m._memo[key]

        return handler

    keys: dict[str, Callable[[PickleMachine, int], int]] = {
        "line": lambda m, o: _decimal(m._reader.line(), o),
        "u1": lambda m, o: m._reader.byte(),
        "u4": lambda m, o: int(struct.unpack("<I", m._reader.take(4))[0]),
    }
    for code, kind in ((b"p", "line"), (b"q", "u1"), (b"r", "u4")):
        _HANDLERS[code[0]] = put(keys[kind])
    for code, kind in ((b"g", "line"), (b"h", "u1"), (b"j", "u4")):
        _HANDLERS[code[0]] = get(keys[kind])

    def memoize(m: PickleMachine, offset: int) -> object:
        m._memo_put(len(m._memo), offset)
        return _NOTHING

    _HANDLERS[0x94] = memoize


_register_memo()


def _register_containers() -> None:
    def tuple_of(count: int) -> Handler:
        def handler(m: PickleMachine, offset: int) -> object:
            items = [m._pop(offset) for _ in range(count)]
            m._stack.append(tuple(reversed(items)))
            return _NOTHING

        return handler

    for code, count in ((0x85, 1), (0x86, 2), (0x87, 3)):
        _HANDLERS[code] = tuple_of(count)

    def from_mark(build: Callable[[list[object]], object]) -> Handler:
        def handler(m: PickleMachine, offset: int) -> object:
            m._stack.append(build(m._pop_mark(offset)))
            return _NOTHING

        return handler

    _HANDLERS[ord("t")] = from_mark(tuple)
    _HANDLERS[ord("l")] = from_mark(lambda items: items[:MAX_CONTAINER_ITEMS])
    _HANDLERS[0x91] = from_mark(lambda items: SetValue(items[:MAX_CONTAINER_ITEMS]))
    _HANDLERS[ord("d")] = from_mark(
        lambda items: DictValue(
            list(zip(items[::2], items[1::2], strict=False))[:MAX_CONTAINER_ITEMS]
        )
    )


_register_containers()


def _extend(target: object, items: list[object]) -> None:
    if isinstance(target, list):
        room = MAX_CONTAINER_ITEMS - len(target)
        target.extend(items[: max(room, 0)])
    elif isinstance(target, SetValue):
        room = MAX_CONTAINER_ITEMS - len(target.items)
        target.items.extend(items[: max(room, 0)])


def _set_items(target: object, items: list[object], offset: int) -> None:
    if len(items) % 2:
        raise _Stop("odd number of items for SETITEMS", offset)
    if isinstance(target, DictValue):
        room = MAX_CONTAINER_ITEMS - len(target.items)
        pairs = list(zip(items[::2], items[1::2], strict=True))
        target.items.extend(pairs[: max(room, 0)])


@_op(b"a")
def _append(m: PickleMachine, offset: int) -> object:
    value = m._pop(offset)
    _extend(m._top(offset), [value])
    return _NOTHING


@_op(b"e")
def _appends(m: PickleMachine, offset: int) -> object:
    items = m._pop_mark(offset)
    _extend(m._top(offset), items)
    return _NOTHING


@_op(b"\x90")
def _additems(m: PickleMachine, offset: int) -> object:
    items = m._pop_mark(offset)
    _extend(m._top(offset), items)
    return _NOTHING


@_op(b"s")
def _setitem(m: PickleMachine, offset: int) -> object:
    value = m._pop(offset)
    key = m._pop(offset)
    _set_items(m._top(offset), [key, value], offset)
    return _NOTHING


@_op(b"u")
def _setitems(m: PickleMachine, offset: int) -> object:
    items = m._pop_mark(offset)
    _set_items(m._top(offset), items, offset)
    return _NOTHING


# -- globals, calls, objects -----------------------------------------------------------------


def _line_text(m: PickleMachine, offset: int) -> str:
    try:
        return m._reader.line().decode("utf-8")
    except UnicodeDecodeError:
        raise _Stop("undecodable module or name", offset) from None


@_op(b"c")
def _global_op(m: PickleMachine, offset: int) -> object:
    module = _line_text(m, offset)
    name = _line_text(m, offset)
    m._stack.append(m._global(module, name, offset, "GLOBAL"))
    return _NOTHING


@_op(b"\x93")
def _stack_global(m: PickleMachine, offset: int) -> object:
    name = m._pop(offset)
    module = m._pop(offset)
    m._stack.append(m._global(module, name, offset, "STACK_GLOBAL"))
    return _NOTHING


@_op(b"i")
def _inst(m: PickleMachine, offset: int) -> object:
    module = _line_text(m, offset)
    name = _line_text(m, offset)
    cls = m._global(module, name, offset, "INST")
    args = tuple(m._pop_mark(offset))
    m._stack.append(m._call(cls, args, offset, Use.CALLED))
    return _NOTHING


@_op(b"o")
def _obj(m: PickleMachine, offset: int) -> object:
    items = m._pop_mark(offset)
    if not items:
        raise _Stop("OBJ without a class", offset)
    m._stack.append(m._call(items[0], tuple(items[1:]), offset, Use.CALLED))
    return _NOTHING


@_op(b"R")
def _reduce(m: PickleMachine, offset: int) -> object:
    args = m._pop(offset)
    func = m._pop(offset)
    folded = _codecs_encode(func, args)
    call = m._call(func, args, offset, Use.CALLED)
    m._stack.append(folded if folded is not None else call)
    return _NOTHING


@_op(b"\x81")
def _newobj(m: PickleMachine, offset: int) -> object:
    args = m._pop(offset)
    cls = m._pop(offset)
    m._stack.append(m._call(cls, args, offset, Use.INSTANTIATED))
    return _NOTHING


@_op(b"\x92")
def _newobj_ex(m: PickleMachine, offset: int) -> object:
    m._pop(offset)
    args = m._pop(offset)
    cls = m._pop(offset)
    m._stack.append(m._call(cls, args, offset, Use.INSTANTIATED))
    return _NOTHING


@_op(b"b")
def _build(m: PickleMachine, offset: int) -> object:
    state = m._pop(offset)
    target = m._top(offset)
    if isinstance(target, Global):
        target.ref.uses.add(Use.BUILT)
    elif isinstance(target, Call):
        target.state = state
        m._build_done(target)
    return _NOTHING


@_op(b"P")
def _persid(m: PickleMachine, offset: int) -> object:
    m._stack.append(Persistent(m._text(m._reader.line(), "ascii", offset)))
    return _NOTHING


@_op(b"Q")
def _binpersid(m: PickleMachine, offset: int) -> object:
    m._stack.append(Persistent(m._pop(offset)))
    return _NOTHING


def _ext(width: int, fmt: str) -> Handler:
    def handler(m: PickleMachine, offset: int) -> object:
        (code,) = struct.unpack(fmt, m._reader.take(width))
        registered = m._extensions.get(int(code))
        if registered is None:
            m.trace.problems.append(
                StreamProblem(
                    "ext",
                    f"extension code {code} names a global through the copyreg registry,"
                    " which the file does not register itself; what it loads depends on"
                    " the loading process",
                    offset,
                    f"EXT {code}",
                )
            )
            m._stack.append(UNKNOWN)
        else:
            m._stack.append(m._global(registered[0], registered[1], offset, "EXT"))
        return _NOTHING

    return handler


_HANDLERS[0x82] = _ext(1, "<B")
_HANDLERS[0x83] = _ext(2, "<H")
_HANDLERS[0x84] = _ext(4, "<i")


def looks_like_stream_start(head: bytes) -> bool:
    """Whether ``head`` begins another protocol 2+ pickle (a stacked pickle)."""
    return len(head) >= 3 and head[0] == 0x80 and head[1] <= 5
