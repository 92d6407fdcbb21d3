"""Long-lived IAM user access keys created by Terraform."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class IamAccessKeyCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-011",
        title="Long-lived IAM access key managed in Terraform",
        severity=Severity.HIGH,
        layer=Layer.IDENTITY,
        kinds=frozenset({AssetKind.IAM_CREDENTIAL}),
        refs=(
            atlas("AML.T0055"),
            atlas("AML.T0012"),
            atlas("AML.M0019"),
            nist("MANAGE 2.4"),
            nist("GOVERN 1.4"),
        ),
        rationale=(
            "An aws_iam_access_key never expires and its secret is written to the Terraform"
            " state (in clear text unless pgp_key is set), so everyone who can read the state"
            " bucket or a CI log holds a working credential for the user."
        ),
        remediation=(
            "Replace the IAM user and key with a role assumed through OIDC federation (CI) or"
            " an instance/task role; if a key is unavoidable, set pgp_key and rotate it."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("credential_type") != "aws_access_key":
            return
        if asset.prop("status") == "Inactive":
            return
        snippet = f"access key for user {asset.prop('user') or asset.name}"
        if not asset.prop("secret_encrypted_with_pgp"):
            snippet += "; secret stored in state unencrypted"
        yield Violation(
            Evidence(f"{asset.source}#{asset.prop('address')}", snippet, key="access_key")
        )
