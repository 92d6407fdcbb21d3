"""``stackward data`` end to end on a small project with a config: table, card and JSON."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from stackward.cli.app import app
from stackward.cli.data_cmd import split_arguments
from stackward.cli.exit_codes import OK, USAGE_OR_CONFIG_ERROR

runner = CliRunner()
ROWS = "id,email,amount\n" + "".join(f"{i},user{i}@example.org,{i}.50\n" for i in range(40))
MARKUP_NAME = "[red]boom[bold].csv"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    lake = root / "lake"
    for folder in ("training", "serving"):
        (lake / folder).mkdir(parents=True)
        (lake / folder / "customers.csv").write_text(ROWS, encoding="utf-8")
    (lake / "serving" / MARKUP_NAME).write_text(ROWS, encoding="utf-8")
    (lake / "serving" / "notes.txt").write_text("nothing sensitive here\n", encoding="utf-8")
    config = root / "stackward.yaml"
    config.write_text(
        f"sources:\n  paths: ['{root}']\n"
        f"store:\n  path: '{root / 'state' / 'stackward.db'}'\n"
        f"data:\n  sources:\n    - path: '{lake}'\n  jobs: 1\n",
        encoding="utf-8",
    )
    return root


def _data(project: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["data", *args, "--config", str(project / "stackward.yaml")], env={"COLUMNS": "200"}
    )
    return result.exit_code, result.stdout if "--json" in args else result.output


def _dataset_id(project: Path, item: str) -> str:
    return f"data:{project / 'lake'}::{item}"


def test_json_lists_the_classified_data_and_matches_the_schema(project: Path) -> None:
    code, out = _data(project, "--json")
    assert code == OK
    document = json.loads(out)
    schema = json.loads(
        files("stackward.report").joinpath("schemas/data_map.schema.json").read_text()
    )
    jsonschema.Draft202012Validator(schema).validate(document)
    ids = {a["id"] for a in document["assets"]}
    assert {
        _dataset_id(project, "training/customers.csv"),
        _dataset_id(project, "serving/customers.csv"),
    } <= ids
    assert _dataset_id(project, "serving/notes.txt") not in ids
    cards = {a["id"]: a for a in document["assets"]}
    training = cards[_dataset_id(project, "training/customers.csv")]
    assert [c["name"] for c in training["classes"]] == ["pii.email"]
    # Local files: nobody produced access, usage or lineage facts, so none is claimed.
    assert training["access"]["status"] == "not_analysed"
    assert training["usage"]["status"] == "not_analysed"
    assert training["placement"]["region"] is None
    assert out == json.dumps(document, indent=2, sort_keys=True) + "\n"


def test_table_shows_every_data_asset(project: Path) -> None:
    code, out = _data(project)
    assert code == OK
    assert "Data map (" in out and "not analysed" in out
    assert out.count("customers.csv") >= 2


def test_card_of_one_asset(project: Path) -> None:
    code, out = _data(project, _dataset_id(project, "training/customers.csv"))
    assert code == OK
    for heading in ("What", "Who has access", "How it is used", "Lineage", "Where"):
        assert f"\n{heading}\n" in out
    assert "pii.email found here" in out
    assert "region unknown" in out


def test_json_card_of_one_asset(project: Path) -> None:
    wanted = _dataset_id(project, "serving/customers.csv")
    code, out = _data(project, wanted, "--json")
    assert code == OK
    assert [a["id"] for a in json.loads(out)["assets"]] == [wanted]


def test_markup_in_a_name_prints_as_written(project: Path) -> None:
    code, out = _data(project, _dataset_id(project, f"serving/{MARKUP_NAME}"))
    assert code == OK
    assert MARKUP_NAME in out


@pytest.mark.parametrize(
    ("asset", "message"),
    [
        ("customers.csv", "names "),
        ("no-such-dataset", "no data asset"),
    ],
    ids=["ambiguous-name", "unknown"],
)
def test_unusable_asset_is_a_usage_error(project: Path, asset: str, message: str) -> None:
    code, out = _data(project, asset)
    assert code == USAGE_OR_CONFIG_ERROR
    assert message in out


def test_existing_path_is_a_target_not_an_asset(project: Path) -> None:
    code, out = _data(project, str(project), "--json")
    assert code == OK
    assert json.loads(out)["assets"]


@pytest.mark.parametrize(
    ("arguments", "option", "expected"),
    [
        ([], None, (None, [])),
        (["ds-name"], None, ("ds-name", [])),
        (["ds-name", "."], None, ("ds-name", [Path()])),
        (["."], None, (None, [Path()])),
        (["."], "ds-name", ("ds-name", [Path()])),
        (["other"], "ds-name", ("ds-name", [Path("other")])),
    ],
    ids=["nothing", "asset", "asset-and-target", "target", "option-and-target", "option-wins"],
)
def test_split_arguments(
    arguments: list[str], option: str | None, expected: tuple[str | None, list[Path]]
) -> None:
    assert split_arguments(arguments, option) == expected
