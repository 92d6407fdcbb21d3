"""What the artifact benchmark measured, in plain data that the report renders and JSON stores."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.artifacts_tools import View
from benchmarks.artifacts_verdicts import Outcome, ToolOutput
from benchmarks.machine import Machine

MALICIOUS = "malicious"
BENIGN = "benign"


class ManifestError(ValueError):
    """The corpus manifest is missing or not the documented shape."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One corpus file, as ``manifest.json`` describes it. ``path`` is relative to the corpus."""

    path: str
    label: str
    cls: str
    format: str
    description: str = ""
    produced_by: str = ""


def load_manifest(corpus: Path) -> list[Sample]:
    """Read ``corpus/manifest.json``: a list of {path, label, class, format, ...}."""
    try:
        entries: Any = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ManifestError(f"cannot read {corpus / 'manifest.json'}: {exc}") from None
    if isinstance(entries, dict):
        entries = entries.get("samples") or entries.get("files") or []
    samples = []
    for entry in entries:
        try:
            path = Path(str(entry["path"]))
            label = str(entry["label"])
        except (KeyError, TypeError):
            raise ManifestError(f"manifest entry without path or label: {entry!r}") from None
        if label not in (MALICIOUS, BENIGN):
            raise ManifestError(f"label must be malicious or benign: {entry!r}")
        if path.is_absolute():
            path = path.relative_to(corpus.resolve())
        samples.append(
            Sample(
                path=path.as_posix(),
                label=label,
                cls=str(entry.get("class") or "unclassified"),
                format=str(entry.get("format") or "unknown"),
                description=str(entry.get("description") or ""),
                produced_by=str(entry.get("produced_by") or ""),
            )
        )
    return samples


@dataclass(frozen=True, slots=True)
class FileRun:
    path: str
    output: ToolOutput
    wall_s: float
    returncode: int


@dataclass(slots=True)
class ToolRuns:
    """Everything one tool did over the corpus."""

    name: str
    views: tuple[View, ...]
    version: str = ""
    install_error: str = ""
    freeze: tuple[str, ...] = ()
    files: dict[str, FileRun] = field(default_factory=dict)
    directory_wall_s: float | None = None
    directory_note: str = ""
    directory_outputs: dict[str, ToolOutput] = field(default_factory=dict)
    """Per-file outputs read from the one directory run (stackward only)."""

    @property
    def per_file_wall_s(self) -> float:
        return sum(run.wall_s for run in self.files.values())


@dataclass(frozen=True, slots=True)
class Throughput:
    """Repeated timings of one tool on one large artifact, with the page cache warm or cold."""

    artifact: str
    size_bytes: int
    tool: str
    runs_s: tuple[float, ...]
    state: str = ""
    """The verdict on the file (every large artifact is benign), or why the runs stopped."""
    note: str = ""
    cache: str = "warm"
    """``warm``: the file is in the page cache; ``cold``: evicted before every run."""

    @property
    def median_s(self) -> float | None:
        return statistics.median(self.runs_s) if self.runs_s else None

    @property
    def mb_per_s(self) -> float | None:
        median = self.median_s
        return self.size_bytes / 1e6 / median if median else None


@dataclass(slots=True)
class LargeArtifacts:
    generate_s: float = 0.0
    warm_read_s: dict[str, float] = field(default_factory=dict)
    """Seconds of the untimed read that put each file in the page cache."""
    timings: list[Throughput] = field(default_factory=list)
    startup_s: dict[str, float] = field(default_factory=dict)
    """Median wall of each tool on a tiny pickle: process start-up, imports and exit."""
    note: str = ""
    rerun: str = ""
    """Set when this section was re-measured on its own (``--large-only``): the command, the
    date and the commit, which differ from the corpus runs'."""


@dataclass(slots=True)
class ArtifactBench:
    command: str
    started: dt.datetime
    machine: Machine
    corpus: str
    stackward_mode: str
    """"cli" (``stackward scan-model``) or "api" (the stand-in child over ``scan_path``)."""
    file_timeout_s: float
    samples: list[Sample] = field(default_factory=list)
    tools: list[ToolRuns] = field(default_factory=list)
    large: LargeArtifacts | None = None
    load: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    """``os.getloadavg()`` at points of the run, to say whether the machine was quiet."""
    finished: dt.datetime | None = None


