"""Builds the detection pipeline's stages from the ``detect:`` configuration.

The one place that knows every stage: sources (:mod:`stackward.detect.sources`), the parser
registry, the detectors (Sigma rules, content, extraction), the grouper, the sinks and the
inventory enrichment. Problems that should not stop a run (a bad rule file) are returned as
text; problems that make the run meaningless (an unreadable system-prompt file, a sink that
cannot be opened) raise :class:`BuildError` naming the file or setting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stackward.detect.alert import Alert
from stackward.detect.config import DetectConfig, SinkConfig, StoreSink
from stackward.detect.event import Event
from stackward.detect.interfaces import Detector, Sink, SinkError

MAX_SYSTEM_PROMPT_BYTES = 256 * 1024


class BuildError(ValueError):
    """A setting that cannot be used; the message names it."""


@dataclass
class Detectors:
    """The detectors of a run, and the problems met building them (bad rule files)."""

    detectors: list[Detector] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rule_count: int = 0


class WithoutRules:
    """A detector whose alerts of some rule ids are dropped (``detect.disable_rules`` for the
    detectors that are not Sigma rules). Same name and state as the detector it wraps."""

    def __init__(self, detector: Detector, disabled: frozenset[str]) -> None:
        self.detector = detector
        self.disabled = disabled
        self.name = detector.name

    def _keep(self, alerts: Iterable[Alert]) -> list[Alert]:
        return [alert for alert in alerts if alert.rule_id not in self.disabled]

    def process(self, event: Event) -> Iterable[Alert]:
        return self._keep(self.detector.process(event))

    def flush(self, now: dt.datetime | None) -> Iterable[Alert]:
        return self._keep(self.detector.flush(now))

    def snapshot(self) -> Mapping[str, Any]:
        return self.detector.snapshot()

    def restore(self, state: Mapping[str, Any]) -> None:
        self.detector.restore(state)


def build_detectors(config: DetectConfig) -> Detectors:
    """Sigma rules (built-in pack and ``rules``), then the content and extraction detectors
    the configuration turns on, each without its ``disable_rules``."""
    from stackward.detect.content import LeakageDetector, PromptInjectionDetector
    from stackward.detect.extraction import ExtractionDetector
    from stackward.detect.sigma import SigmaDetector, load_rules

    disabled = frozenset(config.disable_rules)
    built = Detectors()
    rule_set = load_rules(config.rules, builtin=config.builtin_rules, disabled=disabled)
    built.problems.extend(rule_set.problems)
    built.rule_count = len(rule_set.ids())
    if rule_set.rules or rule_set.correlations:
        built.detectors.append(SigmaDetector(rule_set))
    others: list[Detector] = []
    content = config.content
    if content.prompt_injection:
        others.append(PromptInjectionDetector(content))
    if content.leakage:
        others.append(
            LeakageDetector(
                content,
                system_prompts=[_read_prompt(path) for path in content.system_prompts],
                canaries=content.canaries,
            )
        )
    if config.extraction.enabled:
        others.append(ExtractionDetector(config.extraction))
    built.detectors.extend(WithoutRules(d, disabled) if disabled else d for d in others)
    return built


def _read_prompt(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SYSTEM_PROMPT_BYTES + 1)
    except OSError as exc:
        raise BuildError(
            f"{path}: cannot read system prompt (detect.content): {exc.strerror}"
        ) from None
    if len(data) > MAX_SYSTEM_PROMPT_BYTES:
        raise BuildError(f"{path}: system prompt larger than {MAX_SYSTEM_PROMPT_BYTES // 1024} KiB")
    return data.decode("utf-8", errors="replace")


def build_sinks(configs: Sequence[SinkConfig], store_path: Path) -> list[Sink]:
    """One sink per entry. Several sinks of one type get distinct names (``jsonl``,
    ``jsonl#2``, ...) in configuration order, since the alert journal records deliveries by
    sink name."""
    from stackward.detect.sinks import build_sink

    sinks: list[Sink] = []
    seen: dict[str, int] = {}
    for config in configs:
        try:
            sink = build_sink(config, store_path)
        except SinkError as exc:
            raise BuildError(f"detect.sinks ({config.type}): {exc}") from None
        seen[sink.name] = seen.get(sink.name, 0) + 1
        if seen[sink.name] > 1:
            sink.name = f"{sink.name}#{seen[sink.name]}"
        sinks.append(sink)
    return sinks


def default_sinks(configs: Sequence[SinkConfig], extra: Sequence[SinkConfig]) -> list[SinkConfig]:
    """The configured sinks plus those given on the command line; with neither, the store."""
    chosen = [*configs, *extra]
    return chosen if chosen else [StoreSink()]
