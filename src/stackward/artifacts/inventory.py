"""What an artifact scan contributes to the inventory: properties the SW-MODEL checks read."""

from __future__ import annotations

from stackward.artifacts.issues import ArtifactReport, IssueKind
from stackward.artifacts.limits import GiB, ScanLimits
from stackward.config.schema import ArtifactSettings

MAX_ISSUES_KEPT = 500
MAX_GLOBALS_KEPT = 200
MAX_MEMBERS_KEPT = 200


def limits_from(settings: ArtifactSettings) -> ScanLimits:
    return ScanLimits(
        max_depth=settings.max_depth,
        max_expanded_bytes=int(settings.max_expanded_gb * GiB),
        seconds_per_artifact=settings.seconds_per_artifact,
    )


def artifact_properties(report: ArtifactReport) -> dict[str, object]:
    """Asset properties for a scanned artifact. Bounded, JSON-friendly, no secrets."""
    issues = sorted(report.issues, key=lambda i: (-i.severity, i.member, i.symbol))
    props: dict[str, object] = {
        "artifact_format": report.format,
        "artifact_issues": [i.as_dict() for i in issues[:MAX_ISSUES_KEPT]],
        "artifact_issue_count": len(issues),
        "artifact_members": [
            {"name": m.name, "format": m.format, "size": m.size, "scanned": m.scanned}
            for m in report.members[:MAX_MEMBERS_KEPT]
        ],
        "artifact_member_count": len(report.members),
        "pickle_globals": sorted(report.globals)[:MAX_GLOBALS_KEPT],
    }
    if report.sha256:
        props["sha256"] = report.sha256
    if report.properties:
        props["artifact_facts"] = dict(report.properties)
    return props


def unscannable_reasons(report: ArtifactReport) -> list[str]:
    """Reasons parts of the artifact were not inspected (they make a scan partial)."""
    return [
        f"{i.member + ': ' if i.member else ''}{i.reason}"
        for i in report.issues
        if i.kind is IssueKind.UNSCANNABLE
    ]
