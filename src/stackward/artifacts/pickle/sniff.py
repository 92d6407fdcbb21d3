"""Recognise pickles that have no PROTO header (protocols 0 and 1).

A text file can start with ``(`` or ``c`` by chance, so a head only counts as a pickle when
it parses as a well-formed opcode sequence: every opcode known, every argument well-formed,
no operation taking more items than were pushed, and the sequence either reaching a
``GLOBAL``, ``INST``, ``STACK_GLOBAL``, ``REDUCE`` or ``STOP``, or running on for many
opcodes (a long data-only prefix must not hide a payload further on). Text, JSON and CSV
fail within a few bytes: spaces, commas, braces and newlines are not opcodes.
"""

from __future__ import annotations

import re

_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_.]{0,255}\n")
_DECIMAL = re.compile(rb"-?[0-9]{1,64}L?\n")
_FLOAT = re.compile(rb"[-+0-9.eEinfa]{1,64}\n")
_QUOTED = re.compile(rb"""('[^'\n]*'|"[^"\n]*")\n""")
_LINE = re.compile(rb"[^\n]{0,4096}\n")
_OPEN_QUOTED = re.compile(rb"""['"][^\n]*""")

_NO_ARG: dict[int, tuple[int, int]] = {
    ord("("): (0, 1),
    ord("N"): (0, 1),
    ord(")"): (0, 1),
    ord("]"): (0, 1),
    ord("}"): (0, 1),
    ord("t"): (0, 1),
    ord("l"): (0, 1),
    ord("d"): (0, 1),
    ord("a"): (2, 1),
    ord("s"): (3, 1),
    ord("e"): (1, 1),
    ord("u"): (1, 1),
    ord("R"): (2, 1),
    ord("b"): (2, 1),
    ord("o"): (1, 1),
    ord("Q"): (1, 1),
    ord("0"): (1, 0),
    ord("1"): (1, 0),
    ord("2"): (1, 2),
    ord("."): (1, 0),
    0x81: (2, 1),
    0x85: (1, 1),
    0x86: (2, 1),
    0x87: (3, 1),
    0x88: (0, 1),
    0x89: (0, 1),
    0x8F: (0, 1),
    0x90: (1, 1),
    0x91: (1, 1),
    0x92: (3, 1),
    0x93: (2, 1),
    0x94: (1, 1),
    0x97: (0, 1),
    0x98: (1, 1),
}
"""Opcode -> (items it needs, items it leaves): a rough depth check where MARK counts as one."""

_LINE_ARGS = {
    ord("I"): _DECIMAL,
    ord("L"): _DECIMAL,
    ord("F"): _FLOAT,
    ord("S"): _QUOTED,
    ord("V"): _LINE,
    ord("P"): _LINE,
    ord("g"): _DECIMAL,
    ord("p"): _DECIMAL,
}
_FIXED_ARGS = {
    ord("K"): 1,
    ord("M"): 2,
    ord("J"): 4,
    ord("G"): 8,
    ord("h"): 1,
    ord("j"): 4,
    0x80: 1,
    0x82: 1,
    0x83: 2,
    0x84: 4,
}
_SIZED_ARGS = {ord("U"): 1, ord("C"): 1, 0x8A: 1, 0x8C: 1, ord("T"): 4, ord("X"): 4, ord("B"): 4}
"""Opcode -> width of the little-endian length that precedes its data."""
_NO_PUSH = frozenset({ord("p"), ord("q"), ord("r"), 0x80, 0x95})
_SKIPPED = {ord("q"): 1, ord("r"): 4, 0x95: 8}
_DECISIVE = frozenset({ord("c"), ord("i"), ord("R"), ord("."), 0x93})
MIN_OPCODES = 3
"""Fewer opcodes than this prove nothing; a head cut inside a long text argument (a
protocol 0 string) needs one more than this before the cut."""
DATA_ONLY_OPCODES = 16
"""A head this long that parses cleanly is a pickle even before its first global."""


def looks_like_pickle(head: bytes) -> bool:
    """Whether ``head`` plausibly starts a pickle without a PROTO header."""
    pos = 0
    depth = 0
    count = 0
    decisive = False
    while pos < len(head):
        code = head[pos]
        pos += 1
        count += 1
        if code in _NO_ARG:
            needs, leaves = _NO_ARG[code]
            if depth < needs:
                return False
            depth += leaves - needs
            decisive = decisive or code in _DECISIVE
            if code == ord("."):
                return count >= MIN_OPCODES
            continue
        if code in (ord("c"), ord("i")):
            for _ in range(2):
                match = _NAME.match(head, pos)
                if match is None:
                    return _cut_short(head, pos, 256) and decisive
                pos = match.end()
            depth += 1
            decisive = True
            continue
        pattern = _LINE_ARGS.get(code)
        if pattern is not None:
            match = pattern.match(head, pos)
            if match is None:
                return _cut_short(head, pos, 4096) and (
                    code in _TEXT_ARGS
                    or (code == ord("S") and _OPEN_QUOTED.match(head, pos) is not None)
                    or count > MIN_OPCODES
                )
            pos = match.end()
        elif code in _FIXED_ARGS:
            pos += _FIXED_ARGS[code]
        elif code in _SKIPPED:
            pos += _SKIPPED[code]
        elif code in _SIZED_ARGS:
            width = _SIZED_ARGS[code]
            pos += width + int.from_bytes(head[pos : pos + width], "little")
        else:
            return False
        if code not in _NO_PUSH:
            depth += 1
    return count >= MIN_OPCODES and (decisive or count >= DATA_ONLY_OPCODES)


_TEXT_ARGS = frozenset({ord("V"), ord("P")})
"""Text arguments with no length limit: a pickle may open with a string longer than the head,
and a loader reads past it to whatever follows."""


HEAD_SIZE = 4096
"""What callers pass: the first 4096 bytes. A shorter head is the whole content."""


def _cut_short(head: bytes, pos: int, longest: int) -> bool:
    """The head was cut inside a text argument that could still be well-formed."""
    return len(head) >= HEAD_SIZE and b"\n" not in head[pos:] and len(head) - pos < longest
