"""The object-store reader against a real SeaweedFS: formats, partial reads, sampling, errors."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stackward.artifacts.s3 import BLOCK
from stackward.dspm.readers.objectstore import (
    DataSourceError,
    ListedObject,
    read_bucket,
    read_object,
)
from stackward.dspm.records import FieldSample, ItemContent, Location, ReadLimits
from tests.seaweedfs import SeaweedFS, seaweedfs_server, use_credentials  # noqa: F401 - fixture

LIMITS = ReadLimits(sample_rows=1000)  # the sizes below are planted against this sample
PEOPLE = 40
PARQUET_ROWS = 200_000
TEST_CARDS = ("4111111111111111", "5555555555554444", "378282246310005", "6011111111111117")


def _person(i: int) -> dict[str, str]:
    """Synthetic: example.com mail, 555-01xx phones, SSNs in valid ranges, test card numbers."""
    return {
        "email": f"person{i}@example.com",
        "phone": f"+1 202-555-{100 + i % 100:04d}",
        "ssn": f"{201 + i:03d}-{12 + i % 50:02d}-{4321 + i:04d}",
        "card_number": TEST_CARDS[i % len(TEST_CARDS)],
        "full_name": f"Robin Tester{i}",
        "order_no": f"ORD-{500000 + i}",
        "status": ("active", "closed")[i % 2],
    }


def _csv(rows: int, start: int = 0) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(_person(0)), lineterminator="\n")
    writer.writeheader()
    writer.writerows(_person(i) for i in range(start, start + rows))
    return out.getvalue().encode()


def _jsonl() -> bytes:
    records = [{"user": {"email": _person(i)["email"]}, "amount": i} for i in range(PEOPLE)]
    return "".join(json.dumps(record) + "\n" for record in records).encode()


def _parquet() -> bytes:
    noise = random.Random(1)
    table = pa.table(
        {
            "id": pa.array(range(PARQUET_ROWS), pa.int64()),
            "email": [f"member{i}@example.org" for i in range(PARQUET_ROWS)],
            "note": [noise.randbytes(24).hex() for _ in range(PARQUET_ROWS)],
        }
    )
    out = io.BytesIO()
    pq.write_table(table, out, row_group_size=5_000, compression="none")
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class Bucket:
    name: str
    client: Any
    sizes: dict[str, int]

    def uri(self, key: str = "") -> str:
        return f"s3://{self.name}/{key}"


@pytest.fixture(scope="module")
def bucket(seaweedfs: SeaweedFS) -> Bucket:
    client = seaweedfs.client()
    name = f"dspm-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    objects = {
        "people/customers.csv": _csv(PEOPLE),
        "people/events.jsonl": _jsonl(),
        "people/archive/old.csv.gz": gzip.compress(_csv(PEOPLE)),
        "blobs/blob.bin": os.urandom(4096),
        "lake/big.parquet": _parquet(),
        "lake/big.csv": _csv(90_000),
        "spread/readme.txt": b"Exports of the nightly job.\n",
        "spread/logs/": b"",
    }
    objects.update({f"spread/logs/{i:02d}.log": f"line {i}\n".encode() for i in range(20)})
    objects.update({f"spread/exports/{i}.txt": f"export {i}\n".encode() for i in range(2)})
    for key, body in objects.items():
        client.put_object(Bucket=name, Key=key, Body=body)
    return Bucket(name, client, {key: len(body) for key, body in objects.items()})


@dataclass
class Fetched:
    """Bytes that GetObject calls returned, counted from the client's own events."""

    bytes: int = 0
    requests: int = 0

    def __call__(self, parsed: dict[str, Any], **_: object) -> None:
        self.requests += 1
        self.bytes += int(parsed.get("ContentLength", 0))


def _read(
    bucket: Bucket, key: str, limits: ReadLimits = LIMITS, **options: Any
) -> tuple[dict[str, ItemContent], ItemContent]:
    items = list(read_bucket(bucket.uri(key), limits, client=bucket.client, **options))
    assert items[-1].kind == "s3.listing"
    return {item.location.item: item for item in items[:-1]}, items[-1]


def _fields(item: ItemContent) -> dict[str, FieldSample]:
    return {sample.name: sample for sample in item.fields}


