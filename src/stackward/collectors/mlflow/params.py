"""Run parameters and tags through the data classifiers: classes and names kept, values never.

A parameter such as ``openai_api_key`` logged with its value is a credential stored in the
tracking server for everyone who can read the experiment. The value is classified with the
same detectors as stored data (the parameter name is the context) and then dropped: the
inventory holds the name, where it was logged and the classes found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from stackward.dspm.engine import CandidateEngine
from stackward.dspm.text import classify_text

MAX_VALUE_CHARS = 8_192
"""MLflow limits parameter values to 6,000 characters; longer text is cut before matching."""
MAX_ENTRIES = 2_000
"""Parameters and tags classified per run."""
SKIPPED_TAG_PREFIXES = ("mlflow.",)
"""Tags MLflow itself writes (run name, source file, git commit, user)."""


def key_values(entries: object) -> list[tuple[str, str]]:
    """``[{"key": k, "value": v}, ...]`` as pairs; anything else in the list is ignored."""
    if not isinstance(entries, list):
        return []
    pairs: list[tuple[str, str]] = []
    for entry in entries[:MAX_ENTRIES]:
        if not isinstance(entry, Mapping):
            continue
        key, value = entry.get("key"), entry.get("value")
        if isinstance(key, str) and isinstance(value, str):
            pairs.append((key[:256], value))
    return pairs


def classify_entries(
    params: Iterable[tuple[str, str]],
    tags: Iterable[tuple[str, str]],
    engine: CandidateEngine,
) -> list[dict[str, Any]]:
    """One record per parameter or tag with a confirmed class: ``{name, where, classes,
    confidence}``, sorted. The value is not part of the record."""
    found: list[dict[str, Any]] = []
    labelled = [("param", k, v) for k, v in params]
    labelled += [("tag", k, v) for k, v in tags if not k.startswith(SKIPPED_TAG_PREFIXES)]
    for where, name, value in labelled:
        hits = classify_text(value[:MAX_VALUE_CHARS], engine, field_context=name)
        if not hits:
            continue
        classes = sorted({h.data_class for h in hits})
        found.append(
            {
                "name": name,
                "where": where,
                "classes": classes,
                "confidence": round(max(h.confidence for h in hits), 4),
            }
        )
    return sorted(found, key=lambda r: (r["where"], r["name"]))
