"""TLS for the receivers (syslog, HTTP events): a server context from PEM files."""

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


def server_context(settings: ReceiverTls) -> ssl.SSLContext:
    """A server context, TLS 1.2 or later, presenting the receiver's certificate; with a
    client CA, clients must present a certificate that CA signed."""
    cert_file, key_file, client_ca_file = (
        settings.cert_file,
        settings.key_file,
        settings.client_ca_file,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(cert_file), str(key_file))
    except (OSError, ssl.SSLError) as exc:
        raise TlsSetupError(
            f"cannot read certificate {cert_file} / key {key_file}: {exc}"
        ) from None
    if client_ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(client_ca_file))
        except (OSError, ssl.SSLError) as exc:
            raise TlsSetupError(f"cannot read client CA file {client_ca_file}: {exc}") from None
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def reason(error: BaseException) -> str:
    """A short reason for a failed handshake (OpenSSL's reason code when it gave one)."""
    code = getattr(error, "reason", None)
    return str(code) if code else (str(error) or type(error).__name__)