@pytest.fixture(scope="module")
def people(bucket: Bucket) -> dict[str, ItemContent]:
    return _read(bucket, "people/")[0]


def test_prefix_lists_every_object_under_it(people: dict[str, ItemContent]) -> None:
    assert sorted(people) == [
        "people/archive/old.csv.gz!old.csv",
        "people/customers.csv",
        "people/events.jsonl",
    ]


@pytest.mark.parametrize(
    "column", ["email", "phone", "ssn", "card_number", "full_name", "order_no", "status"]
)
@pytest.mark.parametrize(
    "item", ["people/customers.csv", "people/archive/old.csv.gz!old.csv"], ids=["csv", "gzip-csv"]
)
def test_csv_columns_are_sampled(people: dict[str, ItemContent], item: str, column: str) -> None:
    content = people[item]
    assert content.kind == "csv"
    assert not content.problems
    sample = _fields(content)[column]
    assert set(sample.values) == {_person(i)[column] for i in range(PEOPLE)}
    assert sample.rows_read == PEOPLE
    assert sample.location == Location(content.location.source, content.location.item, column)


def test_location_is_the_bucket_and_the_key(bucket: Bucket, people: dict[str, ItemContent]) -> None:
    assert people["people/customers.csv"].location == Location(
        f"s3://{bucket.name}", "people/customers.csv"
    )


def test_jsonl_field_paths(people: dict[str, ItemContent]) -> None:
    events = people["people/events.jsonl"]
    assert events.kind == "jsonl"
    email = _fields(events)["email"]
    assert email.location.field == "$.user.email"
    assert set(email.values) == {_person(i)["email"] for i in range(PEOPLE)}


def test_binary_blob_is_reported_not_read(bucket: Bucket) -> None:
    items, _ = _read(bucket, "blobs/")
    blob = items["blobs/blob.bin"]
    assert (blob.kind, blob.fields, blob.texts, blob.problems) == ("binary", [], [], [])
    assert blob.sampled


@pytest.mark.parametrize(
    ("key", "limits", "most"),
    [
        pytest.param("lake/big.parquet", LIMITS, 0.25, id="parquet-footer-and-a-row-group"),
        pytest.param(
            "lake/big.csv", replace(LIMITS, max_bytes_per_item=BLOCK), 0.4, id="csv-head-only"
        ),
    ],
)
def test_large_objects_are_read_in_part(
    bucket: Bucket, key: str, limits: ReadLimits, most: float
) -> None:
    fetched = Fetched()
    bucket.client.meta.events.register("after-call.s3.GetObject", fetched)
    try:
        items, _ = _read(bucket, key, limits)
    finally:
        bucket.client.meta.events.unregister("after-call.s3.GetObject", fetched)
    size = bucket.sizes[key]
    assert size > 4 * BLOCK
    assert 0 < fetched.bytes < size * most, (fetched.bytes, size)
    content = items[key]
    assert content.sampled
    assert content.rows_read < content.rows_total if content.rows_total else content.rows_read > 0
    assert len(_fields(content)["email"].values) >= limits.sample_rows // 2


def test_parquet_row_count_comes_from_the_footer(bucket: Bucket) -> None:
    parquet = _read(bucket, "lake/big.parquet")[0]["lake/big.parquet"]
    assert parquet.kind == "parquet"
    assert parquet.rows_total == PARQUET_ROWS
    assert parquet.rows_read < PARQUET_ROWS // 10


