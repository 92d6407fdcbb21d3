from __future__ import annotations

import pytest

from stackward.collectors.files.configs import read_code_or_config
from stackward.collectors.files.source import find_imports, find_path_literals, find_unsafe_loads
from tests.collectors.files.helpers import entry_for

LIMIT = 1024 * 1024


def test_loader_script_facts() -> None:
    props = read_code_or_config(entry_for("code/loader.py"), LIMIT).properties
    assert [s["detector"] for s in props["secrets"]] == ["github_token"]
    loads = [
        (u["kind"], u["line"], u.get("weights_only"), u.get("model_path"))
        for u in props["unsafe_loads"]
    ]
    assert loads == [
        ("trust_remote_code", 12, None, None),
        ("torch_load_without_weights_only", 14, "false", None),
        ("pickle_load", 20, None, True),
        ("pickle_load", 22, None, False),
    ]
    assert props["imports"] == ["joblib", "pickle", "torch", "transformers"]


def test_js_and_private_key_secrets() -> None:
    js = read_code_or_config(entry_for("code/client.js"), LIMIT).properties
    assert [s["detector"] for s in js["secrets"]] == ["anthropic_api_key"]
    keys = read_code_or_config(entry_for("code/keys.py"), LIMIT).properties
    assert [s["detector"] for s in keys["secrets"]] == ["private_key"]


@pytest.mark.parametrize(
    ("code", "kinds"),
    [
        ("torch.load(path)", ["torch_load_without_weights_only"]),
        ("torch.load(\n  path,\n  weights_only=True,\n)", []),
        ("torch.load(path, weights_only=False)", ["torch_load_without_weights_only"]),
        ("pipeline('text-generation', model=m, trust_remote_code=True)", ["trust_remote_code"]),
        ("AutoModel.from_pretrained(m, trust_remote_code=False)", []),
        ("--trust-remote-code: true", ["trust_remote_code"]),
        ("vllm serve org/m --trust-remote-code --port 8000", ["trust_remote_code"]),
        ('CMD ["vllm", "serve", "m", "--trust-remote-code"]', ["trust_remote_code"]),
        ("vllm serve m --trust-remote-code=false", []),
        ("--trust-remote-code-allowlist x", []),
        ("pickle.loads(blob)", ["pickle_load"]),
        ("json.load(handle)", []),
        ("torch.load(" + "x" * 5000, ["torch_load_without_weights_only"]),
    ],
)
def test_unsafe_loads(code: str, kinds: list[str]) -> None:
    assert [u["kind"] for u in find_unsafe_loads(code)] == kinds


def test_pickle_of_model_file_is_marked() -> None:
    (load,) = find_unsafe_loads(
        "with open('models/churn.pkl', 'rb') as f:\n    m = pickle.load(f)\n"
    )
    assert load["model_path"] is True
    (other,) = find_unsafe_loads("with open('cache.bin2', 'rb') as f:\n    m = pickle.load(f)\n")
    assert other["model_path"] is False


@pytest.mark.parametrize(
    ("code", "packages"),
    [
        ("import os, sys as system\nimport numpy.linalg", {"os", "sys", "numpy"}),
        (
            "from torch.nn import Linear\nfrom . import local\nfrom __future__ import annotations",
            {"torch"},
        ),
        ("x = 'import fake'", set()),
    ],
)
def test_imports(code: str, packages: set[str]) -> None:
    assert find_imports(code) == packages


def test_path_literals() -> None:
    code = (
        "load_dataset('json', data_files='data/train.jsonl')\n"
        "pd.read_csv('people.csv')\nurl = 'https://x/y.csv'\nname = 'hello'\n"
    )
    assert find_path_literals(code) == {"data/train.jsonl", "people.csv"}
