"""Manifest files through the whole collector: formats, bad documents and limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.kubernetes import KubernetesCollector
from stackward.collectors.kubernetes.manifests import load_manifest_file
from stackward.collectors.kubernetes.parallel import load_manifest_files
from stackward.collectors.sniff import FileKind
from stackward.collectors.walk import FileEntry, walk_tree
from stackward.config.schema import ScanConfig, Sources

FIXTURES = Path(__file__).parent / "fixtures"


def _collect(path: Path, max_mb: float = 64.0) -> CollectResult:
    walked = walk_tree(path)
    config = ScanConfig(sources=Sources(paths=[path], max_parse_mb=max_mb))
    return KubernetesCollector().collect(CollectContext(config=config, files=walked.files))


def _entry(path: Path) -> FileEntry:
    return FileEntry(
        path=path, rel=f"t/{path.name}", size=path.stat().st_size, kind=FileKind.K8S_MANIFEST
    )


def test_fixtures_are_sniffed_as_manifests() -> None:
    kinds = {f.path.name: f.kind for f in walk_tree(FIXTURES).files if f.path.parent == FIXTURES}
    assert set(kinds.values()) == {FileKind.K8S_MANIFEST}, kinds


def test_malformed_document_is_skipped_and_the_rest_loads() -> None:
    result = _collect(FIXTURES / "multi_doc.yaml")
    ids = {a.id for a in result.assets}
    assert {"k8s:deployment/llm/tgi", "k8s:service/llm/tgi"} <= ids
    reasons = {s.location: s.reason for s in result.skipped}
    assert "malformed YAML" in reasons["multi_doc.yaml#1"]
    assert "not a Kubernetes object" in reasons["multi_doc.yaml#2"]
    assert reasons["multi_doc.yaml#3"] == "document has no kind"
    assert all(s.collector == "kubernetes" for s in result.skipped)


def test_list_dump_expands_items_and_drops_owned_pods_and_events() -> None:
    result = _collect(FIXTURES / "kubectl_get_all.json")
    ids = {a.id for a in result.assets}
    assert "k8s:statefulset/rag/qdrant" in ids
    assert "k8s:pod/rag/qdrant-0" not in ids  # inventoried through its StatefulSet
    assert not any("event" in i for i in ids)
    assert [s.location for s in result.skipped] == ["kubectl_get_all.json#0/items/5"]


def test_typed_list_items_inherit_the_kind() -> None:
    result = _collect(FIXTURES / "api_deployment_list.yaml")
    by_id = {a.id: a for a in result.assets}
    assert by_id["k8s:deployment/chat/open-webui"].prop("ai_component") == "open-webui"
    assert by_id["k8s:deployment/chat/open-webui"].prop("auth")["state"] == "disabled"
    assert by_id["k8s:deployment/chat/triton"].prop("ai_component") == "triton"


def test_helm_rendered_output_without_namespaces_lands_in_default() -> None:
    result = _collect(FIXTURES / "helm_rendered.yaml")
    by_id = {a.id: a for a in result.assets}
    mlflow = by_id["k8s:deployment/default/release-mlflow"]
    assert mlflow.prop("ai_component") == "mlflow"
    assert mlflow.prop("auth")["state"] == "enabled"
    assert by_id["k8s:service/default/release-mlflow"].internet_exposed
    configmap = by_id["k8s:configmap/default/release-mlflow-env-configmap"]
    assert configmap.prop("secret_like_keys") == ["AWS_SECRET_ACCESS_KEY"]
    assert "EXAMPLEKEY" not in str(configmap.properties)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xfe\x00garbage\x80\x81", "not UTF-8"),
        (b"apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n", "malformed YAML"),
        (
            b"apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n",
            "malformed YAML",
        ),
        (b"- a\n- b\n", "not a Kubernetes object"),
        (b"apiVersion: v1\nkind: Pod\nmetadata: {}\n", "has no metadata.name"),
    ],
)
def test_bad_files_become_skips(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    loaded = load_manifest_file(_entry(path), max_bytes=1_000_000)
    assert loaded.objects == []
    assert len(loaded.skipped) == 1
    assert reason in loaded.skipped[0].reason
    assert loaded.skipped[0].location.startswith("t/bad.yaml")


def test_file_over_the_parse_limit_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  k: " + "x" * 5000 + "\n"
    )
    loaded = load_manifest_file(_entry(path), max_bytes=1000)
    assert loaded.objects == []
    assert "over the parse limit" in loaded.skipped[0].reason


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    entry = FileEntry(
        path=tmp_path / "gone.yaml", rel="t/gone.yaml", size=10, kind=FileKind.K8S_MANIFEST
    )
    loaded = load_manifest_file(entry, max_bytes=1000)
    assert "cannot read file" in loaded.skipped[0].reason


def test_json_array_and_wrong_types_do_not_raise(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    objects = [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "x", "labels": "oops"},
            "spec": {"template": {"spec": {"containers": "not-a-list", "volumes": [1, None]}}},
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "s"},
            "spec": {"ports": [{"port": "80"}, 7], "selector": 5},
        },
    ]
    path.write_text(json.dumps(objects, indent=2))
    result = _collect(path)
    assert {"k8s:deployment/default/x", "k8s:service/default/s"} <= {a.id for a in result.assets}
    assert result.skipped == []


def test_parallel_parsing_matches_serial_parsing() -> None:
    entries = [f for f in walk_tree(FIXTURES).files if f.path.parent == FIXTURES] * 3
    serial = load_manifest_files(entries, 10**7)
    parallel = load_manifest_files(entries, 10**7, min_parallel_bytes=0, min_parallel_files=0)
    assert parallel == serial
    assert sum(len(r.objects) for r in parallel) > 10
