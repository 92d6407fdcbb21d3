"""What the code analysis found in one file, as small typed records with a property form.

Records carry a line (and a notebook cell where there is one) so that a finding points at
the code. Prompts are recorded as a fingerprint and a length only: a system prompt is
often confidential and may hold secrets, so its text never enters the inventory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from stackward.code.catalog import Component
from stackward.code.model_names import ModelName
from stackward.collectors.files.secrets import scan_text
from stackward.model.redact import redact_text

_SNIPPET_SOURCE_CHARS = 400


@dataclass(frozen=True, slots=True)
class ModelUse:
    model: ModelName
    line: int
    via: str
    """How the model is named: ``model=``, ``from_pretrained``, ``assignment``, ..."""
    cell: int | None = None

    def as_property(self) -> dict[str, object]:
        return _placed(
            {
                "id": self.model.asset_id,
                "source": self.model.source,
                "name": self.model.name,
                "via": self.via,
                "line": self.line,
            },
            self.cell,
        )


@dataclass(frozen=True, slots=True)
class DatasetUse:
    ref: str
    loader: str
    line: int
    hub: bool
    cell: int | None = None

    def as_property(self) -> dict[str, object]:
        return _placed(
            {"ref": self.ref, "loader": self.loader, "hub": self.hub, "line": self.line},
            self.cell,
        )


@dataclass(frozen=True, slots=True)
class PromptUse:
    fingerprint: str
    length: int
    line: int
    via: str
    cell: int | None = None

    def as_property(self) -> dict[str, object]:
        return _placed(
            {
                "fingerprint": self.fingerprint,
                "length": self.length,
                "via": self.via,
                "line": self.line,
            },
            self.cell,
        )


@dataclass(frozen=True, slots=True)
class ToolUse:
    name: str
    line: int
    via: str
    cell: int | None = None

    def as_property(self) -> dict[str, object]:
        return _placed({"name": self.name, "via": self.via, "line": self.line}, self.cell)


@dataclass(frozen=True, slots=True)
class CodeRisk:
    """An unsafe pattern: ``kind`` is one of :data:`RISK_KINDS`."""

    kind: str
    line: int
    snippet: str
    detail: str
    cell: int | None = None

    def as_property(self) -> dict[str, object]:
        return _placed(
            {"kind": self.kind, "line": self.line, "snippet": self.snippet, "detail": self.detail},
            self.cell,
        )


RISK_KINDS = (
    "eval_of_model_output",
    "pipe_to_shell",
    "yaml_unsafe_load",
    "shell_command_interpolated",
)


@dataclass(slots=True)
class CodeFacts:
    components: dict[str, Component] = field(default_factory=dict)
    models: list[ModelUse] = field(default_factory=list)
    datasets: list[DatasetUse] = field(default_factory=list)
    prompts: list[PromptUse] = field(default_factory=list)
    tools: list[ToolUse] = field(default_factory=list)
    risks: list[CodeRisk] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    truncated: bool = False
    """More facts of one kind than the per-file limit; the rest were not recorded."""

    def extend(self, other: CodeFacts) -> None:
        self.components.update(other.components)
        self.models += other.models
        self.datasets += other.datasets
        self.prompts += other.prompts
        self.tools += other.tools
        self.risks += other.risks
        self.problems += other.problems
        self.truncated = self.truncated or other.truncated


def redacted_snippet(line: str) -> str:
    """A source line fit for evidence: vendor tokens and ``key=value`` secrets masked, cut
    to 160 characters. A curl command line may carry a bearer token."""
    head = line.strip()[:_SNIPPET_SOURCE_CHARS]
    hits = scan_text(head)
    return hits[0].snippet if hits else redact_text(head, max_len=160)


def fingerprint(text: str) -> str:
    """A short, stable digest of a prompt: equal prompts match across files, text stays out."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def _placed(record: dict[str, object], cell: int | None) -> dict[str, object]:
    if cell is not None:
        record["cell"] = cell
    return record
