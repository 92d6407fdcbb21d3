"""The scan pipeline. Collectors do I/O; everything after them is pure."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping, Sequence

from stackward.artifacts.provenance import with_baselines
from stackward.checks import Check, load_checks, run_checks
from stackward.collectors.base import CollectContext, Collector, CollectResult, load_collectors
from stackward.collectors.walk import walk_all
from stackward.config.schema import ScanConfig
from stackward.graph.attack_paths import find_attack_paths
from stackward.graph.inventory import InventoryGraph
from stackward.model import Finding, Skipped
from stackward.scan.passes import apply_passes
from stackward.scan.result import ScanResult
from stackward.scan.risk import rank


def scope_of(config: ScanConfig) -> str:
    parts = [str(p.resolve()) for p in config.sources.paths]
    parts += [
        f"k8s:{c.kubeconfig or '~'}#{c.context or ''}" for c in config.sources.kubernetes_clusters
    ]
    parts += [s.uri for s in config.artifacts.object_stores]
    return "|".join(sorted(parts))


def select_checks(checks: Sequence[Check], config: ScanConfig) -> list[Check]:
    policy = config.checks

    def wanted(check: Check) -> bool:
        cid = check.meta.id
        if policy.only and not any(fnmatch.fnmatchcase(cid, p) for p in policy.only):
            return False
        return not any(fnmatch.fnmatchcase(cid, p) for p in policy.disable)

    return [c for c in checks if wanted(c)]


def collect(config: ScanConfig, collectors: Sequence[Collector]) -> CollectResult:
    walked = walk_all(config.sources.paths, config.sources.exclude)
    ctx = CollectContext(config=config, files=walked.files)
    total = CollectResult(skipped=list(walked.skipped))
    for collector in collectors:
        try:
            total.merge(collector.collect(ctx))
        except Exception as exc:  # a collector bug must not lose the rest of the scan
            total.skipped.append(
                Skipped(
                    collector.name, f"collector failed: {type(exc).__name__}: {exc}", collector.name
                )
            )
    return total


def run_scan(
    config: ScanConfig,
    collectors: Sequence[Collector] | None = None,
    checks: Sequence[Check] | None = None,
    today: dt.date | None = None,
    baselines: Mapping[str, str] | None = None,
) -> ScanResult:
    """Collect, check and rank. ``baselines`` are the model-artifact SHA-256 values recorded
    by earlier scans of this scope (see :meth:`Store.artifact_baselines`)."""
    started = dt.datetime.now(dt.UTC)
    collected = collect(config, load_collectors() if collectors is None else collectors)
    graph = InventoryGraph()
    assets = with_baselines(collected.assets, baselines) if baselines else collected.assets
    graph.extend(assets, collected.relations)
    pass_skipped = apply_passes(graph, config)
    active = select_checks(load_checks() if checks is None else checks, config)
    run = run_checks(graph, active)
    paths = find_attack_paths(graph)
    ranked = rank(run.findings, graph, paths)
    reported, suppressed = _apply_policy(ranked, config, today or started.date())
    return ScanResult(
        scope=scope_of(config),
        started_at=started,
        finished_at=dt.datetime.now(dt.UTC),
        graph=graph,
        findings=reported,
        attack_paths=paths,
        skipped=[*collected.skipped, *pass_skipped, *run.skipped],
        suppressed=suppressed,
        checks_run=len(active),
        rules={c.meta.id: c.meta for c in active},
    )


def _apply_policy(
    findings: Sequence[Finding], config: ScanConfig, today: dt.date
) -> tuple[list[Finding], list[Finding]]:
    reported: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        if finding.severity < config.severity_threshold:
            continue
        if any(s.matches(finding, today) for s in config.suppressions):
            suppressed.append(finding)
        else:
            reported.append(finding)
    return reported, suppressed
