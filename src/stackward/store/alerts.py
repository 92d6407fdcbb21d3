"""Detection alerts kept in the scan store, next to the inventory they were enriched from.

One row per finding (``finding_info.uid``): the Create inserts it, an Update raises its count
and last-seen time. Writing is idempotent: an Update carries the finding's total count, so
delivering the same alert twice (a replay after a crash) leaves the row as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stackward.detect.alert import Alert, Enrichment
from stackward.detect.ocsf import finding_uid, to_ocsf
from stackward.model import Severity
from stackward.store.interface import StoreError
from stackward.store.sqlite import open_store

DEFAULT_LIMIT = 100
MAX_LIMIT = 100_000


def _ts(moment: dt.datetime) -> str:
    """Fixed-width UTC text, so SQL compares times as strings."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_ts(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class StoredAlert:
    uid: str
    rule_id: str
    title: str
    severity: Severity
    detector: str
    group: str
    actor: str
    target: str
    source_ip: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    count: int
    ocsf: dict[str, Any]
    """The latest OCSF Detection Finding delivered for this alert."""


_COLUMNS = (
    "uid, rule_id, title, severity, detector, grp, actor, target, source_ip, first_seen,"
    " last_seen, count, last_delivery, ocsf"
)


_UPSERT = (
    "INSERT INTO alerts (uid, rule_id, title, severity, detector, grp, actor, target, source_ip,"
    " first_seen, last_seen, count, last_delivery, ocsf) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT(uid) DO UPDATE SET"
    " severity=MAX(alerts.severity, excluded.severity),"
    " first_seen=MIN(alerts.first_seen, excluded.first_seen),"
    " last_seen=MAX(alerts.last_seen, excluded.last_seen),"
    " count=MAX(alerts.count, excluded.count),"
    " actor=CASE WHEN excluded.count >= alerts.count THEN excluded.actor ELSE alerts.actor END,"
    " target=CASE WHEN excluded.count >= alerts.count THEN excluded.target ELSE alerts.target END,"
    " last_delivery=CASE WHEN excluded.count >= alerts.count"
    " THEN excluded.last_delivery ELSE alerts.last_delivery END,"
    " ocsf=CASE WHEN excluded.count >= alerts.count THEN excluded.ocsf ELSE alerts.ocsf END"
)
"""Insert a finding, or merge a later delivery of it. Idempotent: an Update carries the total
count, so recording the same delivery twice changes nothing."""


class AlertStore:
    """The ``alerts`` table of the SQLite scan store at ``path`` (created and migrated)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        open_store(self.path).close()  # creates the file and applies every migration
        try:
            self._db = sqlite3.connect(self.path)
            self._db.execute("PRAGMA busy_timeout = 5000")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open store: {exc}") from None

    def record(self, alert: Alert, enrichment: Enrichment | None = None) -> None:
        """Insert the alert's finding, or raise its count and last-seen time."""
        row = (
            finding_uid(alert),
            alert.rule_id,
            alert.title,
            int(alert.severity),
            alert.detector,
            alert.group,
            alert.actor,
            alert.target,
            alert.source_ip,
            _ts(alert.first_seen),
            _ts(alert.time),
            alert.count,
            alert.uid,
            json.dumps(to_ocsf(alert, enrichment), separators=(",", ":")),
        )
        try:
            with self._db:
                self._db.execute(
                    _UPSERT,
                    row,
                )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot record alert {alert.uid}: {exc}") from None

    def holds(self, delivery_uid: str) -> bool:
        """Whether the delivery with this alert uid is the one last recorded for its finding
        (a Create's uid is its finding's uid)."""
        row = self._db.execute(
            "SELECT 1 FROM alerts WHERE uid = ? OR last_delivery = ? LIMIT 1",
            (delivery_uid, delivery_uid),
        ).fetchone()
        return row is not None

    def alerts(
        self,
        since: dt.datetime | None = None,
        rule: str | None = None,
        min_severity: Severity | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Sequence[StoredAlert]:
        """Alerts last seen at or after ``since``, newest first."""
        query = f"SELECT {_COLUMNS} FROM alerts WHERE 1=1"  # noqa: S608 - constant column list
        params: list[Any] = []
        if since is not None:
            query += " AND last_seen >= ?"
            params.append(_ts(since))
        if rule:
            query += " AND rule_id = ?"
            params.append(rule)
        if min_severity is not None:
            query += " AND severity >= ?"
            params.append(int(min_severity))
        query += " ORDER BY last_seen DESC, uid LIMIT ?"
        params.append(max(1, min(limit, MAX_LIMIT)))
        try:
            rows = self._db.execute(query, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read alerts: {exc}") from None
        return [
            StoredAlert(
                uid=r[0],
                rule_id=r[1],
                title=r[2],
                severity=Severity(r[3]),
                detector=r[4],
                group=r[5],
                actor=r[6],
                target=r[7],
                source_ip=r[8],
                first_seen=_parse_ts(r[9]),
                last_seen=_parse_ts(r[10]),
                count=int(r[11]),
                ocsf=json.loads(r[13]),
            )
            for r in rows
        ]

    def close(self) -> None:
        self._db.close()
