"""Alerts POSTed as OCSF JSON to a webhook, retried, and kept in a dead-letter file if they
still cannot be delivered, so no alert is lost to a receiver's outage.

Each request carries ``Idempotency-Key`` and ``X-Stackward-Alert-Uid`` (the delivery uid, the
same on every retry and on a replay) and ``X-Stackward-Finding-Uid``, so a receiver can drop a
duplicate. Connection errors, timeouts, 429 and 5xx are retried with exponential backoff and
full jitter (``Retry-After`` honoured, capped); other 4xx are not retried (the request itself
is wrong). After the last attempt the alert and the error go to the dead-letter JSON Lines
file and :meth:`WebhookAlertSink.emit` returns: the sink counts, the pipeline goes on.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from stackward import __version__
from stackward.detect.alert import Alert, Enrichment
from stackward.detect.interfaces import SinkError
from stackward.detect.ocsf import finding_uid, to_ocsf
from stackward.model.redact import redact_text

BACKOFF_BASE = 0.5
BACKOFF_MAX = 30.0
RETRY_AFTER_MAX = 120.0


class WebhookAlertSink:
    name = "webhook"

    def __init__(
        self,
        url: str,
        dead_letter: Path | str,
        token: str | None = None,
        retries: int = 5,
        timeout_seconds: float = 10.0,
        backoff_base: float = BACKOFF_BASE,
        backoff_max: float = BACKOFF_MAX,
        seed: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url
        self.dead_letter = Path(dead_letter)
        self.retries = max(0, retries)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._random = random.Random(seed)  # noqa: S311 - jitter, not a secret
        self._sleep = sleep
        headers = {"User-Agent": f"stackward/{__version__}", "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            headers=headers, timeout=timeout_seconds, transport=transport, follow_redirects=False
        )
        self.delivered = 0
        self.retried = 0
        self.dead_lettered = 0

    def emit(self, alert: Alert, enrichment: Enrichment) -> None:
        payload = json.dumps(to_ocsf(alert, enrichment), separators=(",", ":")).encode()
        headers = {
            "Idempotency-Key": alert.uid,
            "X-Stackward-Alert-Uid": alert.uid,
            "X-Stackward-Finding-Uid": finding_uid(alert),
        }
        error = ""
        attempts = 0
        for attempt in range(self.retries + 1):
            attempts = attempt + 1
            wait: float | None = None
            try:
                response = self._client.post(self.url, content=payload, headers=headers)
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            else:
                if response.is_success:
                    self.delivered += 1
                    return
                error = f"HTTP {response.status_code}"
                if not _retryable(response.status_code):
                    break
                wait = _retry_after(response.headers.get("Retry-After"))
            if attempt == self.retries:
                break
            self.retried += 1
            self._sleep(wait if wait is not None else self._backoff(attempt))
        self._to_dead_letter(alert, payload, error, attempts)

    def _backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(max, base * 2**attempt)]."""
        return self._random.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))

    def _to_dead_letter(self, alert: Alert, payload: bytes, error: str, attempts: int) -> None:
        record = {
            "uid": alert.uid,
            "finding_uid": finding_uid(alert),
            "url": self.url,
            "error": redact_text(error, 500),
            "attempts": attempts,
            "failed_at": dt.datetime.now(dt.UTC).isoformat(),
            "ocsf": json.loads(payload),
        }
        try:
            self.dead_letter.parent.mkdir(parents=True, exist_ok=True)
            with self.dead_letter.open("ab") as out:
                out.write(json.dumps(record, separators=(",", ":")).encode() + b"\n")
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise SinkError(
                f"webhook {self.url}: alert {alert.uid} failed ({error}) and the dead-letter"
                f" file {self.dead_letter} cannot be written: {exc}"
            ) from None
        self.dead_lettered += 1

    def close(self) -> None:
        self._client.close()


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_MAX)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, min((when - dt.datetime.now(dt.UTC)).total_seconds(), RETRY_AFTER_MAX))
