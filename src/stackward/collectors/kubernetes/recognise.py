"""Matches a workload against the component table and reads its authentication settings."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from stackward.collectors.kubernetes.app_components import APP_COMPONENTS
from stackward.collectors.kubernetes.components import (
    COMPONENTS,
    GPU_JOB,
    AIComponent,
    AuthSignal,
    Source,
)

_LABEL_KEYS = (
    "app.kubernetes.io/name",
    "app",
    "app.kubernetes.io/component",
    "component",
    "app.kubernetes.io/part-of",
)
CATALOGUE: tuple[AIComponent, ...] = COMPONENTS + APP_COMPONENTS
_BY_CRD = {kind: c for c in CATALOGUE for kind in c.crd_kinds}
_BATCH_KINDS = frozenset({"Job", "CronJob"})


@dataclass(frozen=True, slots=True)
class Recognition:
    component: AIComponent
    evidence: str
    """What identified it: ``kind RayCluster``, ``image vllm/vllm-openai``, ``label app=qdrant``."""


@dataclass(frozen=True, slots=True)
class AuthState:
    state: str
    """``enabled`` / ``disabled`` (explicit setting) or ``default-on`` / ``default-off``."""
    evidence: str = ""

    @property
    def required(self) -> bool:
        return self.state in ("enabled", "default-on")


def recognise(
    kind: str,
    repositories: Sequence[str],
    label_sets: Iterable[Mapping[str, str]],
    ports: Iterable[int],
    gpus: int,
    tokens: Sequence[str] = (),
    env_names: Iterable[str] = (),
) -> Recognition | None:
    """The component a workload runs, trying the strongest evidence first: custom resource
    kind, image, labels, command line or environment, then a distinctive port."""
    if kind in _BY_CRD:
        return Recognition(_BY_CRD[kind], f"kind {kind}")
    for repository in repositories:
        for component in CATALOGUE:
            pattern = component.image_pattern
            if pattern is not None and pattern.search(repository):
                return Recognition(component, f"image {repository}")
    for labels in label_sets:
        for key in _LABEL_KEYS:
            value = labels.get(key, "").lower()
            for component in CATALOGUE:
                if value and value in component.labels:
                    return Recognition(component, f"label {key}={value}")
    by_command = _by_command(tokens, set(env_names))
    if by_command is not None:
        return by_command
    port_set = set(ports)
    for component in CATALOGUE:
        hit = port_set.intersection(component.distinctive_ports)
        if hit:
            return Recognition(component, f"port {min(hit)}")
    if gpus and kind in _BATCH_KINDS:
        return Recognition(GPU_JOB, f"{kind} requesting {gpus} accelerator(s)")
    return None


def _by_command(tokens: Sequence[str], env_names: set[str]) -> Recognition | None:
    command = " ".join(tokens)[:8192]
    for component in CATALOGUE:
        for pattern in component.commands:
            if re.search(pattern, command):
                return Recognition(component, f"command matches {pattern!r}")
        named = env_names.intersection(component.env_names)
        if named:
            return Recognition(component, f"environment {min(named)}")
    return None


def tokenise(parts: Iterable[str], depth: int = 3) -> list[str]:
    """Command and args as separate tokens, splitting shell strings (``sh -c "..."``),
    including strings quoted inside them, a few levels deep."""
    tokens: list[str] = []
    for part in parts:
        if depth and any(ch.isspace() for ch in part):
            try:
                tokens.extend(tokenise(shlex.split(part), depth - 1))
            except ValueError:
                tokens.extend(part.split())
        else:
            tokens.append(part)
    return tokens


def _unquote(value: str) -> str:
    return value.strip().strip("'\"").strip().lower()


def arg_value(tokens: Sequence[str], name: str) -> str | None:
    """The value of ``name=value`` / ``name value``; "" for a bare flag; None when absent."""
    for i, token in enumerate(tokens):
        if token.startswith(name + "="):
            return token[len(name) + 1 :]
        if token == name:
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            return "" if following.startswith("-") else following
    return None


def _config_value(texts: Sequence[str], name: str) -> str | None:
    pattern = re.compile(
        r"^[ \t]*" + re.escape(name) + r"\s*[:=]\s*u?(['\"]?)([^'\"\s,#]*)\1", re.MULTILINE
    )
    for text in texts:
        match = pattern.search(text)
        if match:
            return match.group(2)
    return None


def _setting_matches(signal: AuthSignal, value: str) -> bool:
    if signal.values is None:
        return True
    return _unquote(value) in signal.values


def _matches(
    signal: AuthSignal, tokens: Sequence[str], env: Mapping[str, str | None], texts: Sequence[str]
) -> str:
    """The setting as evidence text when ``signal`` matches, else an empty string.

    Values are shown only for signals that name their values (``WEBUI_AUTH="false"``);
    a "set to anything" signal may hold a credential, so only its name is shown.
    """
    if signal.source is Source.ARG:
        value = arg_value(tokens, signal.name)
    elif signal.source is Source.ENV:
        value = env.get(signal.name, "") if signal.name in env else None
        if value is None and signal.name in env:
            return f"{signal.name} from a reference" if signal.values is None else ""
    else:
        value = _config_value(texts, signal.name)
    if value is None or not _setting_matches(signal, value):
        return ""
    if signal.values is None:
        if signal.source is not Source.ARG and not value:
            return ""
        return f"{signal.name} set"
    shown = "''" if value.strip("'\"") == "" else value
    return f"{signal.name}={shown}" if signal.source is Source.ARG else f"{signal.name} = {shown}"


def auth_state(
    component: AIComponent,
    tokens: Sequence[str],
    env: Mapping[str, str | None],
    config_texts: Sequence[str],
) -> AuthState:
    """Whether the component asks for credentials. An explicit "off" beats an "on"."""
    for signal in component.auth_off:
        if evidence := _matches(signal, tokens, env, config_texts):
            return AuthState("disabled", evidence)
    for signal in component.auth_on:
        if evidence := _matches(signal, tokens, env, config_texts):
            return AuthState("enabled", evidence)
    return AuthState("default-on" if component.auth_by_default else "default-off")
