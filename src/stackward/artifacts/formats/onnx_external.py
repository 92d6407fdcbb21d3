"""Where an ONNX tensor's external data lives, and whether that place is acceptable.

The ONNX loader opens ``location`` relative to the model file and reads it into the tensor.
A location that is absolute, climbs out with ``..``, or resolves through a symlink to
somewhere else turns a model file into a file-read primitive (``/etc/passwd`` into a weight
a served model can echo back). Only the path is judged; no external file is opened.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from stackward.artifacts.context import ScanContext
from stackward.artifacts.issues import IssueKind
from stackward.model import Severity

SENSITIVE_PREFIXES = (
    "/etc/",
    "/proc/",
    "/sys/",
    "/dev/",
    "/root/",
    "/boot/",
    "/run/secrets/",
    "/var/run/secrets/",
)
SENSITIVE_PARTS = frozenset(
    {".ssh", ".aws", ".kube", ".gnupg", ".docker", ".netrc", ".git-credentials", ".env", "shadow"}
)
"""Credential stores and system files: reading these is the point of an escape, not an accident."""
_DRIVE = re.compile(r"^[A-Za-z]:")


def _parts(location: str) -> list[str]:
    return [part for part in location.replace("\\", "/").split("/") if part not in ("", ".")]


def _is_sensitive(path: str) -> bool:
    normalized = "/" + "/".join(_parts(path)).lower()
    if any(normalized.startswith(p) or normalized + "/" == p for p in SENSITIVE_PREFIXES):
        return True
    return bool(SENSITIVE_PARTS & set(_parts(normalized)))


def _escape_target(location: str) -> str | None:
    """What ``location`` points at if it leaves the model directory, else ``None``."""
    if location.startswith(("/", "\\")) or _DRIVE.match(location):
        return location
    depth = 0
    for part in _parts(location):
        depth += -1 if part == ".." else 1
        if depth < 0:
            return location
    return None


def _report_escape(location: str, tensor: str, how: str, target: str, ctx: ScanContext) -> None:
    sensitive = _is_sensitive(target) or _is_sensitive(location.lstrip("./\\"))
    ctx.issue(
        IssueKind.EXTERNAL_REFERENCE,
        Severity.CRITICAL if sensitive else Severity.HIGH,
        f"tensor {tensor!r} stores its data at {location!r}, which {how}; loading the model"
        " reads that file into the tensor"
        + (" (a sensitive system or credential file)" if sensitive else ""),
        symbol=location,
    )


def _report_missing(location: str, tensor: str, ctx: ScanContext) -> None:
    ctx.issue(
        IssueKind.EXTERNAL_REFERENCE,
        Severity.LOW,
        f"tensor {tensor!r} stores its data in {location!r}, which is not next to the model",
        symbol=location,
    )


def judge_external_location(location: str, tensor: str, ctx: ScanContext) -> None:
    """Flag an external-data path that leaves the model's directory or does not exist."""
    if "\x00" in location:
        _report_escape(location, tensor, "contains a NUL byte", location, ctx)
        return
    escaped = _escape_target(location)
    if escaped is not None:
        _report_escape(location, tensor, "points outside the model directory", escaped, ctx)
        return
    if ctx.base_dir is not None and not ctx.member_path:
        _judge_on_disk(location, tensor, ctx.base_dir, ctx)
    elif ctx.container_members and ctx.member_path:
        folder = PurePosixPath(ctx.member_path[-1]).parent
        wanted = str(folder.joinpath(*_parts(location))).removeprefix("./")
        if wanted not in ctx.container_members:
            _report_missing(location, tensor, ctx)


def _judge_on_disk(location: str, tensor: str, base_dir: Path, ctx: ScanContext) -> None:
    try:
        root = base_dir.resolve()
        target = (base_dir / location).resolve()
    except (OSError, RuntimeError) as exc:
        _report_escape(location, tensor, f"cannot be resolved ({exc})", location, ctx)
        return
    if not target.is_relative_to(root):
        _report_escape(
            location, tensor, f"resolves through a symlink to {str(target)!r}", str(target), ctx
        )
    elif not target.is_file():
        _report_missing(location, tensor, ctx)
