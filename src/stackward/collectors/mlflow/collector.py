"""The ``mlflow`` collector: tracking servers under ``services.mlflow``, read over REST.

For each server: one unauthenticated probe (does it ask for credentials?), ``GET /version``
(matched with the advisories file), then experiments, their runs (parameters and tags through
the data classifiers), registered models with aliases, and model versions. Every request is
a read; searches are paginated and bounded; each failure becomes a ``Skipped`` naming the
server and the problem, and the other servers are still read.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from stackward.artifacts.signing import SignatureVerifier
from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.mlflow.advisories import affecting
from stackward.collectors.mlflow.artifact_scan import (
    local_directory,
    proxied_path,
    scan_model_directory,
    scan_proxied_model,
)
from stackward.collectors.mlflow.client import (
    AuthRequired,
    MlflowClient,
    MlflowError,
    NotFound,
    Probe,
    Truncated,
    credentials_auth,
    is_public_address,
)
from stackward.collectors.mlflow.params import classify_entries, key_values
from stackward.collectors.mlflow.transform import (
    COLLECTOR,
    NOT_SCANNED,
    MlflowInventory,
    add_experiment,
    add_logged_model,
    add_model_version,
    add_registered_model,
    add_run,
    add_server,
    aliases_by_version,
    logged_model_of,
    run_datasets,
    server_label,
)
from stackward.config.schema import ArtifactSettings, MlflowSource
from stackward.dspm.engine import CandidateEngine, default_engine
from stackward.model import AssetKind, RelationKind

MAX_EXPERIMENTS = 10_000
MAX_MODELS = 10_000
MAX_VERSIONS = 50_000
MAX_LOGGED_MODELS = 50_000
RUN_SEARCH_BATCH = 100
"""Experiment ids per ``runs/search`` request."""

ClientFactory = Callable[[MlflowSource, httpx.Auth | None], MlflowClient]


def _default_client(source: MlflowSource, auth: httpx.Auth | None) -> MlflowClient:
    return MlflowClient(source.url, auth=auth, verify=source.verify_tls)


class MlflowCollector:
    name = COLLECTOR

    def __init__(
        self,
        client_factory: ClientFactory = _default_client,
        engine: CandidateEngine | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._client_factory = client_factory
        self._engine = engine
        self._environ = environ

    def collect(self, ctx: CollectContext) -> CollectResult:
        result = CollectResult()
        for source in ctx.config.services.mlflow:
            inv = self.read_server(source, ctx.config.artifacts)
            result.assets.extend(inv.assets.values())
            result.relations.extend(inv.relations)
            result.skipped.extend(inv.skipped)
        return result

    def read_server(
        self, source: MlflowSource, artifacts: ArtifactSettings | None = None
    ) -> MlflowInventory:
        inv = MlflowInventory(server=server_label(source.url), source=source.url.rstrip("/"))
        environ = os.environ if self._environ is None else self._environ
        credential = environ.get(source.token_env) if source.token_env else None
        if source.token_env and not credential:
            inv.skip(f"environment variable {source.token_env} is not set; reading without it")
        try:
            with self._client_factory(source, credentials_auth(credential)) as client:
                probe = client.probe()
                _server(inv, client, probe)
                if probe.auth_required and not credential:
                    inv.skip("the server requires authentication; set token_env to read it")
                    return inv
                _contents(inv, client, source.max_runs, self._engine or default_engine())
                scan_versions(inv, artifacts or ArtifactSettings(), client)
        except AuthRequired as exc:
            inv.skip(f"{exc}; check the credential in {source.token_env or 'token_env'}")
        except MlflowError as exc:
            inv.skip(str(exc))
        return inv


def _server(inv: MlflowInventory, client: MlflowClient, probe: Probe) -> None:
    try:
        version = client.version()
    except MlflowError as exc:
        inv.skip(f"server version not read: {exc}")
        version = None
    host = probe.server_address or urlsplit(client.base_url).hostname or ""
    add_server(
        inv,
        version=version,
        auth_required=probe.auth_required,
        internet_exposed=is_public_address(host),
        address=probe.server_address,
        advisories=[a.as_dict() for a in affecting(version)],
    )


def _contents(
    inv: MlflowInventory, client: MlflowClient, max_runs: int, engine: CandidateEngine
) -> None:
    experiments = _search(
        inv,
        client.pages(
            "GET", "experiments/search", "experiments", {"view_type": "ALL"}, MAX_EXPERIMENTS
        ),
    )
    ids = [e for e in (add_experiment(inv, raw) for raw in experiments) if e is not None]
    runs: dict[str, list[str]] = {}
    remaining = max_runs
    for start in range(0, len(ids), RUN_SEARCH_BATCH):
        if remaining <= 0:
            inv.skip(f"more than {max_runs} runs; the rest were not read (max_runs)")
            break
        request = {"experiment_ids": ids[start : start + RUN_SEARCH_BATCH], "run_view_type": "ALL"}
        found = _search(inv, client.pages("POST", "runs/search", "runs", request, remaining))
        remaining -= len(found)
        for raw in found:
            run = _run(inv, raw, engine)
            if run is not None:
                runs[run] = run_datasets(inv, raw)
    logged = _logged_models(inv, client, ids)
    models = _search(
        inv, client.pages("GET", "registered-models/search", "registered_models", {}, MAX_MODELS)
    )
    aliases: dict[str, dict[str, list[str]]] = {}
    for raw in models:
        name = add_registered_model(inv, raw)
        if name is not None:
            aliases[name] = aliases_by_version(raw)
    versions = _search(
        inv, client.pages("GET", "model-versions/search", "model_versions", {}, MAX_VERSIONS)
    )
    registered_logged: set[str] = set()
    added_models: list[tuple[str, str | None]] = []
    for raw in versions:
        added = add_model_version(inv, raw, aliases, logged)
        if added is None:
            continue
        added_models.append(added)
        logged_id = inv.assets[added[0]].prop("logged_model_id")
        if isinstance(logged_id, str):
            registered_logged.add(logged_id)
    # MLflow 3 logged models no version points to are models of their own
    for model_id, info in logged.items():
        if model_id not in registered_logged:
            added = add_logged_model(inv, info)
            if added is not None:
                added_models.append(added)
    for model_asset, run in added_models:
        if run is None or run not in runs:
            continue
        inv.relate(inv.run_id(run), model_asset, RelationKind.WRITES)
        for dataset in runs[run]:
            inv.relate(model_asset, dataset, RelationKind.TRAINED_ON, run=inv.run_id(run))
    for run, datasets in runs.items():
        for dataset in datasets:
            inv.relate(inv.run_id(run), dataset, RelationKind.READS)


def _logged_models(
    inv: MlflowInventory, client: MlflowClient, experiments: list[str]
) -> dict[str, Mapping[str, Any]]:
    """MLflow 3 logged models of ``experiments``, by model id. An MLflow 2 server has no
    such search (HTTP 404): none, and nothing to report."""
    found: dict[str, Mapping[str, Any]] = {}
    for start in range(0, len(experiments), RUN_SEARCH_BATCH):
        if len(found) >= MAX_LOGGED_MODELS:
            inv.skip(f"more than {MAX_LOGGED_MODELS} logged models; the rest were not read")
            break
        request = {"experiment_ids": experiments[start : start + RUN_SEARCH_BATCH]}
        pages = client.pages(
            "POST", "logged-models/search", "models", request, MAX_LOGGED_MODELS - len(found)
        )
        try:
            for item in pages:
                info = item.get("info")
                if isinstance(info, Mapping) and isinstance(info.get("model_id"), str):
                    found[info["model_id"]] = info
        except NotFound:
            return found
        except Truncated as exc:
            inv.skip(str(exc))
        except AuthRequired:
            raise
        except MlflowError as exc:
            inv.skip(f"{exc}; {len(found)} logged models read before it")
            break
    return found


def _run(inv: MlflowInventory, raw: Mapping[str, Any], engine: CandidateEngine) -> str | None:
    data = raw.get("data")
    params = key_values(data.get("params")) if isinstance(data, Mapping) else []
    tags = key_values(data.get("tags")) if isinstance(data, Mapping) else []
    return add_run(inv, raw, classify_entries(params, tags, engine))


def _search(inv: MlflowInventory, pages: Iterator[dict[str, Any]]) -> list[dict[str, Any]]:
    """Everything a bounded search yields; a bound reached or a failure mid-way is a skip
    and what was read before it is kept."""
    found: list[dict[str, Any]] = []
    try:
        for item in pages:
            found.append(item)
    except Truncated as exc:
        inv.skip(str(exc))
    except AuthRequired:
        raise
    except MlflowError as exc:
        inv.skip(f"{exc}; {len(found)} items read before it")
    return found


MAX_SCANNED_VERSIONS = 200


def scan_versions(
    inv: MlflowInventory, settings: ArtifactSettings, client: MlflowClient | None
) -> None:
    """Versions whose files are on this machine or behind the server's artifact proxy get
    the artifact scanner's facts; others keep ``artifact_scan: not scanned`` and say why."""
    verifier = SignatureVerifier(settings.signing)
    scanned = 0
    for asset_id, asset in list(inv.assets.items()):
        if asset.kind is not AssetKind.MODEL_ARTIFACT or asset.prop("service") != "mlflow":
            continue
        source = asset.prop("model_source")
        directory = local_directory(source)
        proxied = proxied_path(source) if client is not None else None
        facts: dict[str, Any]
        if directory is None and proxied is None:
            reason = "files are neither local nor behind the artifact proxy"
            if logged_model_of(source) is not None:
                reason = f"logged model {source} not found on the server"
            facts = {"artifact_scan_reason": reason}
        elif scanned >= MAX_SCANNED_VERSIONS:
            inv.skip(f"more than {MAX_SCANNED_VERSIONS} model versions scanned; {asset.name} not")
            facts = {"artifact_scan_reason": f"over {MAX_SCANNED_VERSIONS} versions scanned"}
        elif directory is not None:
            scanned += 1
            facts = {"path": str(directory), **scan_model_directory(directory, settings, verifier)}
        elif client is not None and proxied is not None:
            scanned += 1
            with tempfile.TemporaryDirectory(prefix="stackward-mlflow-") as scratch:
                facts = scan_proxied_model(client, proxied, Path(scratch), settings, verifier)
            facts["path"] = str(source)
        else:
            continue
        if facts.get("artifact_scan") == NOT_SCANNED and "artifact_scan_reason" in facts:
            inv.skip(f"model version {asset.name}: {facts['artifact_scan_reason']}")
        inv.assets[asset_id] = dataclasses.replace(asset, properties={**asset.properties, **facts})
