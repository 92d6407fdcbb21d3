"""A tiny pickle-opcode assembler for hand-built payloads.

``pickle.dumps`` cannot produce most evasions (INST with a shell command, STACK_GLOBAL with
names fetched from the memo, EXT codes, broken streams), so malicious samples are written
opcode by opcode. The assembler only emits bytes; nothing here ever unpickles them.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Self

MARKER = "stackward-payload-marker"
"""The only side effect any payload in the corpus has, if a loader ever runs it."""
SHELL_PAYLOAD = f"touch {MARKER}"
PYTHON_PAYLOAD = f"open({MARKER!r}, 'w').close()"


class Pickle:
    """Append-only opcode writer: ``Pickle(2).global_("os", "system").string(...).tuple1()``."""

    def __init__(self, protocol: int = 2, *, header: bool = True) -> None:
        self.data = bytearray()
        self.protocol = protocol
        if header and protocol >= 2:
            self.op(b"\x80" + bytes([protocol]))

    def op(self, raw: bytes) -> Self:
        self.data += raw
        return self

    # --- globals -------------------------------------------------------------------------
    def global_(self, module: str, name: str) -> Self:
        return self.op(b"c" + module.encode() + b"\n" + name.encode() + b"\n")

    def stack_global(self, module: str, name: str) -> Self:
        return self.string(module).string(name).op(b"\x93")

    def inst(self, module: str, name: str) -> Self:
        """INST: ``MARK args... INST module name`` calls ``module.name(*args)``."""
        return self.op(b"i" + module.encode() + b"\n" + name.encode() + b"\n")

    # --- literals ------------------------------------------------------------------------
    def string(self, text: str) -> Self:
        """A str literal in the shortest form the protocol allows."""
        raw = text.encode()
        if self.protocol < 1:
            return self.op(b"V" + text.encode("raw_unicode_escape") + b"\n")
        if self.protocol >= 4 and len(raw) < 256:
            return self.op(b"\x8c" + bytes([len(raw)]) + raw)
        return self.op(b"X" + struct.pack("<I", len(raw)) + raw)

    def bytes_(self, raw: bytes) -> Self:
        if self.protocol >= 3:
            if len(raw) < 256:
                return self.op(b"C" + bytes([len(raw)]) + raw)
            return self.op(b"B" + struct.pack("<I", len(raw)) + raw)
        # protocols < 3 have no bytes type; latin-1 str is what Python 2 wrote
        return (
            self.global_("_codecs", "encode")
            .string(raw.decode("latin-1"))
            .string("latin1")
            .tuple2()
            .reduce()
        )

    def int_(self, value: int) -> Self:
        if self.protocol < 1:
            return self.op(b"I" + str(value).encode() + b"\n")
        if 0 <= value < 256:
            return self.op(b"K" + bytes([value]))
        return self.op(b"J" + struct.pack("<i", value))

    def none(self) -> Self:
        return self.op(b"N")

    # --- containers ----------------------------------------------------------------------
    def mark(self) -> Self:
        return self.op(b"(")

    def tuple_(self) -> Self:
        return self.op(b"t")

    def tuple1(self) -> Self:
        return self.op(b"\x85") if self._p(2) else self.tuple_()

    def tuple2(self) -> Self:
        return self.op(b"\x86") if self._p(2) else self.tuple_()

    def empty_tuple(self) -> Self:
        return self.op(b")") if self._p(1) else self.mark().tuple_()

    def empty_dict(self) -> Self:
        return self.op(b"}") if self._p(1) else self.op(b"(d")

    def empty_list(self) -> Self:
        return self.op(b"]") if self._p(1) else self.op(b"(l")

    def setitem(self) -> Self:
        return self.op(b"s")

    def append(self) -> Self:
        return self.op(b"a")

    # --- calls and objects ---------------------------------------------------------------
    def reduce(self) -> Self:
        return self.op(b"R")

    def build(self) -> Self:
        return self.op(b"b")

    def obj(self) -> Self:
        return self.op(b"o")

    def newobj(self) -> Self:
        return self.op(b"\x81")

    def newobj_ex(self) -> Self:
        return self.op(b"\x92")

    def ext(self, code: int) -> Self:
        if code < 256:
            return self.op(b"\x82" + bytes([code]))
        if code < 65536:
            return self.op(b"\x83" + struct.pack("<H", code))
        return self.op(b"\x84" + struct.pack("<i", code))

    # --- memo and stack ------------------------------------------------------------------
    def put(self, index: int) -> Self:
        if not self._p(1):
            return self.op(b"p" + str(index).encode() + b"\n")
        if index < 256:
            return self.op(b"q" + bytes([index]))
        return self.op(b"r" + struct.pack("<I", index))

    def get(self, index: int) -> Self:
        if not self._p(1):
            return self.op(b"g" + str(index).encode() + b"\n")
        if index < 256:
            return self.op(b"h" + bytes([index]))
        return self.op(b"j" + struct.pack("<I", index))

    def memoize(self) -> Self:
        return self.op(b"\x94")

    def pop(self) -> Self:
        return self.op(b"0")

    def stop(self) -> Self:
        return self.op(b".")

    def _p(self, minimum: int) -> bool:
        return self.protocol >= minimum

    def __bytes__(self) -> bytes:
        return bytes(self.data)


def call(
    module: str, name: str, *args: str, protocol: int = 2, stack_global: bool = False
) -> bytes:
    """A complete pickle that calls ``module.name(*args)`` with GLOBAL (or STACK_GLOBAL) + REDUCE."""
    asm = Pickle(protocol)
    if stack_global:
        asm.stack_global(module, name)
    else:
        asm.global_(module, name)
    asm.mark()
    for arg in args:
        asm.string(arg)
    return bytes(asm.tuple_().reduce().stop())


def argv(asm: Pickle) -> Pickle:
    """Push ``["touch", MARKER]``."""
    return asm.empty_list().mark().string("touch").string(MARKER).op(b"e")


def call_with_argv(module: str, name: str, protocol: int = 2) -> bytes:
    asm = Pickle(protocol).global_(module, name)
    return bytes(argv(asm).tuple1().reduce().stop())


def getattr_call(target: Callable[[Pickle], Pickle], attr: str, *args: str) -> bytes:
    """``getattr(<target>, attr)(*args)``: a method reached without naming it as a global."""
    asm = Pickle(2).global_("builtins", "getattr")
    target(asm).string(attr).tuple2().reduce().mark()
    for arg in args:
        asm.string(arg)
    return bytes(asm.tuple_().reduce().stop())


def os_system(protocol: int = 2) -> bytes:
    """The canonical ``os.system('touch marker')`` payload."""
    return call("os", "system", SHELL_PAYLOAD, protocol=protocol)


def append_before_stop(pickle_bytes: bytes, payload_ops: bytes) -> bytes:
    """Splice opcodes that push one value in front of the final STOP, then POP that value.

    The original object stays the result of the load, so the file still works for its
    owner; the payload runs as a side effect. ``payload_ops`` must not contain PROTO/STOP.
    """
    if not pickle_bytes.endswith(b"."):
        raise ValueError("not a complete pickle: no STOP at the end")
    return pickle_bytes[:-1] + payload_ops + b"0."


def system_ops(protocol: int = 2) -> bytes:
    """``os.system(marker)`` as a bare value-pushing opcode run (no PROTO, no STOP)."""
    asm = Pickle(protocol, header=False)
    return bytes(asm.global_("os", "system").string(SHELL_PAYLOAD).tuple1().reduce())
