"""A shell command built from values (f-string, ``%``, ``+``, ``.format``) and run by a shell."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.code.risk_facts import CODE_KINDS, code_risks, place, risk_evidence
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Layer, Severity


class ShellCommandInterpolatedCheck(Check):
    meta = CheckMeta(
        id="SW-CODE-004",
        title="Shell command built from values and run with shell=True",
        severity=Severity.MEDIUM,
        layer=Layer.SUPPORTIVE,
        kinds=CODE_KINDS,
        refs=(
            atlas("AML.T0050"),
            nist("MANAGE 2.4"),
            owasp_llm("LLM05"),
        ),
        rationale=(
            "A value placed into a shell command line is parsed by the shell: a file name,"
            " a model or dataset name, or text a model produced that holds ; $( ) or | runs"
            " further commands in the training, notebook or serving environment."
        ),
        remediation=(
            "Pass the command as a list without shell=True (subprocess.run(['tool', arg])),"
            " or quote every value with shlex.quote; never put model output in a command."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for risk in code_risks(asset, "shell_command_interpolated"):
            yield Violation(
                risk_evidence(asset, risk), detail=f"{risk.get('detail')} at {place(risk)}"
            )
