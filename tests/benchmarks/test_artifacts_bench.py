"""The artifact benchmark's pure parts: reading each tool's output, counting, rendering."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from benchmarks.artifacts_large import evict
from benchmarks.artifacts_metrics import NOT_LISTED, confusion, per_class, states
from benchmarks.artifacts_report import BEGIN, END, render_section, replace_section
from benchmarks.artifacts_results import (
    ArtifactBench,
    FileRun,
    LargeArtifacts,
    ManifestError,
    Sample,
    Throughput,
    ToolRuns,
    from_json,
    load_manifest,
    to_json,
)
from benchmarks.artifacts_tools import PEERS, STACKWARD_RULE, stackward_tool
from benchmarks.artifacts_verdicts import (
    FlagRule,
    Outcome,
    RawRun,
    State,
    ToolOutput,
    parse_fickling,
    parse_modelaudit,
    parse_modelscan,
    parse_picklescan,
    parse_stackward,
    stackward_verdicts,
)
from benchmarks.machine import Machine

PEER = {tool.name: tool for tool in PEERS}


def _modelscan_report(
    issues: list[dict[str, str]], errors: list[dict[str, str]], scanned: int
) -> str:
    return json.dumps(
        {
            "summary": {"scanned": {"total_scanned": scanned}},
            "issues": issues,
            "errors": errors,
        }
    )


OS_SYSTEM = {"module": "posix", "operator": "system", "severity": "CRITICAL", "description": "x"}

PICKLESCAN_SUMMARY = (
    "----------- SCAN SUMMARY -----------\n"
    "Scanned files: {scanned}\nInfected files: {infected}\n"
    "Suspicious globals: {suspicious}\nDangerous globals: {dangerous}\n"
)


def _picklescan(
    scanned: int, infected: int, suspicious: int, dangerous: int, head: str = ""
) -> str:
    return head + PICKLESCAN_SUMMARY.format(
        scanned=scanned, infected=infected, suspicious=suspicious, dangerous=dangerous
    )


CASES = [
    # (parser, raw run, expected severities, expected outcome)
    pytest.param(
        parse_stackward,
        RawRun(
            1,
            False,
            json.dumps(
                {
                    "artifacts": [
                        {
                            "max_severity": "critical",
                            "issues": [
                                {
                                    "kind": "code_execution",
                                    "severity": "critical",
                                    "symbol": "os.system",
                                }
                            ],
                        }
                    ]
                }
            ),
            "",
        ),
        {"critical"},
        Outcome.ANALYSED,
        id="stackward-critical",
    ),
    pytest.param(
        parse_stackward,
        RawRun(0, False, 'log line\n{"artifacts": [{"max_severity": null, "issues": []}]}', ""),
        set(),
        Outcome.ANALYSED,
        id="stackward-clean-after-log-line",
    ),
    pytest.param(
        parse_stackward,
        RawRun(0, False, '{"artifacts": []}', ""),
        set(),
        Outcome.SKIPPED,
        id="stackward-no-artifact",
    ),
    pytest.param(
        parse_stackward,
        RawRun(2, False, "", "Traceback ...\nValueError: boom"),
        set(),
        Outcome.ERROR,
        id="stackward-crash",
    ),
    pytest.param(
        parse_stackward, RawRun(-9, True, "", ""), set(), Outcome.ERROR, id="stackward-timeout"
    ),
    pytest.param(
        parse_modelscan,
        RawRun(1, False, "", "", _modelscan_report([OS_SYSTEM], [], 1)),
        {"critical"},
        Outcome.ANALYSED,
        id="modelscan-issue",
    ),
    pytest.param(
        parse_modelscan,
        RawRun(0, False, "", "", _modelscan_report([], [], 1)),
        set(),
        Outcome.ANALYSED,
        id="modelscan-clean",
    ),
    pytest.param(
        parse_modelscan,
        RawRun(3, False, "", "", _modelscan_report([], [], 0)),
        set(),
        Outcome.SKIPPED,
        id="modelscan-unsupported",
    ),
    pytest.param(
        parse_modelscan,
        RawRun(2, False, "", "", _modelscan_report([], [{"description": "parse failed"}], 1)),
        set(),
        Outcome.ERROR,
        id="modelscan-error",
    ),
    pytest.param(
        parse_modelscan,
        RawRun(1, False, "", "oops", ""),
        set(),
        Outcome.ERROR,
        id="modelscan-no-report",
    ),
    pytest.param(
        parse_picklescan,
        RawRun(
            1, False, "", _picklescan(1, 1, 0, 1, "/x.pkl: dangerous import 'posix system' FOUND\n")
        ),
        {"dangerous"},
        Outcome.ANALYSED,
        id="picklescan-dangerous",
    ),
    pytest.param(
        parse_picklescan,
        RawRun(0, False, "", _picklescan(1, 0, 2, 0)),
        {"suspicious"},
        Outcome.ANALYSED,
        id="picklescan-suspicious",
    ),
    pytest.param(
        parse_picklescan,
        RawRun(0, False, "", _picklescan(1, 0, 0, 0, "WARNING: could not parse /x as pickle: y\n")),
        set(),
        Outcome.SKIPPED,
        id="picklescan-not-a-pickle",
    ),
    pytest.param(
        parse_picklescan,
        RawRun(2, False, "", _picklescan(1, 0, 0, 0, "ERROR: parsing pickle in /x: bad\n")),
        set(),
        Outcome.ERROR,
        id="picklescan-scan-error",
    ),
    pytest.param(
        parse_picklescan,
        RawRun(2, False, "", "Traceback"),
        set(),
        Outcome.ERROR,
        id="picklescan-crash",
    ),
    pytest.param(
        parse_fickling,
        RawRun(
            0,
            False,
            json.dumps({"analysed": 1, "severities": ["LIKELY_OVERTLY_MALICIOUS"], "errors": []}),
            "",
        ),
        {"likely_overtly_malicious"},
        Outcome.ANALYSED,
        id="fickling-malicious",
    ),
    pytest.param(
        parse_fickling,
        RawRun(
            0,
            False,
            json.dumps(
                {
                    "analysed": 0,
                    "severities": [],
                    "errors": ["Parse error (EmptyPickleError): No pickle"],
                }
            ),
            "",
        ),
        set(),
        Outcome.SKIPPED,
        id="fickling-not-a-pickle",
    ),
    pytest.param(
        parse_fickling,
        RawRun(
            0,
            False,
            json.dumps(
                {
                    "analysed": 0,
                    "severities": [],
                    "errors": ["Unexpected error (NotImplementedError): x"],
                }
            ),
            "",
        ),
        set(),
        Outcome.ERROR,
        id="fickling-analysis-error",
    ),
    pytest.param(
        parse_fickling,
        RawRun(0, False, json.dumps({"analysed": 0, "severities": [], "errors": []}), ""),
        set(),
        Outcome.SKIPPED,
        id="fickling-zip-without-pickles",
    ),
    pytest.param(
        parse_modelaudit,
        RawRun(
            1,
            False,
            "",
            "",
            json.dumps(
                {
                    "issues": [{"severity": "critical", "message": "m"}],
                    "has_errors": False,
                    "scanner_names": ["pickle"],
                }
            ),
        ),
        {"critical"},
        Outcome.ANALYSED,
        id="modelaudit-critical",
    ),
    pytest.param(
        parse_modelaudit,
        RawRun(
            2,
            False,
            "",
            "",
            json.dumps(
                {
                    "issues": [{"severity": "info", "message": "Error x"}],
                    "has_errors": True,
                    "scanner_names": ["onnx"],
                }
            ),
        ),
        {"info"},
        Outcome.ERROR,
        id="modelaudit-errors-only",
    ),
    pytest.param(
        parse_modelaudit,
        RawRun(
            0, False, "", "", json.dumps({"issues": [], "has_errors": False, "scanner_names": []})
        ),
        set(),
        Outcome.SKIPPED,
        id="modelaudit-unclaimed",
    ),
]


@pytest.mark.parametrize(("parse", "raw", "severities", "outcome"), CASES)
def test_parsers_read_each_tools_output(
    parse: object, raw: RawRun, severities: set[str], outcome: Outcome
) -> None:
    assert callable(parse)
    output = parse(raw)
    assert isinstance(output, ToolOutput)
    assert set(output.severities) == severities
    assert output.outcome is outcome


@pytest.mark.parametrize(
    ("tool", "severities", "outcome", "state"),
    [
        pytest.param("modelscan", {"low"}, Outcome.ANALYSED, State.FLAGGED, id="modelscan-any"),
        pytest.param(
            "picklescan",
            {"suspicious"},
            Outcome.ANALYSED,
            State.CLEAN,
            id="picklescan-suspicious-not-flagged",
        ),
        pytest.param(
            "picklescan", {"dangerous"}, Outcome.ERROR, State.FLAGGED, id="flag-beats-error"
        ),
        pytest.param(
            "fickling", {"likely_safe"}, Outcome.ANALYSED, State.CLEAN, id="fickling-safe"
        ),
        pytest.param(
            "fickling", {"likely_unsafe"}, Outcome.ANALYSED, State.FLAGGED, id="fickling-unsafe"
        ),
        pytest.param("modelaudit", {"info"}, Outcome.ANALYSED, State.CLEAN, id="modelaudit-info"),
        pytest.param(
            "modelaudit", {"warning"}, Outcome.ANALYSED, State.FLAGGED, id="modelaudit-warning"
        ),
        pytest.param("modelaudit", set(), Outcome.SKIPPED, State.SKIPPED, id="skipped"),
        pytest.param("modelaudit", {"info"}, Outcome.ERROR, State.ERROR, id="error"),
    ],
)
def test_primary_flag_rules(
    tool: str, severities: set[str], outcome: Outcome, state: State
) -> None:
    rule = PEER[tool].views[0].rule
    assert rule.state(ToolOutput(frozenset(severities), outcome)) is state


@pytest.mark.parametrize(
    ("severities", "state"),
    [
        pytest.param({"medium", "low"}, State.CLEAN, id="medium-is-not-flagged"),
        pytest.param({"high"}, State.FLAGGED, id="high"),
        pytest.param({"critical"}, State.FLAGGED, id="critical"),
    ],
)
def test_stackward_flags_high_and_critical(severities: set[str], state: State) -> None:
    assert STACKWARD_RULE.state(ToolOutput(frozenset(severities), Outcome.ANALYSED)) is state


def test_directory_run_is_matched_to_corpus_paths_and_merged() -> None:
    artifacts = [
        {"location": "corpus/bad/a.pkl", "max_severity": "critical", "issues": []},
        {"location": "/abs/corpus/good/b.pt", "max_severity": None, "issues": []},
        {"location": "corpus/saved/model/saved_model.pb", "max_severity": "high", "issues": []},
        {"location": "corpus/saved/model/variables/v.index", "max_severity": "low", "issues": []},
        {"location": "corpus/manifest.json", "max_severity": "low", "issues": []},
    ]
    raw = RawRun(1, False, json.dumps({"artifacts": artifacts}), "")
    found = stackward_verdicts(raw, ["bad/a.pkl", "good/b.pt", "saved/model", "other.pkl"])
    assert set(found) == {"bad/a.pkl", "good/b.pt", "saved/model"}
    assert found["saved/model"].severities == {"high", "low"}
    assert STACKWARD_RULE.state(found["good/b.pt"]) is State.CLEAN


SAMPLES = [
    Sample("m1", "malicious", "os-command", "pickle"),
    Sample("m2", "malicious", "os-command", "pickle"),
    Sample("m3", "malicious", "polyglot", "zip"),
    Sample("b1", "benign", "benign-torch", "pytorch-zip"),
    Sample("b2", "benign", "benign-torch", "pytorch-zip"),
    Sample("b3", "benign", "benign-gguf", "gguf"),
]
RULE = FlagRule(frozenset({"bad"}), "bad")
FLAG = ToolOutput(frozenset({"bad"}), Outcome.ANALYSED)
CLEAN = ToolOutput(frozenset(), Outcome.ANALYSED)
SKIP = ToolOutput(frozenset(), Outcome.SKIPPED)
ERROR = ToolOutput(frozenset(), Outcome.ERROR)


def test_confusion_counts_errors_on_malicious_as_misses() -> None:
    outputs = {"m1": FLAG, "m2": ERROR, "m3": SKIP, "b1": FLAG, "b2": ERROR, "b3": SKIP}
    c = confusion(SAMPLES, states(SAMPLES, outputs, RULE))
    assert (c.tp, c.fn, c.fp, c.tn) == (1, 2, 1, 1)
    assert (c.malicious_errors, c.benign_errors, c.skipped) == (1, 1, 2)
    assert c.precision == pytest.approx(0.5)
    assert c.recall == pytest.approx(1 / 3)


def test_missing_outputs_are_errors_for_per_file_runs_and_skips_for_directory_runs() -> None:
    assert set(states(SAMPLES, {}, RULE).values()) == {State.ERROR}
    assert set(states(SAMPLES, {}, RULE, NOT_LISTED).values()) == {State.SKIPPED}
    empty = confusion([], {})
    assert empty.precision is None and empty.recall is None


def test_per_class_lists_malicious_classes_first() -> None:
    outputs = {"m1": FLAG, "m2": CLEAN, "m3": FLAG, "b1": FLAG, "b2": CLEAN, "b3": CLEAN}
    counts = per_class(SAMPLES, {"tool": states(SAMPLES, outputs, RULE)})
    assert [(c.label, c.cls, c.total, c.flagged["tool"]) for c in counts] == [
        ("malicious", "os-command", 2, 1),
        ("malicious", "polyglot", 1, 1),
        ("benign", "benign-gguf", 1, 0),
        ("benign", "benign-torch", 2, 1),
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param(
            "# Benchmarks\n\nother\n",
            f"# Benchmarks\n\nother\n\n{BEGIN}\nnew\n{END}\n",
            id="append",
        ),
        pytest.param(
            f"# B\n\n{BEGIN}\nold\n{END}\n\n## after\n",
            f"# B\n\n{BEGIN}\nnew\n{END}\n\n## after\n",
            id="replace-in-place",
        ),
        pytest.param(
            f"# B\n{BEGIN}\nno end\n",
            f"# B\n{BEGIN}\nno end\n\n{BEGIN}\nnew\n{END}\n",
            id="unterminated",
        ),
    ],
)
def test_replace_section_touches_only_the_marked_section(page: str, expected: str) -> None:
    assert replace_section(page, "new\n") == expected


@pytest.mark.parametrize(
    ("entries", "error"),
    [
        pytest.param(
            [{"path": "a.pkl", "label": "malicious", "class": "c", "format": "pickle"}],
            False,
            id="ok",
        ),
        pytest.param([{"path": "a.pkl", "label": "evil"}], True, id="bad-label"),
        pytest.param([{"label": "benign"}], True, id="no-path"),
        pytest.param("not json", True, id="not-json"),
    ],
)
def test_load_manifest(tmp_path: Path, entries: object, error: bool) -> None:
    text = entries if isinstance(entries, str) else json.dumps(entries)
    (tmp_path / "manifest.json").write_text(text, encoding="utf-8")
    if error:
        with pytest.raises(ManifestError):
            load_manifest(tmp_path)
    else:
        assert load_manifest(tmp_path) == [Sample("a.pkl", "malicious", "c", "pickle")]


def _bench() -> ArtifactBench:
    machine = Machine(2, "Test CPU", 8.0, "3.11.7", "Linux", "abc1234")
    bench = ArtifactBench(
        command="python benchmarks/artifacts.py",
        started=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
        machine=machine,
        corpus="rebuilt for this run",
        stackward_mode="cli",
        file_timeout_s=60,
        samples=SAMPLES,
    )
    ours = ToolRuns("stackward", stackward_tool(True).views, version="this checkout")
    ours.files = {
        s.path: FileRun(
            s.path,
            ToolOutput(
                frozenset({"critical"} if s.label == "malicious" else set()), Outcome.ANALYSED
            ),
            0.5,
            0,
        )
        for s in SAMPLES
    }
    ours.directory_wall_s = 1.5
    audit = ToolRuns("modelaudit", PEER["modelaudit"].views, version="0.2.54")
    audit.files = {
        s.path: FileRun(s.path, ToolOutput(frozenset({"warning"}), Outcome.ANALYSED), 2.0, 1)
        for s in SAMPLES
    }
    broken = ToolRuns(
        "fickling", PEER["fickling"].views, install_error="install failed: no network"
    )
    bench.tools = [ours, audit, broken]
    bench.large = LargeArtifacts(
        generate_s=12.0,
        warm_read_s={"safetensors": 1.0},
        timings=[
            Throughput("safetensors", 2_000_000_000, "stackward", (2.0, 4.0, 3.0), "clean"),
            Throughput("safetensors", 2_000_000_000, "stackward", (1.5,), "clean", cache="cold"),
        ],
        startup_s={"stackward": 1.0},
    )
    bench.load = {"at start": (0.1, 0.2, 0.3)}
    return bench


def test_render_section_reports_counts_rules_and_failures() -> None:
    text = render_section(_bench())
    assert "| **stackward** | 3 | 0 | 0 | 3 | 0 | 0 | 0 | 1.00 | 1.00 |" in text
    assert "| **modelaudit** | 3 | 0 | 3 | 0 | 0 | 0 | 0 | 0.50 | 1.00 |" in text
    assert "| modelaudit (critical only) | 0 | 3 | 0 | 3 |" in text
    assert "fickling was not measured: install failed: no network." in text
    assert "| os-command | 2 | 2/2 | 2/2 |" in text
    assert "| benign-torch | 2 | 0/2 | **2/2** |" in text
    # 2 GB in a median of 3 s, 2 s of it after a 1 s start-up
    warm = (
        "| safetensors | 2.00 GB | warm | stackward | 3.00 s | 667 | 1.00 s | 1,000 | 3 | clean |"
    )
    assert warm in text
    assert (
        "| safetensors | 2.00 GB | cold | stackward | 1.50 s | 1,333 | 1.00 s | 4,000 | 1 |" in text
    )
    assert "errors on malicious files count as misses" in text
    for tool in ("modelscan", "picklescan", "fickling", "modelaudit"):
        assert f"| **{tool}** | " in text.split("### Flag rules")[1]


def test_raw_json_keeps_every_verdict() -> None:
    raw = json.loads(json.dumps(to_json(_bench())))
    stackward = raw["tools"][0]
    assert stackward["files"]["m1"]["states"] == {"stackward": "flagged"}
    assert raw["large"]["timings"][0]["median_s"] == 3.0
    assert [t["cache"] for t in raw["large"]["timings"]] == ["warm", "cold"]


def test_large_rerun_note_is_kept_and_rendered() -> None:
    bench = _bench()
    assert bench.large is not None
    bench.large.rerun = "This section was re-measured on its own."
    views = {tool.name: tool.views for tool in (stackward_tool(True), *PEERS)}
    again = from_json(json.loads(json.dumps(to_json(bench))), views)
    assert again.large is not None and again.large.rerun == bench.large.rerun
    assert "re-measured on its own" in render_section(again)


def test_evict_keeps_the_file_readable(tmp_path: Path) -> None:
    target = tmp_path / "blob.bin"
    target.write_bytes(b"x" * 65536)
    evict(target)
    assert target.read_bytes() == b"x" * 65536


def test_render_only_reads_back_what_was_stored() -> None:
    bench = _bench()
    bench.tools[0].directory_outputs = {"m1": ToolOutput(frozenset({"critical"}), Outcome.ANALYSED)}
    views = {tool.name: tool.views for tool in (stackward_tool(True), *PEERS)}
    again = from_json(json.loads(json.dumps(to_json(bench))), views)
    assert render_section(again) == render_section(bench)
    assert "stackward (one directory run)" in render_section(again)


@pytest.mark.parametrize(
    ("runs", "startup", "cell"),
    [
        pytest.param((3.0,), 1.0, "| 1,000 |", id="scan-time"),
        pytest.param((1.05,), 1.0, "| start-up only |", id="within-noise"),
        pytest.param((0.9,), 1.0, "| start-up only |", id="faster-than-start-up"),
    ],
)
def test_throughput_without_start_up(runs: tuple[float, ...], startup: float, cell: str) -> None:
    bench = _bench()
    assert bench.large is not None
    bench.large.timings = [Throughput("f", 2_000_000_000, "stackward", runs, "clean")]
    bench.large.startup_s = {"stackward": startup}
    assert cell in render_section(bench).split("### Throughput")[1].split("\n")[4]


@pytest.mark.parametrize(
    ("load", "busy"),
    [
        pytest.param({"at start": (3.0, 3.0, 3.0), "after": (1.1, 1.0, 1.0)}, False, id="quiet"),
        pytest.param({"at start": (0.1, 0.1, 0.1), "after": (2.4, 1.0, 1.0)}, True, id="busy"),
    ],
)
def test_load_line_judges_only_the_timed_parts(
    load: dict[str, tuple[float, float, float]], busy: bool
) -> None:
    bench = _bench()
    bench.load = load
    assert ("other work was running" in render_section(bench)) is busy


def test_stackward_misses_are_listed_by_name() -> None:
    bench = _bench()
    assert "stackward got every file right." in render_section(bench)
    ours = bench.tools[0]
    ours.files["m3"] = FileRun(
        "m3", ToolOutput(frozenset(), Outcome.SKIPPED, "no artifact"), 0.1, 0
    )
    ours.files["b1"] = FileRun("b1", ToolOutput(frozenset({"high"}), Outcome.ANALYSED), 0.1, 1)
    text = render_section(bench)
    assert "- `m3` (malicious, polyglot): skipped (no artifact)" in text
    assert "- `b1` (benign, benign-torch): flagged" in text
