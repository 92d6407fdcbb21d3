"""Acceptance: every malicious corpus sample is flagged HIGH or worse, no benign one above LOW."""

from __future__ import annotations

import io
import pickletools
from pathlib import Path

import pytest

from stackward.artifacts import ArtifactReport, scan_path
from stackward.model import Severity
from tests.artifacts.corpus.build import all_samples, read_manifest
from tests.artifacts.corpus.recipe import Sample

SAMPLES = all_samples()
UNPARSEABLE_BY_DESIGN = frozenset({"broken-pickle", "polyglot", "joblib-after-array"})
"""Classes whose pickles are meant to defeat a plain opcode walker."""
MALICIOUS = [s for s in SAMPLES if s.label == "malicious"]
BENIGN = [s for s in SAMPLES if s.label == "benign"]
PLAIN_PICKLES = [
    s for s in MALICIOUS if s.format == "pickle" and s.cls not in UNPARSEABLE_BY_DESIGN
]


def _describe(sample: Sample, report: ArtifactReport) -> str:
    found = "\n".join(
        f"  {i.severity.label:8} {i.kind} {i.symbol!r} at {i.member or '<top>'}: {i.reason}"
        for i in report.issues
    )
    return (
        f"{sample.path} [{sample.label}, class {sample.cls}, {sample.format}]: "
        f"{sample.description}\n detected format {report.format}; reported:\n"
        f"{found or '  nothing'}"
    )


def _scan(corpus: tuple[Path, list[Sample]], sample: Sample) -> ArtifactReport:
    root, _ = corpus
    return scan_path(root / sample.path)


def test_corpus_meets_the_acceptance_counts() -> None:
    classes = {s.cls for s in MALICIOUS}
    assert len(MALICIOUS) >= 60, len(MALICIOUS)
    assert len(classes) >= 20, sorted(classes)
    assert len(BENIGN) >= 40, len(BENIGN)
    assert {s.cls for s in BENIGN} >= {"torch", "sklearn", "numpy", "keras", "onnx", "gguf"}


def test_manifest_on_disk_matches_the_recipes(corpus: tuple[Path, list[Sample]]) -> None:
    root, built = corpus
    assert read_manifest(root) == built == SAMPLES
    missing = [s.path for s in built if not (root / s.path).is_file()]
    assert not missing, missing
    assert all(s.produced_by for s in BENIGN)


def test_corpus_stays_small(corpus: tuple[Path, list[Sample]]) -> None:
    root, _ = corpus
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert total < 50 * 1024 * 1024, total


def _disassemble_all(data: bytes) -> int:
    """Walk every pickle in ``data`` with ``pickletools`` (parse only, never load); the
    disassembler also checks stack and memo consistency. Returns the pickle count."""
    stream, count = io.BytesIO(data), 0
    while stream.tell() < len(data):
        pickletools.dis(stream, out=io.StringIO())
        count += 1
    return count


@pytest.mark.parametrize("sample", PLAIN_PICKLES, ids=[s.path for s in PLAIN_PICKLES])
def test_hand_built_pickles_are_well_formed(
    corpus: tuple[Path, list[Sample]], sample: Sample
) -> None:
    """A payload a real unpickler would reject proves nothing about the scanner."""
    root, _ = corpus
    assert _disassemble_all((root / sample.path).read_bytes()) >= 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"N.", 1), (b"N.K\x01.", 2), (b"\x80\x02t.", None), (b"N", None)],
    ids=["one", "stacked", "tuple-without-mark", "no-stop"],
)
def test_disassembler_check_rejects_broken_streams(data: bytes, expected: int | None) -> None:
    if expected is None:
        with pytest.raises(ValueError):
            _disassemble_all(data)
    else:
        assert _disassemble_all(data) == expected


@pytest.mark.parametrize("sample", MALICIOUS, ids=[s.path for s in MALICIOUS])
def test_malicious_sample_is_flagged_high(
    corpus: tuple[Path, list[Sample]], sample: Sample
) -> None:
    report = _scan(corpus, sample)
    worst = report.max_severity
    assert worst is not None and worst >= Severity.HIGH, _describe(sample, report)


@pytest.mark.parametrize("sample", BENIGN, ids=[s.path for s in BENIGN])
def test_benign_sample_reports_nothing_above_low(
    corpus: tuple[Path, list[Sample]], sample: Sample
) -> None:
    report = _scan(corpus, sample)
    worst = report.max_severity
    assert worst is None or worst <= Severity.LOW, _describe(sample, report)