@pytest.mark.parametrize(
    ("max_objects", "read", "report"),
    [
        pytest.param(
            5,
            {"(top level)": 1, "spread/exports/": 2, "spread/logs/": 2},
            "5 of 23 objects read: (top level) 1 of 1, spread/exports/ 2 of 2, spread/logs/ 2 of 20",
            id="spread-over-prefixes",
        ),
        pytest.param(
            1, {"(top level)": 1}, "1 of 23 objects read: (top level) 1 of 1, spread/exports/ 0 of 2, spread/logs/ 0 of 20", id="one"
        ),
        pytest.param(0, {}, "0 of 23 objects read: (top level) 0 of 1, spread/exports/ 0 of 2, spread/logs/ 0 of 20", id="none"),
        pytest.param(100, None, "full", id="more-than-listed"),
        pytest.param(None, None, "full", id="no-limit"),
    ],
)  # fmt: skip
def test_max_objects_samples_across_prefixes(
    bucket: Bucket, max_objects: int | None, read: dict[str, int] | None, report: str
) -> None:
    items, listing = _read(bucket, "spread/", max_objects=max_objects)
    groups: dict[str, int] = {}
    for key in items:
        below = key.removeprefix("spread/")
        group = "(top level)" if "/" not in below else "spread/" + below.split("/")[0] + "/"
        groups[group] = groups.get(group, 0) + 1
    assert groups == (
        read if read is not None else {"(top level)": 1, "spread/exports/": 2, "spread/logs/": 20}
    )
    assert listing.sampling == report
    assert (listing.rows_total, listing.rows_read) == (23, len(items))


def test_object_sample_is_repeatable_by_seed(bucket: Bucket) -> None:
    def logs(seed: int) -> list[str]:
        items, _ = _read(bucket, "spread/logs/", replace(LIMITS, seed=seed), max_objects=3)
        return sorted(items)

    assert logs(3) == logs(3)
    assert len({tuple(logs(seed)) for seed in range(6)}) > 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _client_of(server: SeaweedFS, **changes: str) -> Any:
    return replace(server, **changes).client()


@pytest.mark.parametrize(
    ("uri", "client_of", "message"),
    [
        pytest.param(
            "s3://no-such-bucket-dspm/", lambda s: s.client(), "s3://no-such-bucket-dspm: no such bucket", id="no-bucket"
        ),
        pytest.param(
            "s3://{bucket}/", lambda s: _client_of(s, secret_key="not-the-secret-value"),
            "s3://{bucket}: the credentials were refused", id="bad-secret",
        ),
        pytest.param(
            "s3://{bucket}/", lambda s: _client_of(s, endpoint_url=f"http://127.0.0.1:{_free_port()}"),
            "s3://{bucket}: cannot reach the object store", id="endpoint-down",
        ),
        pytest.param("https://example.com/x", lambda s: s.client(), "'https://example.com/x' is not an s3://", id="not-s3"),
    ],
)  # fmt: skip
def test_bucket_errors_are_clear_and_name_the_bucket(
    seaweedfs: SeaweedFS,
    bucket: Bucket,
    uri: str,
    client_of: Callable[[SeaweedFS], Any],
    message: str,
) -> None:
    with pytest.raises(DataSourceError) as caught:
        list(read_bucket(uri.format(bucket=bucket.name), LIMITS, client=client_of(seaweedfs)))
    text = str(caught.value)
    assert text.startswith(message.format(bucket=bucket.name)), text
    assert "not-the-secret-value" not in text and seaweedfs.secret_key not in text


@pytest.mark.parametrize(
    ("obj", "problem"),
    [
        pytest.param(ListedObject("people/gone.csv", 100, "0" * 32), "people/gone.csv: ", id="vanished"),
        pytest.param(ListedObject("people/customers.csv", 100, "0" * 32), "people/customers.csv: ", id="replaced"),
        pytest.param(
            ListedObject("people/customers.csv", 100, "", "DEEP_ARCHIVE"),
            "people/customers.csv: in the DEEP_ARCHIVE storage class; not read", id="archived",
        ),
    ],
)  # fmt: skip
def test_object_errors_are_problems_on_the_item(
    bucket: Bucket, obj: ListedObject, problem: str
) -> None:
    items = read_object(bucket.client, f"s3://{bucket.name}", obj, LIMITS)
    assert len(items) == 1
    assert items[0].problems and items[0].problems[0].startswith(problem)
    assert not items[0].fields


def test_default_client_from_endpoint_and_credential_chain(
    seaweedfs: SeaweedFS, bucket: Bucket, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_credentials(monkeypatch, seaweedfs, tmp_path)
    items = list(
        read_bucket(bucket.uri("people/customers.csv"), LIMITS, endpoint_url=seaweedfs.endpoint_url)
    )
    assert [item.location.item for item in items] == [
        "people/customers.csv",
        "people/customers.csv",
    ]
    assert len(_fields(items[0])["ssn"].values) == PEOPLE
