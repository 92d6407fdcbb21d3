"""SeaweedFS S3 identities (the ``s3.json`` given to ``weed s3 -config``) and what each may
do to one object.

An identity's actions are ``Read``, ``Write``, ``List``, ``Tagging``, ``ReadAcp``,
``WriteAcp`` and ``Admin``, each on every bucket or scoped as ``Read:bucket`` or
``Write:bucket/prefix`` (a trailing ``*`` is a wildcard). The identity named ``anonymous``
serves unsigned requests. Secret keys are parsed with the rest of the JSON and dropped at
once: only each access key id's first four characters are kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from stackward.dspm.access.s3.model import (
    ALL_ACTIONS,
    ANONYMOUS_PRINCIPAL,
    Grant,
    Principal,
    glob_match,
)

SOURCE = "s3-identity"
ANONYMOUS_IDENTITY = "anonymous"
MAX_FILE_BYTES = 5_000_000
MAX_IDENTITIES = 10_000
MAX_ACTIONS = 1_000
KEY_SHOWN = 4

_ACTIONS: dict[str, frozenset[str]] = {
    "Read": frozenset({"s3:GetObject", "s3:GetObjectVersion"}),
    "Write": frozenset(
        {"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"}
    ),
    "List": frozenset({"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"}),
    "Tagging": frozenset({"s3:GetObjectTagging", "s3:PutObjectTagging"}),
    "ReadAcp": frozenset({"s3:GetObjectAcl", "s3:GetBucketAcl"}),
    "WriteAcp": frozenset({"s3:PutObjectAcl", "s3:PutBucketAcl"}),
    "Admin": ALL_ACTIONS,
}


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    access_keys: tuple[str, ...]
    """Access key ids cut to their first four characters and ``…``."""
    actions: tuple[str, ...]
    """As written in the file (``Read``, ``Write:bucket/prefix``)."""


@dataclass(frozen=True, slots=True)
class IdentityConfig:
    identities: tuple[Identity, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)


def redact_key(access_key: str) -> str:
    return f"{access_key[:KEY_SHOWN]}…"


def read_identities(path: Path) -> IdentityConfig:
    """Parse an identity file; problems name the file, never a key."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return IdentityConfig(problems=(f"{path}: {size:,} bytes; not read",))
        document = json.loads(path.read_bytes())
    except OSError as exc:
        return IdentityConfig(problems=(f"{path}: cannot be read ({exc.strerror or exc})",))
    except ValueError as exc:
        return IdentityConfig(problems=(f"{path}: not JSON ({type(exc).__name__})",))
    return parse_identities(document, str(path))


def parse_identities(document: object, origin: str) -> IdentityConfig:
    """The identities of a decoded ``s3.json``; ``origin`` names it in problems."""
    raw = document.get("identities") if isinstance(document, Mapping) else None
    if not isinstance(raw, list):
        return IdentityConfig(problems=(f"{origin}: no identities list",))
    identities: list[Identity] = []
    problems: list[str] = []
    if len(raw) > MAX_IDENTITIES:
        problems.append(f"{origin}: {len(raw):,} identities; the first {MAX_IDENTITIES} read")
    for number, entry in enumerate(raw[:MAX_IDENTITIES], start=1):
        parsed = _identity(entry)
        if parsed is None:
            problems.append(f"{origin}: identity {number} has no name or a malformed actions list")
        else:
            identities.append(parsed)
    return IdentityConfig(tuple(identities), tuple(problems))


def _identity(entry: object) -> Identity | None:
    if not isinstance(entry, Mapping):
        return None
    name, actions = entry.get("name"), entry.get("actions", [])
    if not isinstance(name, str) or not name or not isinstance(actions, list):
        return None
    if not all(isinstance(a, str) for a in actions):
        return None
    credentials = entry.get("credentials", [])
    keys = tuple(
        redact_key(c["accessKey"])
        for c in (credentials if isinstance(credentials, list) else [])
        if isinstance(c, Mapping) and isinstance(c.get("accessKey"), str)
    )
    return Identity(name, keys, tuple(actions[:MAX_ACTIONS]))


def _applies(scope: str, bucket: str, key: str) -> bool:
    """``scope`` is ``bucket``, ``bucket/prefix`` or either with a trailing ``*``."""
    if not scope:
        return True
    scoped_bucket, slash, prefix = scope.partition("/")
    if not glob_match(scoped_bucket, bucket):
        return False
    if not slash:
        return True
    return key.startswith(prefix.rstrip("*")) or glob_match(prefix, key)


def principal_of(identity: Identity) -> Principal:
    if identity.name == ANONYMOUS_IDENTITY:
        return ANONYMOUS_PRINCIPAL
    return Principal(identity.name, "s3_identity")


def identity_grants(config: IdentityConfig, bucket: str, key: str) -> list[Grant]:
    """Per identity, the actions its entries allow on ``bucket/key`` and on the bucket."""
    grants: list[Grant] = []
    for identity in config.identities:
        actions: set[str] = set()
        used: list[str] = []
        for entry in identity.actions:
            verb, _, scope = entry.partition(":")
            given = _ACTIONS.get(verb)
            if given and _applies(scope, bucket, key):
                actions |= given
                used.append(entry)
        if not actions:
            continue
        principal = principal_of(identity)
        shown = "the anonymous identity" if principal.everyone else f"identity {identity.name}"
        grants.append(
            Grant(
                principal=principal,
                actions=frozenset(actions),
                via=(principal.name, f"s3 identity {identity.name}: {', '.join(used)}"),
                reason=f"{shown} is configured with {', '.join(used)}",
                source=SOURCE,
            )
        )
    return grants
