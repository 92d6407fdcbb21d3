"""How fast the shipped classifier and the whole detector judge prompts.

    python training/prompt_injection/speed.py [--data train.jsonl] [--repeat 3]

Reports prompts per second by wall clock and by CPU time of this process (the second is
what one core gives when the machine is shared), for all rows of the data set and for the
rows of at most 512 characters (a typical chat prompt).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1] / "src")]

from stackward.detect.config import ContentSettings  # noqa: E402
from stackward.detect.content import PromptInjectionDetector  # noqa: E402
from stackward.detect.content.classifier import shipped_classifier  # noqa: E402
from stackward.detect.event import Event, LogSource, Position  # noqa: E402

DATA = Path("/work/shared/datasets/prompt-injection/train.jsonl")


def rate(texts: list[str], judge: Callable[[str], object], repeat: int) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        for text in texts:
            judge(text)
    count = len(texts) * repeat
    return {
        "per_second_wall": round(count / (time.perf_counter() - wall)),
        "per_second_cpu": round(count / (time.process_time() - cpu)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with args.data.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    classifier = shipped_classifier()
    detector = PromptInjectionDetector(ContentSettings())
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    source = LogSource("litellm", "proxy", "llm")

    def detect(text: str) -> object:
        event = Event(when, source, "litellm", {}, Position("bench", 0), {"prompt": text})
        return list(detector.process(event))

    short = [t for t in texts if len(t) <= 512]
    report = {
        "rows": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts)),
        "short_rows": len(short),
        "classifier_all": rate(texts, classifier.score, args.repeat),
        "classifier_short": rate(short, classifier.score, args.repeat),
        "detector_all": rate(texts, detect, args.repeat),
        "detector_short": rate(short, detect, args.repeat),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
