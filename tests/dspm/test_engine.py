from __future__ import annotations

from pathlib import Path

import pytest

from stackward.dspm.engine import EngineError, HyperscanEngine, ReEngine, build_engine
from tests.dspm.conftest import ALL, CARD, EMAIL, PHONE

TEXTS = [
    "mail ana.silva@example.org or bob@test.co.uk now",
    "card 4111 1111 1111 1111 and 4111-1111-1111-1112, phone 555 123 4567",
    "ünïcödé ana@example.org — ☎ 555-123-4567 and more ünïcödé bob@example.net",
    "AKIAABCDEFGHIJKLMNOP and password = hunter2hunter2",
    "",
    "no sensitive data here at all, just words",
]


@pytest.mark.parametrize("text", TEXTS)
def test_hyperscan_and_re_find_the_same_candidates(text: str) -> None:
    pytest.importorskip("hyperscan")
    by_re = ReEngine(ALL).candidates(text)
    by_hs = HyperscanEngine(ALL).candidates(text)
    assert by_hs == by_re


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x bob@example.org y", ["bob@example.org"]),
        ("é bob@example.org", ["bob@example.org"]),
        ("日本 bob@example.org 日本 eve@example.net", ["bob@example.org", "eve@example.net"]),
        ("nothing", []),
    ],
)
def test_offsets_are_characters(backend: str, text: str, expected: list[str]) -> None:
    engine = build_engine((EMAIL,), backend)
    assert [text[c.start : c.end] for c in engine.candidates(text)] == expected


def test_longest_match_wins_and_inner_matches_are_dropped(backend: str) -> None:
    engine = build_engine((CARD,), backend)
    text = "4111 1111 1111 1111"
    found = engine.candidates(text)
    assert [(c.start, c.end) for c in found] == [(0, len(text))]


def test_candidates_are_sorted_by_start(backend: str) -> None:
    engine = build_engine((EMAIL, PHONE), backend)
    found = engine.candidates("555 123 4567 a@example.org 555-000-1111")
    assert [c.start for c in found] == sorted(c.start for c in found)
    assert len(found) == 3


@pytest.mark.parametrize("backend_name", ["re", "hyperscan", "auto"])
def test_build_engine_names_its_backend(backend_name: str) -> None:
    if backend_name == "hyperscan":
        pytest.importorskip("hyperscan")
    engine = build_engine((EMAIL,), backend_name)
    assert engine.name in {"re", "hyperscan"}
    if backend_name != "auto":
        assert engine.name == backend_name


def test_unknown_backend_is_an_error() -> None:
    with pytest.raises(EngineError, match="unknown engine"):
        build_engine((EMAIL,), "pcre")


def test_bad_pattern_names_the_detector() -> None:
    from dataclasses import replace

    broken = replace(EMAIL, id="test.broken", pattern="(unclosed")
    with pytest.raises(EngineError, match=r"test\.broken|hyperscan"):
        ReEngine((broken,))


def test_compiled_database_is_cached_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("hyperscan")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = HyperscanEngine(ALL)
    (cached,) = (tmp_path / "stackward").glob("hyperscan-*.db")
    assert cached.stat().st_mode & 0o077 == 0
    second = HyperscanEngine(ALL)
    text = "mail ana@example.org, card 4111 1111 1111 1111"
    assert second.candidates(text) == first.candidates(text)


def test_a_cache_file_others_can_write_is_not_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("hyperscan")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    HyperscanEngine((EMAIL,))
    (cached,) = (tmp_path / "stackward").glob("hyperscan-*.db")
    cached.write_bytes(b"not a database")
    cached.chmod(0o666)
    engine = HyperscanEngine((EMAIL,))  # compiles again instead of loading the file
    assert [c.detector for c in engine.candidates("a@example.org")] == [0]


def test_a_corrupt_cache_file_is_compiled_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("hyperscan")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    HyperscanEngine((EMAIL,))
    (cached,) = (tmp_path / "stackward").glob("hyperscan-*.db")
    cached.write_bytes(b"garbage")
    engine = HyperscanEngine((EMAIL,))
    assert len(engine.candidates("a@example.org")) == 1


def test_candidates_at_one_start_come_in_detector_order(backend: str) -> None:
    from dataclasses import replace

    from stackward.dspm.engine import Candidate

    twin = replace(EMAIL, id="test.email_twin")
    text = "to a@example.org and b@example.org"
    found = build_engine((EMAIL, twin), backend).candidates(text)
    assert all(type(c) is Candidate for c in found)
    assert [(c.detector, c.start, c.end) for c in found] == [
        (0, 3, 16),
        (1, 3, 16),
        (0, 21, 34),
        (1, 21, 34),
    ]
