"""Bad input never raises: it becomes a Skipped naming the file and the problem."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from stackward.collectors.sniff import FileKind
from stackward.collectors.terraform.build import Build
from stackward.collectors.terraform.collector import collect_file, guarded_map
from stackward.collectors.terraform.document import TfResource
from stackward.collectors.walk import FileEntry
from stackward.model import AssetKind, Layer
from tests.collectors.terraform.conftest import FIXTURES, collect_as_plan, collect_path

GOOD = (FIXTURES / "aws_state.json").read_bytes()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (GOOD[: len(GOOD) // 2], "not valid JSON"),
        (b"", "not valid JSON"),
        (b"\x00\xff\xfe garbage \x89PNG", "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
        (b'["format_version", "values"]', "top level is a JSON list"),
        (b'{"values": {"root_module": {}}}', "no format_version"),
        (b'{"format_version": "1.0", "terraform_version": "1.9.0"}', "no planned_values"),
        (b'{"format_version": "1.2", "resource_changes": {"a": 1}}', "no planned_values"),
        (b'{"format_version": "1.2", "planned_values": [1, 2]}', "planned_values is a JSON list"),
    ],
)
def test_unreadable_documents_are_skipped(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    result = collect_as_plan(path)
    assert result.assets == []
    assert len(result.skipped) == 1
    assert result.skipped[0].location == "t/plan.json"
    assert reason in result.skipped[0].reason
    assert result.skipped[0].collector == "terraform"


def test_bad_resources_do_not_lose_the_rest(tmp_path: Path) -> None:
    doc = json.loads(GOOD)
    resources = doc["values"]["root_module"]["resources"]
    resources.append("not a resource")
    resources.append(
        {
            "address": "aws_s3_bucket.broken",
            "type": "aws_s3_bucket",
            "name": "broken",
            "values": [1],
        }
    )
    resources.append({"type": "aws_s3_bucket", "values": {}})
    notebook = {
        "address": "aws_sagemaker_notebook_instance.odd",
        "mode": "managed",
        "type": "aws_sagemaker_notebook_instance",
        "name": "odd",
        "values": {"name": "odd", "security_groups": 5},
    }
    resources.append(notebook)
    doc["values"]["root_module"]["child_modules"] = [{"address": "module.x", "resources": 7}]
    path = tmp_path / "state.json"
    path.write_text(json.dumps(doc))
    result = collect_as_plan(path)
    by_location = {s.location: s.reason for s in result.skipped}
    assert by_location["t/state.json#values.resources[16]"] == "resource is not an object"
    assert "values is a JSON list" in by_location["t/state.json#aws_s3_bucket.broken"]
    assert "address, type or name missing" in by_location["t/state.json#None"]
    assert (
        "resources or child_modules is not a list"
        in by_location["t/state.json#values.child_modules[0]"]
    )
    ids = {a.id for a in result.assets}
    assert "tf:aws_sagemaker_model.llm" in ids
    odd = next(a for a in result.assets if a.id == "tf:aws_sagemaker_notebook_instance.odd")
    assert odd.prop("security_groups") == []  # a number where a list belongs is ignored


def test_file_over_the_parse_limit_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(GOOD + b" " * 2_000_000)
    result = collect_path(path, max_parse_mb=1.0)
    assert result.assets == []
    assert [s.location for s in result.skipped] == ["big.json"]
    assert "exceeds the parse limit" in result.skipped[0].reason


def test_empty_configuration_plan_has_no_assets_and_no_skips(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps({"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {}})
    )
    result = collect_as_plan(path)
    assert (result.assets, result.skipped) == ([], [])


WRONG_TYPES: list[object] = [
    None,
    1,
    1.5,
    True,
    "x",
    "(known after apply)",
    [],
    {},
    [None],
    {"a": 1},
]


def _paths(node: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


@pytest.mark.parametrize("fixture", ["aws_modules_plan.json", "gcp_plan.json", "azure_plan.json"])
def test_any_value_of_the_wrong_type_never_raises(tmp_path: Path, fixture: str) -> None:
    """Replace each node of a real plan, one at a time, by values of the wrong type."""
    original = json.loads((FIXTURES / fixture).read_text())
    path = tmp_path / "plan.json"
    for position, node_path in enumerate(_paths(original)[1:]):
        doc = json.loads(json.dumps(original))
        parent = doc
        for key in node_path[:-1]:
            parent = parent[key]
        parent[node_path[-1]] = WRONG_TYPES[position % len(WRONG_TYPES)]
        path.write_text(json.dumps(doc))
        result = collect_as_plan(path)  # must not raise
        assert all(s.collector == "terraform" for s in result.skipped)


def test_a_failing_mapper_keeps_the_resource_as_generic() -> None:
    resource = TfResource(
        address="aws_sagemaker_model.m",
        type="aws_sagemaker_model",
        name="m",
        mode="managed",
        module="",
        provider="aws",
        values={},
    )
    build = Build([resource], "plan.json")

    def broken(res: TfResource, build: Build) -> None:
        build.add(res, AssetKind.MODEL_ARTIFACT, Layer.CORE_AI, {})
        raise ValueError("odd value")

    assert guarded_map(build, resource, broken)
    assert [d.kind for d in build.drafts.values()] == [AssetKind.CLOUD_RESOURCE]
    assert build.problems == [
        (
            "aws_sagemaker_model.m",
            "unexpected values, kept as a generic resource: ValueError: odd value",
        )
    ]


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(GOOD)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read any file")
        result = collect_as_plan(path)
    finally:
        path.chmod(0o644)
    assert result.assets == []
    assert [s.location for s in result.skipped] == ["t/plan.json"]
    assert result.skipped[0].reason.startswith("cannot read file")


def test_fifo_in_place_of_a_plan_is_skipped_not_waited_on(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    os.mkfifo(path)
    entry = FileEntry(path=path, rel="t/plan.json", size=10, kind=FileKind.TERRAFORM_PLAN)
    result = collect_file(entry, 1024)
    assert [s.reason for s in result.skipped] == ["cannot read file: not a regular file"]
