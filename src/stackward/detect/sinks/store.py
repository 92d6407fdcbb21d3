"""Alerts kept in the scan store's ``alerts`` table, listed by ``stackward alerts``."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from stackward.detect.alert import Alert, Enrichment
from stackward.detect.interfaces import SinkError
from stackward.store.alerts import AlertStore
from stackward.store.interface import StoreError


class StoreAlertSink:
    name = "store"

    def __init__(self, store_path: Path | str) -> None:
        try:
            self.store = AlertStore(store_path)
        except StoreError as exc:
            raise SinkError(str(exc)) from None

    def emit(self, alert: Alert, enrichment: Enrichment) -> None:
        try:
            self.store.record(alert, enrichment)
        except StoreError as exc:
            raise SinkError(str(exc)) from None

    def holds(self, delivery_uid: str) -> bool:
        return self.store.holds(delivery_uid)

    def delivered(self, uids: Collection[str]) -> Collection[str]:
        """Which of ``uids`` the store already holds (the pipeline asks at a restart)."""
        return {uid for uid in uids if self.store.holds(uid)}

    def close(self) -> None:
        self.store.close()
