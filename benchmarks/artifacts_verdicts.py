"""What one scanner said about one file, read from its own output, and the rule that flags it.

Each tool's output is reduced to the same plain shape (:class:`ToolOutput`): the finding
severities it reported, in the tool's own words, and whether it analysed the file at all.
Whether those severities count as "flagged" is a separate :class:`FlagRule`, so the same run
can be read with the tool's default threshold and with a stricter one.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any


class Outcome(StrEnum):
    """Whether the tool looked at the file (independent of what it found)."""

    ANALYSED = "analysed"
    SKIPPED = "skipped"
    """The tool said the file is not a format it scans."""
    ERROR = "error"
    """Crash, timeout, unreadable output, or the tool reported it failed on the file."""


class State(StrEnum):
    """The verdict that the detection tables count."""

    FLAGGED = "flagged"
    CLEAN = "clean"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class RawRun:
    """What a tool process left behind for one target."""

    returncode: int
    timed_out: bool
    stdout: str
    stderr: str
    report: str = ""
    """The content of the report file the tool was told to write, if any."""


@dataclass(frozen=True, slots=True)
class ToolOutput:
    severities: frozenset[str]
    """Severity labels of every finding, lower-case, in the tool's own vocabulary."""
    outcome: Outcome
    detail: str = ""
    """The top finding or the error, shortened, for the raw results."""


@dataclass(frozen=True, slots=True)
class FlagRule:
    """A file is flagged when the tool reported any finding at one of ``severities``."""

    severities: frozenset[str]
    text: str
    """The rule in words, for the report."""

    def state(self, output: ToolOutput) -> State:
        if output.severities & self.severities:
            return State.FLAGGED
        if output.outcome is Outcome.ERROR:
            return State.ERROR
        if output.outcome is Outcome.SKIPPED:
            return State.SKIPPED
        return State.CLEAN


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_object(text: str) -> dict[str, Any] | None:
    """The JSON object in ``text``, tolerating log lines printed before it."""
    text = text.strip()
    if not text:
        return None
    candidates = [text]
    start = text.find("{")
    if start > 0:
        candidates.append(text[start:])
    for candidate in candidates:
        with contextlib.suppress(json.JSONDecodeError):
            data = json.loads(candidate)
            if isinstance(data, dict):
                return data
    return None


def _failed(raw: RawRun, why: str) -> ToolOutput:
    tail = raw.stderr.strip().splitlines()[-1:] or [""]
    return ToolOutput(frozenset(), Outcome.ERROR, _short(f"{why}: {tail[0]}"))


def _timed_out(raw: RawRun) -> ToolOutput | None:
    return ToolOutput(frozenset(), Outcome.ERROR, "timed out") if raw.timed_out else None


def parse_stackward(raw: RawRun) -> ToolOutput:
    """``stackward scan-model PATH --format json``: ``{"artifacts": [{"max_severity", ...}]}``."""
    if (done := _timed_out(raw)) is not None:
        return done
    data = _json_object(raw.stdout)
    if data is None or not isinstance(data.get("artifacts"), list):
        return _failed(raw, f"no JSON report (exit {raw.returncode})")
    if not data["artifacts"]:
        return ToolOutput(frozenset(), Outcome.SKIPPED, "no artifact in the report")
    severities: set[str] = set()
    top = ""
    for artifact in data["artifacts"]:
        if artifact.get("max_severity"):
            severities.add(str(artifact["max_severity"]).lower())
        for issue in artifact.get("issues") or []:
            severities.add(str(issue.get("severity", "")).lower())
            if not top and str(issue.get("severity", "")).lower() in {"high", "critical"}:
                top = f"{issue.get('kind')}: {issue.get('symbol') or issue.get('reason')}"
    return ToolOutput(frozenset(severities), Outcome.ANALYSED, _short(top))


def _corpus_path(location: str, wanted: set[str]) -> str | None:
    """The corpus path ``location`` is (or lies under), whatever parent it is relative to."""
    parts = Path(location).parts
    for start in range(len(parts)):
        for end in range(len(parts), start, -1):
            candidate = Path(*parts[start:end]).as_posix()
            if candidate in wanted:
                return candidate
    return None


def stackward_verdicts(raw: RawRun, known: Iterable[str]) -> dict[str, ToolOutput]:
    """Per-file outputs from one stackward run over a whole directory, keyed by corpus path.

    Artifact locations may be absolute or relative to any parent of the corpus, so each is
    matched to the ``known`` corpus path it ends with; artifacts found inside a corpus
    directory (a SavedModel, say) all count for that directory.
    """
    data = _json_object(raw.stdout)
    if raw.timed_out or data is None:
        return {}
    wanted = set(known)
    grouped: dict[str, list[Any]] = {}
    for artifact in data.get("artifacts") or []:
        match = _corpus_path(str(artifact.get("location", "")), wanted)
        if match is not None:
            grouped.setdefault(match, []).append(artifact)
    return {
        path: parse_stackward(RawRun(0, False, json.dumps({"artifacts": artifacts}), ""))
        for path, artifacts in grouped.items()
    }


