from __future__ import annotations

import pytest

from stackward.checks.builtin.files.trust_remote_code import TrustRemoteCodeCheck
from stackward.model import AssetKind
from tests.checks.builtin.files.assets import file_asset
from tests.conftest import findings_of, graph_of

TRC = {
    "kind": "trust_remote_code",
    "line": 16,
    "snippet": "from_pretrained(m, trust_remote_code=True)",
}
TORCH = {"kind": "torch_load_without_weights_only", "line": 17, "snippet": "torch.load(p)"}


@pytest.mark.parametrize(
    ("kind", "loads", "keys"),
    [
        (AssetKind.SOURCE_FILE, [TRC], ["trust_remote_code:-:16"]),
        (AssetKind.NOTEBOOK, [{**TRC, "cell": 2}], ["trust_remote_code:2:16"]),
        (AssetKind.CONFIG_FILE, [TRC, TORCH], ["trust_remote_code:-:16"]),
        (AssetKind.SOURCE_FILE, [TORCH], []),
        (AssetKind.SOURCE_FILE, [], []),
        (AssetKind.DATASET, [TRC], []),
    ],
)
def test_trust_remote_code(
    kind: AssetKind, loads: list[dict[str, object]], keys: list[str]
) -> None:
    asset = file_asset(kind, "serve.py", unsafe_loads=loads)
    findings = findings_of(TrustRemoteCodeCheck, graph_of([asset]))
    assert [f.evidence.key for f in findings] == keys
    assert all(f.rule_id == "SW-FILE-003" for f in findings)
