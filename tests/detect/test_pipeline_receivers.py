"""Network receivers through the whole pipeline: HTTP and syslog (TCP) feeding one detector
and a file sink while following; a stop ends the run with a checkpoint holding the receivers'
sequence numbers, from which the next run numbers on."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path
from typing import Any

from stackward.detect.pipeline import DetectSummary, Pipeline
from stackward.detect.sources.http import ENDPOINT, HttpReceiver
from stackward.detect.sources.spool import ReceiverSpool
from stackward.detect.sources.syslog import SyslogReceiver
from tests.detect.pipeline_doubles import FileSink, WindowCountDetector, parse_json_line
from tests.detect.sources.follow import until

TOKEN = "t0ken-for-tests-only-0123456789"


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


def _run(tmp_path: Path) -> tuple[Pipeline, HttpReceiver, SyslogReceiver, list[DetectSummary]]:
    web = HttpReceiver("127.0.0.1", 0, TOKEN)
    syslog = SyslogReceiver("tcp", "127.0.0.1", 0)
    pipeline = Pipeline(
        sources=[web, syslog],
        parse=parse_json_line,
        detectors=[WindowCountDetector()],
        sinks=[FileSink(tmp_path / "out.txt")],
        state_dir=tmp_path / "state",
    )
    result: list[DetectSummary] = []
    threading.Thread(target=lambda: result.append(pipeline.run(follow=True)), daemon=True).start()
    assert web.ready.wait(5) and syslog.ready.wait(5)
    return pipeline, web, syslog, result


def _stop(pipeline: Pipeline, result: list[Any]) -> DetectSummary:
    pipeline.stop()
    until(lambda: bool(result), 10, "the run to end")
    summary: DetectSummary = result[0]
    return summary


def test_http_and_syslog_events_reach_the_detector_and_the_sink(tmp_path: Path) -> None:
    pipeline, web, syslog, result = _run(tmp_path)
    events = [{"t": n, "key": "api-key-1"} for n in range(3)]
    assert _post(web, json.dumps(events).encode()) == 202
    assert _post(web, b"{broken") == 400
    assert syslog.address is not None
    with socket.create_connection(syslog.address) as sender:
        for n in (3, 4):
            message = b"<14>1 - host app - - - " + json.dumps({"t": n, "key": "api-key-1"}).encode()
            sender.sendall(b"%d %s" % (len(message), message))
        broken = b"<14>1 - host app - - - not json"
        sender.sendall(b"%d %s" % (len(broken), broken))
        until(lambda: pipeline.summary.records == 6, 10, "six records")
    summary = _stop(pipeline, result)
    assert (summary.events, summary.parse_problems) == (5, 1)
    assert summary.alerts_by_rule == {"TEST-BURST": 1}
    assert len(FileSink.lines_uids(tmp_path / "out.txt")) == 1
    offsets = json.loads((tmp_path / "state" / "checkpoint.json").read_text())["offsets"]
    assert offsets[web.id] == 3 and offsets[syslog.id] == 3

    pipeline, web, syslog, result = _run(tmp_path)
    assert _post(web, b'{"t": 5, "key": "api-key-2"}') == 202
    until(lambda: pipeline.summary.records == 1, 10, "one record")
    _stop(pipeline, result)
    offsets = json.loads((tmp_path / "state" / "checkpoint.json").read_text())["offsets"]
    assert offsets[web.id] == 4, "sequence numbers continue from the checkpoint"


def _spooled_run(tmp_path: Path) -> tuple[Pipeline, HttpReceiver, list[DetectSummary]]:
    web = HttpReceiver("127.0.0.1", 0, TOKEN, spool=ReceiverSpool(tmp_path / "spool", "web"))
    pipeline = Pipeline(
        sources=[web],
        parse=parse_json_line,
        detectors=[WindowCountDetector()],
        sinks=[FileSink(tmp_path / "out.txt")],
        state_dir=tmp_path / "state",
        checkpoint_every_events=1,
    )
    result: list[DetectSummary] = []
    threading.Thread(target=lambda: result.append(pipeline.run(follow=True)), daemon=True).start()
    assert web.ready.wait(5)
    return pipeline, web, result


def test_spooled_http_events_are_processed_once_across_restarts(tmp_path: Path) -> None:
    pipeline, web, result = _spooled_run(tmp_path)
    assert _post(web, json.dumps([{"t": n, "key": "k"} for n in range(5)]).encode()) == 202
    until(lambda: pipeline.summary.events == 5, 10, "five events")
    assert _stop(pipeline, result).alerts_by_rule == {"TEST-BURST": 1}

    pipeline, web, result = _spooled_run(tmp_path)
    assert _post(web, b'{"t": 6, "key": "k"}') == 202
    until(lambda: pipeline.summary.events == 1, 10, "only the new event")
    summary = _stop(pipeline, result)
    assert (summary.records, summary.repeated_alerts) == (1, 0)
    assert len(FileSink.lines_uids(tmp_path / "out.txt")) == 1
