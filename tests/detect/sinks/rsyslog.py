"""A real rsyslogd for the syslog sink tests: UDP and TCP inputs on free loopback ports,
every message written raw (``%rawmsg%``, without the TCP frame) to a file in a temp dir."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

RSYSLOGD = Path("/usr/sbin/rsyslogd")
START_TIMEOUT_S = 15.0

CONFIG = """\
global(workDirectory="{workdir}" maxMessageSize="256k")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="{udp}")
input(type="imtcp" address="127.0.0.1" port="{tcp}")
template(name="raw" type="string" string="%rawmsg%\\n")
*.* action(type="omfile" file="{received}" template="raw")
"""


@dataclass(frozen=True)
class Rsyslog:
    udp_port: int
    tcp_port: int
    received: Path

    def lines(self) -> list[str]:
        try:
            return self.received.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

    def wait_for(self, marker: str, timeout: float = 10.0) -> str:
        """The first received line containing ``marker``, polling until ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines():
                if marker in line:
                    return line
            time.sleep(0.05)
        raise AssertionError(f"rsyslog did not receive {marker!r}; got {self.lines()[-5:]}")


def rsyslogd_path() -> Path | None:
    found = shutil.which("rsyslogd")
    if found:
        return Path(found)
    return RSYSLOGD if RSYSLOGD.is_file() else None


def _free_port(kind: socket.SocketKind) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_rsyslog(workdir: Path) -> Iterator[Rsyslog]:
    binary = rsyslogd_path()
    if binary is None:
        raise RuntimeError("rsyslogd is not installed (apt-get install rsyslog)")
    server = Rsyslog(
        _free_port(socket.SOCK_DGRAM), _free_port(socket.SOCK_STREAM), workdir / "received.log"
    )
    conf = workdir / "rsyslog.conf"
    conf.write_text(
        CONFIG.format(
            workdir=workdir, udp=server.udp_port, tcp=server.tcp_port, received=server.received
        ),
        encoding="utf-8",
    )
    log = (workdir / "rsyslogd.out").open("wb")
    proc = subprocess.Popen(
        [str(binary), "-n", "-f", str(conf), "-i", str(workdir / "rsyslogd.pid")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(server, proc, workdir)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_ready(server: Rsyslog, proc: subprocess.Popen[bytes], workdir: Path) -> None:
    """Ready when a probe sent over UDP and one over TCP have both been written out."""
    deadline = time.monotonic() + START_TIMEOUT_S
    probe = 0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = (workdir / "rsyslogd.out").read_text(errors="replace")
            raise RuntimeError(f"rsyslogd exited ({proc.returncode}): {output[-2000:]}")
        probe += 1
        udp_marker, tcp_marker = f"probe-udp-{probe}", f"probe-tcp-{probe}"
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(
                f"<14>1 - - probe - - - {udp_marker}".encode(), ("127.0.0.1", server.udp_port)
            )
        try:
            with socket.create_connection(("127.0.0.1", server.tcp_port), timeout=1) as tcp:
                message = f"<14>1 - - probe - - - {tcp_marker}".encode()
                tcp.sendall(str(len(message)).encode() + b" " + message)
        except OSError:
            time.sleep(0.1)
            continue
        time.sleep(0.2)
        text = "\n".join(server.lines())
        if udp_marker in text and tcp_marker in text:
            return
    raise RuntimeError("rsyslogd did not become ready")
