"""``stackward lineage-receiver``: an OpenLineage HTTP endpoint spooling to JSON Lines."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from stackward.cli.common import err_console, fail


def lineage_receiver(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 5000,
    token_env: Annotated[
        str, typer.Option(help="Environment variable holding the bearer token clients send.")
    ] = "STACKWARD_LINEAGE_TOKEN",  # noqa: S107 - a variable's name, not a token
    directory: Annotated[
        Path, typer.Option("--dir", help="Spool directory (lineage.receiver_dir of the scan).")
    ] = Path(".stackward/lineage"),
    insecure_no_auth: Annotated[
        bool, typer.Option(help="Accept events without a token (loopback addresses only).")
    ] = False,
    max_body_mb: Annotated[float, typer.Option(help="Largest event accepted, in MB.")] = 4.0,
    cert_file: Annotated[
        Path | None, typer.Option(help="Certificate chain (PEM): serve HTTPS only.")
    ] = None,
    key_file: Annotated[Path | None, typer.Option(help="Private key of --cert-file (PEM).")] = None,
    client_ca_file: Annotated[
        Path | None,
        typer.Option(help="CA (PEM) whose certificates clients must present (with HTTPS)."),
    ] = None,
) -> None:
    """Receive OpenLineage events over HTTP (POST /api/v1/lineage) for the next scan."""
    from stackward.lineage.receiver import ReceiverError, make_receiver
    from stackward.tls import receiver_tls

    if (cert_file is None) != (key_file is None):
        raise fail("HTTPS needs both --cert-file and --key-file")
    if client_ca_file is not None and cert_file is None:
        raise fail("--client-ca-file needs --cert-file and --key-file (HTTPS)")
    tls = receiver_tls(cert_file, key_file, client_ca_file)
    try:
        server = make_receiver(
            host,
            port,
            directory,
            os.environ.get(token_env),
            insecure_no_auth=insecure_no_auth,
            max_body_bytes=int(max_body_mb * 1024 * 1024),
            tls=tls,
        )
    except ReceiverError as exc:
        raise fail(f"{exc} (token variable: {token_env})") from None
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    bound_host, bound_port = server.server_address[:2]
    err_console().print(
        f"receiving OpenLineage events on {'https' if tls else 'http'}://{bound_host!s}:"
        f"{bound_port}/api/v1/lineage,"
        f" spooling to {directory}",
        highlight=False,
        soft_wrap=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
