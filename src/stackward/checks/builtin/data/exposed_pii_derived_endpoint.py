"""An endpoint reachable from the internet serves a model trained on personal data.

Models memorise parts of their training data; anyone who can query the endpoint can try to
pull that data back out (membership inference, model inversion, extraction by prompting).
The PII-derived mark comes from the classification propagation pass; exposure is the
asset's own ``internet_exposed`` flag or a route of EXPOSED_TO / ROUTES_TO edges from an
exposed entry point or the internet node.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity

CRITICAL_PREFIXES = ("pii.national_id", "pii.payment_card", "pii.health", "health.", "phi.")
"""Classes whose leak alone does lasting harm: identity numbers, card numbers, health data."""
MAX_ROUTE_HOPS = 4
_EXPOSING = (RelationKind.EXPOSED_TO, RelationKind.ROUTES_TO)
_SERVING = (RelationKind.SERVES, RelationKind.LOADS_MODEL)


def pii_classes(model: Asset) -> list[str]:
    derived = model.prop("derived_classes")
    if not isinstance(derived, Mapping):
        return []
    return sorted(str(c) for c in derived if str(c).startswith("pii."))


def exposure_route(asset: Asset, graph: InventoryGraph) -> list[str] | None:
    """Ids from an internet entry point to ``asset`` (``[asset.id]`` if it is exposed itself),
    walking EXPOSED_TO / ROUTES_TO edges backwards at most ``MAX_ROUTE_HOPS`` hops."""
    if asset.internet_exposed:
        return [asset.id]
    parents: dict[str, str] = {asset.id: ""}
    queue: deque[tuple[str, int]] = deque([(asset.id, 0)])
    while queue:
        node, hops = queue.popleft()
        if hops >= MAX_ROUTE_HOPS:
            continue
        for edge in graph.incoming(node, *_EXPOSING):
            entry = graph.get(edge.src)
            if entry is None or entry.id in parents:
                continue
            parents[entry.id] = node
            if entry.internet_exposed or entry.kind is AssetKind.INTERNET:
                route = [entry.id]
                while parents[route[-1]]:
                    route.append(parents[route[-1]])
                return route
            queue.append((entry.id, hops + 1))
    return None


def served_models(endpoint: Asset, graph: InventoryGraph) -> Iterator[list[Asset]]:
    """Each PII-derived model the endpoint serves, with the models between (SERVES then
    LOADS_MODEL): ``[model]`` or ``[deployable model, artifact]``."""
    for first in graph.successors(endpoint.id, *_SERVING):
        if first.kind is not AssetKind.MODEL_ARTIFACT:
            continue
        if pii_classes(first) and first.prop("pii_derived") is True:
            loaded = [
                m
                for m in graph.successors(first.id, RelationKind.LOADS_MODEL)
                if m.prop("pii_derived") is True
            ]
            yield [first, loaded[0]] if loaded else [first]


def training_chain(model: Asset, graph: InventoryGraph) -> str:
    """``sources -> training run -> model`` for the evidence, from the derived classes."""
    derived = model.prop("derived_classes") or {}
    sources = sorted({s for c in pii_classes(model) for s in derived.get(c, ())})
    runs = sorted(
        a.id
        for a in graph.predecessors(model.id, RelationKind.WRITES)
        if a.kind in (AssetKind.TRAINING_JOB, AssetKind.DATA_JOB)
    )
    parts = [", ".join(sources[:3]) + (" …" if len(sources) > 3 else "")]
    if runs:
        parts.append(", ".join(runs[:2]))
    parts.append(model.id)
    return " -> ".join(parts)


class ExposedPiiDerivedEndpointCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-005",
        title="Internet-exposed endpoint serves a model trained on personal data",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset(
            {
                AssetKind.MODEL_ENDPOINT,
                AssetKind.K8S_WORKLOAD,
                AssetKind.AI_SERVICE,
                AssetKind.LLM_SERVICE,
            }
        ),
        refs=(
            atlas("AML.T0057"),
            atlas("AML.T0024"),
            atlas("AML.M0025"),
            nist("MEASURE 2.10"),
            nist("MAP 4.1"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "The model was trained on data classified as personal, so its weights can hold"
            " records of real people; an endpoint anyone on the internet can query lets them"
            " infer membership, invert the model or prompt it into repeating the records."
        ),
        remediation=(
            "Put the endpoint behind authentication and network restrictions, or retrain on"
            " de-identified data (drop, mask or tokenise the personal fields; consider"
            " differential privacy) and limit query rates and output detail."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        route = None
        for models in served_models(asset, graph):
            route = route or exposure_route(asset, graph)
            if route is None:
                return
            trained = models[-1]
            classes = pii_classes(trained)
            deployed = [m.id for m in reversed(models[:-1])]
            chain = " -> ".join([training_chain(trained, graph), *deployed, asset.id])
            critical = any(c.startswith(CRITICAL_PREFIXES) for c in classes)
            yield Violation(
                Evidence(
                    location=asset.source,
                    snippet=f"{', '.join(classes[:6])}: {chain}"[:200],
                    key=models[0].id,
                ),
                detail=(
                    f"{asset.name} is reachable via {' -> '.join(route)} and serves"
                    f" {models[0].name}, trained on {', '.join(classes[:6])} ({chain})"
                ),
                severity=Severity.CRITICAL if critical else Severity.HIGH,
            )
