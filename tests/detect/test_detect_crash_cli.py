"""``kill -9`` of ``stackward detect`` itself, over the example logs, with every real stage.

The command (real parsers, the built-in rule pack with its correlations, the content and
extraction detectors, the grouper and the JSONL sink) is killed with SIGKILL at several points
and restarted until it finishes. The OCSF findings in the alert file must then be exactly those
of a run that was never interrupted: the same delivery uids, none twice, none missing.
Checkpoints are written every few events so that kills land between checkpoints, inside
correlation windows and inside grouping windows.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

from tests.conftest import EXAMPLES

LOGS = EXAMPLES / "ai-logs"
KILL_AFTER_LINES = (1, 4, 9, 15, 21)
"""Kill once the alert file holds this many findings (then restart), one kill each."""
MAX_SECONDS = 240


def _config(tmp_path: Path) -> Path:
    """The example's config with absolute source paths and a checkpoint every 25 events."""
    settings = yaml.safe_load((LOGS / "stackward.yaml").read_text(encoding="utf-8"))
    for source in settings["detect"]["sources"]:
        source["path"] = str(LOGS / source["path"])
    settings["detect"]["checkpoint_events"] = 25
    path = tmp_path / "stackward.yaml"
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return path


def _start(config: Path, out: Path, state: Path) -> subprocess.Popen[bytes]:
    launcher = "from stackward.cli.app import main; main()"
    command = [sys.executable, "-c", launcher, "detect", "-c", str(config)]
    command += ["--jsonl", str(out), "--state-dir", str(state)]
    return subprocess.Popen(
        command,
        cwd=config.parent,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _uids(out: Path) -> list[str]:
    if not out.exists():
        return []
    lines = out.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["metadata"]["uid"] for line in lines if line.endswith("}")]


def _lines(out: Path) -> int:
    return out.read_bytes().count(b"\n") if out.exists() else 0


def test_sigkill_and_restart_give_exactly_the_uninterrupted_alerts(tmp_path: Path) -> None:
    config = _config(tmp_path)
    reference = tmp_path / "reference.jsonl"
    clean = _start(config, reference, tmp_path / "reference-state")
    output, _ = clean.communicate(timeout=MAX_SECONDS)
    assert clean.returncode == 0, output.decode()
    expected = _uids(reference)
    assert len(expected) > max(KILL_AFTER_LINES), "too few alerts for the kills to matter"

    out, state = tmp_path / "alerts.jsonl", tmp_path / "state"
    kills = 0
    deadline = time.monotonic() + MAX_SECONDS
    for threshold in KILL_AFTER_LINES:
        child = _start(config, out, state)
        while child.poll() is None and _lines(out) < threshold:
            assert time.monotonic() < deadline, "the killed runs did not progress"
            time.sleep(0.005)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.communicate(timeout=30)
    final = _start(config, out, state)
    output, _ = final.communicate(timeout=MAX_SECONDS)
    assert final.returncode == 0, output.decode()

    got = _uids(out)
    assert kills >= 3, "the command finished before it could be killed"
    assert [uid for uid, n in Counter(got).items() if n > 1] == [], "an alert was delivered twice"
    assert sorted(got) == sorted(expected)
