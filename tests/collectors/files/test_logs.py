from __future__ import annotations

from pathlib import Path

import pytest

from stackward.collectors.files.logs import guess_format, read_log
from stackward.collectors.walk import walk_tree
from tests.collectors.files.helpers import entry_for


@pytest.mark.parametrize(
    ("name", "fmt", "lines"), [("logs/app.log", "json", 3), ("logs/access.log", "access log", 2)]
)
def test_log_inventory(name: str, fmt: str, lines: int) -> None:
    props = read_log(entry_for(name), 1024 * 1024).properties
    assert props["log_format"] == fmt
    assert props["line_estimate"] == lines
    assert props["line_count_exact"] is True


@pytest.mark.parametrize(
    ("lines", "fmt"),
    [
        (["May  1 10:00:00 host sshd[1]: ok"], "syslog"),
        (["level=info msg=start port=80"], "logfmt"),
        (["2024-05-01 10:00:00 INFO start"], "timestamped text"),
        (["hello"], "text"),
        ([], "empty"),
    ],
)
def test_guess_format(lines: list[str], fmt: str) -> None:
    assert guess_format(lines) == fmt


def test_sparse_huge_log_is_sampled(tmp_path: Path) -> None:
    path = tmp_path / "huge.log"
    with path.open("wb") as handle:
        handle.write(b"2024-05-01 10:00:00 INFO line\n" * 100)
        handle.truncate(8 * 1024**3)
    (entry,) = walk_tree(path).files
    props = read_log(entry, 64 * 1024 * 1024).properties
    assert props["line_count_exact"] is False
    assert props["log_format"] == "binary"
