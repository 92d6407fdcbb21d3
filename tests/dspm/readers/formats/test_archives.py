from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile

import pytest

from stackward.dspm.readers.formats.archives import (
    expansion_bound,
    inner_name,
    sanitised_member_name,
)
from tests.dspm.readers.conftest import field_values, read_bytes

CSV = b"name,email\nAda,ada@example.com\n"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("compress", "name", "inner"),
    [
        (gzip.compress, "users.csv.gz", "users.csv.gz!users.csv"),
        (bz2.compress, "users.csv.bz2", "users.csv.bz2!users.csv"),
        (lzma.compress, "users.csv.xz", "users.csv.xz!users.csv"),
        (gzip.compress, "users.csv", "users.csv!users.csv"),
    ],
    ids=["gzip", "bz2", "xz", "gzip-by-magic"],
)
def test_compressed_stream_is_read_as_inner_item(compress: object, name: str, inner: str) -> None:
    contents = read_bytes(compress(CSV), name)  # type: ignore[operator]
    assert [c.location.item for c in contents] == [inner]
    assert field_values(contents[0]) == {"name": ["Ada"], "email": ["ada@example.com"]}
    assert contents[0].problems == []


def test_zip_members_are_items() -> None:
    data = zip_bytes({"dir/users.csv": CSV, "notes.txt": b"hello\n", "dir/": b""})
    contents = read_bytes(data, "bundle.zip")
    assert [(c.location.item, c.kind) for c in contents] == [
        ("bundle.zip", "zip"),
        ("bundle.zip!dir/users.csv", "csv"),
        ("bundle.zip!notes.txt", "text"),
    ]
    assert contents[0].sampling == "full" and contents[0].rows_total == 2


def test_gzip_bomb_stops_at_the_bound() -> None:
    bomb = gzip.compress(b"0" * 10_000_000)
    assert len(bomb) < 20_000
    contents = read_bytes(bomb, "bomb.txt.gz", max_expanded_bytes=2_000_000)
    assert len(contents) == 1
    assert contents[0].problems[0].startswith("bomb.txt.gz: decompressed data exceeds")
    assert contents[0].bytes_total == expansion_bound(len(bomb), 2_000_000)


def test_zip_bomb_stops_at_the_bound_and_the_rest_is_read() -> None:
    data = zip_bytes({"zeros.bin": b"\x00" * 10_000_000, "later.csv": CSV})
    contents = read_bytes(data, "bomb.zip", max_expanded_bytes=3_000_000)
    items = {c.location.item: c for c in contents}
    bomb = items["bomb.zip!zeros.bin"]
    assert any(
        "member expands past" in p and p.startswith("bomb.zip!zeros.bin: ") for p in bomb.problems
    )
    assert bomb.bytes_total is not None and bomb.bytes_total <= 3_000_000
    assert field_values(items["bomb.zip!later.csv"]) == {
        "name": ["Ada"],
        "email": ["ada@example.com"],
    }


def test_total_expanded_budget_stops_later_members() -> None:
    data = zip_bytes({f"m{i}.txt": b"x" * 400_000 for i in range(5)})
    contents = read_bytes(data, "many.zip", max_expanded_bytes=1_000_000)
    assert contents[0].sampling == "3 of 5 members read"
    assert any("members after 3 not read" in p for p in contents[0].problems)


def test_member_count_is_bounded() -> None:
    data = zip_bytes({f"m{i}.txt": b"x" for i in range(10)})
    contents = read_bytes(data, "wide.zip", max_archive_members=4)
    assert len(contents) == 5
    assert "wide.zip: 10 members; only the first 4 read" in contents[0].problems


def test_path_traversal_names_are_sanitised_but_read() -> None:
    data = zip_bytes({"../../evil.csv": CSV, "/etc/passwd": b"root:x:0:0\n"})
    contents = read_bytes(data, "trav.zip")
    items = {c.location.item: c for c in contents[1:]}
    assert set(items) == {"trav.zip!evil.csv", "trav.zip!etc/passwd"}
    assert items["trav.zip!evil.csv"].problems == [
        "trav.zip!evil.csv: member name '../../evil.csv' escapes the archive; shown sanitised"
    ]
    assert field_values(items["trav.zip!evil.csv"])["email"] == ["ada@example.com"]


def test_nested_zip_depth_is_bounded() -> None:
    data = zip_bytes({"inner.csv": CSV})
    for level in range(3):
        data = zip_bytes({f"level{level}.zip": data})
    contents = read_bytes(data, "outer.zip", max_depth=1)
    refused = contents[-1]
    assert refused.location.item == "outer.zip!level2.zip!level1.zip"
    assert refused.problems == [
        f"{refused.location.item}: archive nested deeper than 1 levels; not opened"
    ]
    assert not any(c.kind == "csv" for c in contents)
    deep = read_bytes(data, "outer.zip", max_depth=3)
    assert any(c.location.item.endswith("level0.zip!inner.csv") for c in deep)


def test_encrypted_member_is_skipped_with_a_problem() -> None:
    data = bytearray(zip_bytes({"secret.csv": CSV, "open.csv": CSV}))
    # set the "encrypted" flag of the first member in its local and central headers
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + flag_at] |= 1
    contents = read_bytes(bytes(data), "locked.zip")
    assert "locked.zip!secret.csv: encrypted member; not read" in contents[0].problems
    assert [c.location.item for c in contents[1:]] == ["locked.zip!open.csv"]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (gzip.compress(CSV)[:-10], "cut.csv.gz"),
        (b"\x1f\x8b" + b"\x00" * 30, "junk.gz"),
        (zip_bytes({"a.csv": CSV})[:-30], "cut.zip"),
        (b"PK\x03\x04" + b"\x00" * 100, "junk.zip"),
    ],
    ids=["truncated-gzip", "junk-gzip", "truncated-zip", "junk-zip"],
)
def test_broken_archives_are_problems(data: bytes, name: str) -> None:
    contents = read_bytes(data, name)
    problems = [p for c in contents for p in c.problems]
    assert problems and all(p.startswith(name) for p in problems)


@pytest.mark.parametrize(
    ("name", "clean", "changed"),
    [
        ("a/b.csv", "a/b.csv", False),
        ("../../evil.csv", "evil.csv", True),
        ("C:\\Windows\\x.ini", "Windows/x.ini", True),
        ("/abs/path", "abs/path", True),
        ("..", "unnamed", True),
        ("bad\nname", "bad?name", True),
    ],
    ids=["plain", "dotdot", "windows-drive", "absolute", "only-dotdot", "control-char"],
)
def test_sanitised_member_name(name: str, clean: str, changed: bool) -> None:
    assert sanitised_member_name(name) == (clean, changed)


def test_inner_name() -> None:
    assert inner_name("logs/app.jsonl.gz", "gzip") == "app.jsonl"
    assert inner_name("a.tgz", "gzip") == "a.tar"
    assert inner_name("x.zip!data.xz", "xz") == "data"
