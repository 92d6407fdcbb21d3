"""What several commands share: loading the config, running a scan, reporting errors."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from stackward.cli.exit_codes import USAGE_OR_CONFIG_ERROR
from stackward.model import Severity

if TYPE_CHECKING:
    from rich.console import Console

    from stackward.config import ScanConfig

DEFAULT_CONFIG = Path("stackward.yaml")


@cache
def err_console() -> Console:
    """The console on standard error, made on first use (``rich`` loads only when needed)."""
    from rich.console import Console

    return Console(stderr=True)


def fail(message: str, code: int = USAGE_OR_CONFIG_ERROR) -> typer.Exit:
    err_console().print(f"[bold red]error:[/bold red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def resolve_config(
    targets: list[Path], config_path: Path | None, store: Path | None = None
) -> ScanConfig:
    """Build the config: the file (explicit, or ./stackward.yaml) plus command-line targets."""
    from stackward.config import ConfigError, ScanConfig, load_config

    path = config_path or (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None)
    try:
        config = load_config(path) if path is not None else ScanConfig()
    except ConfigError as exc:
        raise fail(str(exc)) from None
    updates: dict[str, object] = {}
    if targets:
        missing = [str(t) for t in targets if not t.exists()]
        if missing:
            raise fail(f"no such file or directory: {', '.join(missing)}")
        updates["sources"] = config.sources.model_copy(update={"paths": targets})
    elif not config.sources.paths and not config.sources.kubernetes_clusters:
        updates["sources"] = config.sources.model_copy(update={"paths": [Path()]})
    if store is not None:
        updates["store"] = config.store.model_copy(update={"path": store})
    return config.model_copy(update=updates) if updates else config


def parse_severity(value: str | None) -> Severity | None:
    if value is None:
        return None
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise fail(str(exc)) from None
