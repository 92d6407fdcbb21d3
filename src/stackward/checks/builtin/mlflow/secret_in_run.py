"""A credential was logged as an MLflow run parameter or tag."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class SecretInMlflowRunCheck(Check):
    meta = CheckMeta(
        id="SW-MLF-002",
        title="Secret logged as an MLflow run parameter or tag",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.TRAINING_JOB}),
        refs=(
            atlas("AML.T0055"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.10"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "Parameters and tags are stored in clear in the tracking server and shown to everyone"
            " who can read the experiment, exported with the run and copied into model metadata."
            " A credential there has leaked to all of them."
        ),
        remediation=(
            "Revoke and rotate the credential, delete the run or overwrite the parameter, and"
            " pass secrets to training through the environment or a secret manager; log only"
            " the name of the secret, never its value."
        ),
        detection=True,
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("service") != "mlflow":
            return
        records = asset.prop("param_classes", ())
        for record in records if isinstance(records, list | tuple) else ():
            if not isinstance(record, Mapping):
                continue
            secrets = sorted(
                str(c) for c in record.get("classes", ()) if str(c).startswith("secret.")
            )
            if not secrets:
                continue
            where, name = str(record.get("where", "param")), str(record.get("name", "?"))
            yield Violation(
                Evidence(
                    location=f"{asset.source} run {asset.prop('run_id')}",
                    snippet=f"{where} {name}: {', '.join(secrets)} (value not kept)",
                    key=f"{where}:{name}",
                ),
                detail=f"{where} {name!r} holds {', '.join(secrets)}",
            )
