"""Ordered schema migrations. Append, never edit a released one."""

from __future__ import annotations

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE scans (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            scope TEXT NOT NULL,
            partial INTEGER NOT NULL,
            asset_count INTEGER NOT NULL,
            relation_count INTEGER NOT NULL,
            finding_count INTEGER NOT NULL,
            skipped_count INTEGER NOT NULL,
            new_count INTEGER NOT NULL DEFAULT 0,
            resolved_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE assets (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            layer TEXT NOT NULL,
            name TEXT NOT NULL,
            source TEXT NOT NULL,
            region TEXT,
            properties TEXT NOT NULL,
            labels TEXT NOT NULL,
            sensitive INTEGER NOT NULL,
            internet_exposed INTEGER NOT NULL,
            first_scan INTEGER NOT NULL REFERENCES scans(id),
            last_scan INTEGER NOT NULL REFERENCES scans(id)
        );
        CREATE TABLE relations (
            src TEXT NOT NULL,
            dst TEXT NOT NULL,
            kind TEXT NOT NULL,
            properties TEXT NOT NULL,
            last_scan INTEGER NOT NULL REFERENCES scans(id),
            PRIMARY KEY (src, dst, kind)
        );
        CREATE TABLE findings (
            fingerprint TEXT PRIMARY KEY,
            scope TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            asset_id TEXT NOT NULL,
            layer TEXT NOT NULL,
            severity INTEGER NOT NULL,
            title TEXT NOT NULL,
            evidence TEXT NOT NULL,
            remediation TEXT NOT NULL,
            refs TEXT NOT NULL,
            risk_score REAL NOT NULL,
            status TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            first_scan INTEGER NOT NULL REFERENCES scans(id),
            last_scan INTEGER NOT NULL REFERENCES scans(id),
            resolved_at TEXT,
            resolved_scan INTEGER REFERENCES scans(id)
        );
        CREATE INDEX findings_scope_status ON findings (scope, status);
        CREATE TABLE scan_findings (
            scan_id INTEGER NOT NULL REFERENCES scans(id),
            fingerprint TEXT NOT NULL REFERENCES findings(fingerprint),
            PRIMARY KEY (scan_id, fingerprint)
        );
        CREATE TABLE skipped (
            scan_id INTEGER NOT NULL REFERENCES scans(id),
            location TEXT NOT NULL,
            reason TEXT NOT NULL,
            collector TEXT NOT NULL
        );
        """,
    ),
    (
        2,
        """
        CREATE TABLE artifact_baselines (
            scope TEXT NOT NULL,
            asset_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            recorded_scan INTEGER NOT NULL REFERENCES scans(id),
            reason TEXT NOT NULL,
            PRIMARY KEY (scope, asset_id)
        );
        """,
    ),
    (
        3,
        """
        CREATE TABLE alerts (
            uid TEXT PRIMARY KEY,
            rule_id TEXT NOT NULL,
            title TEXT NOT NULL,
            severity INTEGER NOT NULL,
            detector TEXT NOT NULL,
            grp TEXT NOT NULL,
            actor TEXT NOT NULL,
            target TEXT NOT NULL,
            source_ip TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            count INTEGER NOT NULL,
            last_delivery TEXT NOT NULL,
            ocsf TEXT NOT NULL
        );
        CREATE INDEX alerts_last_seen ON alerts (last_seen);
        CREATE INDEX alerts_rule ON alerts (rule_id);
        """,
    ),
)

LATEST_VERSION = MIGRATIONS[-1][0]
