"""Model-extraction detector: true and false positive rates on seeded simulated gateway traffic.

    PYTHONPATH=src .venv/bin/python benchmarks/extraction.py [--seed 42] [--scale 1]
        [--pool dataset|synthetic] [--write docs/benchmarks.md]

Every key's queries go through one :class:`ExtractionDetector` in event-time order. A key is
a true positive when it is an attack key and alerted, a false positive when it is benign and
alerted. Besides the rates per kind the run records, for every key, each set of signals its
window ever showed when judged, so the contribution of each signal (how many keys the rule
would still catch, or wrongly catch, without it) is computed without re-running.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.extraction_traffic import (  # noqa: E402
    ATTACK_KINDS,
    BENIGN_KINDS,
    DATASET,
    SimQuery,
    load_pool,
    simulate,
    synthetic_pool,
)
from benchmarks.machine import describe_machine  # noqa: E402
from stackward.detect.config import ExtractionSettings  # noqa: E402
from stackward.detect.event import Event, LogSource, Position  # noqa: E402
from stackward.detect.extraction import (  # noqa: E402
    SIGNALS,
    ExtractionDetector,
    ExtractionThresholds,
    combine,
    group_of,
)

LOGSOURCE = LogSource("openai", "gateway", "llm")
SECTION = "## Model-extraction detector"
END_MARK = "<!-- extraction:end -->"


def to_event(query: SimQuery, index: int) -> Event:
    return Event(
        time=query.time,
        logsource=LOGSOURCE,
        format="openai_gateway",
        fields={},
        position=Position("sim://extraction", index + 1, index + 1),
        annotations={
            "api_key": query.key,
            "prompt": query.prompt,
            "input_tokens": query.input_tokens,
            "output_tokens": query.output_tokens,
            "logprobs": query.logprobs,
            "logit_bias": query.logit_bias,
            "model": "gpt-sim",
            **({"system_prompt": query.system_prompt} if query.system_prompt else {}),
        },
    )


@dataclass(slots=True)
class KeyOutcome:
    kind: str
    attack: bool
    queries: int = 0
    first_time: dt.datetime | None = None
    alert_query: int | None = None
    alert_minutes: float | None = None
    held_at_alert: tuple[str, ...] = ()
    masks: set[frozenset[str]] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Run:
    outcomes: dict[str, KeyOutcome]
    events: int
    seconds: float
    stats: dict[str, int]


def run(
    queries: Iterable[SimQuery],
    settings: ExtractionSettings | None = None,
    thresholds: ExtractionThresholds | None = None,
) -> Run:
    detector = ExtractionDetector(settings or ExtractionSettings(), thresholds)
    outcomes: dict[str, KeyOutcome] = {}
    started, events = time.perf_counter(), 0
    for index, query in enumerate(queries):
        event = to_event(query, index)
        events += 1
        outcome = outcomes.setdefault(query.key, KeyOutcome(query.kind, query.attack))
        outcome.queries += 1
        outcome.first_time = outcome.first_time or query.time
        alerts = list(detector.process(event))
        group = group_of(event)
        judgement = detector.judgement(group) if group else None
        if judgement is not None:
            outcome.masks.add(frozenset(judgement.held))
        if alerts and outcome.alert_query is None:
            outcome.alert_query = outcome.queries
            outcome.alert_minutes = (query.time - outcome.first_time).total_seconds() / 60
            outcome.held_at_alert = tuple(alerts[0].evidence["signals_held"])
    return Run(outcomes, events, time.perf_counter() - started, detector.stats())


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({hits / total:.1%})" if total else "—"


def kind_rows(outcomes: dict[str, KeyOutcome], kinds: Iterable[str]) -> list[str]:
    rows = []
    for kind in kinds:
        keys = [o for o in outcomes.values() if o.kind == kind]
        alerted = [o for o in keys if o.alert_query is not None]
        to_detect = [o.alert_query for o in alerted if o.alert_query is not None]
        minutes = [o.alert_minutes for o in alerted if o.alert_minutes is not None]
        median_q = f"{statistics.median(to_detect):.0f}" if to_detect else "—"
        median_m = f"{statistics.median(minutes):.1f}" if minutes else "—"
        volume = statistics.median(o.queries for o in keys) if keys else 0
        rows.append(
            f"| {kind} | {len(keys)} | {volume:.0f} | {_rate(len(alerted), len(keys))} "
            f"| {median_q} | {median_m} |"
        )
    return rows


def would_alert(outcome: KeyOutcome, bounds: ExtractionThresholds, without: str = "") -> bool:
    return any(combine(mask - {without}, bounds)[0] for mask in outcome.masks)


def signal_rows(outcomes: dict[str, KeyOutcome], bounds: ExtractionThresholds) -> list[str]:
    attacks = [o for o in outcomes.values() if o.attack]
    benign = [o for o in outcomes.values() if not o.attack]
    rows = []
    for signal in SIGNALS:
        ever_a = sum(any(signal in mask for mask in o.masks) for o in attacks)
        ever_b = sum(any(signal in mask for mask in o.masks) for o in benign)
        at_alert = sum(signal in o.held_at_alert for o in attacks if o.alert_query)
        tp = sum(would_alert(o, bounds, signal) for o in attacks)
        fp = sum(would_alert(o, bounds, signal) for o in benign)
        rows.append(
            f"| {signal} | {_rate(ever_a, len(attacks))} | {_rate(ever_b, len(benign))} "
            f"| {at_alert} | {_rate(tp, len(attacks))} | {_rate(fp, len(benign))} |"
        )
    return rows


def render(result: Run, bounds: ExtractionThresholds, command: str, pool: str, seed: int) -> str:
    machine = describe_machine(REPO)
    outcomes = result.outcomes
    attacks = [o for o in outcomes.values() if o.attack]
    benign = [o for o in outcomes.values() if not o.attack]
    tp = sum(o.alert_query is not None for o in attacks)
    fp = sum(o.alert_query is not None for o in benign)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    settings = ExtractionSettings()
    header = "| kind | keys | queries per key (median) | alerted | queries to alert (median) | minutes to alert (median) |\n|---|---|---|---|---|---|"
    lines = [
        SECTION,
        "",
        f"`{command}` — {now}, commit `{machine.commit}`, {machine.cpus} CPUs "
        f"({machine.cpu_model}), Python {machine.python}. Prompt pool: {pool}; seed {seed}. "
        f"{result.events:,} events from {len(outcomes)} keys ({len(benign)} benign, "
        f"{len(attacks)} attack) over 6 hours of simulated event time, processed in "
        f"{result.seconds:.1f} s ({result.events / result.seconds:,.0f} events/s, with a "
        "diagnostic judgement after every event). Settings: window "
        f"{settings.window_minutes:g} min, min_queries {settings.min_queries}; thresholds "
        f"{bounds.to_json()}.",
        "",
        f"**True-positive rate {_rate(tp, len(attacks))}, false-positive rate "
        f"{_rate(fp, len(benign))}** (keys).",
        "",
        "Attack keys:",
        "",
        header,
        *kind_rows(outcomes, ATTACK_KINDS),
        "",
        "Benign keys:",
        "",
        header,
        *kind_rows(outcomes, BENIGN_KINDS),
        "",
        "Signals: keys whose judged window ever showed the signal; attack alerts it was part "
        "of; and the rates the rule would reach without it (ablation over the recorded signal "
        "sets).",
        "",
        "| signal | attack keys showing it | benign keys showing it | in attack alerts | TPR without it | FPR without it |",
        "|---|---|---|---|---|---|",
        *signal_rows(outcomes, bounds),
        "",
        END_MARK,
    ]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8")
    if SECTION in text and END_MARK in text:
        before = text[: text.index(SECTION)]
        after = text[text.index(END_MARK) + len(END_MARK) :].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--pool", choices=("dataset", "synthetic"), default="dataset")
    parser.add_argument("--write", type=Path, help="update this markdown file's section")
    args = parser.parse_args(argv)
    pool = load_pool() if args.pool == "dataset" else synthetic_pool(args.seed)
    pool_name = (
        f"benign rows of `{DATASET.name}` ({len(pool.questions)} short, {len(pool.documents)} long)"
        if args.pool == "dataset"
        else "synthetic"
    )
    bounds = ExtractionThresholds()
    result = run(simulate(pool, args.seed, args.scale), thresholds=bounds)
    command = "PYTHONPATH=src .venv/bin/python benchmarks/extraction.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    section = render(result, bounds, command.strip(), pool_name, args.seed)
    print(section)
    if args.write:
        write_section(args.write, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
