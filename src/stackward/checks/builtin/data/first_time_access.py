"""A principal used sensitive data for the first time after the baseline period of the logs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.data.unused_access import DATA_KINDS
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity
from stackward.usage.properties import parse_time, usage_entries, usage_window


class FirstTimeSensitiveAccessCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-011",
        title="First-time access to sensitive data",
        severity=Severity.MEDIUM,
        layer=Layer.DATA_FOUNDATION,
        kinds=DATA_KINDS,
        refs=(
            atlas("AML.T0036"),
            nist("MANAGE 4.1"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "A principal that had not touched this sensitive data during the baseline period"
            " and then starts to read or change it is either new work or a stolen credential"
            " being used to collect data (a compromised notebook, an agent told to dump a"
            " table). The logs show when it started, which operation and where."
        ),
        remediation=(
            "Confirm with the owner of the principal that the access is expected; if not,"
            " revoke it, rotate the principal's credentials and review what was read."
        ),
        detection=True,
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        window = usage_window(asset)
        if not asset.sensitive or window is None:
            return
        baseline_end = parse_time(window.get("baseline_end"))
        if baseline_end is None:
            return
        for entry in usage_entries(asset):
            first = entry.get("first_event")
            first = first if isinstance(first, Mapping) else {}
            seen = parse_time(first.get("time", entry.get("first_seen")))
            if seen is None or seen <= baseline_end:
                continue
            name = str(entry.get("name") or entry["principal"])
            operation = str(first.get("operation", "access"))
            log, line = str(first.get("log", "")), first.get("line")
            yield Violation(
                Evidence(
                    location=log or str(entry["principal"]),
                    snippet=f"{name}: {operation} at {seen.isoformat()}"[:200],
                    line=line if isinstance(line, int) else None,
                    key=f"first:{entry['principal']}",
                ),
                detail=(
                    f"{name} first used {asset.name} ({operation}) at {seen.isoformat()}, after"
                    f" the baseline that ended {baseline_end.isoformat()} ({log}:{line})"
                ),
            )
