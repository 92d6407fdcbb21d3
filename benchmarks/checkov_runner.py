"""checkov, installed from PyPI in its own virtual environment, run the same way every time."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.measure import Measurement, run_measured

BENCH_DIR = Path(__file__).resolve().parent
CHECKOV_VENV = BENCH_DIR / ".venvs" / "checkov"
KUBERNETES = "kubernetes"
TERRAFORM_PLAN = "terraform_plan"


class CheckovError(RuntimeError):
    """checkov could not be installed or its output could not be read."""


@dataclass(frozen=True, slots=True)
class CheckovFailure:
    check_id: str
    check_name: str
    resource: str


@dataclass(frozen=True, slots=True)
class CheckovReport:
    passed: int
    failed: tuple[CheckovFailure, ...]
    resources: int
    parsing_errors: int


def ensure_checkov(venv: Path = CHECKOV_VENV) -> Path:
    """Path to the ``checkov`` executable, creating the venv and installing it if missing."""
    executable = venv / "bin" / "checkov"
    if executable.exists():
        return executable
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "checkov"], check=True)
    except subprocess.CalledProcessError as exc:
        raise CheckovError(f"cannot install checkov into {venv}: {exc}") from exc
    return executable


def checkov_version(executable: Path) -> str:
    proc = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, check=False, timeout=300
    )
    return proc.stdout.strip() or f"unknown ({proc.stderr.strip()[-200:]})"


def checkov_invocation(executable: Path, target: Path, framework: str) -> tuple[list[str], Path]:
    """The command line and working directory for scanning ``target``.

    ``-d .`` for a directory of manifests, ``-f <name>`` for one plan file, run from the
    target's directory: checkov skips every path under a hidden directory (such as the
    default ``benchmarks/.work``), so it must not see the absolute path.
    """
    if target.is_dir():
        cwd, flag, name = target, "-d", "."
    else:
        cwd, flag, name = target.parent, "-f", target.name
    argv = [
        str(executable),
        flag,
        name,
        "--framework",
        framework,
        "--quiet",
        "--compact",
        "-o",
        "json",
        "--skip-download",
    ]
    return argv, cwd


def parse_report(stdout: str) -> CheckovReport:
    """Read checkov's JSON (one object, or a list of them, one per framework run)."""
    try:
        data: Any = json.loads(stdout) if stdout.strip() else []
    except json.JSONDecodeError as exc:
        raise CheckovError(
            f"checkov printed no JSON: {exc}; output starts {stdout[:200]!r}"
        ) from None
    runs = data if isinstance(data, list) else [data]
    passed = resources = errors = 0
    failed: list[CheckovFailure] = []
    for run in runs:
        summary = run.get("summary", {})
        passed += int(summary.get("passed", 0))
        resources += int(summary.get("resource_count", 0))
        errors += int(summary.get("parsing_errors", 0))
        for item in run.get("results", {}).get("failed_checks", []):
            failed.append(
                CheckovFailure(
                    str(item.get("check_id")),
                    str(item.get("check_name")),
                    str(item.get("resource")),
                )
            )
    return CheckovReport(passed, tuple(failed), resources, errors)


def run_checkov(
    executable: Path, target: Path, framework: str, *, timeout_s: float, out_dir: Path, label: str
) -> Measurement:
    """One measured checkov run; exit code 1 only means some checks failed."""
    argv, cwd = checkov_invocation(executable, target, framework)
    return run_measured(argv, timeout_s=timeout_s, out_dir=out_dir, label=label, cwd=cwd)
