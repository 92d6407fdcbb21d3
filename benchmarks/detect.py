"""Sigma detection throughput: stackward's streaming engine against pySigma's SQLite backend.

Generates a seeded CloudTrail JSONL file (Bedrock, SageMaker, S3 data events, IAM and EC2
noise from many principals and addresses) and a set of single-event Sigma rules, then, in one
run: (a) stackward parses the JSONL into events and matches every rule; (b) the same events are
flattened into one SQLite table (a column per dotted field, ``TEXT COLLATE NOCASE``, booleans
as ``true``/``false``, as Zircolite builds it) and each rule's query from
``pysigma-backend-sqlite`` runs against it. Match counts must be identical per rule (exit 1
otherwise). Correlation rules are timed on stackward alone.

    PYTHONPATH=src .venv/bin/python benchmarks/detect.py [--events 200000] [--no-docs]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import math
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sigma.backends.sqlite import sqliteBackend  # noqa: E402
from sigma.collection import SigmaCollection  # noqa: E402
from sigma.rule import SigmaRule  # noqa: E402

from benchmarks.machine import describe_machine  # noqa: E402
from benchmarks.markdown import replace_between, table  # noqa: E402
from stackward.detect.event import Event, LogSource  # noqa: E402
from stackward.detect.parsers import PARSERS  # noqa: E402
from stackward.detect.sigma import SigmaDetector, builtin_rules_dir, load_rules  # noqa: E402
from stackward.detect.sources.file import FileLogSource  # noqa: E402

WORK = REPO / "benchmarks" / ".work" / "detect"
DOCS = REPO / "docs" / "benchmarks.md"
BEGIN, END = "<!-- detect:begin -->", "<!-- detect:end -->"
CLOUDTRAIL = LogSource("aws", "cloudtrail", "")
ACCOUNT = "123456789012"

# (eventSource, eventName, weight, read-only)
CALLS = [
    ("bedrock.amazonaws.com", "InvokeModel", 14, True),
    ("bedrock.amazonaws.com", "InvokeModelWithResponseStream", 6, True),
    ("bedrock.amazonaws.com", "Converse", 6, True),
    ("bedrock.amazonaws.com", "ListFoundationModels", 3, True),
    ("bedrock.amazonaws.com", "GetFoundationModel", 2, True),
    ("bedrock.amazonaws.com", "CreateModelCustomizationJob", 0.3, False),
    ("bedrock.amazonaws.com", "DeleteModelInvocationLoggingConfiguration", 0.05, False),
    ("bedrock.amazonaws.com", "DeleteGuardrail", 0.05, False),
    ("sagemaker.amazonaws.com", "InvokeEndpoint", 6, True),
    ("sagemaker.amazonaws.com", "CreateTrainingJob", 0.8, False),
    ("sagemaker.amazonaws.com", "CreatePresignedNotebookInstanceUrl", 0.4, False),
    ("sagemaker.amazonaws.com", "DescribeModel", 2, True),
    ("sagemaker.amazonaws.com", "ListModels", 2, True),
    ("sagemaker.amazonaws.com", "DeleteModel", 0.1, False),
    ("sagemaker.amazonaws.com", "UpdateModelPackage", 0.1, False),
    ("s3.amazonaws.com", "GetObject", 25, True),
    ("s3.amazonaws.com", "PutObject", 8, False),
    ("s3.amazonaws.com", "DeleteObject", 1, False),
    ("s3.amazonaws.com", "PutBucketPolicy", 0.1, False),
    ("iam.amazonaws.com", "CreateAccessKey", 0.2, False),
    ("iam.amazonaws.com", "AttachRolePolicy", 0.2, False),
    ("sts.amazonaws.com", "AssumeRole", 4, True),
    ("sts.amazonaws.com", "GetCallerIdentity", 3, True),
    ("ec2.amazonaws.com", "DescribeInstances", 8, True),
    ("ec2.amazonaws.com", "DescribeSecurityGroups", 4, True),
    ("ec2.amazonaws.com", "RunInstances", 0.4, False),
]
AGENTS = [
    "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64",
    "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux lang/python#3.11",
    "aws-sdk-java/2.21.0 Linux/5.10 OpenJDK_64-Bit_Server_VM",
    "console.amazonaws.com",
    "python-requests/2.31.0",
    "curl/8.4.0",
]
MODELS = [
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "meta.llama3-70b-instruct-v1:0",
    "amazon.titan-embed-text-v2:0",
    "mistral.mistral-large-2402-v1:0",
]
BUCKETS = ["ml-training-data", "feature-store", "model-artifacts", "app-logs", "public-assets"]
KEY_PREFIXES = ["training/", "datasets/pii/", "checkpoints/", "logs/", "tmp/", "exports/"]
INSTANCE_TYPES = ["t3.medium", "m5.large", "c6i.xlarge", "p4d.24xlarge", "g5.2xlarge"]


def _principals(rng: random.Random, count: int) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    for i in range(count):
        kind = rng.choices(["IAMUser", "AssumedRole", "Root"], [50, 49, 1])[0]
        if kind == "IAMUser":
            name = f"user{i:04d}"
            people.append(
                {"type": kind, "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "userName": name}
            )
        elif kind == "AssumedRole":
            role = rng.choice(["ml-admin", "data-scientist", "inference-svc", "ec2-worker"])
            session = f"i-{rng.getrandbits(48):012x}" if role == "ec2-worker" else f"s{i}"
            arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}"
            people.append({"type": kind, "arn": arn})
        else:
            people.append({"type": kind, "arn": f"arn:aws:iam::{ACCOUNT}:root"})
        people[-1].update(accountId=ACCOUNT, principalId=f"AIDA{rng.getrandbits(64):016X}")
        people[-1]["accessKeyId"] = f"AKIA{rng.getrandbits(64):016X}"
    return people


def _address(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.62:
        return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    if pick < 0.84:
        return f"172.{rng.randrange(16, 32)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    if pick < 0.85:
        return f"185.220.{rng.randrange(100, 102)}.{rng.randrange(1, 255)}"
    if pick < 0.95:
        return rng.choice(["bedrock.amazonaws.com", "sagemaker.amazonaws.com"])
    return f"{rng.randrange(11, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _parameters(rng: random.Random, source: str, name: str, who: dict[str, Any]) -> dict[str, Any]:
    if source == "bedrock.amazonaws.com" and name.startswith(("Invoke", "Converse")):
        return {"modelId": rng.choice(MODELS)}
    if name == "CreateModelCustomizationJob":
        bucket = rng.choice(BUCKETS)
        return {
            "jobName": f"ft-{rng.randrange(999)}",
            "trainingDataConfig": {"s3Uri": f"s3://{bucket}/train.jsonl"},
        }
    if name in ("GetObject", "PutObject", "DeleteObject"):
        key = rng.choice(KEY_PREFIXES) + f"part-{rng.randrange(100000):05d}.parquet"
        return {"bucketName": rng.choice(BUCKETS), "key": key, "Host": "s3.amazonaws.com"}
    if name == "PutBucketPolicy":
        return {"bucketName": rng.choice(BUCKETS), "bucketPolicy": {"Version": "2012-10-17"}}
    if name == "CreateAccessKey":
        own = rng.random() < 0.5 and "userName" in who
        return {"userName": who["userName"] if own else f"user{rng.randrange(4000):04d}"}
    if name == "RunInstances":
        return {
            "instanceType": rng.choice(INSTANCE_TYPES),
            "minCount": 1,
            "maxCount": rng.randrange(1, 9),
        }
    if name == "AssumeRole":
        return {
            "roleArn": f"arn:aws:iam::{ACCOUNT}:role/ml-admin",
            "roleSessionName": f"s{rng.randrange(999)}",
        }
    if name.startswith(("Describe", "List", "Get")):
        return {}
    return {"name": f"{name.lower()}-{rng.randrange(1000)}"}


def generate(path: Path, count: int, seed: int) -> None:
    """Write ``count`` CloudTrail records, one JSON object per line, reproducibly."""
    rng = random.Random(seed)
    principals = _principals(rng, 2000)
    weights = [w for _, _, w, _ in CALLS]
    start = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    moment = start.timestamp()
    with path.open("wb") as out:
        for number in range(count):
            source, name, _, read_only = rng.choices(CALLS, weights)[0]
            who = rng.choice(principals)
            moment += rng.expovariate(1 / 0.4)
            record: dict[str, Any] = {
                "eventVersion": "1.09",
                "userIdentity": dict(who),
                "eventTime": dt.datetime.fromtimestamp(moment, dt.UTC).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "eventSource": source,
                "eventName": name,
                "awsRegion": rng.choice(["us-east-1", "us-west-2", "eu-west-1"]),
                "sourceIPAddress": _address(rng),
                "userAgent": rng.choice(AGENTS),
                "requestParameters": _parameters(rng, source, name, who),
                "responseElements": None,
                "requestID": f"{rng.getrandbits(64):016x}",
                "eventID": f"{number:08d}-{rng.getrandbits(48):012x}",
                "readOnly": read_only,
                "eventType": "AwsApiCall",
                "managementEvent": source != "s3.amazonaws.com",
                "recipientAccountId": ACCOUNT,
                "eventCategory": "Data" if source == "s3.amazonaws.com" else "Management",
            }
            if source == "s3.amazonaws.com":
                record["resources"] = [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::x"}]
                record["additionalEventData"] = {
                    "bytesTransferredOut": int(rng.paretovariate(1.2) * 4096)
                }
            if rng.random() < 0.03:
                record["errorCode"] = rng.choice(
                    ["AccessDenied", "AccessDeniedException", "ThrottlingException"]
                )
                record["errorMessage"] = "User is not authorized to perform this action"
            out.write(orjson.dumps(record) + b"\n")


def _rule(number: int, title: str, level: str, detection: str) -> str:
    return f"""title: {title}
