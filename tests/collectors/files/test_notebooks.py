from __future__ import annotations

import pytest

from stackward.collectors.files.notebooks import read_notebook
from tests.collectors.files.helpers import entry_for

LIMIT = 1024 * 1024


def test_leaky_notebook_is_described_without_running_it() -> None:
    reading = read_notebook(entry_for("notebooks/leaky.ipynb"), LIMIT)
    props = reading.properties
    assert not reading.skipped
    assert props["kernel"] == "python3"
    assert props["language"] == "python"
    assert props["cell_counts"] == {"code": 4, "markdown": 1}
    assert props["imports"] == ["json", "os", "sklearn", "torch"]
    assert props["has_outputs"] is True
    assert props["data_uris"] == [
        "postgresql://***@warehouse:5432/dw",
        "s3://corp-lake/raw/people/",
    ]
    assert props["data_paths"] == ["../datasets/people.csv"]
    assert "../datasets/people.csv" in reading.references


def test_secrets_carry_cell_line_and_where() -> None:
    props = read_notebook(entry_for("notebooks/leaky.ipynb"), LIMIT).properties
    found = {(s["detector"], s["cell"], s["line"], s["where"]) for s in props["secrets"]}
    assert found == {
        ("openai_api_key", 1, 5, "code"),
        ("connection_string_credentials", 2, 3, "code"),
        ("github_token", 3, 1, "output"),
    }
    text = str(props["secrets"])
    assert "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" not in text
    assert "Sup3r-S3cret-Pw" not in text


def test_unsafe_loads_in_cells() -> None:
    props = read_notebook(entry_for("notebooks/leaky.ipynb"), LIMIT).properties
    kinds = {(u["kind"], u["cell"]) for u in props["unsafe_loads"]}
    assert kinds == {("torch_load_without_weights_only", 4), ("trust_remote_code", 4)}


def test_clean_notebook_has_no_secrets_or_unsafe_loads() -> None:
    props = read_notebook(entry_for("notebooks/clean.ipynb"), LIMIT).properties
    assert props["secrets"] == []
    assert props["unsafe_loads"] == []
    assert props["has_outputs"] is False


def test_nbformat3_worksheets_are_read() -> None:
    props = read_notebook(entry_for("notebooks/nbformat3.ipynb"), LIMIT).properties
    assert props["nbformat"] == 3
    assert props["imports"] == ["numpy"]
    assert [s["detector"] for s in props["secrets"]] == ["slack_token"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("notebooks/truncated.ipynb", "invalid JSON"),
        ("notebooks/empty.ipynb", "invalid JSON"),
        ("notebooks/not-a-notebook.ipynb", "no 'cells' list"),
    ],
)
def test_malformed_notebooks_become_skipped(name: str, reason: str) -> None:
    reading = read_notebook(entry_for(name), LIMIT)
    assert len(reading.skipped) == 1
    assert reason in reading.skipped[0].reason
    assert reading.skipped[0].location.endswith(name.rsplit("/", 1)[-1])


def test_notebook_over_the_parse_limit_is_not_read() -> None:
    entry = entry_for("notebooks/leaky.ipynb")
    reading = read_notebook(entry, limit=100)
    assert "secrets" not in reading.properties
    assert reading.properties["content_read"] is False
    assert "exceeds the parse limit" in reading.skipped[0].reason
