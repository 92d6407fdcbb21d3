"""An alert: a rule or detector decided that events show an attack."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stackward.detect.event import Position
from stackward.model import ControlRef, Severity


@dataclass(slots=True)
class EventRef:
    """One event behind an alert: where it is, when, and a few redacted fields. Never
    changed once made (not ``frozen``, for the same reason as :class:`Alert`)."""

    position: Position
    time: dt.datetime
    excerpt: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Alert:
    """What a detector reports.

    A value: never changed once made (``dataclasses.replace`` makes a changed copy). It is
    not ``frozen`` only because a frozen dataclass's ``__init__`` sets each of its 18 fields
    through ``object.__setattr__``, which doubles the cost of making one, and a busy log makes
    many.

    ``uid`` is deterministic (see :func:`alert_uid`): the same events give the same uid, so a
    replay after a crash can recognise alerts already delivered. ``group`` is the value the
    rule grouped on (an API key, a principal, a source IP), empty when it does not group.
    ``actor`` and ``target`` are redacted display values; ``evidence`` holds detector-specific
    measurements (counts, scores, p-values), never a whole secret or prompt.
    """

    uid: str
    rule_id: str
    title: str
    description: str
    severity: Severity
    detector: str
    time: dt.datetime
    first_seen: dt.datetime
    refs: tuple[ControlRef, ...]
    events: tuple[EventRef, ...]
    count: int = 1
    group: str = ""
    actor: str = ""
    target: str = ""
    source_ip: str = ""
    evidence: Mapping[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    update_of: str = ""
    """The uid of the finding this alert updates (the grouping step merged later events into
    it); empty for an alert that opens a finding. An update has a ``uid`` of its own."""


MAX_EVENT_REFS = 20
"""Events kept on one alert; ``count`` says how many there were in all."""


def alert_uid(rule_id: str, group: str, first: Position, last: Position) -> str:
    """A stable id from the rule, its group and the first and last events' positions."""
    text = (
        f"{rule_id}\x1f{group}\x1f{first.source}\x1f{first.offset}\x1f{first.index}"
        f"\x1f{last.source}\x1f{last.offset}\x1f{last.index}"
    )
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class RelatedAsset:
    """An inventory asset an alert touches (the endpoint called, the model served, the data
    read), as the enrichment step found it in the scan store."""

    id: str
    kind: str
    name: str
    layer: str = ""
    owner: str = ""
    role: str = ""
    """How the alert touches it: ``target``, ``serves``, ``reads``, ``actor``..."""


@dataclass(frozen=True, slots=True)
class Enrichment:
    """What the inventory knows about an alert: related assets, owners, and whether any of
    them lies on an attack path (with the paths' ids and risk). Empty when no scan is stored."""

    assets: tuple[RelatedAsset, ...] = ()
    owners: tuple[str, ...] = ()
    attack_paths: tuple[str, ...] = ()
    max_path_risk: float = 0.0

    @property
    def on_attack_path(self) -> bool:
        return bool(self.attack_paths)
