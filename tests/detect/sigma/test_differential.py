"""Differential test: stackward's matcher against pySigma's SQLite backend, run for real.

The same generated events are flattened into an in-memory SQLite table (a column per dotted
field, ``INTEGER`` for integer fields and ``TEXT COLLATE NOCASE`` otherwise, booleans as
``true``/``false``, as Zircolite builds it), each rule is converted by
``pysigma-backend-sqlite`` and its query run; the matching events must be the same ones.
Values stay ASCII and addresses valid, where the two engines are specified to agree.
"""

from __future__ import annotations

import random
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sigma.backends.sqlite import sqliteBackend
from sigma.collection import SigmaCollection

from stackward.detect.sigma import SigmaDetector
from tests.detect.sigma.helpers import event, load_text, rule_text

NAMES = ["InvokeModel", "invokemodel", "Converse", "GetObject", "PutObject", "CreateAccessKey"]
USERS = ["alice", "Bob", "bob", "carol", "svc-ml", "root"]
AGENTS = ["aws-cli/2.1 Linux", "Boto3/1.34 Python", "curl/8.4", "python-requests/2.3", "Console"]
KEYS = ["training/a.parquet", "datasets/pii/b.csv", "tmp/x_1%.txt", "models/m.PKL", "logs/app.log"]

DETECTIONS = {
    "eq-list": "sel:\n  eventName: [InvokeModel, Converse]\ncondition: sel",
    "wildcards": "sel:\n  user: 'b?b'\n  agent: '*-cli/*'\ncondition: sel",
    "contains-not": "sel:\n  key|contains: a\nf:\n  agent|startswith: boto\ncondition: sel and not f",
    "endswith": "sel:\n  key|endswith: [.pkl, .csv]\ncondition: sel",
    "re": "sel:\n  agent|re: '^(curl|python-requests)/'\ncondition: sel",
    "re-i": "sel:\n  key|re|i: 'PII/[a-z]'\ncondition: sel",
    "cidr": "sel:\n  ip|cidr: [10.0.0.0/8, 192.168.0.0/16]\ncondition: sel",
    "not-cidr": "sel:\n  eventName: GetObject\nf:\n  ip|cidr: 172.16.0.0/12\ncondition: sel and not f",
    "gt-lt": "a:\n  size|gt: 500\nb:\n  size|lt: 100\ncondition: 1 of them",
    "gte-lte": "sel:\n  size|gte: 100\n  size|lte: 500\ncondition: sel",
    "exists": "sel:\n  errorCode|exists: true\ncondition: sel",
    "not-exists": "sel:\n  errorCode|exists: false\n  eventName: PutObject\ncondition: sel",
    "null": "sel:\n  errorCode: null\n  user: bob\ncondition: sel",
    "bool": "sel:\n  readOnly: false\ncondition: sel",
    "number": "sel:\n  port: 443\ncondition: sel",
    "fieldref": "sel:\n  target|fieldref: user\ncondition: sel",
    "not-fieldref": "sel:\n  eventName: CreateAccessKey\nf:\n  target|fieldref: user\ncondition: sel and not f",
    "cased": "sel:\n  user|cased: Bob\ncondition: sel",
    "nested": "sel:\n  identity.arn|contains: ':user/'\ncondition: sel",
    "1-of": "sel_a:\n  user: root\nsel_b:\n  agent: Console\ncondition: 1 of sel_*",
    "all-of": "sel_a:\n  eventName|startswith: put\nsel_b:\n  key|contains: '%'\ncondition: all of sel_*",
    "underscore-literal": "sel:\n  key|contains: 'x_1'\ncondition: sel",
    "not-missing": "f:\n  errorCode: AccessDenied\ncondition: not f",
    "base64offset": "sel:\n  blob|base64offset|contains: admin\ncondition: sel",
    "windash": "sel:\n  cmd|windash|contains: ' -enc '\ncondition: sel",
    # a required value the detector's index tests, and what remains after it
    "index-only": "sel:\n  eventName: GetObject\ncondition: sel",
    "index-and-rest": "sel:\n  eventName: [InvokeModel, Converse]\n  user: bob\ncondition: sel",
    "index-nested": "sel:\n  eventName: GetObject\na:\n  user: root\nb:\n  agent: Console\n"
    "condition: sel and (a or not b)",
    "index-two-fields": "sel:\n  eventName: PutObject\n  user: [alice, carol]\n  key|contains: a\n"
    "condition: sel",
    "index-or-branches": "a:\n  eventName: GetObject\n  user: bob\nb:\n  eventName: PutObject\n"
    "  agent: Console\ncondition: a or b",
}


