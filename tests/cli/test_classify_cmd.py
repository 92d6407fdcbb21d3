"""``stackward classify``: the command's output, exit codes and what it never writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stackward.cli.app import build_app
from stackward.cli.classify_cmd import _credential_free

EMAILS = [f"customer{i}@example.org" for i in range(40)]
CARD = "4111 1111 1111 1111"
TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    rows = "".join(f"{i},{email},{i * 2}.99\n" for i, email in enumerate(EMAILS))
    (root / "customers.csv").write_text("id,email,price\n" + rows, encoding="utf-8")
    (root / "ticket.txt").write_text(
        f"Hello,\nplease refund my card {CARD} today.\nThanks\n", encoding="utf-8"
    )
    (root / "settings.py").write_text(f"GITHUB_TOKEN = '{TOKEN}'\n", encoding="utf-8")
    return root


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(["classify"]), ["classify", *args])
    return result.exit_code, result.output


def test_json_reports_fields_and_lines_without_values(data_dir: Path, tmp_path: Path) -> None:
    code, output = _run([str(data_dir), "--format", "json", "--no-store", "-j", "1"])
    assert code == 0
    document = json.loads(output)
    items = {item["item"]: item for item in document["items"]}
    assert [f["class"] for f in items["customers.csv"]["fields"]] == ["pii.email"]
    assert items["customers.csv"]["fields"][0]["field"] == "email"
    ticket = items["ticket.txt"]["occurrences"]
    assert [(o["class"], o["line"]) for o in ticket] == [("pii.payment_card", 2)]
    settings = items["settings.py"]["occurrences"]
    assert [(o["class"], o["line"]) for o in settings] == [("secret.github_token", 1)]
    assert document["summary"]["by_class"]["pii.email"]["items"] == 1
    for secret in (CARD, TOKEN, *EMAILS):
        assert secret not in output
    assert not (tmp_path / ".stackward").exists()


def test_fingerprints_correlate_under_one_key_file(data_dir: Path, tmp_path: Path) -> None:
    (data_dir / "copy.py").write_text(f"token = '{TOKEN}'\n", encoding="utf-8")
    key = tmp_path / "state" / "dspm.key"
    code, output = _run([str(data_dir), "--format", "json", "--key-file", str(key), "-j", "1"])
    assert code == 0
    assert key.stat().st_mode & 0o077 == 0
    prints = {
        o["fingerprint"]
        for item in json.loads(output)["items"]
        for o in item["occurrences"]
        if o["class"] == "secret.github_token"
    }
    assert len(prints) == 1


def test_console_output_lists_the_items(data_dir: Path) -> None:
    code, output = _run([str(data_dir), "--no-store", "-j", "1"])
    assert code == 0
    assert "customers.csv" in output
    assert "pii.email" in output
    assert "3 of 3 items hold sensitive data" in output


def test_results_roll_up_to_prefixes(data_dir: Path) -> None:
    (data_dir / "raw" / "2024").mkdir(parents=True)
    (data_dir / "raw" / "2024" / "notes.txt").write_text(f"card {CARD}\n", encoding="utf-8")
    (data_dir / "curated").mkdir()
    (data_dir / "curated" / "clean.txt").write_text("nothing to see\n", encoding="utf-8")
    code, output = _run([str(data_dir), "--format", "json", "--no-store", "-j", "1"])
    assert code == 0
    groups = {g["prefix"]: g for g in json.loads(output)["groups"]}
    assert set(groups) == {"", "raw/", "raw/2024/", "curated/"}
    assert groups["raw/"]["classes"] == {"pii.payment_card": 1}
    assert (groups["curated/"]["items"], groups["curated/"]["items_with_data"]) == (1, 0)
    assert groups[""]["items"] == 5
    code, console = _run([str(data_dir), "--no-store", "-j", "1"])
    assert "By prefix / schema" in console
    assert "raw/" in console and "curated/" not in console.split("By prefix")[1]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["--format", "xml"], 2, "unknown format", id="format"),
        pytest.param(["--engine", "pcre"], 2, "unknown engine", id="engine"),
    ],
)
def test_usage_errors(data_dir: Path, args: list[str], code: int, message: str) -> None:
    exit_code, output = _run([str(data_dir), "--no-store", *args])
    assert exit_code == code
    assert message in output


def test_a_missing_path_is_an_error_of_the_run(tmp_path: Path) -> None:
    code, output = _run([str(tmp_path / "nope"), "--format", "json", "--no-store"])
    assert code == 2
    assert "no such file or directory" in json.loads(output)["errors"][0]


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("postgresql://app:Hunter2pw@db:5432/crm", "postgresql://app@db:5432/crm"),
        ("postgresql://db/crm", "postgresql://db/crm"),
        ("s3://bucket/prefix", "s3://bucket/prefix"),
        ("data/lake", "data/lake"),
    ],
)
def test_targets_are_shown_without_passwords(target: str, shown: str) -> None:
    assert _credential_free(target) == shown