id: 5e1d0c4a-7f3b-4c2e-9a10-{number:012d}
stackward_id: BENCH-{number:03d}
level: {level}
logsource:
  product: aws
  service: cloudtrail
detection:
{detection}
"""


SINGLE_RULES = [
    _rule(
        1,
        "Bedrock model invoked from outside the private ranges",
        "medium",
        """  sel:
    eventSource: bedrock.amazonaws.com
    eventName|startswith: [Invoke, Converse]
  private:
    sourceIPAddress|cidr: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]
  service:
    sourceIPAddress|endswith: .amazonaws.com
  condition: sel and not private and not service""",
    ),
    _rule(
        2,
        "Bedrock invocation logging deleted",
        "high",
        """  sel:
    eventSource: bedrock.amazonaws.com
    eventName: DeleteModelInvocationLoggingConfiguration
  condition: sel""",
    ),
    _rule(
        3,
        "Presigned notebook URL by a non-admin",
        "medium",
        """  sel:
    eventName: CreatePresignedNotebookInstanceUrl
  admin:
    userIdentity.arn|contains: ':assumed-role/ml-admin/'
  condition: sel and not admin""",
    ),
    _rule(
        4,
        "Training data read by a scripted client",
        "high",
        """  sel:
    eventName: GetObject
    requestParameters.key|contains: [training/, datasets/]
    userAgent|re|i: '^(curl|python-requests|wget)/'
  condition: sel""",
    ),
    _rule(
        5,
        "Access key created for another user",
        "high",
        """  sel:
    eventSource: iam.amazonaws.com
    eventName: CreateAccessKey
  own:
    requestParameters.userName|fieldref: userIdentity.userName
  condition: sel and not own""",
    ),
    _rule(
        6,
        "Model registry tampering",
        "medium",
        """  sel:
    eventSource: sagemaker.amazonaws.com
    eventName: [DeleteModel, DeleteModelPackage, UpdateModelPackage]
  condition: sel""",
    ),
    _rule(
        7,
        "GPU instances launched",
        "low",
        """  selection_p:
    eventName: RunInstances
    requestParameters.instanceType|startswith: [p4, p5]
  selection_g:
    eventName: RunInstances
    requestParameters.instanceType|startswith: [g5, g6]
  condition: 1 of selection_*""",
    ),
    _rule(
        8,
        "Access denied on an AI service",
        "low",
        """  sel:
    eventSource: [bedrock.amazonaws.com, sagemaker.amazonaws.com]
    errorCode|startswith: AccessDenied
  condition: sel""",
    ),
    _rule(
        9,
        "Root activity on AI services",
        "high",
        """  sel:
    userIdentity.type: Root
    eventSource|endswith: [bedrock.amazonaws.com, sagemaker.amazonaws.com]
  condition: sel""",
    ),
    _rule(
        10,
        "Guardrail deleted or customisation on public data",
        "high",
        """  selection_guardrail:
    eventName: DeleteGuardrail
  selection_custom:
    eventName: CreateModelCustomizationJob
    requestParameters.trainingDataConfig.s3Uri|contains: public
  condition: 1 of selection_*""",
    ),
    _rule(
        11,
        "Role assumed from an anonymising network",
        "high",
        """  sel:
    eventName: AssumeRole
    sourceIPAddress|cidr: 185.220.100.0/22
  condition: sel""",
    ),
    _rule(
        12,
        "Bedrock used with EC2 instance credentials",
        "medium",
        """  sel:
    eventSource: bedrock.amazonaws.com
    userIdentity.arn|re: ':assumed-role/[^/]+/i-[0-9a-f]{8,17}$'
  condition: sel""",
    ),
    _rule(
        13,
        "Large download of model artifacts",
        "medium",
        """  bucket:
    requestParameters.bucketName: model-artifacts
  size:
    additionalEventData.bytesTransferredOut|gt: 1000000
  get:
    eventName: GetObject
  condition: all of them""",
    ),
    _rule(
        14,
        "SageMaker call failed",
        "informational",
        """  sel:
    eventSource: sagemaker.amazonaws.com
    errorCode|exists: true
  condition: sel""",
    ),
    _rule(
        15,
        "Bucket policy changed on an AI data bucket",
        "medium",
        """  sel:
    eventName: PutBucketPolicy
    requestParameters.bucketName|contains:
      - training
      - feature
      - model
  console:
    userAgent: console.amazonaws.com
  condition: sel and not console""",
    ),
    _rule(
        16,
        "PII dataset written by wildcard-matched roles",
        "medium",
        """  sel:
    eventName: PutObject
    requestParameters.key|startswith: datasets/pii/
    userIdentity.arn: 'arn:aws:sts::*:assumed-role/data-scien?ist/*'
  condition: sel""",
    ),
]

CORRELATION_RULES = """title: Bedrock invocations per principal
id: 6f2e1d5b-8a4c-4d3f-8b21-000000000001
stackward_id: BENCH-C01
level: medium
correlation:
  type: event_count
  rules: [5e1d0c4a-7f3b-4c2e-9a10-000000000001]
  group-by: [userIdentity.arn]
  timespan: 10m
  condition: {gte: 3}
