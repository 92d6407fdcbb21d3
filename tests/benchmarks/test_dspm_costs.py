"""The cost breakdown script measures what it says on a small directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import dspm_costs


def test_breakdown_reads_and_classifies_each_directory(tmp_path: Path) -> None:
    (tmp_path / "tickets").mkdir()
    (tmp_path / "tickets" / "a.txt").write_text(
        "Write to ann.lee@example.org about the refund.\nNothing here.\n", encoding="utf-8"
    )
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "b.py").write_text("x = 1\n", encoding="utf-8")
    contents, times = dspm_costs.by_directory(tmp_path)
    assert set(times) == {"tickets", "code"}
    assert times["tickets"][2] == 1 and times["code"][2] == 0
    texts = [unit.text for item in contents for unit in item.texts]
    seconds, matches = dspm_costs.scan_seconds(texts)
    assert seconds >= 0 and matches >= 1


def test_evidence_cost_covers_every_value() -> None:
    assert dspm_costs.evidence_seconds(["ann.lee@example.org"] * 10) >= 0
    assert "ann".translate(dspm_costs.SHAPE) == "xxx"


def test_start_up_is_timed_without_leaving_a_report_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert dspm_costs.start_up_seconds(runs=1) > 0
    assert list(tmp_path.iterdir()) == []
