"""Turns the artifact scanner's issues of one family into findings of one check."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any

from stackward.artifacts.issues import IssueKind
from stackward.checks.base import Check, Violation
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Severity
from stackward.model.redact import redact_text

MAX_SNIPPET = 160


def issue_location(asset: Asset, issue: Mapping[str, Any]) -> str:
    path = str(asset.prop("path", asset.source))
    member = str(issue.get("member") or "")
    return f"{path}!{member}" if member else path


def issue_snippet(issue: Mapping[str, Any]) -> str:
    symbol = redact_text(str(issue.get("symbol") or ""))[:MAX_SNIPPET]
    offset = issue.get("offset")
    return f"{symbol} at byte {offset}" if isinstance(offset, int) else symbol


class ArtifactIssueCheck(Check):
    """One finding per scanner issue of :attr:`issue_kind`, at the issue's own severity."""

    @property
    @abstractmethod
    def issue_kind(self) -> IssueKind:
        """The family of scanner issues this check reports."""

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        issues = asset.prop("artifact_issues", ())
        if not isinstance(issues, list | tuple):
            return
        for issue in issues:
            if not isinstance(issue, Mapping) or issue.get("kind") != self.issue_kind:
                continue
            try:
                severity = Severity.parse(str(issue.get("severity", "")))
            except ValueError:
                severity = self.meta.severity
            yield Violation(
                Evidence(
                    location=issue_location(asset, issue),
                    snippet=issue_snippet(issue),
                    key=f"{issue.get('member', '')}:{issue.get('symbol', '')}",
                ),
                detail=str(issue.get("reason", "")),
                severity=severity,
            )
