"""Building rules and events for the Sigma engine tests."""

from __future__ import annotations

import datetime as dt
import textwrap
import uuid
from pathlib import Path
from typing import Any

from stackward.detect.event import Event, LogSource, Position
from stackward.detect.sigma import RuleSet, load_rules

CLOUDTRAIL = LogSource("aws", "cloudtrail", "")
START = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def rule_text(
    detection: str,
    *,
    title: str = "test rule",
    rule_id: str | None = None,
    stackward_id: str | None = "SW-DET-900",
    level: str = "high",
    tags: str = "[atlas.t0051]",
    logsource: str = "{product: aws, service: cloudtrail}",
    name: str | None = None,
) -> str:
    lines = [
        f"title: {title}",
        f"id: {rule_id or uuid.uuid4()}",
        f"level: {level}",
        f"tags: {tags}",
        f"logsource: {logsource}",
    ]
    if stackward_id:
        lines.append(f"stackward_id: {stackward_id}")
    if name:
        lines.append(f"name: {name}")
    lines.append("detection:")
    lines.append(textwrap.indent(textwrap.dedent(detection).strip("\n"), "  "))
    return "\n".join(lines) + "\n"


def load_text(tmp_path: Path, text: str, filename: str = "rule.yml") -> RuleSet:
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    return load_rules([path], builtin=False)


def event(
    fields: dict[str, Any],
    *,
    seconds: float = 0,
    logsource: LogSource = CLOUDTRAIL,
    line: int = 1,
    annotations: dict[str, Any] | None = None,
) -> Event:
    return Event(
        time=START + dt.timedelta(seconds=seconds),
        logsource=logsource,
        format="cloudtrail",
        fields=fields,
        position=Position("logs/trail.jsonl", line * 100, line),
        annotations=annotations or {},
    )
