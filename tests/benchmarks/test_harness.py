"""The measuring, checkov parsing, planted cases and the whole harness at a tiny scale."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from benchmarks.checkov_runner import checkov_invocation, parse_report
from benchmarks.coverage.cases import BASELINES, CASES, KUBERNETES
from benchmarks.coverage.compare import CHECKOV_IDS, STACKWARD_IDS
from benchmarks.measure import run_measured
from benchmarks.stackgen import StackSummary, size_for_scale

from benchmarks import scan_scale

FIXTURES = Path(__file__).parent / "fixtures"


MEASURE_IN_A_SMALL_PARENT = """
import json, sys
from pathlib import Path
from benchmarks.measure import run_measured
out = Path(sys.argv[1])
big = "b = bytearray(150 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"
m = run_measured([sys.executable, "-c", big], timeout_s=60, out_dir=out, label="m")
s = run_measured([sys.executable, "-c", "pass"], timeout_s=60, out_dir=out, label="s")
print(json.dumps([m.returncode, m.timed_out, m.peak_rss_mb, s.peak_rss_mb]))
"""


def test_measurement_reports_the_childs_own_peak_memory(tmp_path: Path) -> None:
    # Linux starts a forked child's peak RSS at its parent's size, and this test process may
    # hold large libraries; the benchmarks measure from a small parent, so this test does too.
    done = subprocess.run(
        [sys.executable, "-c", MEASURE_IN_A_SMALL_PARENT, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    returncode, timed_out, big_mb, small_mb = json.loads(done.stdout)
    assert returncode == 0 and not timed_out
    assert big_mb > 150
    assert small_mb < 100


def test_a_large_benchmark_process_does_not_inflate_the_childs_peak_memory(
    tmp_path: Path,
) -> None:
    held = bytearray(300 * 1024 * 1024)
    held[::4096] = b"x" * len(held[::4096])  # touched: resident in this process
    small = run_measured([sys.executable, "-c", "pass"], timeout_s=60, out_dir=tmp_path, label="s")
    failed = run_measured(["/nonexistent/tool"], timeout_s=60, out_dir=tmp_path, label="f")
    del held
    assert small.returncode == 0 and small.peak_rss_mb < 100
    assert failed.returncode == 127 and "/nonexistent/tool" in failed.stderr_tail()


def test_measurement_kills_a_run_that_exceeds_its_timeout(tmp_path: Path) -> None:
    run = run_measured(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        timeout_s=0.5,
        out_dir=tmp_path,
        label="slow",
    )
    assert run.timed_out
    assert run.wall_s < 10


def test_checkov_report_is_parsed_from_real_output() -> None:
    report = parse_report((FIXTURES / "checkov-privileged-gpu-pod.json").read_text("utf-8"))
    ids = {f.check_id for f in report.failed}
    assert "CKV_K8S_16" in ids
    assert report.passed == 97 and report.resources == 11


def test_checkov_sees_relative_paths_only(tmp_path: Path) -> None:
    hidden = tmp_path / ".work"
    hidden.mkdir()
    plan = hidden / "plan.json"
    plan.write_text("{}", encoding="utf-8")
    argv, cwd = checkov_invocation(Path("checkov"), hidden, "kubernetes")
    assert (argv[1:3], cwd) == (["-d", "."], hidden)
    argv, cwd = checkov_invocation(Path("checkov"), plan, "terraform_plan")
    assert (argv[1:3], cwd) == (["-f", "plan.json"], hidden)
    assert not any(".work" in arg for arg in argv)


def test_every_case_differs_from_its_baseline_and_is_mapped(tmp_path: Path) -> None:
    baselines = {b.id: b for b in BASELINES}
    for case in CASES:
        assert case.id in CHECKOV_IDS
        assert case.id in STACKWARD_IDS
        ours = case.write(tmp_path / case.id)
        theirs = baselines[case.baseline].write(tmp_path / case.baseline)
        ours_file = ours / "manifests.yaml" if ours.is_dir() else ours
        base_file = theirs / "manifests.yaml" if theirs.is_dir() else theirs
        text = ours_file.read_text(encoding="utf-8")
        assert text != base_file.read_text(encoding="utf-8"), case.id
        if case.framework == KUBERNETES:
            assert all(d["kind"] for d in yaml.safe_load_all(text))
        else:
            assert json.loads(text)["planned_values"]


def test_harness_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    code = scan_scale.main(["--scales", "0.004", "--work", str(tmp_path / "w"), "--out", str(out)])
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert "Smoke run at 0.004x" in page
    assert "| 0.004x | 200 in" in page
    assert "AI-specific weakness coverage" in page
    raw = json.loads((tmp_path / "w" / "runs" / "results.json").read_text(encoding="utf-8"))
    (scan,) = raw["scans"]
    assert scan["returncode"] == 0
    assert scan["child"]["assets"] > 0
    assert set(scan["child"]["phases_s"]) == {"collect", "graph", "checks", "paths", "store"}
    assert len(raw["coverage"]) == len(CASES)


@pytest.mark.parametrize(
    ("wall_s", "scale", "expect_skip"),
    [(100.0, 1.0, False), (1000.0, 1.0, True), (1000.0, 4.0, False)],
)
def test_checkov_scales_stop_when_the_next_would_pass_the_timeout(
    tmp_path: Path, wall_s: float, scale: float, expect_skip: bool
) -> None:
    stacks = [
        StackSummary(s, 1, size_for_scale(s), 1, tmp_path / f"{s:g}") for s in (1.0, 2.0, 4.0)
    ]
    current = next(s for s in stacks if s.scale == scale)
    note = scan_scale._projected_stop(wall_s, current, stacks, timeout_s=1800)
    assert bool(note) is expect_skip


def test_scale_report_keeps_the_artifact_section(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    page.write_text("# old scale\n\n<!-- artifacts:begin -->\nA\n<!-- artifacts:end -->\n")
    merged = scan_scale.keep_other_sections(page, "# new scale\n")
    assert merged.startswith("# new scale")
    assert "<!-- artifacts:begin -->\nA\n<!-- artifacts:end -->" in merged
    assert "old scale" not in merged
    assert scan_scale.keep_other_sections(tmp_path / "none.md", "# s\n") == "# s\n"
