"""A small but realistic scan of an AI stack, built through the real engine, for report tests.

The graph spans five layers; an internet-facing ingress routes to an LLM API that loads a
pickle model and mounts a secret, so there are attack paths. Three test-only checks produce a
posture finding, a detection finding whose evidence is hostile markup, and a URN-located one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.engine import run_checks
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.attack_paths import find_attack_paths
from stackward.graph.inventory import InventoryGraph
from stackward.model import (
    Asset,
    AssetKind,
    Evidence,
    Layer,
    Relation,
    RelationKind,
    Severity,
    Skipped,
)
from stackward.model.redact import redact_text
from stackward.scan.result import ScanResult
from stackward.scan.risk import rank

HOSTILE_SNIPPET = (
    '<script>alert("pwned")</script> OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz'
)
SCOPE = "/srv/scan/ai-stack"
STARTED = dt.datetime(2026, 11, 25, 21, 0, 0, tzinfo=dt.UTC)
FINISHED = dt.datetime(2026, 11, 25, 21, 0, 7, 250000, tzinfo=dt.UTC)


class ExposedLlmApiCheck(Check):
    meta = CheckMeta(
        id="TEST-EXPOSED-001",
        title="LLM API reachable from the internet without authentication",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.LLM_SERVICE}),
        refs=(
            atlas("AML.T0049"),
            atlas("AML.T0040"),
            atlas("AML.M0019"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM10"),
        ),
        rationale="Anyone on the internet can query the model and run up cost or extract it.",
        remediation="Put the API behind an authenticating gateway and restrict the ingress.",
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("auth") == "none":
            yield Violation(
                Evidence(location="ai-stack/k8s/llm-api.yaml", snippet="auth: none", line=14),
                detail="no auth",
            )


class PlaintextApiKeyCheck(Check):
    meta = CheckMeta(
        id="TEST-SECRET-001",
        title="Provider API key in plain text",
        severity=Severity.CRITICAL,
        layer=Layer.IDENTITY,
        kinds=frozenset({AssetKind.K8S_SECRET}),
        refs=(atlas("AML.T0055"), atlas("AML.T0012"), nist("MANAGE 2.4"), owasp_llm("LLM02")),
        rationale="A leaked provider key lets anyone spend on and read through the account.",
        remediation="Rotate the key and load it from a secret manager.",
        detection=True,
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        yield Violation(
            Evidence(
                location="ai-stack/k8s/secrets.yaml",
                snippet=redact_text(HOSTILE_SNIPPET),
                line=7,
                key="OPENAI_API_KEY",
            )
        )


class UnencryptedBucketCheck(Check):
    meta = CheckMeta(
        id="TEST-DATA-001",
        title="Training data bucket without encryption",
        severity=Severity.MEDIUM,
        layer=Layer.INFRASTRUCTURE,
        kinds=frozenset({AssetKind.OBJECT_BUCKET}),
        refs=(atlas("AML.T0011.000"), atlas("AML.M0012"), nist("MAP 4.1"), nist("GOVERN 1.6")),
        rationale="Unencrypted training data is readable by anyone with storage access.",
        remediation="Enable default encryption with a customer-managed key.",
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        yield Violation(Evidence(location=asset.id, snippet="encryption: null"))


CHECKS: tuple[type[Check], ...] = (ExposedLlmApiCheck, PlaintextApiKeyCheck, UnencryptedBucketCheck)


def stack_graph() -> InventoryGraph:
    assets = [
        Asset(
            "k8s:ingress/ml/llm",
            AssetKind.K8S_INGRESS,
            Layer.INFRASTRUCTURE,
            "llm",
            "ai-stack/k8s/llm-api.yaml",
            internet_exposed=True,
        ),
        Asset(
            "k8s:deployment/ml/llm-api",
            AssetKind.LLM_SERVICE,
            Layer.CORE_AI,
            "llm-api",
            "ai-stack/k8s/llm-api.yaml",
            properties={"auth": "none", "namespace": "ml"},
            labels={"app": "llm-api", "team": "ml-platform"},
            region="eu-west-1",
        ),
        Asset(
            "k8s:secret/ml/openai",
            AssetKind.K8S_SECRET,
            Layer.IDENTITY,
            "openai",
            "ai-stack/k8s/secrets.yaml",
            sensitive=True,
        ),
        Asset(
            "file:ai-stack/models/fraud.pt",
            AssetKind.MODEL_ARTIFACT,
            Layer.CORE_AI,
            "fraud.pt",
            "ai-stack/models/fraud.pt",
            properties={"format": "pytorch zip"},
            sensitive=True,
        ),
        Asset(
            "tf:aws_s3_bucket.training",
            AssetKind.OBJECT_BUCKET,
            Layer.INFRASTRUCTURE,
            "training",
            "ai-stack/terraform/main.tf",
            region="eu-west-1",
            sensitive=True,
        ),
        Asset(
            "file:ai-stack/notebooks/explore.ipynb",
            AssetKind.NOTEBOOK,
            Layer.EXPERIMENTATION,
            "explore.ipynb",
            "ai-stack/notebooks/explore.ipynb",
        ),
    ]
    relations = [
        Relation("k8s:ingress/ml/llm", "k8s:deployment/ml/llm-api", RelationKind.ROUTES_TO),
        Relation("k8s:deployment/ml/llm-api", "k8s:secret/ml/openai", RelationKind.MOUNTS),
        Relation(
            "k8s:deployment/ml/llm-api", "file:ai-stack/models/fraud.pt", RelationKind.LOADS_MODEL
        ),
        Relation(
            "file:ai-stack/notebooks/explore.ipynb", "tf:aws_s3_bucket.training", RelationKind.READS
        ),
    ]
    graph = InventoryGraph()
    graph.extend(assets, relations)
    return graph


def stack_scan() -> ScanResult:
    """Collect nothing, evaluate the test checks on :func:`stack_graph`, rank like a real scan."""
    graph = stack_graph()
    checks = [cls() for cls in CHECKS]
    run = run_checks(graph, checks)
    paths = find_attack_paths(graph)
    return ScanResult(
        scope=SCOPE,
        started_at=STARTED,
        finished_at=FINISHED,
        graph=graph,
        findings=rank(run.findings, graph, paths),
        attack_paths=paths,
        skipped=[
            Skipped("ai-stack/k8s/broken.yaml", "invalid YAML in document 2: line 3", "kubernetes"),
            Skipped("s3://archive/", "access denied <listing>", "s3"),
        ],
        checks_run=len(checks),
        rules={c.meta.id: c.meta for c in checks},
    )
