"""The receivers' spool: offsets across segments, release, torn lines, the size cap, and a
receiver restarted from a checkpointed offset reading again what it accepted."""

from __future__ import annotations

import http.client
import socket
import threading
from pathlib import Path

import pytest

from stackward.detect.sources.http import ENDPOINT, HttpReceiver
from stackward.detect.sources.spool import SEGMENT_SHIFT, ReceiverSpool, spool_offset
from stackward.detect.sources.syslog import SyslogReceiver
from tests.detect.sources.follow import Collector

TOKEN = "t0ken-for-tests-only-0123456789"


def _read_all(spool: ReceiverSpool, start: int = 0) -> list[tuple[int, str]]:
    stopped = threading.Event()
    stopped.set()
    return [(offset, entry["data"]) for offset, entry in spool.entries(start, stopped)]


def test_offsets_grow_across_segments_and_resume_after_any_of_them(tmp_path: Path) -> None:
    spool = ReceiverSpool(tmp_path, "http:127.0.0.1:8089", segment_bytes=30)
    for n in range(5):
        assert spool.append([{"data": f"event-{n}", "meta": {}}], sync=n % 2 == 0)
    seen = _read_all(spool)
    assert [data for _, data in seen] == [f"event-{n}" for n in range(5)]
    offsets = [offset for offset, _ in seen]
    assert offsets == sorted(offsets) and offsets[-1] >> SEGMENT_SHIFT >= 1
    assert [data for _, data in _read_all(spool, offsets[2])] == ["event-3", "event-4"]
    assert len(list(tmp_path.glob("http_127.0.0.1_8089.*.jsonl"))) >= 2


def test_release_deletes_segments_wholly_before_the_offset(tmp_path: Path) -> None:
    spool = ReceiverSpool(tmp_path, "s", segment_bytes=10)
    for n in range(4):
        spool.append([{"data": f"e{n}", "meta": {}}], sync=False)
    last = _read_all(spool)[-1][0]
    spool.release(last)
    remaining = sorted(p.name for p in tmp_path.iterdir())
    assert remaining == [f"s.{last >> SEGMENT_SHIFT:06d}.jsonl"]
    assert _read_all(spool, last) == []


def test_torn_last_line_is_cut_when_the_spool_is_reopened(tmp_path: Path) -> None:
    spool = ReceiverSpool(tmp_path, "s")
    spool.append([{"data": "whole", "meta": {}}], sync=True)
    spool.close()
    segment = tmp_path / "s.000000.jsonl"
    segment.write_bytes(segment.read_bytes() + b'{"data": "to')
    again = ReceiverSpool(tmp_path, "s")
    again.append([{"data": "next", "meta": {}}], sync=True)
    assert [data for _, data in _read_all(again)] == ["whole", "next"]


def test_full_spool_refuses_whole_batches(tmp_path: Path) -> None:
    spool = ReceiverSpool(tmp_path, "s", max_bytes=100)
    assert spool.append([{"data": "x" * 40, "meta": {}}], sync=False)
    assert not spool.append([{"data": "y", "meta": {}}, {"data": "z" * 60, "meta": {}}], sync=False)
    assert [data for _, data in _read_all(spool)] == ["x" * 40]


def _post(receiver: HttpReceiver, body: bytes) -> int:
    assert receiver.address is not None
    connection = http.client.HTTPConnection(*receiver.address, timeout=10)
    try:
        connection.request(
            "POST", ENDPOINT, body=body, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        return connection.getresponse().status
    finally:
        connection.close()


def test_http_receiver_with_spool_rereads_what_was_not_checkpointed(tmp_path: Path) -> None:
    first = HttpReceiver("127.0.0.1", 0, TOKEN, spool=ReceiverSpool(tmp_path, "web"))
    reader = Collector(first)
    assert first.ready.wait(5)
    assert _post(first, b'[{"n": 1}, {"n": 2}, {"n": 3}]') == 202
    reader.wait_for(3)
    reader.close()
    checkpointed = reader.records[0].position.offset
    again = HttpReceiver("127.0.0.1", 0, TOKEN, spool=ReceiverSpool(tmp_path, "web"))
    replay = Collector(again, start=checkpointed)
    try:
        assert replay.wait_for(2) == ['{"n":2}', '{"n":3}']
        assert [r.position.offset for r in replay.records] == [
            r.position.offset for r in reader.records[1:]
        ]
    finally:
        replay.close()


@pytest.mark.parametrize("protocol", ["udp", "tcp"])
def test_syslog_receiver_with_spool_rereads_after_restart(tmp_path: Path, protocol: str) -> None:
    message = b'<14>1 - host app - - [x@1 k="v"] hello'
    first = SyslogReceiver(protocol, "127.0.0.1", 0, spool=ReceiverSpool(tmp_path, "sys"))
    reader = Collector(first)
    assert first.ready.wait(5) and first.address is not None
    kind = socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as sender:
        sender.connect(first.address)
        sender.sendall(message + (b"\n" if protocol == "tcp" else b""))
        reader.wait_for(1)
    reader.close()
    again = SyslogReceiver(protocol, "127.0.0.1", 0, spool=ReceiverSpool(tmp_path, "sys"))
    replay = Collector(again, start=0)
    try:
        assert replay.wait_for(1) == ["hello"]
        meta = replay.records[0].meta
        assert meta is not None and meta["structured_data"] == {"x@1": {"k": "v"}}
        assert replay.records[0].position.offset == spool_offset(
            0, reader.records[0].position.offset
        )
    finally:
        replay.close()
