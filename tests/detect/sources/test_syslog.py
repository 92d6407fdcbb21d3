"""Syslog: the RFC 5424 and RFC 3164 examples parsed, then sent over real UDP and TCP
sockets to the receiver (octet-counted and newline framing, the size cap, bad input)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from stackward.detect.sources.syslog import SyslogReceiver
from stackward.detect.sources.syslog_message import SyslogFormatError, parse_syslog
from tests.detect.sources.follow import Collector, until

BOM = "\ufeff".encode()
RFC5424_1 = (
    b"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
    + BOM
    + (b"'su root' failed for lonvick on /dev/pts/8")
)
RFC5424_2 = (
    b"<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - "
    b"%% It's time to make the do-nuts."
)
RFC5424_3 = (
    b"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 "
    b'iut="3" eventSource="Application" eventID="1011"] '
    + BOM
    + b"An application event log entry..."
)
RFC5424_4 = (
    b"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 "
    b'iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]'
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            RFC5424_1,
            {
                "protocol": "rfc5424",
                "facility": 4,
                "severity": 2,
                "hostname": "mymachine.example.com",
                "app_name": "su",
                "procid": None,
                "msgid": "ID47",
                "structured_data": {},
                "message": "'su root' failed for lonvick on /dev/pts/8",
            },
        ),
        (
            RFC5424_2,
            {
                "facility": 20,
                "severity": 5,
                "hostname": "192.0.2.1",
                "app_name": "myproc",
                "procid": "8710",
                "msgid": None,
                "timestamp": "2003-08-24T05:14:15.000003-07:00",
                "message": "%% It's time to make the do-nuts.",
            },
        ),
        (
            RFC5424_3,
            {
                "structured_data": {
                    "exampleSDID@32473": {
                        "iut": "3",
                        "eventSource": "Application",
                        "eventID": "1011",
                    }
                },
                "message": "An application event log entry...",
            },
        ),
        (
            RFC5424_4,
            {
                "structured_data": {
                    "exampleSDID@32473": {
                        "iut": "3",
                        "eventSource": "Application",
                        "eventID": "1011",
                    },
                    "examplePriority@32473": {"class": "high"},
                },
                "message": "",
            },
        ),
        (
            b'<14>1 - - - - - [a@1 q="say \\"hi\\" \\\\ \\]"] m',
            {"structured_data": {"a@1": {"q": 'say "hi" \\ ]'}}, "timestamp": None, "message": "m"},
        ),
        (
            b"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
            {
                "protocol": "rfc3164",
                "facility": 4,
                "severity": 2,
                "hostname": "mymachine",
                "app_name": "su",
                "timestamp": "Oct 11 22:14:15",
                "message": "'su root' failed for lonvick on /dev/pts/8",
            },
        ),
        (
            b"<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!",
            {
                "facility": 1,
                "severity": 5,
                "hostname": "10.0.0.99",
                "app_name": None,
                "message": "Use the BFG!",
            },
        ),
        (
            b"<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!",
            {
                "facility": 0,
                "severity": 0,
                "hostname": None,
                "message": "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!",
            },
        ),
        (
            b"<30>Nov 26 10:00:00 gw sshd[4242]: Accepted publickey\n",
            {"app_name": "sshd", "procid": "4242", "message": "Accepted publickey"},
        ),
        (
            b"no priority at all",
            {"facility": 1, "severity": 5, "protocol": "rfc3164", "message": "no priority at all"},
        ),
    ],
    ids=[
        "5424-ex1-bom",
        "5424-ex2-nil-msgid",
        "5424-ex3-sd",
        "5424-ex4-two-sd-no-msg",
        "5424-escapes",
        "3164-ex1",
        "3164-ex2-no-tag",
        "3164-ex4-bad-header-kept",
        "3164-pid",
        "no-pri-default-13",
    ],
)
def test_rfc_examples_parse(raw: bytes, expected: dict[str, Any]) -> None:
    message = parse_syslog(raw)
    seen = {**message.meta(), "message": message.message}
    assert {key: seen[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"<192>1 - - - - - - x", "PRI"),
        (b"<034>Oct 11 22:14:15 host x", "PRI"),
        (b"<34>1 yesterday host app - - - x", "TIMESTAMP"),
        (b"<34>1 - host app", "incomplete"),
        (b'<34>1 - host app - - [a@1 x="unclosed] m', "not closed"),
        (b"<34>1 - host app - - garbage m", "STRUCTURED-DATA"),
        (b"<34>1 - host " + b"a" * 49 + b" - - - m", "APP-NAME"),
    ],
    ids=[
        "pri-too-big",
        "pri-leading-zero",
        "bad-timestamp",
        "short-header",
        "unclosed-value",
        "bad-sd",
        "long-app-name",
    ],
)
def test_malformed_messages_raise_a_named_problem(raw: bytes, problem: str) -> None:
    with pytest.raises(SyslogFormatError, match=problem):
        parse_syslog(raw)


def _start(protocol: str, **options: Any) -> tuple[SyslogReceiver, Collector]:
    receiver = SyslogReceiver(protocol, "127.0.0.1", 0, format="json", **options)
    collector = Collector(receiver, start=41)
    assert receiver.ready.wait(5)
    return receiver, collector


def _address(receiver: SyslogReceiver) -> tuple[str, int]:
    assert receiver.address is not None
    return receiver.address


@pytest.fixture
def udp() -> Iterator[tuple[SyslogReceiver, Collector]]:
    receiver, collector = _start("udp", max_message_bytes=300)
    yield receiver, collector
    collector.close()


@pytest.fixture
def tcp() -> Iterator[tuple[SyslogReceiver, Collector]]:
    receiver, collector = _start("tcp", max_message_bytes=300)
    yield receiver, collector
    collector.close()


def test_udp_datagrams_become_records_with_meta_and_sequence(
    udp: tuple[SyslogReceiver, Collector],
) -> None:
    receiver, collector = udp
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        for datagram in (RFC5424_3, b"<34>1 bad", b"x" * 400, RFC5424_1):
            sender.sendto(datagram, _address(receiver))
        assert collector.wait_for(2) == [
            "An application event log entry...",
            "'su root' failed for lonvick on /dev/pts/8",
        ]
    first = collector.records[0]
    assert first.meta is not None and first.meta["msgid"] == "ID47"
    assert first.meta["structured_data"]["exampleSDID@32473"]["eventID"] == "1011"
    assert [r.position.offset for r in collector.records] == [42, 43]
    assert first.position.source == "syslog-udp:127.0.0.1:0" and first.format == "json"
    until(lambda: receiver.problems.total == 2, 5, "two problems")
    assert set(receiver.problems.counts) == {
        "not a syslog message",
        "message longer than the cap skipped",
    }


def test_tcp_octet_counting_with_frames_split_and_joined(
    tcp: tuple[SyslogReceiver, Collector],
) -> None:
    receiver, collector = tcp
    frames = b"".join(b"%d %s" % (len(m), m) for m in (RFC5424_1, RFC5424_2, b"x" * 400, RFC5424_3))
    with socket.create_connection(_address(receiver)) as sender:
        sender.sendall(frames[:7])
        sender.sendall(frames[7:500])
        sender.sendall(frames[500:])
        texts = collector.wait_for(3)
    assert texts == [
        "'su root' failed for lonvick on /dev/pts/8",
        "%% It's time to make the do-nuts.",
        "An application event log entry...",
    ]
    assert receiver.problems.counts["message longer than the cap skipped"] == 1


def test_tcp_newline_framing_and_an_oversized_line(tcp: tuple[SyslogReceiver, Collector]) -> None:
    receiver, collector = tcp
    lines = [
        b"<34>Oct 11 22:14:15 mymachine su: one",
        b"<34>Oct 11 22:14:15 h a: " + b"y" * 500,
        b"<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!",
    ]
    with socket.create_connection(_address(receiver)) as sender:
        sender.sendall(b"\n".join(lines) + b"\n")
        assert collector.wait_for(2) == ["one", "Use the BFG!"]
    assert receiver.problems.counts["message longer than the cap skipped"] == 1


def test_tcp_bad_octet_count_closes_only_that_connection(
    tcp: tuple[SyslogReceiver, Collector],
) -> None:
    receiver, collector = tcp
    with socket.create_connection(_address(receiver)) as bad:
        bad.sendall(b"12x4567890 <34>1 - - - - - - no\n")
        until(lambda: receiver.problems.total == 1, 5, "a framing problem")
    with socket.create_connection(_address(receiver)) as good:
        good.sendall(b"%d %s" % (len(RFC5424_2), RFC5424_2))
        assert collector.wait_for(1) == ["%% It's time to make the do-nuts."]


def test_udp_drops_are_counted_when_the_queue_is_full() -> None:
    receiver = SyslogReceiver("udp", "127.0.0.1", 0, max_queue=2)
    records = receiver.read()
    next_record: list[Any] = []
    import threading

    puller = threading.Thread(target=lambda: next_record.append(next(records)), daemon=True)
    puller.start()
    assert receiver.ready.wait(5)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        for _ in range(20):
            sender.sendto(RFC5424_2, _address(receiver))
    until(
        lambda: receiver.dropped + len(next_record) + receiver._queue.qsize() == 20,
        5,
        "all counted",
    )
    assert receiver.dropped >= 17
    receiver.stop()
    puller.join(5)
    records.close()


def test_refused_bind_is_a_source_error() -> None:
    from stackward.detect.interfaces import SourceError

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        receiver = SyslogReceiver("tcp", "127.0.0.1", port)
        with pytest.raises(SourceError, match="cannot listen"):
            next(receiver.read())
