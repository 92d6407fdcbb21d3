"""TLS contexts from PEM files: a server's for the receivers (syslog, HTTP events, OpenLineage),
a verifying client's for the syslog sink. Both are TLS 1.2 or later."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ReceiverTls:
    """A receiver's certificate chain and key (PEM), and the CA whose certificates clients
    must present (None: no client certificate asked)."""

    cert_file: Path
    key_file: Path
    client_ca_file: Path | None = None


class TlsSetupError(ValueError):
    """A certificate, key or CA file that cannot be used; the message names the file."""


def receiver_tls(
    cert_file: Path | None, key_file: Path | None, client_ca_file: Path | None = None
) -> ReceiverTls | None:
    """The settings a receiver's options give: None unless both certificate and key are set
    (the options are checked together where they are read)."""
    if cert_file is None or key_file is None:
        return None
    return ReceiverTls(cert_file, key_file, client_ca_file)


def server_context(settings: ReceiverTls) -> ssl.SSLContext:
    """A server context presenting the receiver's certificate; with a client CA, clients must
    present a certificate that CA signed."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    _load_chain(context, settings.cert_file, settings.key_file, "certificate")
    if settings.client_ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(settings.client_ca_file))
        except OSError as exc:  # ssl.SSLError included
            raise TlsSetupError(
                f"cannot read client CA file {settings.client_ca_file}: {exc}"
            ) from None
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def client_context(
    ca_file: Path | None, cert_file: Path | None = None, key_file: Path | None = None
) -> ssl.SSLContext:
    """A client context that verifies the server's chain (against ``ca_file``, or the system's
    trust store when None) and name; with ``cert_file``, presenting that client certificate
    (its key in ``key_file``, or in the same file when None)."""
    try:
        context = ssl.create_default_context(cafile=None if ca_file is None else str(ca_file))
    except OSError as exc:
        raise TlsSetupError(f"cannot read CA file {ca_file}: {exc}") from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if cert_file is not None:
        _load_chain(context, cert_file, key_file, "client certificate")
    return context


def _load_chain(context: ssl.SSLContext, cert_file: Path, key_file: Path | None, what: str) -> None:
    try:
        context.load_cert_chain(str(cert_file), None if key_file is None else str(key_file))
    except OSError as exc:
        raise TlsSetupError(f"cannot read {what} {cert_file} / key {key_file}: {exc}") from None


def reason(error: BaseException) -> str:
    """A short reason for a failed handshake (OpenSSL's reason code when it gave one)."""
    code = getattr(error, "reason", None)
    return str(code) if code else (str(error) or type(error).__name__)
