"""Can anybody read the bucket without credentials? Asked of the store itself.

Unsigned requests only, and only reads: ``ListObjectsV2`` with ``MaxKeys=1`` on the bucket and
``GetObject`` of the first byte (``Range: bytes=0-0``) of each object asked about; the byte is
discarded unread. A success proves anonymous access whatever the configuration seems to say.
Each answer is ``allowed``, ``denied`` (403, 401, 404 or another refusal) or ``unreachable``
(no answer within the short timeouts); once the store is unreachable the rest is not tried.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

ALLOWED, DENIED, UNREACHABLE, NOT_TRIED = "allowed", "denied", "unreachable", "not tried"
CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class ProbeAnswer:
    outcome: str
    """:data:`ALLOWED`, :data:`DENIED`, :data:`UNREACHABLE` or :data:`NOT_TRIED`."""
    detail: str = ""
    """The error code or why it was not tried."""


@dataclass(frozen=True, slots=True)
class ProbeResult:
    bucket: str
    listing: ProbeAnswer
    objects: dict[str, ProbeAnswer]
    """By object key."""

    def as_property(self, key: str) -> dict[str, str]:
        """The ``anonymous_probe`` property of one object's dataset."""
        got = self.objects.get(key, ProbeAnswer(NOT_TRIED, "object not probed"))
        return {
            "list": self.listing.outcome,
            "get": got.outcome,
            "detail": "; ".join(d for d in (self.listing.detail, got.detail) if d),
        }


def unsigned_client(endpoint_url: str | None, region: str | None) -> Any:
    """A boto3 S3 client that signs nothing, with short timeouts and no retries."""
    import boto3  # type: ignore[import-untyped,unused-ignore]
    from botocore import UNSIGNED  # type: ignore[import-untyped,unused-ignore]
    from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]

    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region or "us-east-1",
        config=Config(
            signature_version=UNSIGNED,
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=READ_TIMEOUT_S,
            retries={"max_attempts": 1, "mode": "standard"},
            s3={"addressing_style": "path"} if endpoint_url else {},
        ),
    )


def probe_anonymous(client: Any, bucket: str, keys: Sequence[str]) -> ProbeResult:
    """List the bucket and read one byte of each key, unsigned. Never raises."""
    listing = _ask(partial(client.list_objects_v2, Bucket=bucket, MaxKeys=1))
    objects: dict[str, ProbeAnswer] = {}
    unreachable = listing.outcome == UNREACHABLE
    for key in keys:
        if unreachable:
            objects[key] = ProbeAnswer(NOT_TRIED, "store unreachable")
            continue
        answer = _ask(partial(_first_byte, client, bucket, key))
        objects[key] = answer
        unreachable = answer.outcome == UNREACHABLE
    return ProbeResult(bucket, listing, objects)


def _first_byte(client: Any, bucket: str, key: str) -> dict[str, Any]:
    response: dict[str, Any] = client.get_object(Bucket=bucket, Key=key, Range="bytes=0-0")
    body = response.get("Body")
    if body is not None:
        body.close()
    return response


def _ask(call: Callable[[], object]) -> ProbeAnswer:
    from botocore.exceptions import (  # type: ignore[import-untyped,unused-ignore]
        BotoCoreError,
        ClientError,
        ConnectionError,
        ConnectTimeoutError,
        ReadTimeoutError,
    )

    try:
        call()
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", "")) or "refused"
        return ProbeAnswer(DENIED, code)
    except (ConnectionError, ConnectTimeoutError, ReadTimeoutError) as exc:
        return ProbeAnswer(UNREACHABLE, type(exc).__name__)
    except BotoCoreError as exc:
        return ProbeAnswer(DENIED, type(exc).__name__)
    except Exception as exc:  # an odd endpoint must not stop a scan
        return ProbeAnswer(UNREACHABLE, type(exc).__name__)
    return ProbeAnswer(ALLOWED)
