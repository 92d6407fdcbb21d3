"""Model versions' files go through the model-artifact scanner where they can be read.

A tracking server started with a local artifact root records plain paths as version sources;
when the scan runs on that host, the files are scanned in place. A server that proxies its
artifact store (``mlflow-artifacts:`` sources) serves the files over
``GET /api/2.0/mlflow-artifacts/artifacts``; they are streamed into a private temporary
directory, bounded in count, depth and bytes, scanned there and deleted. Either way the
configured limits (``artifacts.*``) apply and signatures beside the files are checked as for
any local model. Nothing is loaded or unpickled; symbolic links are not followed. Other
locations (``s3://``, ``models:``) are recorded as not scanned, with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from stackward.artifacts import scan_path
from stackward.artifacts.inventory import MAX_ISSUES_KEPT, limits_from
from stackward.artifacts.limits import GiB
from stackward.artifacts.signing import VERIFIED, SignatureVerifier
from stackward.collectors.mlflow.client import MlflowClient, MlflowError
from stackward.collectors.mlflow.transform import NOT_SCANNED
from stackward.collectors.sniff import FileKind, sniff
from stackward.config.schema import ArtifactSettings

MAX_FILES = 500
"""Files looked at in one model directory."""
MAX_DEPTH = 4


def local_directory(uri: str | None) -> Path | None:
    """The directory a version source names on this machine, if it is one here."""
    if not uri:
        return None
    if uri.startswith("file://"):
        parts = urlsplit(uri)
        if parts.netloc not in ("", "localhost"):
            return None
        uri = unquote(parts.path)
    if not uri.startswith("/"):
        return None
    path = Path(uri)
    return path if path.is_dir() and not path.is_symlink() else None


def _model_files(directory: Path) -> tuple[list[Path], bool]:
    """Regular files that hold model content; the flag says the bound cut the walk short."""
    found: list[Path] = []
    looked = 0
    base_depth = len(directory.parts)
    for current, dirs, names in os.walk(directory, followlinks=False):
        here = Path(current)
        if len(here.parts) - base_depth >= MAX_DEPTH:
            dirs[:] = []
        dirs.sort()
        for name in sorted(names):
            looked += 1
            if looked > MAX_FILES:
                return found, True
            path = here / name
            try:
                if path.is_symlink() or not path.is_file():
                    continue
                kind, _ = sniff(path, path.stat().st_size)
            except OSError:
                continue
            if kind is FileKind.MODEL_ARTIFACT:
                found.append(path)
    return found, False


def scan_model_directory(
    directory: Path, settings: ArtifactSettings, verifier: SignatureVerifier
) -> dict[str, Any]:
    """Scan facts for a model version: the same properties a scanned file carries
    (``artifact_format``, ``artifact_issues``, ``signature``) merged over its files."""
    files, cut = _model_files(directory)
    if not files:
        return {"artifact_scan": NOT_SCANNED, "artifact_scan_reason": "no model files found"}
    issues: list[dict[str, object]] = []
    formats: list[str] = []
    signatures: list[dict[str, object]] = []
    for path in files:
        name = path.relative_to(directory).as_posix()
        report = scan_path(
            path,
            limits=limits_from(settings),
            allow_globals=tuple(settings.allow_globals),
            compute_hash=settings.hash,
            name=name,
        )
        if report.format:
            formats.append(report.format)
        for issue in report.issues:
            record = issue.as_dict()
            record["member"] = f"{name}!{issue.member}" if issue.member else name
            issues.append(record)
        status = verifier.status(path, report.sha256, directory.parent)
        signatures.append(status or {"status": "absent", "path": name})
    weakest = next((s for s in signatures if s.get("status") != VERIFIED), signatures[0])
    return {
        "artifact_scan": "partial" if cut else "scanned",
        "artifact_format": formats[0] if formats else None,
        "artifact_files": [p.relative_to(directory).as_posix() for p in files[:100]],
        "artifact_issues": issues[:MAX_ISSUES_KEPT],
        "artifact_issue_count": len(issues),
        "signature": weakest if weakest.get("status") != "absent" else None,
    }


def proxied_path(uri: str | None) -> str | None:
    """The path under the server's artifact proxy that an ``mlflow-artifacts:`` URI names."""
    if not uri or not uri.startswith("mlflow-artifacts:"):
        return None
    path = urlsplit(uri).path.strip("/")
    if not path or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


def download_proxied(
    client: MlflowClient, path: str, destination: Path, settings: ArtifactSettings
) -> str | None:
    """Copy the folder ``path`` of the artifact proxy into ``destination``; the reason it
    stopped early, or None when everything was copied."""
    budget = int(settings.max_expanded_gb * GiB)
    pending: list[tuple[str, Path, int]] = [(path, destination, 0)]
    files = 0
    while pending:
        folder, local, depth = pending.pop()
        local.mkdir(parents=True, exist_ok=True)
        for entry in client.list_artifacts(folder):
            name = entry.get("path")
            if not isinstance(name, str) or not name or "/" in name or name in (".", ".."):
                continue
            if entry.get("is_dir") is True:
                if depth + 1 < MAX_DEPTH:
                    pending.append((f"{folder}/{name}", local / name, depth + 1))
                continue
            files += 1
            size = entry.get("file_size")
            if files > MAX_FILES:
                return f"more than {MAX_FILES} files; the rest were not downloaded"
            if isinstance(size, int) and size > budget:
                return f"{folder}/{name} is larger than the artifacts.max_expanded_gb budget"
            client.download_artifact(f"{folder}/{name}", local / name, budget)
            budget -= (local / name).stat().st_size
    return None


def scan_proxied_model(
    client: MlflowClient,
    path: str,
    scratch: Path,
    settings: ArtifactSettings,
    verifier: SignatureVerifier,
) -> dict[str, Any]:
    """Download and scan one proxied model folder under ``scratch`` (the caller's private
    temporary directory, removed afterwards)."""
    local = scratch / "model"
    try:
        stopped = download_proxied(client, path, local, settings)
    except (MlflowError, OSError) as exc:
        return {"artifact_scan": NOT_SCANNED, "artifact_scan_reason": f"download failed: {exc}"}
    facts = scan_model_directory(local, settings, verifier)
    if stopped is not None and facts.get("artifact_scan") == "scanned":
        facts["artifact_scan"] = "partial"
        facts["artifact_scan_reason"] = stopped
    return facts
