"""A pipeline run that may kill itself with SIGKILL at a chosen point; used by
``test_pipeline_crash.py`` as the child process it kills and restarts.

Usage: ``python -m tests.detect.pipeline_crash_child LOG STATE_DIR SINK_FILE [POINT N]`` where
POINT is ``journalled`` (the Nth alert is journalled, before any sink took it), ``emitted``
(the sink wrote the Nth alert, its delivery mark is not yet written) or ``snapshot`` (the Nth
checkpoint is half written: journal compacted, checkpoint file not yet replaced).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stackward.detect.alert import Alert, Enrichment
from stackward.detect.pipeline import Pipeline
from stackward.detect.sources.file import FileLogSource
from tests.detect.pipeline_doubles import FileSink, WindowCountDetector, parse_json_line


class _Countdown:
    def __init__(self, point: str, target: int) -> None:
        self.point = point
        self.left = target

    def tick(self, point: str) -> None:
        if point == self.point:
            self.left -= 1
            if self.left == 0:
                os.kill(os.getpid(), signal.SIGKILL)


class _KillingSink(FileSink):
    def __init__(self, path: Path, countdown: _Countdown) -> None:
        super().__init__(path)
        self.countdown = countdown

    def emit(self, alert: Alert, enrichment: Enrichment) -> None:
        self.countdown.tick("journalled")
        super().emit(alert, enrichment)
        self.countdown.tick("emitted")


class _KillingDetector(WindowCountDetector):
    def __init__(self, countdown: _Countdown) -> None:
        super().__init__()
        self.countdown = countdown

    def snapshot(self) -> Mapping[str, Any]:
        self.countdown.tick("snapshot")
        return super().snapshot()


def main(argv: list[str]) -> int:
    log, state_dir, sink_file = (Path(a) for a in argv[:3])
    countdown = _Countdown(argv[3], int(argv[4])) if len(argv) > 4 else _Countdown("", 0)
    pipeline = Pipeline(
        sources=[FileLogSource(str(log))],
        parse=parse_json_line,
        detectors=[_KillingDetector(countdown)],
        sinks=[_KillingSink(sink_file, countdown)],
        state_dir=state_dir,
        checkpoint_every_events=97,
        checkpoint_every_seconds=0.05,
        max_queue=200,
        compact_journal_after=150,
    )
    summary = pipeline.run(follow=False)
    return 0 if summary.parse_problems == 0 and not summary.source_problems else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
