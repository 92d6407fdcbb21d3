"""Ray dashboard (aiohttp) access log lines.

The Ray dashboard logs each request through aiohttp's access logger into ``dashboard.log``
(captured from a real ``ray start --head``)::

    2026-11-26 15:43:19,335\tINFO web_log.py:229 -- 127.0.0.1 [26/Nov/2026:15:43:19 +0000]
    'GET /api/version HTTP/1.1' 200 319 bytes 20769 us '-' 'python-httpx/0.28'

(one line). aiohttp's default format without Ray's prefix (``127.0.0.1 [time] "GET / HTTP/1.1"
200 319 "-" "ua"``) is read too. The time is the bracketed request time, with its offset.

Fields: the shared access-log fields (:mod:`.access_log`; ``duration_ms`` from aiohttp's
microseconds) plus ``level`` when Ray's prefix is there. Ray's other dashboard messages are
recognised and give no event.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stackward.detect.event import Event, LogSource
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers.access_log import (
    access_line,
    add_logged_request,
    blank_fields,
    one_event,
)
from stackward.detect.parsers.decoding import sniff_head
from stackward.detect.parsers.guard import guarded
from stackward.detect.parsers.timestamps import clf_time

_SEPARATOR = " -- "
_ACCESS = re.compile(
    r"(?P<remote>\S+) \[(?P<time>[^\]]+)\] (?P<q>['\"])(?P<request>.*?)(?P=q) "
    r"(?P<status>\d{3}) (?P<bytes>\d+|-)(?: bytes)?(?: (?P<micros>\d+) us)?"
    r"(?: (?P<q2>['\"])(?P<referrer>.*?)(?P=q2) (?P<q3>['\"])(?P<agent>.*)(?P=q3))?"
)


class RayAccessParser:
    name = "ray_access"
    logsource = LogSource("ray", "dashboard", "webserver")

    def sniff(self, record: RawRecord) -> bool:
        head = sniff_head(record)[:512]
        return _has_ray_prefix(head) or _is_aiohttp(head)

    def parse(self, record: RawRecord) -> Iterator[Event]:
        return guarded(self.name, self._events(record))

    def _events(self, record: RawRecord) -> Iterator[Event]:
        line = access_line(record)
        level = None
        if _has_ray_prefix(line):
            prefix, _, line = line.partition(_SEPARATOR)
            level = prefix.partition("\t")[2].partition(" ")[0] or None
            if not _is_aiohttp(line):
                return  # one of Ray's own messages: not a request
        elif not _is_aiohttp(line):
            raise ParseError("not a Ray dashboard or aiohttp access log line")
        match = _ACCESS.fullmatch(line)
        if match is None:
            raise ParseError("aiohttp access line in an unknown format")
        fields = blank_fields("aiohttp")
        add_logged_request(fields, match)
        micros = match["micros"]
        fields["duration_ms"] = int(micros) / 1000 if micros else None
        fields["level"] = level
        time = clf_time(match["time"])
        yield from one_event(self.name, self.logsource, time, fields, record.position)


def _has_ray_prefix(line: str) -> bool:
    """Ray's log prefix: ``2026-11-26 15:43:19,335<TAB>INFO file.py:229 -- ``."""
    return line[:4].isdigit() and line[4:5] == "-" and "\t" in line[:32] and _SEPARATOR in line


def _is_aiohttp(line: str) -> bool:
    parts = line.split(" ", 3)
    return len(parts) == 4 and parts[1][:1] == "[" and parts[2][-1:] == "]"
