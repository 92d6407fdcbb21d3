from __future__ import annotations

import pytest

from stackward.artifacts.issues import IssueKind
from stackward.checks.base import Check
from stackward.checks.builtin.artifacts.archive_hazard import ArchiveHazardCheck
from stackward.checks.builtin.artifacts.code_execution import CodeExecutionCheck
from stackward.checks.builtin.artifacts.external_reference import ExternalReferenceCheck
from stackward.checks.builtin.artifacts.malformed import MalformedArtifactCheck
from stackward.checks.builtin.artifacts.template_injection import TemplateInjectionCheck
from stackward.checks.builtin.artifacts.unapproved_import import UnapprovedImportCheck
from stackward.checks.builtin.artifacts.unsafe_operator import UnsafeOperatorCheck
from stackward.checks.builtin.artifacts.unscannable import UnscannableArtifactCheck
from stackward.model import Asset, AssetKind, Layer, Severity
from tests.conftest import findings_of, graph_of

CHECKS: dict[IssueKind, type[Check]] = {
    IssueKind.CODE_EXECUTION: CodeExecutionCheck,
    IssueKind.UNAPPROVED_IMPORT: UnapprovedImportCheck,
    IssueKind.UNSAFE_OPERATOR: UnsafeOperatorCheck,
    IssueKind.EXTERNAL_REFERENCE: ExternalReferenceCheck,
    IssueKind.TEMPLATE_INJECTION: TemplateInjectionCheck,
    IssueKind.MALFORMED: MalformedArtifactCheck,
    IssueKind.ARCHIVE_HAZARD: ArchiveHazardCheck,
    IssueKind.UNSCANNABLE: UnscannableArtifactCheck,
}


def _issue(kind: IssueKind, severity: str, symbol: str, member: str = "") -> dict[str, object]:
    return {
        "kind": str(kind),
        "severity": severity,
        "reason": f"{symbol} is bad",
        "symbol": symbol,
        "member": member,
        "offset": 17,
    }


def _artifact(*issues: dict[str, object]) -> Asset:
    return Asset(
        id="file:stack/models/m.pt",
        kind=AssetKind.MODEL_ARTIFACT,
        layer=Layer.CORE_AI,
        name="m.pt",
        source="stack/models/m.pt",
        properties={"path": "stack/models/m.pt", "artifact_issues": list(issues)},
    )


ONE_OF_EACH = [_issue(kind, "high", f"sym-{kind}", member="archive/data.pkl") for kind in CHECKS]


@pytest.mark.parametrize("kind", list(CHECKS), ids=str)
def test_each_check_reports_only_its_own_family(kind: IssueKind) -> None:
    findings = findings_of(CHECKS[kind], graph_of([_artifact(*ONE_OF_EACH)]))
    assert [f.evidence.snippet for f in findings] == [f"sym-{kind} at byte 17"]
    assert findings[0].evidence.location == "stack/models/m.pt!archive/data.pkl"
    assert findings[0].rule_id == CHECKS[kind].meta.id


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        ("critical", Severity.CRITICAL),
        ("high", Severity.HIGH),
        ("medium", Severity.MEDIUM),
        ("low", Severity.LOW),
        ("bogus", Severity.CRITICAL),  # unknown severity falls back to the check's own
    ],
)
def test_finding_takes_the_issue_severity(severity: str, expected: Severity) -> None:
    asset = _artifact(_issue(IssueKind.CODE_EXECUTION, severity, "os.system"))
    (finding,) = findings_of(CodeExecutionCheck, graph_of([asset]))
    assert finding.severity is expected


@pytest.mark.parametrize(
    "issues",
    [
        pytest.param([], id="no-issues"),
        pytest.param("not a list", id="garbage-property"),
        pytest.param([42, None], id="garbage-items"),
        pytest.param([_issue(IssueKind.MALFORMED, "low", "x")], id="other-family"),
    ],
)
def test_no_finding_without_an_issue_of_the_family(issues: object) -> None:
    asset = Asset(
        id="file:m.pt",
        kind=AssetKind.MODEL_ARTIFACT,
        layer=Layer.CORE_AI,
        name="m.pt",
        source="m.pt",
        properties={"artifact_issues": issues},
    )
    assert findings_of(CodeExecutionCheck, graph_of([asset])) == []


def test_distinct_issues_are_distinct_findings_with_stable_fingerprints() -> None:
    asset = _artifact(
        _issue(IssueKind.CODE_EXECUTION, "critical", "os.system", "a/data.pkl"),
        _issue(IssueKind.CODE_EXECUTION, "critical", "builtins.exec", "a/data.pkl"),
        _issue(IssueKind.CODE_EXECUTION, "critical", "os.system", "b/data.pkl"),
    )
    first = findings_of(CodeExecutionCheck, graph_of([asset]))
    again = findings_of(CodeExecutionCheck, graph_of([asset]))
    assert len({f.fingerprint for f in first}) == 3
    assert {f.fingerprint for f in first} == {f.fingerprint for f in again}


def test_secrets_in_symbols_are_redacted() -> None:
    token = "hf_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7"
    asset = _artifact(_issue(IssueKind.TEMPLATE_INJECTION, "critical", f"token={token}"))
    (finding,) = findings_of(TemplateInjectionCheck, graph_of([asset]))
    assert token not in finding.evidence.snippet
