"""The scanners compared: how each is installed, invoked on one target, and read.

Peers are installed from PyPI at pinned versions, each in its own virtual environment under
``benchmarks/.venvs/<tool>`` (git-ignored, reused when the pinned version is already there).
Bump a pin only after re-checking that tool's output format and its parser in
``artifacts_verdicts.py``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.artifacts_verdicts import (
    FlagRule,
    RawRun,
    ToolOutput,
    parse_fickling,
    parse_modelaudit,
    parse_modelscan,
    parse_picklescan,
    parse_stackward,
)

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
VENVS = BENCH_DIR / ".venvs"
PROJECT_PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
FICKLING_DRIVER = BENCH_DIR / "artifacts_fickling_driver.py"

NO_TELEMETRY = {"PROMPTFOO_DISABLE_TELEMETRY": "1", "NO_ANALYTICS": "1", "DO_NOT_TRACK": "1"}


@dataclass(frozen=True, slots=True)
class Invocation:
    argv: list[str]
    report: Path | None = None
    """A file the tool writes its report to (read back after the run)."""


@dataclass(frozen=True, slots=True)
class View:
    """One row of the detection table: a tool read with one flag rule."""

    label: str
    rule: FlagRule
    primary: bool = True
    """False for an alternative reading of the same runs (shown below the main rows)."""


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    parse: Callable[[RawRun], ToolOutput]
    views: tuple[View, ...]
    command: Callable[[Path, Path, Path], Invocation]
    """(tool bin dir, target, scratch report path) -> what to run."""
    requirement: str = ""
    """Pinned PyPI requirement (with the extras the corpus formats need); empty for stackward."""
    extra_requirements: tuple[str, ...] = ()
    """Packages the tool imports for corpus formats without declaring them."""
    scans_directories: bool = True
    env: Mapping[str, str] = field(default_factory=dict)
    how: str = ""
    """The command line in words, for the report."""
    setup_note: str = ""
    """Why the install differs from a bare ``pip install <tool>``, for the report."""
    error_when: str = ""
    skipped_when: str = ""

    @property
    def venv(self) -> Path:
        return VENVS / self.name


def _modelscan(bin_dir: Path, target: Path, report: Path) -> Invocation:
    argv = [str(bin_dir / "modelscan"), "scan", "-p", str(target), "-r", "json"]
    return Invocation([*argv, "-o", str(report), "-l", "ERROR"], report)


def _picklescan(bin_dir: Path, target: Path, report: Path) -> Invocation:
    return Invocation([str(bin_dir / "picklescan"), "-p", str(target)])


def _fickling(bin_dir: Path, target: Path, report: Path) -> Invocation:
    return Invocation([str(bin_dir / "python"), str(FICKLING_DRIVER), str(target)])


def _modelaudit(bin_dir: Path, target: Path, report: Path) -> Invocation:
    argv = [str(bin_dir / "modelaudit"), "scan", str(target), "--format", "json"]
    return Invocation([*argv, "--no-cache", "--quiet", "-o", str(report)], report)


def stackward_cli_available(python: Path = PROJECT_PYTHON) -> bool:
    """True when this checkout has ``stackward scan-model`` (else the stand-in child is used)."""
    executable = python.parent / "stackward"
    try:
        proc = subprocess.run(
            [str(executable), "scan-model", "--help"],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def stackward_command(use_cli: bool, *, no_hash: bool = False) -> Callable[..., Invocation]:
    flags = ["--no-hash"] if no_hash else []

    def command(bin_dir: Path, target: Path, report: Path) -> Invocation:
        if use_cli:
            argv = [str(bin_dir / "stackward"), "scan-model", str(target), "--format", "json"]
            return Invocation([*argv, "--no-store", *flags])
        child = [str(bin_dir / "python"), "-m", "benchmarks.artifacts_stackward_child"]
        return Invocation([*child, str(target), *flags])

    return command


STACKWARD_RULE = FlagRule(
    frozenset({"high", "critical"}),
    "an artifact's `max_severity` (or any of its issues) is high or critical",
)


def stackward_tool(use_cli: bool, *, no_hash: bool = False) -> Tool:
    return Tool(
        name="stackward",
        parse=parse_stackward,
        views=(View("stackward", STACKWARD_RULE),),
        command=stackward_command(use_cli, no_hash=no_hash),
        how=(
            "`stackward scan-model FILE --format json --no-store` (no baseline store, so "
            "repeated runs see the same files as new)"
            if use_cli
            else "`python -m benchmarks.artifacts_stackward_child FILE` (`scan_path`, same JSON "
            "as `stackward scan-model --format json`)"
        ),
        error_when="timeout, or no JSON report on stdout",
        skipped_when="the report lists no artifact (the file was not taken for a model)",
    )


PEERS: tuple[Tool, ...] = (
    Tool(
        name="modelscan",
        # h5py and tensorflow: its Keras .h5/.keras and SavedModel scanners refuse to run without
        requirement="modelscan[h5py,tensorflow]==0.8.8",
        # modelscan 0.8.8 reads .npy headers through numpy.lib.format._check_version, which
        # numpy 2.3 removed; 2.2.6 is the newest numpy it works with
        extra_requirements=("numpy==2.2.6",),
        setup_note=(
            "extras `h5py,tensorflow` (its Keras and SavedModel scanners refuse to run without "
            "them) and numpy 2.2.6 (0.8.8 calls `numpy.lib.format._check_version`, gone since "
            "numpy 2.3, on every .npy file)"
        ),
        parse=parse_modelscan,
        command=_modelscan,
        how="`modelscan scan -p FILE -r json -o REPORT -l ERROR`",
        error_when="timeout, no JSON report, exit 2/4, or `errors` in the report and no issue",
        skipped_when="`total_scanned` is 0 / exit 3 (no format it supports)",
        views=(
            View(
                "modelscan",
                FlagRule(
                    frozenset({"low", "medium", "high", "critical"}),
                    "the JSON report lists any issue, of any severity",
                ),
            ),
        ),
    ),
    Tool(
        name="picklescan",
        requirement="picklescan==1.0.5",
        # picklescan 1.0.5 imports numpy for .npy/.npz files without declaring it
        extra_requirements=("numpy",),
        setup_note="numpy (imported for .npy/.npz files, not declared)",
        parse=parse_picklescan,
        command=_picklescan,
        how="`picklescan -p FILE` (log lines and summary)",
        error_when="timeout, no summary, or exit 2 (scan error) with nothing dangerous found",
        skipped_when="`could not parse ... as pickle` with nothing found",
        views=(
            View(
                "picklescan",
                FlagRule(
                    frozenset({"dangerous"}),
                    "the summary counts an infected file or a dangerous global "
                    "(a `dangerous import ... FOUND` line)",
                ),
            ),
            View(
                "picklescan (suspicious globals too)",
                FlagRule(
                    frozenset({"dangerous", "suspicious"}),
                    "as above, or the summary counts a suspicious global (one on neither of "
                    "its lists)",
                ),
                primary=False,
            ),
        ),
    ),
    Tool(
        name="fickling",
        requirement="fickling==0.1.12",
        # fickling 0.1.12 imports typing_extensions without declaring it
        extra_requirements=("typing_extensions",),
        setup_note="typing_extensions (imported at start-up, not declared)",
        parse=parse_fickling,
        command=_fickling,
        how=(
            "fickling's library in its own venv (`benchmarks/artifacts_fickling_driver.py`): "
            "`fickling.scan_zip_archive(FILE, graceful=True)` for ZIP files, "
            "`fickling.scan_file(FILE, graceful=True)` otherwise; the CLI's `--check-safety` "
            "reads plain pickles only and fails on every PyTorch ZIP"
        ),
        error_when="timeout, no JSON, or no pickle analysed and fickling reported an error "
        "other than `EmptyPickleError`",
        skipped_when="no pickle analysed and at most `EmptyPickleError` (no pickle detected; "
        "also a ZIP without .pkl/.bin/.pickle members)",
        scans_directories=False,
        views=(
            View(
                "fickling",
                FlagRule(
                    frozenset(
                        {
                            "possibly_unsafe",
                            "suspicious",
                            "likely_unsafe",
                            "likely_overtly_malicious",
                            "overtly_malicious",
                        }
                    ),
                    "the safety verdict of any analysed pickle is not `LIKELY_SAFE` "
                    "(what `fickling --check-safety` exits non-zero on)",
                ),
            ),
            View(
                "fickling (overtly malicious only)",
                FlagRule(
                    frozenset({"likely_overtly_malicious", "overtly_malicious"}),
                    "a verdict of `LIKELY_OVERTLY_MALICIOUS` or `OVERTLY_MALICIOUS`",
                ),
                primary=False,
            ),
        ),
    ),
    Tool(
        name="modelaudit",
        # the optional scanner dependencies for the corpus formats (Keras H5, ONNX, joblib, 7z,
        # SavedModel); without them those files get an "install modelaudit[...]" info note
        requirement="modelaudit[h5,onnx,joblib,sevenzip,safetensors,dill,tensorflow]==0.2.54",
        setup_note=(
            "extras for the corpus formats (without them Keras H5 and ONNX files only get an "
            "info note asking for them); not `pytorch` (CUDA-sized), `mlflow`, `tensorrt`"
        ),
        parse=parse_modelaudit,
        command=_modelaudit,
        how=(
            "`modelaudit scan FILE --format json --no-cache --quiet -o REPORT` "
            "(telemetry off: `PROMPTFOO_DISABLE_TELEMETRY=1`)"
        ),
        error_when="timeout, no JSON, or `has_errors`/exit 2 without a warning or critical issue",
        skipped_when="no issue and no scanner claimed the file",
        env=NO_TELEMETRY,
        views=(
            View(
                "modelaudit",
                FlagRule(
                    frozenset({"warning", "critical"}),
                    "the JSON report has an issue of severity warning or critical",
                ),
            ),
            View(
                "modelaudit (critical only)",
                FlagRule(frozenset({"critical"}), "an issue of severity critical"),
                primary=False,
            ),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Installed:
    tool: Tool
    bin_dir: Path | None
    """None when installing failed (see ``error``)."""
    version: str = ""
    freeze: tuple[str, ...] = ()
    error: str = ""


def _freeze(pip: Path) -> tuple[str, ...]:
    proc = subprocess.run(
        [str(pip), "freeze", "--all"], capture_output=True, text=True, check=False, timeout=300
    )
    return tuple(line for line in proc.stdout.splitlines() if line.strip())


INSTALLED_MARKER = ".benchmark-requirements"
"""A file in each venv naming what was installed, so a rerun skips pip when nothing changed."""


def ensure_installed(tool: Tool) -> Installed:
    """Create the tool's venv and install its pinned requirements unless already there."""
    bin_dir = tool.venv / "bin"
    pip = bin_dir / "pip"
    wanted = [tool.requirement, *tool.extra_requirements]
    marker = tool.venv / INSTALLED_MARKER
    try:
        if not pip.exists():
            shutil.rmtree(tool.venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(tool.venv)], check=True, timeout=600)
        if not marker.exists() or marker.read_text(encoding="utf-8").split() != wanted:
            subprocess.run(
                [str(pip), "install", "-q", *wanted],
                check=True,
                timeout=3600,
                capture_output=True,
                text=True,
            )
            marker.write_text("\n".join(wanted) + "\n", encoding="utf-8")
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or "").strip().splitlines()[-1:] or [str(exc)]
        return Installed(tool, None, error=f"install failed: {detail[0]}")
    except (OSError, subprocess.SubprocessError) as exc:
        return Installed(tool, None, error=f"install failed: {exc}")
    version = tool.requirement.partition("==")[2]
    return Installed(tool, bin_dir, version=version, freeze=_freeze(pip))