def _events(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    records = []
    for _ in range(count):
        user = rng.choice(USERS)
        record: dict[str, Any] = {
            "eventName": rng.choice(NAMES),
            "user": user,
            "agent": rng.choice(AGENTS),
            "key": rng.choice(KEYS),
            "ip": _address(rng),
            "size": rng.randrange(0, 1000),
            "port": rng.choice([443, 80, 8443]),
            "readOnly": rng.random() < 0.5,
            "target": rng.choice(USERS),
            "identity": {
                "arn": rng.choice(["arn:aws:iam::1:user/x", "arn:aws:sts::1:assumed-role/r/s"])
            },
            "blob": rng.choice(["YWRtaW4=", "IGFkbWlu", "dXNlcg==", "xxYWRtaW4yy"]),
            "cmd": rng.choice(["ps -enc AAA", "ps /enc AAA", "ps -nop", "ps +enc A"]),
        }
        roll = rng.random()
        if roll < 0.2:
            record["errorCode"] = rng.choice(["AccessDenied", "Throttling"])
        elif roll < 0.3:
            record["errorCode"] = None
        if rng.random() < 0.1:
            del record["user"]
        records.append(record)
    return records


def _address(rng: random.Random) -> str:
    first = rng.choice(["10", "172", "192", "203"])
    second = {"10": rng.randrange(256), "172": rng.randrange(10, 40), "192": 168, "203": 0}[first]
    return f"{first}.{second}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, value in record.items():
        if isinstance(value, dict):
            row.update(_flatten(value, f"{prefix}{name}."))
        elif isinstance(value, bool):
            row[prefix + name] = "true" if value else "false"
        else:
            row[prefix + name] = value
    return row


def _sqlite(records: list[dict[str, Any]]) -> sqlite3.Connection:
    rows = [_flatten(r) for r in records]
    names = sorted({name for row in rows for name in row})
    integer = {n for n in names if all(type(r.get(n)) is int for r in rows if r.get(n) is not None)}
    connection = sqlite3.connect(":memory:")
    connection.create_function(
        "regexp", 2, lambda p, v: v is not None and re.search(p, str(v)) is not None
    )
    columns = ", ".join(
        f"`{n}` INTEGER" if n in integer else f"`{n}` TEXT COLLATE NOCASE" for n in names
    )
    connection.execute(f"CREATE TABLE logs ({columns})")
    marks = ", ".join("?" * len(names))
    connection.executemany(
        f"INSERT INTO logs VALUES ({marks})",  # noqa: S608 - placeholders only
        ([row.get(n) for n in names] for row in rows),
    )
    return connection


@pytest.fixture(scope="module")
def corpus() -> tuple[list[dict[str, Any]], sqlite3.Connection]:
    records = _events(3000, seed=11)
    return records, _sqlite(records)


@pytest.mark.parametrize("name", list(DETECTIONS))
def test_same_matches_as_sqlite_backend(
    tmp_path: Path, corpus: tuple[list[dict[str, Any]], sqlite3.Connection], name: str
) -> None:
    records, connection = corpus
    text = rule_text(DETECTIONS[name])
    (query,) = sqliteBackend().convert(SigmaCollection.from_yaml(text))
    query = query.replace("SELECT * FROM logs", "SELECT rowid FROM logs", 1)
    theirs = {row[0] - 1 for row in connection.execute(query)}
    rule_set = load_text(tmp_path, text)
    assert rule_set.problems == []
    detector = SigmaDetector(rule_set)
    ours = {n for n, record in enumerate(records) if detector.process(event(record, line=n + 1))}
    assert ours == theirs
    assert 0 < len(ours) < len(records), "a rule matching nothing or everything proves little"
