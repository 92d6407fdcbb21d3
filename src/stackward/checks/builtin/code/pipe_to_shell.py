"""A script downloaded with curl or wget and piped straight into a shell."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.code.risk_facts import CODE_KINDS, code_risks, place, risk_evidence
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Layer, Severity


class PipeToShellCheck(Check):
    meta = CheckMeta(
        id="SW-CODE-002",
        title="Downloaded script piped into a shell (curl | sh)",
        severity=Severity.MEDIUM,
        layer=Layer.SUPPORTIVE,
        kinds=CODE_KINDS,
        refs=(
            atlas("AML.T0010.001"),
            atlas("AML.T0011.001"),
            nist("GOVERN 6.1"),
            nist("MAP 4.1"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "Whatever the server returns at that moment runs unreviewed in the training,"
            " notebook or serving environment, with its credentials and data; a compromised"
            " or hijacked download host owns the environment."
        ),
        remediation=(
            "Install from a package manager with pinned versions and hashes, or download the"
            " script, verify its checksum or signature against a pinned value, review it, and"
            " only then run it."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for risk in code_risks(asset, "pipe_to_shell"):
            yield Violation(
                risk_evidence(asset, risk), detail=f"{risk.get('detail')} at {place(risk)}"
            )
