"""Runs stackward and checkov on the planted comparison set and says who reports what.

A scanner reports a case's weakness when the case produces a (rule, resource) result that its
clean baseline does not, and that rule is one of the ids listed for the weakness in
``STACKWARD_IDS`` or ``CHECKOV_IDS`` (both read from real output, not guessed), so an
unrelated side effect never counts for either tool; every other new id is kept for the record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.checkov_runner import CheckovError, parse_report, run_checkov
from benchmarks.coverage.cases import BASELINES, CASES, Case
from stackward.config import ScanConfig
from stackward.config.schema import Sources
from stackward.model import Severity
from stackward.scan import run_scan

CHECKOV_IDS: dict[str, tuple[str, ...]] = {
    "exposed-ai-serving": (),
    "ray-dashboard-exposed": (),
    "jupyter-empty-token": (),
    "ai-namespace-no-default-deny": (),
    "cluster-admin-sa-in-ai-namespace": (),
    # CKV_K8S_35 is about secretKeyRef env vars (a different practice) and does not see
    # literal values; it already fails on the baseline.
    "secret-as-plain-env": (),
    "privileged-gpu-pod": ("CKV_K8S_16",),
    "mutable-image-tag": ("CKV_K8S_14", "CKV_K8S_43"),
    "automounted-sa-token": ("CKV_K8S_38",),
    "sagemaker-notebook-direct-internet": ("CKV_AWS_122",),
    "sagemaker-notebook-root-access": ("CKV_AWS_307",),
    "sagemaker-endpoint-no-kms": ("CKV_AWS_98",),
    "sagemaker-model-no-network-isolation": ("CKV_AWS_370",),
    "bedrock-no-invocation-logging": (),
    "public-training-bucket": (
        "CKV_AWS_20",
        "CKV_AWS_53",
        "CKV_AWS_54",
        "CKV_AWS_55",
        "CKV_AWS_56",
        "CKV2_AWS_6",
        "CKV_AWS_70",
    ),
    "iam-ai-wildcard": ("CKV_AWS_355", "CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_290"),
}
"""Checkov check ids that report each weakness (checkov 3.3.x, verified on this set)."""

STACKWARD_IDS: dict[str, tuple[str, ...]] = {
    "exposed-ai-serving": ("SW-K8S-001", "SW-K8S-017"),
    "ray-dashboard-exposed": ("SW-K8S-003", "SW-K8S-014"),
    "jupyter-empty-token": ("SW-K8S-013", "SW-K8S-002", "SW-FILE-002"),
    "ai-namespace-no-default-deny": ("SW-K8S-006", "SW-K8S-007"),
    "cluster-admin-sa-in-ai-namespace": ("SW-K8S-010",),
    "secret-as-plain-env": ("SW-K8S-009",),
    "privileged-gpu-pod": ("SW-K8S-008",),
    "mutable-image-tag": ("SW-K8S-012",),
    "automounted-sa-token": ("SW-K8S-011",),
    "sagemaker-notebook-direct-internet": ("SW-AWS-001",),
    "sagemaker-notebook-root-access": ("SW-AWS-002",),
    "sagemaker-endpoint-no-kms": ("SW-AWS-003",),
    "sagemaker-model-no-network-isolation": ("SW-AWS-004",),
    "bedrock-no-invocation-logging": ("SW-AWS-005",),
    "public-training-bucket": ("SW-AWS-006", "SW-AWS-007"),
    "iam-ai-wildcard": ("SW-AWS-008",),
}
"""stackward rule ids that report each weakness, judged by the same rule as checkov's."""

Result = tuple[str, str]
"""(rule or check id, asset or resource)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    case: Case
    stackward_ids: tuple[str, ...]
    """Mapped stackward rule ids that fired here and not on the baseline."""
    stackward_other_ids: tuple[str, ...]
    """Other stackward rule ids new against the baseline (side effects, not counted)."""
    checkov_ids: tuple[str, ...]
    """Mapped checkov ids that fired here and not on the baseline."""
    checkov_other_ids: tuple[str, ...]
    """Other checkov ids new against the baseline (side effects, not counted)."""
    error: str = ""

    @property
    def stackward(self) -> bool:
        return bool(self.stackward_ids)

    @property
    def checkov(self) -> bool:
        return bool(self.checkov_ids)


def stackward_results(target: Path) -> set[Result]:
    """Findings of a stackward scan of ``target`` (in-process, through the public API)."""
    root = target if target.is_dir() else target.parent
    config = ScanConfig(sources=Sources(paths=[root]), severity_threshold=Severity.INFO)
    result = run_scan(config)
    return {(f.rule_id, f.asset_id) for f in result.findings}


def checkov_results(
    executable: Path, target: Path, framework: str, out_dir: Path, label: str
) -> set[Result]:
    run = run_checkov(executable, target, framework, timeout_s=600, out_dir=out_dir, label=label)
    if run.timed_out or run.returncode not in (0, 1):
        raise CheckovError(f"checkov on {target} exited {run.returncode}: {run.stderr_tail(300)}")
    return {(f.check_id, f.resource) for f in parse_report(run.stdout_text()).failed}


def _new_ids(case: set[Result], baseline: set[Result]) -> set[str]:
    return {rule for rule, _ in case - baseline}


def _sorted(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(ids)))


def compare(work: Path, checkov: Path | None, cases: Sequence[Case] = CASES) -> list[Verdict]:
    """Write every case under ``work``, scan each with both tools, and judge each case."""
    targets: dict[str, Path] = {}
    for case in (*BASELINES, *cases):
        directory = work / case.id
        directory.mkdir(parents=True, exist_ok=True)
        targets[case.id] = case.write(directory)
    outcomes: dict[str, tuple[set[Result], set[Result]]] = {}
    errors: dict[str, str] = {}
    for case in (*BASELINES, *cases):
        try:
            ours = stackward_results(targets[case.id])
            theirs = (
                checkov_results(checkov, targets[case.id], case.framework, work / "out", case.id)
                if checkov is not None
                else set()
            )
            outcomes[case.id] = (ours, theirs)
        except Exception as exc:  # one broken case must not hide the others
            errors[case.id] = f"{type(exc).__name__}: {exc}"
    verdicts = []
    for case in cases:
        error = errors.get(case.id) or errors.get(case.baseline, "")
        if error:
            verdicts.append(Verdict(case, (), (), (), (), error=error))
            continue
        ours, theirs = outcomes[case.id]
        base_ours, base_theirs = outcomes[case.baseline]
        new_ours = _new_ids(ours, base_ours)
        new_theirs = _new_ids(theirs, base_theirs)
        ours_mapped = set(STACKWARD_IDS.get(case.id, ()))
        theirs_mapped = set(CHECKOV_IDS.get(case.id, ()))
        verdicts.append(
            Verdict(
                case,
                stackward_ids=_sorted(new_ours & ours_mapped),
                stackward_other_ids=_sorted(new_ours - ours_mapped),
                checkov_ids=_sorted(new_theirs & theirs_mapped),
                checkov_other_ids=_sorted(new_theirs - theirs_mapped),
            )
        )
    return verdicts
