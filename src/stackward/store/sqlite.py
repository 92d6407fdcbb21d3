"""The embedded SQLite store (the default)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from stackward.artifacts.provenance import content_digest, signature_verified
from stackward.model import AssetKind, Finding, Severity
from stackward.scan.result import ScanResult
from stackward.store.interface import FindingStatus, ScanRecord, StoredFinding, StoreError
from stackward.store.migrations import LATEST_VERSION, MIGRATIONS


def _ts(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def _parse_ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


class SqliteStore:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self.migrate()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"{self.path}: cannot open store: {exc}") from None

    # -- schema ---------------------------------------------------------------------------
    def schema_version(self) -> int:
        self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> None:
        current = self.schema_version()
        if current > LATEST_VERSION:
            raise StoreError(
                f"{self.path}: store schema v{current} is newer than this stackward "
                f"(v{LATEST_VERSION}); upgrade stackward"
            )
        for version, script in MIGRATIONS:
            if version <= current:
                continue
            with self._db:
                for statement in script.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))

    # -- writing --------------------------------------------------------------------------
    def record_scan(self, result: ScanResult, accept_model_changes: bool = False) -> ScanRecord:
        try:
            with self._db:
                record = self._record(result)
                self._record_baselines(result, record.id, accept_model_changes)
                return record
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot record scan: {exc}") from None

    def _record_baselines(self, result: ScanResult, scan_id: int, accept: bool) -> None:
        known = self.artifact_baselines(result.scope)
        now = _ts(result.finished_at)
        for asset in result.graph.assets():
            digest = content_digest(asset)
            if asset.kind is not AssetKind.MODEL_ARTIFACT or digest is None:
                continue
            baseline = known.get(asset.id)
            if baseline == digest:
                continue
            if baseline is None:
                reason = "first seen"
            elif signature_verified(asset):
                reason = "changed, covered by a verified signature"
            elif accept:
                reason = "changed, accepted"
            else:
                continue
            self._db.execute(
                "INSERT INTO artifact_baselines VALUES (?,?,?,?,?,?) ON CONFLICT(scope, asset_id)"
                " DO UPDATE SET sha256=excluded.sha256, recorded_at=excluded.recorded_at,"
                " recorded_scan=excluded.recorded_scan, reason=excluded.reason",
                (result.scope, asset.id, digest, now, scan_id, reason),
            )

    def artifact_baselines(self, scope: str) -> dict[str, str]:
        try:
            rows = self._db.execute(
                "SELECT asset_id, sha256 FROM artifact_baselines WHERE scope = ?", (scope,)
            ).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read artifact baselines: {exc}") from None
        return {str(r[0]): str(r[1]) for r in rows}

    def _record(self, result: ScanResult) -> ScanRecord:
        db = self._db
        cur = db.execute(
            "INSERT INTO scans (started_at, finished_at, scope, partial, asset_count,"
            " relation_count, finding_count, skipped_count) VALUES (?,?,?,?,?,?,?,?)",
            (
                _ts(result.started_at),
                _ts(result.finished_at),
                result.scope,
                int(result.partial),
                len(result.graph),
                result.graph.relation_count,
                len(result.findings),
                len(result.skipped),
            ),
        )
        scan_id = int(cur.lastrowid or 0)
        db.executemany(
            "INSERT INTO assets VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
            " kind=excluded.kind, layer=excluded.layer, name=excluded.name,"
            " source=excluded.source, region=excluded.region, properties=excluded.properties,"
            " labels=excluded.labels, sensitive=excluded.sensitive,"
            " internet_exposed=excluded.internet_exposed, last_scan=excluded.last_scan",
            (
                (
                    a.id,
                    a.kind.value,
                    a.layer.value,
                    a.name,
                    a.source,
                    a.region,
                    _json_text(a.properties),
                    _json_text(a.labels),
                    int(a.sensitive),
                    int(a.internet_exposed),
                    scan_id,
                    scan_id,
                )
                for a in result.graph.assets()
            ),
        )
        db.executemany(
            "INSERT INTO relations VALUES (?,?,?,?,?) ON CONFLICT(src, dst, kind)"
            " DO UPDATE SET properties=excluded.properties, last_scan=excluded.last_scan",
            (
                (r.src, r.dst, r.kind.value, _json_text(r.properties), scan_id)
                for r in result.graph.relations()
            ),
        )
        now = _ts(result.finished_at)
        known: dict[str, tuple[str, str]] = {
            row[0]: (row[1], row[2])
            for row in db.execute(
                "SELECT fingerprint, status, asset_id FROM findings WHERE scope = ?",
                (result.scope,),
            )
        }
        suppressed = {f.fingerprint for f in result.suppressed}
        new_count = 0
        rows = []
        for finding in (*result.findings, *result.suppressed):
            fp = finding.fingerprint
            if fp not in known:
                new_count += finding.fingerprint not in suppressed
            status = FindingStatus.SUPPRESSED if fp in suppressed else FindingStatus.OPEN
            rows.append(
                (
                    fp,
                    result.scope,
                    finding.rule_id,
                    finding.asset_id,
                    finding.layer.value,
                    int(finding.severity),
                    finding.title,
                    _evidence_json(finding),
                    finding.remediation,
                    json.dumps([[r.framework.value, r.id] for r in finding.refs]),
                    finding.risk_score,
                    status.value,
                    now,
                    now,
                    scan_id,
                    scan_id,
                )
            )
        db.executemany(
            "INSERT INTO findings (fingerprint, scope, rule_id, asset_id, layer, severity, title,"
            " evidence, remediation, refs, risk_score, status, first_seen, last_seen, first_scan,"
            " last_scan) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(fingerprint) DO UPDATE SET severity=excluded.severity,"
            " title=excluded.title, evidence=excluded.evidence, remediation=excluded.remediation,"
            " refs=excluded.refs, risk_score=excluded.risk_score, status=excluded.status,"
            " last_seen=excluded.last_seen, last_scan=excluded.last_scan, resolved_at=NULL,"
            " resolved_scan=NULL, scope=excluded.scope",
            rows,
        )
        db.executemany(
            "INSERT OR IGNORE INTO scan_findings VALUES (?, ?)",
            ((scan_id, row[0]) for row in rows),
        )
        seen = {row[0] for row in rows}
        observed_assets = {a.id for a in result.graph.assets()}
        resolved = []
        for fp, (stored_status, asset_id) in known.items():
            if fp in seen or stored_status == FindingStatus.RESOLVED:
                continue
            # In a partial scan, an asset that was not seen may just have been unreadable.
            if result.partial and asset_id not in observed_assets:
                continue
            resolved.append((now, scan_id, fp))
        db.executemany(
            "UPDATE findings SET status='resolved', resolved_at=?, resolved_scan=?"
            " WHERE fingerprint=?",
            resolved,
        )
        db.executemany(
            "INSERT INTO skipped VALUES (?,?,?,?)",
            ((scan_id, s.location, s.reason, s.collector) for s in result.skipped),
        )
        db.execute(
            "UPDATE scans SET new_count=?, resolved_count=? WHERE id=?",
            (new_count, len(resolved), scan_id),
        )
        return self._scan_row(scan_id)

    # -- reading --------------------------------------------------------------------------
    def _scan_row(self, scan_id: int) -> ScanRecord:
        row = self._db.execute(
            "SELECT id, started_at, finished_at, scope, partial, asset_count, relation_count,"
            " finding_count, skipped_count, new_count, resolved_count FROM scans WHERE id=?",
            (scan_id,),
        ).fetchone()
        return _scan_record(row)

    def scans(self, limit: int = 50) -> Sequence[ScanRecord]:
        rows = self._db.execute(
            "SELECT id, started_at, finished_at, scope, partial, asset_count, relation_count,"
            " finding_count, skipped_count, new_count, resolved_count FROM scans"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [_scan_record(r) for r in rows]

    def findings(
        self, status: FindingStatus | None = None, scope: str | None = None
    ) -> Sequence[StoredFinding]:
        query = (
            "SELECT fingerprint, rule_id, asset_id, severity, title, status, first_seen,"
            " last_seen, resolved_at, risk_score FROM findings WHERE 1=1"
        )
        params: list[str] = []
        if status is not None:
            query += " AND status = ?"
            params.append(status.value)
        if scope is not None:
            query += " AND scope = ?"
            params.append(scope)
        query += " ORDER BY risk_score DESC, fingerprint"
        return [
            StoredFinding(
                fingerprint=r[0],
                rule_id=r[1],
                asset_id=r[2],
                severity=Severity(r[3]),
                title=r[4],
                status=FindingStatus(r[5]),
                first_seen=_parse_ts(r[6]),
                last_seen=_parse_ts(r[7]),
                resolved_at=_parse_ts(r[8]) if r[8] else None,
                risk_score=float(r[9]),
            )
            for r in self._db.execute(query, params)
        ]

    def close(self) -> None:
        self._db.close()


def _json_text(mapping: Mapping[str, Any]) -> str:
    """An asset's or relation's properties as JSON text; values JSON cannot hold are written
    as their ``str``. orjson, because a large inventory stores hundreds of thousands."""
    if not mapping:
        return "{}"
    return orjson.dumps(dict(mapping), default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def _evidence_json(finding: Finding) -> str:
    ev = finding.evidence
    return json.dumps(
        {"location": ev.location, "line": ev.line, "snippet": ev.snippet, "key": ev.key}
    )


def _scan_record(row: tuple[object, ...]) -> ScanRecord:
    return ScanRecord(
        id=int(row[0]),  # type: ignore[call-overload]
        started_at=_parse_ts(str(row[1])),
        finished_at=_parse_ts(str(row[2])),
        scope=str(row[3]),
        partial=bool(row[4]),
        asset_count=int(row[5]),  # type: ignore[call-overload]
        relation_count=int(row[6]),  # type: ignore[call-overload]
        finding_count=int(row[7]),  # type: ignore[call-overload]
        skipped_count=int(row[8]),  # type: ignore[call-overload]
        new_count=int(row[9]),  # type: ignore[call-overload]
        resolved_count=int(row[10]),  # type: ignore[call-overload]
    )


def open_store(path: Path | str) -> SqliteStore:
    """Open the default backend at ``path``, creating and migrating it as needed."""
    return SqliteStore(path)
