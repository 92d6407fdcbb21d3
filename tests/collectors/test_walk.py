"""The walker over hostile trees: every odd entry is a Skipped or classified, never a crash."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from stackward.collectors.sniff import FileKind
from stackward.collectors.walk import MAX_DEPTH, WalkResult, display_name, walk_all, walk_tree


def _reasons(result: WalkResult) -> dict[str, str]:
    return {s.location: s.reason for s in result.skipped}


def _rels(result: WalkResult) -> set[str]:
    return {f.rel for f in result.files}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    tree = tmp_path / "stack"
    tree.mkdir()
    (tree / "ok.py").write_text("print('hi')\n")
    return tree


def test_plain_tree(root: Path) -> None:
    (root / "sub").mkdir()
    (root / "sub" / "data.csv").write_text("a,b\n1,2\n")
    result = walk_tree(root)
    assert _rels(result) == {"stack/ok.py", "stack/sub/data.csv"}
    assert result.skipped == []


def test_symlink_loop_between_two_links(root: Path) -> None:
    (root / "a").symlink_to(root / "b")
    (root / "b").symlink_to(root / "a")
    reasons = _reasons(walk_tree(root))
    assert reasons == {"stack/a": "symbolic link loop", "stack/b": "symbolic link loop"}


def test_directory_link_to_parent_is_not_followed(root: Path) -> None:
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root)
    result = walk_tree(root)
    assert _rels(result) == {"stack/ok.py"}
    assert result.skipped == []  # the target is inside the tree and walked there


def test_link_escaping_the_tree(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    (root / "escape").symlink_to(outside)
    reason = _reasons(walk_tree(root))["stack/escape"]
    assert reason.startswith("symbolic link points outside the scanned tree")
    assert "stack/escape" not in _rels(walk_tree(root))


def test_dangling_link(root: Path) -> None:
    (root / "dangling").symlink_to(root / "missing")
    assert _reasons(walk_tree(root)) == {"stack/dangling": "dangling symbolic link"}


def test_fifo_and_socket_are_skipped_not_opened(root: Path) -> None:
    os.mkfifo(root / "pipe")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "sock"))
        reasons = _reasons(walk_tree(root))
    assert reasons["stack/pipe"] == "a named pipe (FIFO); not read"
    assert reasons["stack/sock"] == "a socket; not read"
    assert _rels(walk_tree(root)) == {"stack/ok.py"}


def test_fifo_as_the_scan_root(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    result = walk_tree(tmp_path / "pipe")
    assert result.files == []
    assert [s.reason for s in result.skipped] == ["a named pipe (FIFO); not read"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_and_directory(root: Path) -> None:
    (root / "locked.py").write_text("x = 1\n")
    (root / "locked.py").chmod(0)
    (root / "closed").mkdir()
    (root / "closed").chmod(0)
    try:
        reasons = _reasons(walk_tree(root))
    finally:
        (root / "closed").chmod(0o755)
    assert reasons["stack/locked.py"] == "cannot read file: Permission denied"
    assert reasons["stack/closed"] == "cannot read directory: Permission denied"


def test_a_file_whose_read_fails_is_skipped() -> None:
    # /proc/self/mem stats as a regular file but reading offset 0 fails (EIO), even for root.
    mem = Path("/proc/self/mem")
    if not mem.exists():
        pytest.skip("needs Linux /proc")
    result = walk_tree(mem)
    assert result.files == []
    assert result.skipped[0].reason.startswith("cannot read file: ")


def test_missing_root(tmp_path: Path) -> None:
    result = walk_tree(tmp_path / "nope")
    assert [s.reason for s in result.skipped] == ["path does not exist"]


def test_sparse_huge_file_is_sized_not_read(root: Path) -> None:
    with (root / "weights.pt").open("wb") as handle:
        handle.truncate(20 * 1024**3)
    (entry,) = [f for f in walk_tree(root).files if f.rel.endswith("weights.pt")]
    assert entry.size == 20 * 1024**3
    assert entry.kind is FileKind.MODEL_ARTIFACT
    assert entry.detail == "unrecognised content with model extension .pt"


@pytest.mark.parametrize(
    ("name", "payload", "kind"),
    [
        ("empty.pt", b"", FileKind.MODEL_ARTIFACT),
        ("empty.ipynb", b"", FileKind.NOTEBOOK),
        ("empty.txt", b"", FileKind.DOCUMENT),
        ("garbage.gguf", bytes(range(1, 256)) * 8, FileKind.MODEL_ARTIFACT),
        ("garbage.bin", b"\x00\xff" * 100, FileKind.BINARY),
        ("bad-utf8.py", b"x = '\xff\xfe\xfd'\n", FileKind.SOURCE_CODE),
    ],
)
def test_odd_contents_are_classified(root: Path, name: str, payload: bytes, kind: FileKind) -> None:
    (root / name).write_bytes(payload)
    (entry,) = [f for f in walk_tree(root).files if f.rel == f"stack/{name}"]
    assert entry.kind is kind


def test_very_deep_tree_is_cut_with_a_reason(root: Path) -> None:
    deep = root
    for _ in range(MAX_DEPTH + 5):
        deep = deep / "d"
        deep.mkdir()
    (deep / "bottom.py").write_text("x = 1\n")
    result = walk_tree(root)
    assert any("nested deeper than" in s.reason for s in result.skipped)
    assert "bottom.py" not in str(_rels(result))


def test_names_with_newlines_and_invalid_bytes_are_escaped(root: Path) -> None:
    (root / "evil\nname.py").write_text("x = 1\n")
    raw = os.fsencode(root) + b"/caf\xe9.csv"
    fd = os.open(raw, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"a,b\n")
    os.close(fd)
    rels = _rels(walk_tree(root))
    assert "stack/evil\\x0aname.py" in rels
    assert "stack/caf\\xe9.csv" in rels
    for rel in rels:
        rel.encode("utf-8")  # printable, encodable ids


def test_display_name() -> None:
    assert display_name("a\tb") == "a\\x09b"
    assert display_name("ok.py") == "ok.py"


def test_excludes_and_walk_all(root: Path, tmp_path: Path) -> None:
    (root / "node_modules").mkdir()
    (root / "node_modules" / "x.js").write_text("1")
    other = tmp_path / "other"
    other.mkdir()
    (other / "m.safetensors").write_bytes(b"")
    result = walk_all([root, other], exclude=["node_modules"])
    assert _rels(result) == {"stack/ok.py", "other/m.safetensors"}


def test_file_limit_stops_with_a_reason(root: Path) -> None:
    for i in range(5):
        (root / f"f{i}.txt").write_text("x")
    result = walk_tree(root, max_files=3)
    assert len(result.files) == 3
    assert "file limit of 3 reached" in result.skipped[-1].reason


def _hub_repo(base: Path) -> tuple[Path, Path]:
    repo = base / "models--acme--bert"
    (repo / "blobs").mkdir(parents=True)
    blob = repo / "blobs" / ("e" * 64)
    blob.write_bytes(b"\x00" * 16)
    snapshot = repo / "snapshots" / ("0" * 40)
    snapshot.mkdir(parents=True)
    return snapshot, blob


def test_hub_snapshot_links_to_its_own_blobs_are_followed(tmp_path: Path) -> None:
    snapshot, blob = _hub_repo(tmp_path)
    (snapshot / "model.safetensors").symlink_to(Path("../..") / "blobs" / blob.name)
    result = walk_tree(snapshot)
    assert [(f.rel.rsplit("/", 1)[-1], f.path) for f in result.files] == [
        ("model.safetensors", blob.resolve())
    ]
    assert result.skipped == []


def test_hub_snapshot_links_elsewhere_are_still_refused(tmp_path: Path) -> None:
    snapshot, _ = _hub_repo(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    (snapshot / "model.safetensors").symlink_to(secret)
    result = walk_tree(snapshot)
    assert result.files == []
    assert "outside the scanned tree" in result.skipped[0].reason