def to_json(bench: ArtifactBench) -> dict[str, Any]:
    """The raw numbers, including every per-file verdict and each peer's ``pip freeze``."""
    return {
        "command": bench.command,
        "started": bench.started.isoformat(),
        "finished": bench.finished.isoformat() if bench.finished else None,
        "machine": asdict(bench.machine),
        "corpus": bench.corpus,
        "stackward_mode": bench.stackward_mode,
        "file_timeout_s": bench.file_timeout_s,
        "load": bench.load,
        "samples": [asdict(s) for s in bench.samples],
        "tools": [
            {
                "name": t.name,
                "version": t.version,
                "install_error": t.install_error,
                "freeze": list(t.freeze),
                "per_file_wall_s": t.per_file_wall_s,
                "directory_wall_s": t.directory_wall_s,
                "directory_note": t.directory_note,
                "directory_files": {
                    path: _output_json(output) for path, output in t.directory_outputs.items()
                },
                "files": {
                    path: {
                        **_output_json(run.output),
                        "wall_s": round(run.wall_s, 4),
                        "returncode": run.returncode,
                        "states": {v.label: str(v.rule.state(run.output)) for v in t.views},
                    }
                    for path, run in t.files.items()
                },
            }
            for t in bench.tools
        ],
        "large": None
        if bench.large is None
        else {
            "generate_s": bench.large.generate_s,
            "warm_read_s": bench.large.warm_read_s,
            "startup_s": bench.large.startup_s,
            "note": bench.large.note,
            "rerun": bench.large.rerun,
            "timings": [
                {**asdict(t), "median_s": t.median_s, "mb_per_s": t.mb_per_s}
                for t in bench.large.timings
            ],
        },
    }


def _output_json(output: ToolOutput) -> dict[str, Any]:
    return {
        "outcome": str(output.outcome),
        "severities": sorted(output.severities),
        "detail": output.detail,
    }


def _output(data: dict[str, Any]) -> ToolOutput:
    return ToolOutput(
        frozenset(data.get("severities") or ()), Outcome(data["outcome"]), data.get("detail", "")
    )


def from_json(data: dict[str, Any], views: dict[str, tuple[View, ...]]) -> ArtifactBench:
    """The run :func:`to_json` stored, to render the report again without re-measuring.

    ``views`` gives each tool's flag rules by name (rules are code, not data).
    """
    bench = ArtifactBench(
        command=data["command"],
        started=dt.datetime.fromisoformat(data["started"]),
        machine=Machine(**data["machine"]),
        corpus=data["corpus"],
        stackward_mode=data["stackward_mode"],
        file_timeout_s=data["file_timeout_s"],
        samples=[Sample(**s) for s in data["samples"]],
        load={k: (v[0], v[1], v[2]) for k, v in data["load"].items()},
        finished=dt.datetime.fromisoformat(data["finished"]) if data.get("finished") else None,
    )
    for tool in data["tools"]:
        record = ToolRuns(
            tool["name"],
            views[tool["name"]],
            version=tool["version"],
            install_error=tool["install_error"],
            freeze=tuple(tool["freeze"]),
            directory_wall_s=tool["directory_wall_s"],
            directory_note=tool["directory_note"],
        )
        record.files = {
            path: FileRun(path, _output(run), run["wall_s"], run["returncode"])
            for path, run in tool["files"].items()
        }
        record.directory_outputs = {
            path: _output(out) for path, out in (tool.get("directory_files") or {}).items()
        }
        bench.tools.append(record)
    large = data.get("large")
    if large is not None:
        bench.large = LargeArtifacts(
            generate_s=large["generate_s"],
            warm_read_s=large["warm_read_s"],
            startup_s=large.get("startup_s") or {},
            note=large["note"],
            rerun=large.get("rerun", ""),
            timings=[
                Throughput(
                    t["artifact"],
                    t["size_bytes"],
                    t["tool"],
                    tuple(t["runs_s"]),
                    t["state"],
                    t["note"],
                    t.get("cache", "warm"),
                )
                for t in large["timings"]
            ],
        )
    return bench
