"""Loads ``stackward.yaml`` and reports every problem with the line it is on."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from stackward.config.schema import DataSettings, LineageSettings, ScanConfig
from stackward.detect.config import DetectConfig, FileSource, JsonlSink, WebhookSink


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file, line and problem."""


def _node_line(root: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """Line (1-based) of the YAML node at ``loc``, or of its deepest existing parent."""
    node = root
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                return key.start_mark.line + 1 if key is not None else line
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _unknown_key_line(root: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if getattr(key, "value", None) == part:
                    if part == loc[-1]:
                        return int(key.start_mark.line) + 1
                    node = value
                    break
            else:
                return None
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            return None
    return None


def parse_config(text: str, origin: str) -> ScanConfig:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: invalid YAML: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}:1: the config must be a mapping of settings")
    try:
        return ScanConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = (
                _unknown_key_line(root, loc)
                if error["type"] == "extra_forbidden"
                else _node_line(root, loc)
            )
            dotted = ".".join(str(p) for p in loc) or "(top level)"
            message = "unknown setting" if error["type"] == "extra_forbidden" else error["msg"]
            problems.append(f"{origin}:{line or 1}: {dotted}: {message}")
        raise ConfigError("\n".join(problems)) from None


def load_config(path: Path) -> ScanConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config is not UTF-8 text") from None
    config = parse_config(text, str(path))
    # Relative paths in the config are relative to the config file.
    base = path.resolve().parent
    sources = config.sources.model_copy(
        update={"paths": [p if p.is_absolute() else base / p for p in config.sources.paths]}
    )
    store_path = config.store.path if config.store.path.is_absolute() else base / config.store.path
    signing = config.artifacts.signing
    signing = signing.model_copy(
        update={
            "public_keys": [_under(base, p) for p in signing.public_keys],
            "certificate_chains": [_under(base, p) for p in signing.certificate_chains],
        }
    )
    artifacts = config.artifacts.model_copy(update={"signing": signing})
    return config.model_copy(
        update={
            "sources": sources,
            "store": config.store.model_copy(update={"path": store_path}),
            "artifacts": artifacts,
            "data": _data_under(base, config.data),
            "lineage": _lineage_under(base, config.lineage),
            "detect": _detect_under(base, config.detect),
        }
    )


def _under(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else base / path


def _glob_under(base: Path, pattern: str) -> str:
    """A path or glob joined to ``base`` as text, so its wildcards are kept for later."""
    return pattern if Path(pattern).is_absolute() else str(base / pattern)


def _data_under(base: Path, data: DataSettings) -> DataSettings:
    """Local source paths, identity files and access-log globs; URIs and DSNs are not paths."""
    sources = [
        source.model_copy(
            update={
                "path": None if source.path is None else _under(base, source.path),
                "identities": None
                if source.identities is None
                else _under(base, source.identities),
            }
        )
        for source in data.sources
    ]
    logs = [log.model_copy(update={"path": _glob_under(base, log.path)}) for log in data.usage.logs]
    usage = data.usage.model_copy(update={"logs": logs})
    return data.model_copy(update={"sources": sources, "usage": usage})


def _lineage_under(base: Path, lineage: LineageSettings) -> LineageSettings:
    """Event files and globs, the receiver spool, dbt manifests and training metadata."""
    dbt = [
        entry.model_copy(update={"manifest": _under(base, entry.manifest)}) for entry in lineage.dbt
    ]
    training = lineage.training.model_copy(
        update={"paths": [_under(base, p) for p in lineage.training.paths]}
    )
    return lineage.model_copy(
        update={
            "openlineage": [_glob_under(base, p) for p in lineage.openlineage],
            "receiver_dir": _under(base, lineage.receiver_dir),
            "dbt": dbt,
            "training": training,
        }
    )


def _detect_under(base: Path, detect: DetectConfig) -> DetectConfig:
    """Log-file globs, extra rule files, the state directory and file sinks."""
    sources = [
        source.model_copy(update={"path": _glob_under(base, source.path)})
        if isinstance(source, FileSource)
        else source
        for source in detect.sources
    ]
    sinks = [
        sink.model_copy(update={"path": _under(base, sink.path)})
        if isinstance(sink, JsonlSink)
        else sink.model_copy(update={"dead_letter": _under(base, sink.dead_letter)})
        if isinstance(sink, WebhookSink)
        else sink
        for sink in detect.sinks
    ]
    return detect.model_copy(
        update={
            "sources": sources,
            "sinks": sinks,
            "rules": [_under(base, p) for p in detect.rules],
            "state_dir": _under(base, detect.state_dir),
            "content": detect.content.model_copy(
                update={"system_prompts": [_under(base, p) for p in detect.content.system_prompts]}
            ),
        }
    )
