"""Detection counts from per-file verdicts: confusion matrix, precision, recall, per class.

Counting rules (stated again in the report):

- malicious file: flagged is a true positive; clean, skipped and error are all misses (FN);
  errors are also counted on their own so a tool that crashes is not mistaken for one that
  looked and found nothing;
- benign file: flagged is a false positive; clean and skipped are true negatives; an error
  is neither (counted on its own as a benign error);
- precision = TP / (TP + FP); recall = TP / malicious files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from benchmarks.artifacts_results import MALICIOUS, Sample
from benchmarks.artifacts_verdicts import FlagRule, Outcome, State, ToolOutput

MISSING = ToolOutput(frozenset(), Outcome.ERROR, "not run")
NOT_LISTED = ToolOutput(frozenset(), Outcome.SKIPPED, "not listed by the directory run")


@dataclass(frozen=True, slots=True)
class Confusion:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    malicious_errors: int = 0
    benign_errors: int = 0
    skipped: int = 0

    @property
    def precision(self) -> float | None:
        flagged = self.tp + self.fp
        return self.tp / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        malicious = self.tp + self.fn
        return self.tp / malicious if malicious else None


def states(
    samples: Sequence[Sample],
    outputs: Mapping[str, ToolOutput],
    rule: FlagRule,
    missing: ToolOutput = MISSING,
) -> dict[str, State]:
    """Each sample's verdict under ``rule``; a sample without output gets ``missing``.

    Per-file runs always produce an output, so a gap there is an error; a directory run
    that does not list a file did not treat it as a model (pass :data:`NOT_LISTED`).
    """
    return {s.path: rule.state(outputs.get(s.path, missing)) for s in samples}


def confusion(samples: Sequence[Sample], verdicts: Mapping[str, State]) -> Confusion:
    tp = fn = fp = tn = bad_errors = good_errors = skipped = 0
    for sample in samples:
        state = verdicts[sample.path]
        skipped += state is State.SKIPPED
        if sample.label == MALICIOUS:
            tp += state is State.FLAGGED
            fn += state is not State.FLAGGED
            bad_errors += state is State.ERROR
        else:
            fp += state is State.FLAGGED
            tn += state in (State.CLEAN, State.SKIPPED)
            good_errors += state is State.ERROR
    return Confusion(tp, fn, fp, tn, bad_errors, good_errors, skipped)


@dataclass(frozen=True, slots=True)
class ClassCount:
    cls: str
    label: str
    total: int
    flagged: dict[str, int]
    """View label -> files of this class that view flagged."""


def per_class(
    samples: Sequence[Sample], verdicts_by_view: Mapping[str, Mapping[str, State]]
) -> list[ClassCount]:
    """Flagged counts per (label, class), malicious classes first, then by class name."""
    keys = sorted({(s.label, s.cls) for s in samples}, key=lambda k: (k[0] != MALICIOUS, k[1]))
    counts = []
    for label, cls in keys:
        members = [s for s in samples if s.label == label and s.cls == cls]
        flagged = {
            view: sum(verdicts[s.path] is State.FLAGGED for s in members)
            for view, verdicts in verdicts_by_view.items()
        }
        counts.append(ClassCount(cls, label, len(members), flagged))
    return counts
