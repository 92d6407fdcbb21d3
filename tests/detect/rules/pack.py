"""The built-in rule pack and its scenarios, as the pack tests read them.

Scenarios live under ``events/<rule-file-stem>/{positive,negative}/``: one file per scenario,
records in time order, in the log format named by that directory's ``expected.yaml``. The same
file says which pack rules (by ``stackward_id``) fire when the whole pack runs over the
scenario, so the outcome is data, not code. A positive scenario must fire its own file's
rule(s); a negative one must not (it may fire other pack rules, listed there).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule

from tests.conftest import REPO_ROOT

RULES_DIR = REPO_ROOT / "src" / "stackward" / "detect" / "rules"
EVENTS_DIR = Path(__file__).resolve().parent / "events"
KINDS = ("positive", "negative")


@dataclass(frozen=True)
class Scenario:
    stem: str
    kind: str
    path: Path
    format: str
    fires: frozenset[str]

    @property
    def id(self) -> str:
        return f"{self.stem}/{self.kind}/{self.path.stem}"


def rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.yml"))


def load_collection(path: Path) -> SigmaCollection:
    collection = SigmaCollection.from_yaml(path.read_text(encoding="utf-8"))
    collection.resolve_rule_references()
    return collection


def silenced(collection: SigmaCollection) -> set[int]:
    """Rules referenced by a correlation with ``generate: false``: they never alert alone."""
    quiet: set[int] = set()
    for rule in collection.rules:
        if isinstance(rule, SigmaCorrelationRule) and not rule.generate:
            quiet.update(id(ref.rule) for ref in rule.rules)
    return quiet


def alerting_rules(collection: SigmaCollection) -> list[SigmaRule | SigmaCorrelationRule]:
    quiet = silenced(collection)
    return [rule for rule in collection.rules if id(rule) not in quiet]


def stackward_id(rule: SigmaRule | SigmaCorrelationRule) -> str | None:
    value: Any = rule.custom_attributes.get("stackward_id")
    return None if value is None else str(value)


@cache
def own_ids(stem: str) -> frozenset[str]:
    collection = load_collection(RULES_DIR / f"{stem}.yml")
    return frozenset(sid for rule in alerting_rules(collection) if (sid := stackward_id(rule)))


@cache
def correlation_ids() -> frozenset[str]:
    """``stackward_id`` of every alerting correlation rule in the pack."""
    return frozenset(
        sid
        for path in rule_files()
        for rule in alerting_rules(load_collection(path))
        if isinstance(rule, SigmaCorrelationRule) and (sid := stackward_id(rule))
    )


def scenarios() -> list[Scenario]:
    found: list[Scenario] = []
    for expected_file in sorted(EVENTS_DIR.glob("*/expected.yaml")):
        stem = expected_file.parent.name
        expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
        for relative, fires in expected["scenarios"].items():
            path = expected_file.parent / relative
            kind = Path(relative).parts[0]
            found.append(Scenario(stem, kind, path, expected["format"], frozenset(fires)))
    return found


def read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
