"""Agent settings, read from ``agent.yaml`` next to the deployment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SETTINGS_FILE = Path("agent.yaml")


def load_settings(path: Path = SETTINGS_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=yaml.Loader)
