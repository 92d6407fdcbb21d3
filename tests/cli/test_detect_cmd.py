"""``stackward detect``: replays of files, directories and standard input, the summary, exit
codes, bad input named in the output, and the building of detectors and sinks from config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stackward.cli.app import build_app
from stackward.cli.exit_codes import OK, PARTIAL_SCAN, USAGE_OR_CONFIG_ERROR
from stackward.detect.build import BuildError, WithoutRules, build_detectors, build_sinks
from stackward.detect.config import DetectConfig, JsonlSink
from tests.detect.rules.pack import REPO_ROOT

EXEC = REPO_ROOT / "tests/detect/rules/events/k8s_exec_into_ml_pod"
runner = CliRunner()


def _run(args: list[str], tmp_path: Path, stdin: str | None = None) -> tuple[int, str, list]:
    out = tmp_path / "alerts.jsonl"
    result = runner.invoke(
        build_app(),
        ["detect", *args, "--jsonl", str(out), "--state-dir", str(tmp_path / "state")],
        input=stdin,
    )
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    return result.exit_code, result.output, [json.loads(line) for line in lines]


def _rules(findings: list) -> set[str]:
    return {f["finding_info"]["analytic"]["uid"] for f in findings}


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        pytest.param("positive", {"SW-DET-009"}, id="exec-into-serving-pod-alerts"),
        pytest.param("negative", set(), id="hard-negatives-stay-quiet"),
    ],
)
def test_replay_of_a_directory(tmp_path: Path, folder: str, expected: set[str]) -> None:
    code, output, findings = _run([str(EXEC / folder), "--format", "k8s_audit"], tmp_path)
    assert code == OK, output
    assert _rules(findings) == expected
    assert "record(s)" in output


def test_standard_input_with_a_named_format(tmp_path: Path) -> None:
    text = next((EXEC / "positive").glob("exec_into_vllm*.jsonl")).read_text(encoding="utf-8")
    code, output, findings = _run(["-", "--format", "k8s_audit"], tmp_path, stdin=text)
    assert code == OK, output
    assert _rules(findings) == {"SW-DET-009"}


def test_a_second_replay_resumes_and_repeats_nothing(tmp_path: Path) -> None:
    folder = str(EXEC / "positive")
    _, _, first = _run([folder, "--format", "k8s_audit"], tmp_path)
    code, output, both = _run([folder, "--format", "k8s_audit"], tmp_path)
    assert code == OK, output
    assert len(first) >= 1
    assert both == first, "the checkpoint covers the files: nothing new, nothing twice"
    _, _, again = _run([folder, "--format", "k8s_audit", "--start-over"], tmp_path)
    assert len(again) == len(first), "start over reads again; the journal drops repeats"


def test_bad_records_are_named_and_the_rest_is_read(tmp_path: Path) -> None:
    good = next((EXEC / "positive").glob("exec_into_vllm*.jsonl")).read_text(encoding="utf-8")
    log = tmp_path / "audit.log"
    log.write_text('{"kind": "Event", truncated\n' + good + "not json at all\n", encoding="utf-8")
    code, output, findings = _run([str(log), "--format", "k8s_audit"], tmp_path)
    assert code == PARTIAL_SCAN
    assert f"{log.resolve()}" in output.replace("\n", "")
    assert "2 record(s) not parsed" in output
    assert _rules(findings) == {"SW-DET-009"}
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param([], "no logs to read", id="nothing-to-read"),
        pytest.param(["/nonexistent/audit.log"], "no such file", id="missing-file"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        code, output, _ = _run(args, tmp_path)
    assert code == USAGE_OR_CONFIG_ERROR
    assert message in output


def test_disabled_rules_leave_every_detector(tmp_path: Path) -> None:
    config = DetectConfig(disable_rules=["SW-DET-009", "SW-DET-101"])
    built = build_detectors(config)
    assert built.problems == []
    wrapped = [d for d in built.detectors if isinstance(d, WithoutRules)]
    assert {d.name for d in wrapped} == {"prompt_injection", "leakage", "extraction"}
    code, _, findings = _run(
        [str(EXEC / "positive"), "--format", "k8s_audit", "-c", str(_config(tmp_path, config))],
        tmp_path,
    )
    assert code == OK
    assert findings == []


def _config(tmp_path: Path, config: DetectConfig) -> Path:
    path = tmp_path / "stackward.yaml"
    body = {"detect": {"disable_rules": config.disable_rules}}
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_unreadable_system_prompt_is_a_named_error(tmp_path: Path) -> None:
    missing = tmp_path / "prompts" / "support.txt"
    config = DetectConfig.model_validate({"content": {"system_prompts": [str(missing)]}})
    with pytest.raises(BuildError, match=r"support\.txt"):
        build_detectors(config)


def test_two_sinks_of_one_type_get_distinct_names(tmp_path: Path) -> None:
    sinks = build_sinks(
        [JsonlSink(path=tmp_path / "a.jsonl"), JsonlSink(path=tmp_path / "b.jsonl")],
        tmp_path / "stackward.db",
    )
    assert [s.name for s in sinks] == ["jsonl", "jsonl#2"]
    for sink in sinks:
        sink.close()
