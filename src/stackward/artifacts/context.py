"""State shared by the format scanners while one top-level artifact is scanned."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from stackward.artifacts.issues import ArtifactIssue, ArtifactReport, IssueKind, MemberInfo
from stackward.artifacts.limits import ScanLimits
from stackward.artifacts.source import ByteSource
from stackward.model import Severity


class BudgetExceeded(Exception):
    """The artifact used up its time or expansion budget; the scan of it stops here."""


@dataclass(slots=True)
class _Budget:
    deadline: float
    expanded: int = 0


@dataclass(slots=True)
class ScanContext:
    """Where the scanner is (which member of which container) and what it may still spend.

    Format scanners receive a context, read their :class:`ByteSource`, record issues with
    :meth:`issue`, and hand embedded content (archive members, nested pickles, decompressed
    streams) back to :meth:`scan_member`, which picks the next scanner by content.
    """

    report: ArtifactReport
    limits: ScanLimits = field(default_factory=ScanLimits)
    allow_globals: tuple[str, ...] = ()
    """User allow-list entries from ``stackward.yaml`` (``module.name`` or ``module.*``)."""
    base_dir: Path | None = None
    """Directory of the top-level artifact on local disk (ONNX external data resolves here)."""
    member_path: tuple[str, ...] = ()
    container: str = ""
    """Format of the innermost enclosing container (``zip``, ``pytorch-zip``, ``tar``...)."""
    container_members: frozenset[str] = frozenset()
    """Names of the sibling members in the enclosing container, when it has a listing."""
    depth: int = 0
    _budget: _Budget = field(default_factory=lambda: _Budget(time.monotonic() + 300.0))

    @classmethod
    def start(
        cls,
        report: ArtifactReport,
        limits: ScanLimits | None = None,
        allow_globals: tuple[str, ...] = (),
        base_dir: Path | None = None,
    ) -> ScanContext:
        limits = limits or ScanLimits()
        return cls(
            report=report,
            limits=limits,
            allow_globals=allow_globals,
            base_dir=base_dir,
            _budget=_Budget(time.monotonic() + limits.seconds_per_artifact),
        )

    @property
    def member(self) -> str:
        return "!".join(self.member_path)

    def issue(
        self,
        kind: IssueKind,
        severity: Severity,
        reason: str,
        symbol: str = "",
        offset: int | None = None,
    ) -> None:
        self.report.add(
            ArtifactIssue(kind, severity, reason, symbol=symbol, member=self.member, offset=offset)
        )

    def unscannable(self, reason: str, symbol: str = "", severity: Severity = Severity.LOW) -> None:
        """Say what could not be inspected. Never drop content silently."""
        self.issue(IssueKind.UNSCANNABLE, severity, reason, symbol=symbol)

    def note_member(self, name: str, fmt: str, size: int | None, scanned: bool = True) -> None:
        """Record a member. :meth:`scan_member` records dispatched members itself; call
        this for members deliberately not dispatched (raw tensor storage, metadata)."""
        full = "!".join((*self.member_path, name))
        for known in self.report.members:
            if known.name == full:
                known.format = fmt if known.format == "unknown" else known.format
                return
        self.report.members.append(MemberInfo(full, fmt, size, scanned))

    def child(
        self, name: str, container: str, siblings: frozenset[str] = frozenset()
    ) -> ScanContext:
        """The context for a member ``name`` of a container of format ``container``."""
        return replace(
            self,
            member_path=(*self.member_path, name),
            container=container,
            container_members=siblings,
            depth=self.depth + 1,
        )

    def check_time(self) -> None:
        if time.monotonic() > self._budget.deadline:
            raise BudgetExceeded(
                f"time budget of {self.limits.seconds_per_artifact:.0f} s per artifact used up"
            )

    def charge_expanded(self, count: int) -> None:
        """Account for ``count`` decompressed bytes; raise once the artifact's budget is spent."""
        self._budget.expanded += count
        if self._budget.expanded > self.limits.max_expanded_bytes:
            raise BudgetExceeded(
                f"decompressed more than {self.limits.max_expanded_bytes} bytes in total"
            )

    def scan_member(
        self, name: str, source: ByteSource, container: str, siblings: frozenset[str] = frozenset()
    ) -> None:
        """Scan embedded content by what it is, one level deeper."""
        from stackward.artifacts.dispatch import scan_source

        child = self.child(name, container, siblings)
        if child.depth > self.limits.max_depth:
            child.issue(
                IssueKind.ARCHIVE_HAZARD,
                Severity.HIGH,
                f"containers nested deeper than {self.limits.max_depth} levels; not opened",
                symbol="nesting depth",
            )
            return
        fmt = scan_source(source, child)
        self.note_member(name, fmt or "unknown", source.size, scanned=fmt is not None)
