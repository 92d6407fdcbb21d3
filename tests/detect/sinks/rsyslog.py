"""A real rsyslogd for the syslog sink tests: UDP and TCP inputs on free loopback ports (and,
given certificates, a TLS input and a TLS input that requires a client certificate, through
rsyslog's OpenSSL driver), every message written raw (``%rawmsg%``, without the TCP frame) to
a file in a temp dir."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.tls_certs import TlsFiles

RSYSLOGD = Path("/usr/sbin/rsyslogd")
START_TIMEOUT_S = 15.0

CONFIG = """\
global(workDirectory="{workdir}" maxMessageSize="256k"{tls_global})
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="{udp}")
input(type="imtcp" address="127.0.0.1" port="{tcp}")
{tls_inputs}template(name="raw" type="string" string="%rawmsg%\\n")
*.* action(type="omfile" file="{received}" template="raw")
"""


TLS_GLOBAL = (
    '\n       DefaultNetstreamDriverCAFile="{ca}"'
    '\n       DefaultNetstreamDriverCertFile="{cert}"'
    '\n       DefaultNetstreamDriverKeyFile="{key}"'
)
TLS_INPUTS = """\
input(type="imtcp" address="127.0.0.1" port="{tls}" streamDriver.name="ossl"
      streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imtcp" address="127.0.0.1" port="{mtls}" streamDriver.name="ossl"
      streamDriver.mode="1" streamDriver.authMode="x509/certvalid")
"""
OSSL_DRIVER = "lmnsd_ossl.so"


@dataclass(frozen=True)
class Rsyslog:
    udp_port: int
    tcp_port: int
    received: Path
    tls_port: int = 0
    """TLS, no client certificate asked (0: not configured)."""
    mtls_port: int = 0
    """TLS with a client certificate signed by the test CA required."""

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


def free_port(kind: socket.SocketKind) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def has_tls_driver() -> bool:
    """Whether rsyslog's OpenSSL stream driver (Debian's rsyslog-openssl) is installed."""
    return any(Path("/usr/lib").glob(f"**/rsyslog/{OSSL_DRIVER}"))


def require_rsyslogd(tls: bool) -> Path:
    """The rsyslogd binary; RuntimeError naming the package when it (or, with ``tls``, its
    TLS driver) is not installed."""
    binary = rsyslogd_path()
    if binary is None:
        raise RuntimeError("rsyslogd is not installed (apt-get install rsyslog)")
    if tls and not has_tls_driver():
        raise RuntimeError(
            "rsyslog's TLS driver is not installed (apt-get install rsyslog-openssl)"
        )
    return binary


@contextmanager
def running_rsyslog(workdir: Path, tls: TlsFiles | None = None) -> Iterator[Rsyslog]:
    binary = require_rsyslogd(tls is not None)
    server = Rsyslog(
        free_port(socket.SOCK_DGRAM),
        free_port(socket.SOCK_STREAM),
        workdir / "received.log",
        tls_port=free_port(socket.SOCK_STREAM) if tls else 0,
        mtls_port=free_port(socket.SOCK_STREAM) if tls else 0,
    )
    conf = workdir / "rsyslog.conf"
    conf.write_text(
        CONFIG.format(
            workdir=workdir,
            udp=server.udp_port,
            tcp=server.tcp_port,
            received=server.received,
            tls_global=""
            if tls is None
            else TLS_GLOBAL.format(ca=tls.ca, cert=tls.server_cert, key=tls.server_key),
            tls_inputs=""
            if tls is None
            else TLS_INPUTS.format(tls=server.tls_port, mtls=server.mtls_port),
        ),
        encoding="utf-8",
    )
    with rsyslogd_process(binary, conf, workdir) as proc:
        _wait_ready(server, proc, workdir)
        yield server


@contextmanager
def rsyslogd_process(binary: Path, conf: Path, workdir: Path) -> Iterator[subprocess.Popen[bytes]]:
    """rsyslogd in the foreground with ``conf``, its output in ``workdir/rsyslogd.out``;
    terminated (killed after 10 s) when done."""
    with (workdir / "rsyslogd.out").open("wb") as log:
        proc = subprocess.Popen(
            [str(binary), "-n", "-f", str(conf), "-i", str(workdir / "rsyslogd.pid")],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _listening(server: Rsyslog) -> bool:
    """The TLS inputs, when configured, accept connections."""
    for port in (server.tls_port, server.mtls_port):
        if not port:
            continue
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
    return True


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
        if udp_marker in text and tcp_marker in text and _listening(server):
            return
    raise RuntimeError("rsyslogd did not become ready")
