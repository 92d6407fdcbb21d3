"""Bindings that let every service account (or every user) read Secrets in an AI namespace."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import (
    EVERYONE_GROUPS,
    is_ai_namespace,
)
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity


def broad_groups(binding: Asset) -> list[str]:
    return [
        s["name"]
        for s in binding.prop("subjects") or ()
        if s.get("kind") == "Group" and str(s.get("name", "")).startswith(EVERYONE_GROUPS)
    ]


class SecretsReadableByAllAccountsCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-019",
        title="Secrets in an AI namespace readable by every service account",
        severity=Severity.HIGH,
        layer=Layer.IDENTITY,
        kinds=frozenset({AssetKind.K8S_ROLE_BINDING}),
        refs=(
            atlas("AML.T0055"),
            atlas("AML.T0012"),
            atlas("AML.M0019"),
            nist("MANAGE 2.4"),
            nist("GOVERN 1.6"),
        ),
        rationale=(
            "Binding a Secret-reading role to system:serviceaccounts (or system:authenticated)"
            " hands the model-hub tokens, database passwords and provider API keys of the"
            " namespace to every pod, so any compromised workload collects them all."
        ),
        remediation=(
            "Bind Secret access to the individual service accounts that need it and limit it to"
            " named Secrets with resourceNames."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        groups = broad_groups(asset)
        if not groups or not asset.id.startswith("k8s"):
            return
        roles = graph.successors(asset.id, RelationKind.REFERENCES)
        role = next((r for r in roles if r.kind is AssetKind.K8S_ROLE), None)
        if role is None or not role.prop("reads_secrets"):
            return
        scope = str(asset.prop("scope") or "")
        namespaces = [
            a
            for a in graph.assets(AssetKind.K8S_NAMESPACE)
            if is_ai_namespace(a) and a.id.startswith("k8s")
        ]
        if scope != "cluster":
            namespaces = [n for n in namespaces if n.name == scope]
        if not namespaces:
            return
        yield Violation(
            Evidence(
                location=asset.source,
                snippet=f"{', '.join(groups)} -> {role.name} ({','.join(role.prop('secret_verbs') or ())} secrets) in {scope}",
                key=asset.id,
            ),
            detail=f"{', '.join(groups)} in {scope}",
        )
