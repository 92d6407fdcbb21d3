"""The bundled example logs: ``stackward detect`` raises exactly the alerts EXPECTED.md lists.

The command is run as the README shows it: ``examples/ai-logs`` replayed through its own
``stackward.yaml`` (whose sources name each directory's format), alerts to a JSON Lines file of OCSF
Detection Findings, state in a temporary directory, and the example left unchanged. Each
finding is reduced to ``(rule id, who)``: the alert's group, else its actor, else its client
address, as the table in EXPECTED.md is written. Every row must be raised and nothing else may be, so a benign log
line that starts to alert fails here as surely as a planted attack that stops alerting.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from stackward.cli.app import app
from tests.conftest import EXAMPLES

LOGS = EXAMPLES / "ai-logs"
DETECTION_FINDING = 2004
_ROW = re.compile(r"^\|\s*(SW-DET-\d{3})\s*\|\s*`([^`]+)`\s*\|")


def expected_rows() -> list[tuple[str, str]]:
    text = (LOGS / "EXPECTED.md").read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for line in text.splitlines() if (m := _ROW.match(line))]


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def who(finding: dict[str, Any]) -> str:
    """What the alert is grouped on: group, else actor, else client address."""
    group = finding.get("unmapped", {}).get("stackward", {}).get("group") or ""
    if group:
        return str(group)
    evidences = finding.get("evidences", [])
    for evidence in evidences:
        actor = evidence.get("actor", {}).get("user", {}).get("name")
        if actor:
            return str(actor)
    for evidence in evidences:
        address = evidence.get("src_endpoint", {}).get("ip")
        if address:
            return str(address)
    return ""


@dataclass(frozen=True)
class Replay:
    """One run of the command: its exit code, what it printed and the findings it wrote."""

    exit_code: int
    output: str
    findings: list[dict[str, Any]]

    @property
    def raised(self) -> set[tuple[str, str]]:
        return {(f["finding_info"]["analytic"]["uid"], who(f)) for f in self.findings}


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    work = tmp_path_factory.mktemp("detect-example")
    out, state = work / "alerts.jsonl", work / "state"
    before = _tree_digest(LOGS)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)  # anything the command writes by default lands here, not in the repo
        result = CliRunner().invoke(
            app,
            [
                "detect",
                "-c",
                str(LOGS / "stackward.yaml"),
                "--jsonl",
                str(out),
                "--state-dir",
                str(state),
            ],
        )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert out.is_file(), f"no alerts file written; output:\n{result.output}"
    findings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
    assert _tree_digest(LOGS) == before, "the replay changed files of the example"
    yield Replay(result.exit_code, result.output, findings)


def test_expected_md_lists_the_planted_attack() -> None:
    rows = expected_rows()
    assert len(rows) >= 15
    assert len(rows) == len(set(rows)), "duplicate rows in EXPECTED.md"
    assert {rule for rule, _ in rows} >= {"SW-DET-001", "SW-DET-101", "SW-DET-111", "SW-DET-201"}


@pytest.mark.parametrize(("rule", "actor"), expected_rows(), ids=lambda value: str(value))
def test_planted_alert_is_raised(replay: Replay, rule: str, actor: str) -> None:
    assert (rule, actor) in replay.raised, (
        f"{rule} for {actor} not raised; output:\n{replay.output}"
    )


def test_nothing_else_alerts(replay: Replay) -> None:
    unexpected = sorted(replay.raised - set(expected_rows()))
    assert unexpected == []


def test_alerts_are_detection_findings(replay: Replay) -> None:
    assert replay.findings
    assert {f["class_uid"] for f in replay.findings} == {DETECTION_FINDING}
    assert all(f["finding_info"]["analytic"]["uid"].startswith("SW-DET-") for f in replay.findings)
