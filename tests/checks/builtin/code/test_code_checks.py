"""Each SW-CODE check fires on its own recorded risk kind only, with file, cell and line."""

from __future__ import annotations

import pytest

from stackward.checks.base import Check
from stackward.checks.builtin.code.eval_of_model_output import EvalOfModelOutputCheck
from stackward.checks.builtin.code.pipe_to_shell import PipeToShellCheck
from stackward.checks.builtin.code.shell_command_interpolated import (
    ShellCommandInterpolatedCheck,
)
from stackward.checks.builtin.code.yaml_unsafe_load import YamlUnsafeLoadCheck
from stackward.model import AssetKind, Severity
from tests.checks.builtin.files.assets import file_asset
from tests.conftest import findings_of, graph_of


def _risk(kind: str, line: int, **extra: object) -> dict[str, object]:
    return {"kind": kind, "line": line, "snippet": f"{kind} here", "detail": kind, **extra}


ALL_RISKS = [
    _risk("eval_of_model_output", 10),
    _risk("pipe_to_shell", 11),
    _risk("yaml_unsafe_load", 12),
    _risk("shell_command_interpolated", 13),
]


@pytest.mark.parametrize(
    ("check", "kind", "risks", "keys"),
    [
        (EvalOfModelOutputCheck, AssetKind.SOURCE_FILE, ALL_RISKS, ["eval_of_model_output:-:10"]),
        (PipeToShellCheck, AssetKind.SOURCE_FILE, ALL_RISKS, ["pipe_to_shell:-:11"]),
        (YamlUnsafeLoadCheck, AssetKind.SOURCE_FILE, ALL_RISKS, ["yaml_unsafe_load:-:12"]),
        (
            ShellCommandInterpolatedCheck,
            AssetKind.SOURCE_FILE,
            ALL_RISKS,
            ["shell_command_interpolated:-:13"],
        ),
        (
            PipeToShellCheck,
            AssetKind.NOTEBOOK,
            [_risk("pipe_to_shell", 2, cell=1)],
            ["pipe_to_shell:1:2"],
        ),
        (EvalOfModelOutputCheck, AssetKind.SOURCE_FILE, [_risk("yaml_unsafe_load", 3)], []),
        (EvalOfModelOutputCheck, AssetKind.SOURCE_FILE, [], []),
        (EvalOfModelOutputCheck, AssetKind.CONFIG_FILE, ALL_RISKS, []),
        (YamlUnsafeLoadCheck, AssetKind.SOURCE_FILE, "not-a-list", []),
        (PipeToShellCheck, AssetKind.SOURCE_FILE, ["pipe_to_shell", None], []),
    ],
    ids=[
        "eval",
        "pipe",
        "yaml",
        "shell-format",
        "notebook-cell",
        "neg-other-kind",
        "neg-none",
        "neg-config-file",
        "neg-malformed-property",
        "neg-malformed-items",
    ],
)
def test_code_checks(check: type[Check], kind: AssetKind, risks: object, keys: list[str]) -> None:
    asset = file_asset(kind, "agent.py", code_risks=risks)
    findings = findings_of(check, graph_of([asset]))
    assert [f.evidence.key for f in findings] == keys
    assert all(f.rule_id == check.meta.id for f in findings)


@pytest.mark.parametrize(
    ("check", "rule", "severity"),
    [
        (EvalOfModelOutputCheck, "SW-CODE-001", Severity.HIGH),
        (PipeToShellCheck, "SW-CODE-002", Severity.MEDIUM),
        (YamlUnsafeLoadCheck, "SW-CODE-003", Severity.MEDIUM),
        (ShellCommandInterpolatedCheck, "SW-CODE-004", Severity.MEDIUM),
    ],
)
def test_ids_and_severities(check: type[Check], rule: str, severity: Severity) -> None:
    assert (check.meta.id, check.meta.severity) == (rule, severity)


def test_evidence_is_redacted() -> None:
    risk = _risk("eval_of_model_output", 4)
    risk["snippet"] = "exec(code)  # api_key=sk-live-abcdefghijklmnopqrstuv"
    asset = file_asset(AssetKind.SOURCE_FILE, "agent.py", code_risks=[risk])
    (finding,) = findings_of(EvalOfModelOutputCheck, graph_of([asset]))
    assert "abcdefghijklmnopqrstuv" not in finding.evidence.snippet
    assert finding.evidence.location == "stack/agent.py" and finding.evidence.line == 4