---
title: Buckets read per principal
id: 6f2e1d5b-8a4c-4d3f-8b21-000000000002
stackward_id: BENCH-C02
level: medium
correlation:
  type: value_count
  rules: [5e1d0c4a-7f3b-4c2e-9a10-000000000004]
  group-by: [userIdentity.arn]
  timespan: 1h
  condition: {gte: 2, field: requestParameters.bucketName}
---
title: Access key for another user, then a role assumed from an anonymising network
id: 6f2e1d5b-8a4c-4d3f-8b21-000000000003
stackward_id: BENCH-C03
level: high
correlation:
  type: temporal
  rules: [5e1d0c4a-7f3b-4c2e-9a10-000000000005, 5e1d0c4a-7f3b-4c2e-9a10-000000000011]
  group-by: [userIdentity.accountId]
  timespan: 30m
  generate: true
"""


def write_rules(directory: Path) -> tuple[Path, Path]:
    single = directory / "single"
    correlated = directory / "correlated"
    for folder in (single, correlated):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.yml"):
            old.unlink()
    for number, text in enumerate(SINGLE_RULES, start=1):
        (single / f"bench_{number:03d}.yml").write_text(text, encoding="utf-8")
    (correlated / "bench_correlations.yml").write_text(CORRELATION_RULES, encoding="utf-8")
    return single, correlated


def read_cloudtrail(path: Path) -> Iterator[Event]:
    """CloudTrail JSON Lines into events as ``stackward detect`` reads them: the file source
    (offsets, line numbers, UTF-8 decoding) and the CloudTrail parser."""
    parser = PARSERS["cloudtrail"]
    for record in FileLogSource(str(path), format="cloudtrail").read():
        yield from parser.parse(record)


@dataclass(slots=True)
class Timing:
    """Wall and CPU seconds of one measured part (CPU time is what the comparison uses: both
    engines run in this one process on one core, and other load on the machine does not
    count against either)."""

    wall: float = 0.0
    cpu: float = 0.0

    def add(self, started: tuple[float, float]) -> None:
        self.wall += time.perf_counter() - started[0]
        self.cpu += time.process_time() - started[1]


def interleaved_best(
    repeat: int, measures: dict[str, Callable[[], Any]]
) -> tuple[dict[str, Any], list[dict[str, float]]]:
    """Each measure run ``repeat`` times, in rounds that run every measure once (so that a
    slow spell of the machine falls on both engines alike). Returns each one's run with the
    least CPU time (as ``timeit`` reports the minimum: the rest is the machine's noise) and
    every round's CPU seconds per measure, for ratios taken within one round."""
    best: dict[str, Any] = {}
    rounds: list[dict[str, float]] = []
    for _ in range(repeat):
        this_round: dict[str, float] = {}
        for name, measure in measures.items():
            # what exists before a measure is out of the collector's view, for both engines
            # alike (`stackward detect` does the same once it is set up)
            gc.collect()
            gc.freeze()
            try:
                result = measure()
            finally:
                gc.unfreeze()
            this_round[name] = _cpu(result)
            if name not in best or _cpu(result) < _cpu(best[name]):
                best[name] = result
        rounds.append(this_round)
    return best, rounds


def _down(ratio: float) -> str:
    """A ratio to two decimals, rounded down (1.999 is not shown as 2.00)."""
    return f"{math.floor(ratio * 100) / 100:.2f}"


def _cpu(result: Any) -> float:
    timing = result if isinstance(result, Timing) else result["timing"]
    return float(timing.cpu)


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def run_stackward(path: Path, rules: list[Path], builtin: bool) -> dict[str, Any]:
    """Parse and match in one pass, as the streaming pipeline does."""
    rule_set = load_rules(rules, builtin=builtin)
    detector = SigmaDetector(rule_set)
    gc.collect()
    gc.freeze()  # the rules too, as `stackward detect` does once it is set up
    alerts = 0
    events = 0
    timing = Timing()
    started = _now()
    for event in read_cloudtrail(path):
        events += 1
        alerts += len(detector.process(event))
    alerts += len(detector.flush(None))
    timing.add(started)
    return {
        "rule_set": rule_set,
        "timing": timing,
        "events": events,
        "alerts": alerts,
        "matches": dict(detector.stats()["matches"]),
        "tests": detector.tests,
    }


def parse_only(path: Path) -> Timing:
    """Reading and building the events, each dropped at once (the streaming cost)."""
    timing = Timing()
    started = _now()
    for _ in read_cloudtrail(path):
        pass
    timing.add(started)
    return timing


def match_only(path: Path, rules: list[Path]) -> Timing:
    """Parse every event first, then time matching alone (like the SQLite queries, which run
    on data already loaded). The parsed events are moved out of the
    garbage collector's view (``gc.freeze``) so that matching is not charged for rescanning
    200,000 events held only for this measurement."""
    match = Timing()
    events = list(read_cloudtrail(path))
    detector = SigmaDetector(load_rules(rules, builtin=False))
    gc.collect()
    gc.freeze()
    try:
        started = _now()
        for event in events:
            detector.process(event)
        match.add(started)
    finally:
        gc.unfreeze()
    return match


def _flatten(record: dict[str, Any], prefix: str, row: dict[str, Any]) -> None:
    for key, value in record.items():
        name = prefix + key
        if isinstance(value, dict):
            _flatten(value, name + ".", row)
        elif isinstance(value, bool):
            row[name] = "true" if value else "false"
        elif isinstance(value, list):
            row[name] = orjson.dumps(value).decode()
        else:
            row[name] = value


def _regexp(pattern: str, value: Any) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


def load_sqlite(path: Path) -> tuple[sqlite3.Connection, Timing]:
    """Flatten every record into a row of ``logs``: a column per dotted field, ``INTEGER`` when
    every value is an integer and ``TEXT COLLATE NOCASE`` otherwise (as Zircolite does)."""
    timing = Timing()
    started = _now()
    rows: list[dict[str, Any]] = []
    columns: dict[str, None] = {}
    with path.open("rb") as lines:
        for line in lines:
            row: dict[str, Any] = {}
            _flatten(orjson.loads(line), "", row)
            columns.update(dict.fromkeys(row))
            rows.append(row)
    names = list(columns)
    integers = {
        name
        for name in names
        if all(type(row.get(name)) is int for row in rows if row.get(name) is not None)
    }
    connection = sqlite3.connect(":memory:")
    connection.create_function("regexp", 2, _regexp, deterministic=True)
    quoted = ", ".join(
        f"`{name}` INTEGER" if name in integers else f"`{name}` TEXT COLLATE NOCASE"
        for name in names
    )
    connection.execute(f"CREATE TABLE logs ({quoted})")
    marks = ", ".join("?" for _ in names)
    insert = f"INSERT INTO logs VALUES ({marks})"  # noqa: S608 - placeholders only
    connection.executemany(insert, ([row.get(n) for n in names] for row in rows))
    connection.commit()
    timing.add(started)
    return connection, timing


def load_sqlite_timed(path: Path) -> Timing:
    """One timed load, the database dropped at once."""
    connection, timing = load_sqlite(path)
    connection.close()
    return timing


def run_sqlite(connection: sqlite3.Connection, files: list[Path]) -> dict[str, Any]:
    """Convert every CloudTrail single-event rule with the SQLite backend and run its query."""
    backend = sqliteBackend()
    counts: dict[str, int] = {}
    timing = Timing()
    refused: list[str] = []
    for file in files:
        collection = SigmaCollection.from_yaml(file.read_text(encoding="utf-8"))
        for rule in collection.rules:
            if not isinstance(rule, SigmaRule) or not _is_cloudtrail(rule):
                continue
            key = str(rule.custom_attributes.get("stackward_id") or rule.id)
            try:
                queries = backend.convert_rule(rule)
            except Exception as error:  # a backend refusal is reported per rule
                refused.append(f"{key}: {error}")
                continue
            started = _now()
            matched = sum(len(connection.execute(query).fetchall()) for query in queries)
            timing.add(started)
            counts[key] = matched
    return {"timing": timing, "matches": counts, "refused": refused}


def _pack_size() -> int:
    """How many rules the shipped AI pack holds."""
    pack = builtin_rules_dir()
    if pack is None:
        return 0
    return sum(
        len(SigmaCollection.from_yaml(file.read_text(encoding="utf-8")).rules)
        for file in sorted(pack.rglob("*.yml"))
    )


def _is_cloudtrail(rule: SigmaRule) -> bool:
    source = rule.logsource
    return LogSource(source.product or "", source.service or "", source.category or "").covers(
        CLOUDTRAIL
    )


def _dirty() -> str:
    """Says so when the working tree has changes the commit id does not cover."""
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "benchmarks"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return " plus uncommitted changes" if status.strip() else ""


def _rate(events: int, timing: Timing) -> str:
    return f"{events / timing.cpu:,.0f}" if timing.cpu > 0 else "—"


def _row(engine: str, what: str, events: int, timing: Timing) -> tuple[str, ...]:
    return (engine, what, f"{timing.wall:.2f}", f"{timing.cpu:.2f}", _rate(events, timing))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of each measurement; the least CPU time counts"
    )
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    logs = WORK / f"cloudtrail-{args.events}-{args.seed}.jsonl"
    if not logs.exists():
        generate(logs, args.events, args.seed)
    single_dir, correlated_dir = write_rules(WORK / "rules")
    rule_files = sorted(single_dir.glob("*.yml"))
    load_start = os.getloadavg()[0]

    # Both engines run exactly the same rules; the shipped AI pack is measured on its own row.
    repeat = args.repeat

    connection, _ = load_sqlite(logs)
    best, rounds = interleaved_best(
        repeat,
        {
            "ours": lambda: run_stackward(logs, [single_dir], False),
            "load": lambda: load_sqlite_timed(logs),
            "theirs": lambda: run_sqlite(connection, rule_files),
            "parse": lambda: parse_only(logs),
            "match": lambda: match_only(logs, [single_dir]),
            "with_pack": lambda: run_stackward(logs, [single_dir], True),
            "correlated": lambda: run_stackward(logs, [single_dir, correlated_dir], False),
        },
    )
    connection.close()
    ours, load, theirs = best["ours"], best["load"], best["theirs"]
    parse, match = best["parse"], best["match"]
    with_pack, correlated = best["with_pack"], best["correlated"]
    events = ours["events"]

    rows, differ = [], []
    for key in sorted(theirs["matches"]):
        mine, other = ours["matches"].get(key, 0), theirs["matches"][key]
        rows.append((key, mine, other, "yes" if mine == other else "**NO**"))
        if mine != other:
            differ.append(key)
    query: Timing = theirs["timing"]
    both = Timing(load.wall + query.wall, load.cpu + query.cpu)
    streaming: Timing = ours["timing"]
    ratio = query.cpu / streaming.cpu
    ratio_match = query.cpu / match.cpu
    ratio_best = both.cpu / streaming.cpu
    paired = sorted((r["load"] + r["theirs"]) / r["ours"] for r in rounds)
    ratio_both = statistics.median(paired)
    machine = describe_machine(REPO)
    problems = [*ours["rule_set"].problems, *theirs["refused"]]
    lines = [
        "## Detection",
        "",
        f"`PYTHONPATH=src .venv/bin/python benchmarks/detect.py --events {args.events} "
        f"--seed {args.seed} --repeat {repeat}` — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit "
        f"`{machine.commit}`{_dirty()}, {machine.cpus} CPUs (nproc), {machine.cpu_model}, "
        f"Python {machine.python}, pySigma SQLite backend "
        f"{importlib.metadata.version('pysigma-backend-sqlite')}. One process, one core; "
        f"1-minute load average {load_start:.1f} at start, {os.getloadavg()[0]:.1f} at the end. "
        f"Each measurement ran {repeat} times, in rounds running each once; the table "
        "shows the run with the least CPU time of each (CPU time is what the ratios use).",
        "",
        f"Input: {events:,} generated CloudTrail records ({logs.stat().st_size / 1e6:.0f} MB "
        f"JSONL, seed {args.seed}; Bedrock, SageMaker, S3 data events, IAM/STS and EC2 noise "
        f"from 2,000 principals); {len(rows)} single-event Sigma rules run by both engines "
        "(contains, startswith, endswith, re, re|i, cidr, fieldref, gt, exists, wildcards, "
        "lists, not, 1 of, all of them).",
        "",
        *table(
            ("engine", "what is timed", "wall s", "CPU s", "events/s (CPU)"),
            [
                _row(
                    "stackward",
                    "parse JSONL + build events + match all rules (one pass)",
                    events,
                    streaming,
                ),
                _row("stackward", "of which: parse JSONL + build events", events, parse),
                _row("stackward", "match only (events already in memory)", events, match),
                _row("pySigma SQLite backend", "queries only (one per rule)", events, query),
                _row("pySigma SQLite backend", "load (parse + flatten + INSERT)", events, load),
                _row("pySigma SQLite backend", "load + queries", events, both),
                _row(
                    f"stackward + the AI pack ({_pack_size()} rules)",
                    "parse + match, pack rules and windows included",
                    events,
                    with_pack["timing"],
                ),
                _row(
                    "stackward + 3 correlation rules",
                    "parse + match + windows",
                    events,
                    correlated["timing"],
                ),
            ],
        ),
        "",
        f"- Like for like with Zircolite, which reads the log file, flattens every event into "
        f"SQLite and then runs one query per rule: stackward (parse + match) vs SQLite load + "
        "queries, both starting from the JSONL file, the two measured in the same round: "
        f"**{_down(ratio_both)}x** the events/s, the median of {len(paired)} rounds "
        f"({', '.join(_down(r) for r in paired)}; rounded down). "
        f"Target at least 2x: **{'met' if ratio_both >= 2 else 'not met'}**. "
        f"From the best runs in the table instead: {_down(ratio_best)}x.",
        f"- Against the SQLite queries alone, on rows already loaded (the load is not counted): "
        f"**{ratio:.2f}x** ({'at least' if ratio >= 2 else 'below'} 2x). stackward matching "
        f"alone vs those queries (both on data already in memory): {ratio_match:.2f}x.",
        f"- Where the time goes: reading the JSONL and building the events alone takes "
        f"{parse.cpu:.2f} CPU s, {parse.cpu / query.cpu:.1f}x the time of all SQLite queries "
        f"together ({query.cpu:.2f} s, on rows already loaded); stackward also builds an alert "
        f"(excerpt, redaction, uid) for each of its {sum(ours['matches'].values()):,} matches, "
        "where a query only returns rows.",
        f"- Rule tests: {ours['tests']:,} ({ours['tests'] / events:.2f} per event; the "
        "log-source and required-value index skips the rest).",
        "",
        "Match counts per rule (must be identical; the run exits 1 otherwise):",
        "",
        *table(("rule", "stackward", "SQLite backend", "identical"), rows),
        "",
        f"Correlation run: {correlated['alerts']:,} alerts (BENCH-C01 event_count, BENCH-C02 "
        "value_count, BENCH-C03 temporal, over the same rules); measured on stackward only, the "
        "SQLite backend's correlation queries are not compared.",
        "",
        "Zircolite (the tool that runs these SQLite queries) is not on PyPI and could not be "
        "fetched on this machine, so it is not measured; the backend's queries run on Python's "
        "sqlite3 with a `regexp` function registered (`re.search`). stackward reads the CloudTrail "
        "JSONL with its own CloudTrail parser, as `stackward detect` does.",
    ]
    if problems:
        lines += ["", "Problems: " + "; ".join(problems)]
    section = "\n".join(lines)
    print(section)
    if not args.no_docs:
        DOCS.write_text(replace_between(DOCS.read_text(encoding="utf-8"), section, BEGIN, END))
    if differ:
        print(f"match counts differ for: {', '.join(differ)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
