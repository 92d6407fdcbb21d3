"""The DSPM benchmark's pure parts: corpus and truth, scoring, peer parsers, rendering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks.dspm_corpus import Corpus, Planted, digest, generate, load_truth
from benchmarks.dspm_peers import (
    Prediction,
    map_type,
    parse_credsweeper,
    parse_detect_secrets,
    parse_presidio,
    parse_stackward,
    sha1,
)
from benchmarks.dspm_report import BEGIN, END, render_section, replace_section
from benchmarks.dspm_score import (
    Counts,
    csv_cells,
    jsonl_cells,
    project_fields,
    score_categories,
    score_fields,
    score_lines,
)
from benchmarks.dspm_values import iban_valid, luhn_valid


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return generate(tmp_path_factory.mktemp("dspm"), size_mb=0.3, seed=7)


def test_corpus_is_deterministic(corpus: Corpus, tmp_path: Path) -> None:
    again = generate(tmp_path, size_mb=0.3, seed=7)
    assert (tmp_path / "truth.jsonl").read_bytes() == (
        corpus.root.parent / "truth.jsonl"
    ).read_bytes()
    first = sorted(
        p.relative_to(corpus.root).as_posix() for p in corpus.root.rglob("*") if p.is_file()
    )
    assert first == sorted(
        p.relative_to(again.root).as_posix() for p in again.root.rglob("*") if p.is_file()
    )
    other = generate(tmp_path / "other", size_mb=0.3, seed=8)
    assert other.truth != corpus.truth


def test_every_truth_line_holds_its_value(corpus: Corpus) -> None:
    truth = load_truth(corpus.root.parent / "truth.jsonl")
    assert truth == corpus.truth
    lines = [t for t in truth if t.line is not None]
    assert len(lines) > 500
    cache: dict[str, list[str]] = {}
    for t in lines:
        text = cache.setdefault(
            t.item, (corpus.root / t.item).read_text(encoding="utf-8").split("\n")
        )
        assert t.start is not None and t.end is not None and t.line is not None
        value = text[t.line - 1][t.start : t.end]
        assert digest(value) == t.digest, t
        assert value in corpus.values[(t.item, t.line, t.cls)]


def test_truth_lives_outside_the_scanned_directory(corpus: Corpus) -> None:
    names = {p.name for p in corpus.root.rglob("*")}
    assert not names & {"truth.jsonl", "decoys.jsonl", "corpus.json"}


def test_decoys_are_not_in_truth(corpus: Corpus) -> None:
    truth = {(t.item, t.line, t.field, t.cls) for t in corpus.truth}
    assert len(corpus.decoys) > 100
    for d in corpus.decoys:
        assert (d.item, d.line, d.field, d.imitates) not in truth, d


def test_planted_numbers_validate_and_decoys_do_not(corpus: Corpus) -> None:
    cards = [v for (_, _, c), vs in corpus.values.items() if c == "pii.payment_card" for v in vs]
    ibans = [v for (_, _, c), vs in corpus.values.items() if c == "pii.iban" for v in vs]
    assert cards and all(luhn_valid(v) for v in cards)
    assert ibans and all(iban_valid(v) for v in ibans)


def test_corpus_has_every_kind_and_a_parquet_table(corpus: Corpus) -> None:
    assert {"parquet", "notebooks (.ipynb)", "code and config", "jsonl (logs)"} <= set(corpus.kinds)
    assert any(t.item.endswith(".parquet") and t.field == "email" for t in corpus.truth)


T = [
    Planted("a.py", "secret.github_token", line=3),
    Planted("a.py", "secret.aws_secret_key", line=5),
    Planted("t.csv", "pii.email", line=2),
    Planted("t.csv", "pii.email", field="email"),
]


@pytest.mark.parametrize(
    ("predictions", "cls", "expected"),
    [
        (
            [Prediction("a.py", ("secret.github_token",), line=3)],
            "secret.github_token",
            Counts(1, 0, 0),
        ),
        (
            [Prediction("a.py", ("secret.github_token",), line=4)],
            "secret.github_token",
            Counts(0, 1, 1),
        ),
        (
            [Prediction("a.py", ("secret.aws_access_key", "secret.aws_secret_key"), line=5)],
            "secret.aws_secret_key",
            Counts(1, 0, 0),
        ),
        ([Prediction("a.py", ("secret.generic", "secret.other"), line=5)], "secret.generic", None),
        ([Prediction("a.py", ("secret.other",), line=9)], "secret.other", Counts(0, 1, 0)),
        (
            [Prediction("a.py", ("secret.github_token",), line=3)] * 2,
            "secret.github_token",
            Counts(1, 0, 0),
        ),
    ],
    ids=[
        "exact",
        "wrong-line",
        "ambiguous-type",
        "untyped-on-positive-dropped",
        "other-on-negative",
        "dedup",
    ],
)
def test_line_scoring(predictions: list[Prediction], cls: str, expected: Counts | None) -> None:
    assert score_lines(predictions, T).get(cls) == expected


@pytest.mark.parametrize(
    ("prediction", "expected"),
    [
        (Prediction("a.py", ("secret.generic", "secret.other"), line=3), Counts(1, 0, 1)),
        (Prediction("a.py", ("secret.jwt",), line=8), Counts(0, 1, 2)),
    ],
    ids=["untyped-counts-for-category", "negative-line"],
)
def test_category_scoring(prediction: Prediction, expected: Counts) -> None:
    assert score_categories([prediction], T)["secret"] == expected


def test_field_scoring_and_counts() -> None:
    scored = score_fields({("t.csv", "$.email", "pii.email"), ("t.csv", "sku", "pii.phone")}, T)
    assert scored["pii.email"] == Counts(1, 0, 0)
    assert scored["pii.phone"] == Counts(0, 1, 0)
    assert Counts(3, 1, 1).precision == 0.75
    assert Counts(0, 0, 0).recall is None


def test_cells_and_projection() -> None:
    header = ["id", "addr", "email"]
    lines = ["id,addr,email", '1,"1 Elm St, Salem",a@x.io', '2,"2 Oak Rd, Salem",b@x.io', "3,none,"]
    assert [c[0] for c in csv_cells(header, lines[1])] == header
    assert csv_cells(header, lines[1])[1][3] == "1 Elm St, Salem"
    hits = [
        Prediction("t.csv", ("pii.email",), line=n, start=lines[n - 1].index("@") - 1)
        for n in (2, 3)
    ]
    hits.append(Prediction("t.csv", ("pii.street_address",), line=2, start=3))
    fields = project_fields(hits, lambda item: lines)
    assert fields == {("t.csv", "email", "pii.email")}
    record = '{"a":"x","user":{"email":"b@x.io"}}'
    cells = jsonl_cells(record)
    assert ("$.user.email", record.index("b@x"), record.index("b@x") + 6, "b@x.io") in cells
    by_hash = [Prediction("l.jsonl", ("secret.jwt",), line=1, secret_sha1=sha1("x"))]
    assert project_fields(by_hash, lambda item: [record]) == {("l.jsonl", "$.a", "secret.jwt")}


STACKWARD_REPORT = {
    "items": [
        {
            "source": "/c",
            "item": "t.csv",
            "kind": "csv",
            "fields": [{"field": "email", "class": "pii.email", "confidence": 0.99}],
            "occurrences": [{"class": "pii.email", "field": "email", "line": 2, "confidence": 0.9}],
        }
    ]
}
DETECT_SECRETS_REPORT = {
    "version": "1.5.0",
    "results": {
        "./a.py": [
            {
                "type": "GitHub Token",
                "filename": "./a.py",
                "hashed_secret": "ab",
                "is_verified": False,
                "line_number": 3,
            },
            {
                "type": "Hex High Entropy String",
                "filename": "./a.py",
                "hashed_secret": "cd",
                "is_verified": False,
                "line_number": 9,
            },
        ]
    },
}
CREDSWEEPER_REPORT = [
    {
        "rule": "AWS Multi",
        "severity": "high",
        "confidence": "strong",
        "ml_probability": 0.99,
        "line_data_list": [
            {"line": "x", "line_num": 5, "path": "/c/a.py", "value_start": 4, "value_end": 44}
        ],
    },
    {
        "rule": "UUID",
        "severity": "info",
        "line_data_list": [
            {"line": "x", "line_num": 7, "path": "/c/a.py", "value_start": 1, "value_end": 2}
        ],
    },
]


def test_parsers() -> None:
    sw = parse_stackward(STACKWARD_REPORT)
    assert Prediction("t.csv", ("pii.email",), field="email") in sw
    assert Prediction("t.csv", ("pii.email",), line=2, field="email") in sw
    ds = parse_detect_secrets(DETECT_SECRETS_REPORT, Path("/c"))
    assert [(p.item, p.line, p.classes) for p in ds] == [
        ("a.py", 3, ("secret.github_token",)),
        ("a.py", 9, ("secret.other",)),
    ]
    cs = parse_credsweeper(CREDSWEEPER_REPORT, Path("/c"))
    assert cs == [
        Prediction(
            "a.py", ("secret.aws_secret_key", "secret.aws_access_key"), line=5, start=4, end=44
        )
    ]
    pr = parse_presidio(
        [
            json.dumps(
                {"item": "t.csv", "type": "URL", "line": 2, "start": 0, "end": 3, "score": 0.5}
            ),
            "",
        ]
    )
    assert pr == [Prediction("t.csv", ("pii.other",), line=2, start=0, end=3)]
    assert map_type("presidio", "EMAIL_ADDRESS") == ("pii.email",)


def _results() -> dict[str, object]:
    counts = Counts(9, 1, 0).to_json()
    return {
        "command": "python benchmarks/dspm.py --size-mb 2",
        "started": "2026-01-01T00:00:00+00:00",
        "finished": "2026-01-01T00:10:00+00:00",
        "machine": {
            "cpu_model": "cpu",
            "cpus": 2,
            "memory_gb": 8.0,
            "os": "Linux",
            "python": "3.11",
            "commit": "abc",
        },
        "corpus": {
            "bytes": 2_000_000,
            "seed": 1,
            "truth_records": 10,
            "decoy_records": 3,
            "kinds": {"parquet": {"files": 1, "bytes": 10, "rows": 5}},
        },
        "tools": {
            "stackward": {
                "version": "this checkout",
                "how": "x",
                "parallel": "y",
                "predictions": 10,
                "lines": {"pii.email": counts},
                "categories": {"pii": counts},
                "categories_structured": {"pii": counts},
                "fields": {"pii.email": counts},
                "runs": {"1": {"wall_s": 2.0, "cpu_s": 1.9, "peak_rss_mb": 80.0, "note": ""}},
            },
            "presidio": {
                "version": "p==1",
                "how": "x",
                "parallel": "y",
                "install_error": "install failed: boom",
            },
        },
    }


def test_report_renders_and_replaces_only_its_section() -> None:
    section = render_section(_results())
    assert "| stackward | 1 | 2.0 | 1.9 | 80 | 1.00 |" in section
    assert "not run: install failed: boom" in section
    page = "# Benchmarks\n\n<!-- artifacts:begin -->\nA\n<!-- artifacts:end -->\n"
    once = replace_section(page, section)
    assert once.startswith(page.rstrip()) and once.count(BEGIN) == 1 and END in once
    twice = replace_section(once, "new")
    assert "<!-- artifacts:begin -->\nA\n<!-- artifacts:end -->" in twice
    assert f"{BEGIN}\nnew\n{END}" in twice
