"""Relative paths in ``stackward.yaml`` are relative to the file, wherever the scan runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from stackward.config import ScanConfig, load_config

ABSOLUTE = "/srv/stackward"

Setting = Callable[[ScanConfig], object]

CASES: list[tuple[str, str, Setting]] = [
    (
        "data-source-path",
        "data:\n  sources:\n    - path: {p}/lake\n",
        lambda c: c.data.sources[0].path,
    ),
    (
        "data-source-identities",
        "data:\n  sources:\n    - uri: s3://bucket\n      identities: {p}/s3.json\n",
        lambda c: c.data.sources[0].identities,
    ),
    (
        "usage-log-glob",
        "data:\n  usage:\n    logs:\n      - path: '{p}/logs/*.log'\n        format: s3_access\n",
        lambda c: c.data.usage.logs[0].path,
    ),
    (
        "openlineage-glob",
        "lineage:\n  openlineage: ['{p}/lineage/*.jsonl']\n",
        lambda c: c.lineage.openlineage[0],
    ),
    ("receiver-dir", "lineage:\n  receiver_dir: {p}/spool\n", lambda c: c.lineage.receiver_dir),
    (
        "dbt-manifest",
        "lineage:\n  dbt:\n    - manifest: {p}/target/manifest.json\n"
        "      namespace: postgres://db:5432\n",
        lambda c: c.lineage.dbt[0].manifest,
    ),
    (
        "training-path",
        "lineage:\n  training:\n    paths: [{p}/mlruns]\n",
        lambda c: c.lineage.training.paths[0],
    ),
]
"""Each setting, its YAML with ``{p}`` where the directory goes, and how to read it back."""

TAILS = {
    "data-source-path": "lake",
    "data-source-identities": "s3.json",
    "usage-log-glob": "logs/*.log",
    "openlineage-glob": "lineage/*.jsonl",
    "receiver-dir": "spool",
    "dbt-manifest": "target/manifest.json",
    "training-path": "mlruns",
}


def _load(tmp_path: Path, template: str, prefix: str) -> ScanConfig:
    path = tmp_path / "conf" / "stackward.yaml"
    path.parent.mkdir()
    path.write_text(template.format(p=prefix), encoding="utf-8")
    return load_config(path)


@pytest.mark.parametrize(("name", "template", "read"), CASES, ids=[c[0] for c in CASES])
def test_relative_path_is_joined_to_the_config_directory(
    tmp_path: Path, name: str, template: str, read: Setting
) -> None:
    config = _load(tmp_path, template, "sub")
    value = read(config)
    expected = (tmp_path / "conf" / "sub" / TAILS[name]).resolve()
    assert str(value) == str(expected)
    assert Path(str(value)).is_absolute()


@pytest.mark.parametrize(("name", "template", "read"), CASES, ids=[c[0] for c in CASES])
def test_absolute_path_is_kept(tmp_path: Path, name: str, template: str, read: Setting) -> None:
    config = _load(tmp_path, template, ABSOLUTE)
    assert str(read(config)) == f"{ABSOLUTE}/{TAILS[name]}"


@pytest.mark.parametrize(
    ("template", "read", "expected"),
    [
        (
            "data:\n  sources:\n    - uri: s3://bucket/raw\n",
            lambda c: c.data.sources[0].uri,
            "s3://bucket/raw",
        ),
        (
            "data:\n  sources:\n    - dsn: postgresql://scanner@db/app\n",
            lambda c: c.data.sources[0].dsn,
            "postgresql://scanner@db/app",
        ),
        (
            "data:\n  sources:\n    - uri: s3://bucket\n",
            lambda c: c.data.sources[0].path,
            None,
        ),
    ],
    ids=["s3-uri", "dsn", "no-path-stays-none"],
)
def test_uris_and_dsns_are_not_paths(
    tmp_path: Path, template: str, read: Setting, expected: str | None
) -> None:
    assert read(_load(tmp_path, template, "")) == expected


def test_default_receiver_dir_follows_the_config_file(tmp_path: Path) -> None:
    config = _load(tmp_path, "version: 1\n", "")
    assert config.lineage.receiver_dir == (tmp_path / "conf" / ".stackward" / "lineage").resolve()
