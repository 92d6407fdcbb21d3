"""Typed stand-ins for the values a simulated pickle stream builds, and what a run found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Use(StrEnum):
    """How a stream uses a global; decides how severe an unapproved one is."""

    CALLED = "called"
    INSTANTIATED = "instantiated"
    BUILT = "state set on it"
    REFERENCED = "referenced"


@dataclass(slots=True)
class GlobalRef:
    """One place a stream names a global (``module``, ``name`` exactly as written)."""

    module: str
    name: str
    offset: int
    uses: set[Use] = field(default_factory=set)
    via: str = "GLOBAL"


@dataclass(frozen=True, slots=True)
class Global:
    ref: GlobalRef


@dataclass(slots=True)
class Call:
    """The result of calling or instantiating ``func``; ``state`` is what BUILD gave it."""

    func: object
    args: object
    offset: int
    state: object = None


@dataclass(frozen=True, slots=True)
class LongText:
    """A string literal longer than the retention limit: its head and true length."""

    head: str
    length: int


@dataclass(frozen=True, slots=True)
class BytesRef:
    """A bytes literal too long to keep: where it lies in the source."""

    offset: int
    length: int


@dataclass(slots=True)
class DictValue:
    items: list[tuple[object, object]] = field(default_factory=list)

    def get(self, key: str) -> object:
        for k, v in self.items:
            if k == key:
                return v
        return None


@dataclass(slots=True)
class SetValue:
    items: list[object] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Persistent:
    pid: object


class Unknown:
    """A value the simulator cannot know (an out-of-band buffer, an unresolved EXT code)."""

    __slots__ = ()


UNKNOWN = Unknown()


@dataclass(frozen=True, slots=True)
class BytesCall:
    """A global called with a bytes literal first: a possible nested deserializer."""

    ref: GlobalRef
    payload: bytes | BytesRef
    offset: int


@dataclass(frozen=True, slots=True)
class StreamProblem:
    """Something wrong in the stream; ``kind`` is ``malformed``, ``dynamic``, ``ext`` or
    ``limit``."""

    kind: str
    message: str
    offset: int
    symbol: str = ""


@dataclass(slots=True)
class PickleTrace:
    """What one pickle stream contains, as far as it could be read."""

    start: int
    end: int = 0
    protocol: int = 0
    opcodes: int = 0
    completed: bool = False
    globals: list[GlobalRef] = field(default_factory=list)
    problems: list[StreamProblem] = field(default_factory=list)
    bytes_calls: list[BytesCall] = field(default_factory=list)


BuildHook = Callable[[Call, int], "int | None"]
"""Called after BUILD gives state to an instance: ``(instance, offset_after_build)`` ->
where the stream resumes (for formats that write raw data after an object), or ``None``."""
