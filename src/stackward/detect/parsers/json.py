"""Any other JSON object (the fallback for the HTTP receiver): fields as they are.

The time is the first of ``@timestamp``, ``timestamp``, ``time``, ``eventTime``, ``ts``,
``date``, ``datetime``, ``created_at`` (ISO-8601, or a Unix epoch in seconds or
milliseconds); an object without one is a ParseError. No annotations: nothing about the
object's meaning is known.
"""

from __future__ import annotations

from collections.abc import Iterator

from stackward.detect.event import Event, LogSource
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers.decoding import json_object, sniff_head
from stackward.detect.parsers.guard import guarded
from stackward.detect.parsers.timestamps import epoch_or_iso_time

TIME_KEYS = (
    "@timestamp",
    "timestamp",
    "time",
    "eventTime",
    "ts",
    "date",
    "datetime",
    "created_at",
)


class JsonParser:
    name = "json"
    logsource = LogSource("", "", "json")

    def sniff(self, record: RawRecord) -> bool:
        return sniff_head(record).lstrip()[:1] == "{"

    def parse(self, record: RawRecord) -> Iterator[Event]:
        return guarded(self.name, self._events(record))

    def _events(self, record: RawRecord) -> Iterator[Event]:
        fields = json_object(record)
        key = next((name for name in TIME_KEYS if name in fields), None)
        if key is None:
            raise ParseError(f"no time field ({', '.join(TIME_KEYS)})")
        time = epoch_or_iso_time(fields[key], key)
        yield Event(time, self.logsource, self.name, fields, record.position)
