"""Events as an LLM gateway parser would produce them, built in the tests."""

from __future__ import annotations

import datetime as dt

from stackward.detect.event import Event, LogSource, Position

GATEWAY = LogSource("litellm", "proxy", "llm")
WHEN = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def llm_event(line: int = 1, **annotations: object) -> Event:
    base: dict[str, object] = {
        "actor": "alice@example.test",
        "api_key": "sk-a…9f2c",
        "model": "gpt-4o-mini",
        "source_ip": "10.0.0.7",
    }
    return Event(
        time=WHEN + dt.timedelta(seconds=line),
        logsource=GATEWAY,
        format="litellm",
        fields={"id": f"req-{line}"},
        position=Position("/var/log/litellm/proxy.jsonl", offset=100 * line, line=line),
        annotations=base | annotations,
    )
