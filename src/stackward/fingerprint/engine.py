"""The async fingerprinting engine: many targets at once, few requests per target.

Per target the rules are tried most specific first; each distinct request is sent at most
once and shared by every rule that needs it. The first rule whose identify probes match
names the product, then only that rule's version and exposure requests are sent. A target
that gives no HTTP answer to its first request is left alone.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import httpx

from stackward.fingerprint.advisories import AdvisoryMatch, advisories_for
from stackward.fingerprint.http import Snapshot, UnreachableError, fetch, timeouts
from stackward.fingerprint.matching import extract_version, matches
from stackward.fingerprint.rules import ExposureProbe, ProbeRequest, Rule, builtin_rules
from stackward.fingerprint.targets import Target, TargetError, parse_target

DEFAULT_CONCURRENCY = 64
ClientFactory = Callable[[], httpx.AsyncClient]


@dataclass(frozen=True, slots=True)
class Exposure:
    """One probe that answered without credentials. ``summary`` holds shape, never data."""

    request: str
    status: int
    severity: str
    proves: str
    summary: str
    cve: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceFinding:
    target: Target
    rule: Rule
    version: str | None
    exposures: tuple[Exposure, ...]
    advisories: tuple[AdvisoryMatch, ...]
    identified_by: tuple[str, ...]


@dataclass(slots=True)
class FingerprintRun:
    services: list[ServiceFinding] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """``(endpoint text, reason)``: unparseable, unreachable or unrecognised endpoints."""
    requests_sent: int = 0


def default_client() -> httpx.AsyncClient:
    """One client per target: its pool holds that target's single connection, so connection
    bookkeeping stays constant however many targets are probed at once."""
    transport = httpx.AsyncHTTPTransport(
        verify=tls_context(), limits=httpx.Limits(max_connections=1), retries=0
    )
    return httpx.AsyncClient(
        transport=transport, timeout=timeouts(), follow_redirects=False, trust_env=False
    )


@cache
def tls_context() -> ssl.SSLContext:
    """Built once: loading the trust store for every target would dominate the run."""
    return ssl.create_default_context()


async def fingerprint(
    endpoints: Iterable[str],
    rules: Sequence[Rule] | None = None,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    client_factory: ClientFactory = default_client,
) -> FingerprintRun:
    """Probe every endpoint, at most ``concurrency`` at a time. Never raises for a target."""
    chosen = tuple(builtin_rules() if rules is None else rules)
    run = FingerprintRun()
    targets: list[Target] = []
    seen: set[str] = set()
    for text in endpoints:
        try:
            target = parse_target(text)
        except TargetError as exc:
            run.problems.append((text, str(exc)))
            continue
        if target.base_url not in seen:
            seen.add(target.base_url)
            targets.append(target)
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(target: Target) -> None:
        async with gate, client_factory() as client:
            try:
                await _TargetProbe(client, target, run).examine(chosen)
            except Exception as exc:  # one odd target must not end the run for the others
                run.problems.append((target.text, f"probe failed: {type(exc).__name__}"))

    await asyncio.gather(*(one(t) for t in targets))
    return run


def fingerprint_sync(
    endpoints: Iterable[str],
    rules: Sequence[Rule] | None = None,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    client_factory: ClientFactory = default_client,
) -> FingerprintRun:
    """:func:`fingerprint` for synchronous callers (collectors)."""
    return asyncio.run(
        fingerprint(endpoints, rules, concurrency=concurrency, client_factory=client_factory)
    )


class _TargetProbe:
    """The requests of one target, each sent once, answers kept for the rules that share them."""

    def __init__(self, client: httpx.AsyncClient, target: Target, run: FingerprintRun) -> None:
        self._client = client
        self._target = target
        self._run = run
        self._answers: dict[tuple[object, ...], Snapshot | None] = {}

    async def _get(self, request: ProbeRequest) -> Snapshot | None:
        if request.key not in self._answers:
            self._run.requests_sent += 1
            try:
                answer: Snapshot | None = await fetch(self._client, self._target.base_url, request)
            except UnreachableError:
                answer = None
            self._answers[request.key] = answer
        return self._answers[request.key]

    async def examine(self, rules: Sequence[Rule]) -> None:
        self._run.requests_sent += 1
        try:
            root = await fetch(self._client, self._target.base_url, _ROOT)
        except UnreachableError as exc:
            self._run.problems.append((self._target.text, f"no HTTP answer: {exc}"))
            return
        self._answers[_ROOT.key] = root
        for rule in rules:
            identified_by = await self._identify(rule)
            if identified_by is not None:
                self._run.services.append(await self._describe(rule, identified_by))
                return
        self._run.problems.append(
            (self._target.text, f"answers HTTP {root.status} but matches no known AI service")
        )

    async def _identify(self, rule: Rule) -> tuple[str, ...] | None:
        hits: list[str] = []
        for probe in rule.identify:
            answer = await self._get(probe.request)
            if answer is not None and matches(probe.match, answer):
                hits.append(probe.request.describe())
                if rule.identify_any:
                    return tuple(hits)
            elif not rule.identify_any:
                return None
        return tuple(hits) if hits else None

    async def _describe(self, rule: Rule, identified_by: tuple[str, ...]) -> ServiceFinding:
        version: str | None = None
        for probe in rule.version:
            answer = await self._get(probe.request)
            version = extract_version(probe, answer) if answer is not None else None
            if version:
                break
        exposures: list[Exposure] = []
        for exposure in rule.exposure:
            answer = await self._get(exposure.request)
            if answer is not None and matches(exposure.match, answer):
                exposures.append(_exposure(exposure, answer))
        return ServiceFinding(
            target=self._target,
            rule=rule,
            version=version,
            exposures=tuple(exposures),
            advisories=tuple(advisories_for(rule.product, version)),
            identified_by=identified_by,
        )


_ROOT = ProbeRequest(method="GET", path="/")


def _exposure(probe: ExposureProbe, answer: Snapshot) -> Exposure:
    return Exposure(
        request=probe.request.describe(),
        status=answer.status,
        severity=probe.severity,
        proves=probe.proves,
        summary=shape_of(answer),
        cve=probe.cve,
    )


def shape_of(answer: Snapshot) -> str:
    """What the answer looked like (a list of 3, an object with keys ...), never its values."""
    if not answer.is_json():
        return f"HTTP {answer.status}, {len(answer.body)} bytes"
    document = answer.json()
    if isinstance(document, list):
        return f"HTTP {answer.status}, JSON list of {len(document)}"
    if isinstance(document, dict):
        keys = sorted(str(k)[:40] for k in document)[:6]
        sizes = [_sized(k, document.get(k)) for k in keys]
        return f"HTTP {answer.status}, JSON object with " + ", ".join(sizes)
    return f"HTTP {answer.status}, JSON {type(document).__name__}"


def _sized(key: str, value: object) -> str:
    return f"{key}[{len(value)}]" if isinstance(value, list) else key