def parse_modelscan(raw: RawRun) -> ToolOutput:
    """``modelscan -p FILE -r json -o REPORT``.

    Exit codes: 0 clean, 1 issues, 2 scan errors, 3 nothing it supports, 4 usage error.
    """
    if (done := _timed_out(raw)) is not None:
        return done
    data = _json_object(raw.report)
    if data is None:
        return _failed(raw, f"no JSON report (exit {raw.returncode})")
    issues = data.get("issues") or []
    severities = frozenset(str(i.get("severity", "")).lower() for i in issues)
    errors = data.get("errors") or []
    scanned = (data.get("summary") or {}).get("scanned", {}).get("total_scanned", 0)
    if issues:
        first = issues[0]
        detail = f"{first.get('module')}.{first.get('operator')}: {first.get('description', '')}"
        return ToolOutput(severities, Outcome.ANALYSED, _short(detail))
    if errors or raw.returncode in (2, 4):
        message = errors[0].get("description", "") if errors else f"exit {raw.returncode}"
        return ToolOutput(severities, Outcome.ERROR, _short(str(message)))
    if not scanned or raw.returncode == 3:
        return ToolOutput(severities, Outcome.SKIPPED, "no supported content")
    return ToolOutput(severities, Outcome.ANALYSED)


_PICKLESCAN_COUNT = re.compile(
    r"^(Scanned files|Infected files|Dangerous globals|Suspicious globals): (\d+)", re.M
)
_PICKLESCAN_FOUND = re.compile(r": (dangerous|suspicious) import '([^']*)' FOUND")


def parse_picklescan(raw: RawRun) -> ToolOutput:
    """``picklescan -p FILE``: log lines and a summary; exit 0 clean, 1 infected, 2 scan error.

    ``Infected files`` and ``Dangerous globals`` give "dangerous"; ``Suspicious globals``
    (globals on neither its safe nor its unsafe list) give "suspicious". "could not parse ...
    as pickle" with nothing found is picklescan deciding the file is not a pickle: skipped.
    """
    if (done := _timed_out(raw)) is not None:
        return done
    text = raw.stdout + "\n" + raw.stderr
    counts = {name: int(value) for name, value in _PICKLESCAN_COUNT.findall(text)}
    if "Scanned files" not in counts:
        return _failed(raw, f"no scan summary (exit {raw.returncode})")
    severities: set[str] = set()
    if counts.get("Infected files", 0) or counts.get("Dangerous globals", 0):
        severities.add("dangerous")
    if counts.get("Suspicious globals", 0):
        severities.add("suspicious")
    found = _PICKLESCAN_FOUND.search(text)
    detail = f"{found.group(1)} import {found.group(2)}" if found else ""
    if raw.returncode == 2 and not severities:
        return ToolOutput(frozenset(), Outcome.ERROR, _short(_last_error(text)))
    if not severities and (counts["Scanned files"] == 0 or "could not parse" in text):
        return ToolOutput(frozenset(), Outcome.SKIPPED, "not a pickle (could not parse)")
    return ToolOutput(frozenset(severities), Outcome.ANALYSED, _short(detail))


def _last_error(text: str) -> str:
    errors = [line for line in text.splitlines() if "ERROR" in line or "Error" in line]
    return errors[-1] if errors else "scan error"


def parse_fickling(raw: RawRun) -> ToolOutput:
    """The JSON line printed by ``artifacts_fickling_driver.py`` (fickling's scan API).

    ``EmptyPickleError`` ("No pickle files detected") is fickling deciding the file holds no
    pickle, the same as picklescan's "could not parse": skipped, not an error.
    """
    if (done := _timed_out(raw)) is not None:
        return done
    data = _json_object(raw.stdout)
    if data is None:
        return _failed(raw, f"no JSON (exit {raw.returncode})")
    severities = frozenset(str(s).lower() for s in data.get("severities") or [])
    errors = [str(e) for e in data.get("errors") or []]
    if not data.get("analysed"):
        real = [e for e in errors if "EmptyPickleError" not in e]
        if real:
            return ToolOutput(severities, Outcome.ERROR, _short(real[0]))
        return ToolOutput(severities, Outcome.SKIPPED, "no pickle content")
    return ToolOutput(severities, Outcome.ANALYSED, _short(str(data.get("analysis", ""))))


def parse_modelaudit(raw: RawRun) -> ToolOutput:
    """``modelaudit scan FILE --format json -o REPORT``; exit 0 clean, 1 issues, 2 errors.

    Issue severities are debug, info, warning, critical. ``has_errors`` without any issue
    of warning or above is an error; a file no scanner claimed is skipped.
    """
    if (done := _timed_out(raw)) is not None:
        return done
    data = _json_object(raw.report) or _json_object(raw.stdout)
    if data is None:
        return _failed(raw, f"no JSON report (exit {raw.returncode})")
    issues = data.get("issues") or []
    severities = frozenset(str(i.get("severity", "")).lower() for i in issues)
    serious = [i for i in issues if str(i.get("severity", "")).lower() in {"warning", "critical"}]
    detail = _short(str(serious[0].get("message", ""))) if serious else ""
    if not serious and (data.get("has_errors") or raw.returncode == 2):
        errors = [i for i in issues if "error" in str(i.get("message", "")).lower()]
        why = str(errors[0].get("message", "")) if errors else f"exit {raw.returncode}"
        return ToolOutput(severities, Outcome.ERROR, _short(why))
    if not issues and not data.get("scanner_names"):
        return ToolOutput(severities, Outcome.SKIPPED, "no scanner claimed the file")
    return ToolOutput(severities, Outcome.ANALYSED, detail)
