"""What the artifact scanner reports: issues inside one model artifact."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from stackward.model import Severity


class IssueKind(StrEnum):
    """Families of problems. Each family is one check (``SW-MODEL-0xx``) in scan results."""

    CODE_EXECUTION = "code_execution"
    """Loading runs code: a pickle global that executes or reaches the OS, a Keras Lambda,
    a nested deserializer, a callable built from a string."""
    UNAPPROVED_IMPORT = "unapproved_import"
    """A pickle global (or a Keras/serialized module reference) that is on no allow-list."""
    UNSAFE_OPERATOR = "unsafe_operator"
    """A graph operator that touches files or native code: TensorFlow ReadFile/WriteFile/PyFunc,
    ONNX custom-domain operators."""
    EXTERNAL_REFERENCE = "external_reference"
    """The artifact makes its loader read a path outside its own directory (ONNX external data)."""
    TEMPLATE_INJECTION = "template_injection"
    """A GGUF / tokenizer chat template that can reach Python objects from Jinja."""
    MALFORMED = "malformed"
    """Structure that violates the format (safetensors header overlaps, truncated pickles)."""
    ARCHIVE_HAZARD = "archive_hazard"
    """Container tricks: path traversal, bombs, CRC/flag/name anomalies, polyglots, hidden members."""
    UNSCANNABLE = "unscannable"
    """Content the scanner could not inspect (encrypted member, unsupported compression,
    a limit reached). Never silent: the reason says what was not read."""


@dataclass(frozen=True, slots=True)
class ArtifactIssue:
    """One problem at one place in one artifact.

    ``member`` locates it inside containers: ``""`` for the file itself, otherwise member
    names from the outermost container inward joined by ``"!"``
    (``"bundle.tar!archive/data.pkl"``). ``offset`` is the byte offset inside that member
    (after decompression), when it is known. ``symbol`` is what was found (a pickle global
    ``os.system``, an operator ``ReadFile``, a template expression); ``reason`` says why it is
    dangerous in one sentence.
    """

    kind: IssueKind
    severity: Severity
    reason: str
    symbol: str = ""
    member: str = ""
    offset: int | None = None

    @property
    def key(self) -> str:
        """Stable identity of the issue within its artifact (offsets may shift)."""
        return f"{self.kind}:{self.member}:{self.symbol}"

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": str(self.kind),
            "severity": self.severity.label,
            "reason": self.reason,
            "symbol": self.symbol,
            "member": self.member,
            "offset": self.offset,
        }


@dataclass(slots=True)
class MemberInfo:
    """A part of an artifact the scanner looked at (or decided not to)."""

    name: str
    format: str
    size: int | None = None
    scanned: bool = True


@dataclass(slots=True)
class ArtifactReport:
    """Everything learned about one artifact. ``issues`` are de-duplicated by :attr:`key`."""

    location: str
    size: int
    format: str = "unknown"
    sha256: str | None = None
    issues: list[ArtifactIssue] = field(default_factory=list)
    members: list[MemberInfo] = field(default_factory=list)
    globals: set[str] = field(default_factory=set)
    """Every pickle global (``module.name``) referenced anywhere in the artifact."""
    properties: dict[str, object] = field(default_factory=dict)
    """Format facts for the inventory (tensor count, dtypes, opsets, chat template present)."""
    _keys: set[str] = field(default_factory=set, repr=False)

    def add(self, issue: ArtifactIssue) -> None:
        if issue.key in self._keys:
            return
        self._keys.add(issue.key)
        self.issues.append(issue)

    @property
    def max_severity(self) -> Severity | None:
        return max((i.severity for i in self.issues), default=None)
