"""Reads source and configuration files as text: secrets, unsafe loads, Jupyter settings.

Jupyter configs are Python, but they are scanned content: they are matched line by line,
never imported or executed. Only whether a token or password is empty or set is kept,
never its value.
"""

from __future__ import annotations

import json
import re
from typing import Any

from stackward.collectors.files.content import Reading, read_text
from stackward.collectors.files.source import analyse_source
from stackward.collectors.sniff import FileKind
from stackward.collectors.walk import FileEntry

JUPYTER_CONFIG_NAME = re.compile(r"^jupyter_(?:server|notebook|lab)_config\.(?:py|json)$")
_APPS = ("ServerApp", "NotebookApp", "IdentityProvider", "PasswordIdentityProvider")
_SETTING = re.compile(
    rf"^\s*c\.(?P<app>{'|'.join(_APPS)})\.(?P<name>\w+)\s*=\s*(?P<value>[^#\n]*?)\s*(?:#.*)?$",
    re.M,
)
_SECRET_SETTINGS = {"token", "password", "hashed_password"}
_KEPT_SETTINGS = _SECRET_SETTINGS | {
    "ip",
    "allow_root",
    "disable_check_xsrf",
    "allow_origin",
    "allow_remote_access",
    "password_required",
}


def _literal(raw: str) -> object:
    """A Python literal as written in a config line: a quoted string, a bool, or the text."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    if value in {"True", "False"}:
        return value == "True"
    return value


def _normalise(name: str, value: object, line: int) -> dict[str, object]:
    if name in _SECRET_SETTINGS:
        state = "empty" if value == "" else ("set" if isinstance(value, str) else "expression")
        return {"value": state, "line": line}
    return {"value": value, "line": line}


def jupyter_settings_from_python(text: str) -> dict[str, dict[str, object]]:
    settings: dict[str, dict[str, object]] = {}
    for match in _SETTING.finditer(text):
        name = match.group("name")
        if name not in _KEPT_SETTINGS:
            continue
        line = text.count("\n", 0, match.start()) + 1
        settings[name] = _normalise(name, _literal(match.group("value")), line)
    return settings


def jupyter_settings_from_json(document: Any) -> dict[str, dict[str, object]]:
    settings: dict[str, dict[str, object]] = {}
    if not isinstance(document, dict):
        return settings
    for app in _APPS:
        section = document.get(app)
        if not isinstance(section, dict):
            continue
        for name, value in section.items():
            if name in _KEPT_SETTINGS:
                settings[name] = _normalise(name, value, 0)
    return settings


def is_jupyter_config(entry: FileEntry) -> bool:
    return bool(JUPYTER_CONFIG_NAME.match(entry.rel.rsplit("/", 1)[-1]))


def read_code_or_config(entry: FileEntry, limit: int) -> Reading:
    """Secrets, unsafe loads and paths in a source or config file; Jupyter settings too."""
    reading = Reading()
    text = read_text(entry, limit, reading)
    if text is None:
        return reading
    facts = analyse_source(text)
    reading.properties["secrets"] = [h.as_property() for h in facts.secrets]
    reading.properties["unsafe_loads"] = facts.unsafe_loads
    reading.references.extend(sorted(facts.references))
    if facts.data_uris:
        reading.properties["data_uris"] = sorted(facts.data_uris)
    if entry.kind is FileKind.SOURCE_CODE and facts.imports:
        reading.properties["imports"] = sorted(facts.imports)
    if is_jupyter_config(entry):
        reading.properties["jupyter_settings"] = _jupyter(entry, text, reading)
    return reading


def _jupyter(entry: FileEntry, text: str, reading: Reading) -> dict[str, dict[str, object]]:
    if not entry.rel.endswith(".json"):
        return jupyter_settings_from_python(text)
    try:
        return jupyter_settings_from_json(json.loads(text))
    except (json.JSONDecodeError, RecursionError) as exc:
        reading.skip(entry, f"Jupyter config not read: invalid JSON ({exc})")
        return {}
