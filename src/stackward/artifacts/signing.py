"""OpenSSF model-signing signatures beside models: find them, read them, verify them.

A signature is a Sigstore bundle (``model.sig`` for a signed directory, ``FILE.sig`` for a
signed file) whose DSSE payload lists every signed file with its SHA-256. The scanner
compares that list with the hashes it computed itself, and, when keys or certificate
chains are configured, verifies the bundle cryptographically with the ``model-signing``
package. Nothing here needs the network.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stackward.config.schema import SigningSettings

MAX_SIGNATURE_BYTES = 16 * 1024 * 1024

VERIFIED = "verified"
DIGEST_MISMATCH = "digest-mismatch"
INVALID = "invalid"
UNVERIFIED = "unverified"
NOT_COVERED = "not-covered"
UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class SignatureFile:
    path: Path
    signed_root: Path
    """What was signed: a directory (``model.sig``) or one file (``FILE.sig``)."""
    claims: dict[str, str]
    """Signed SHA-256 per file, by path relative to ``signed_root`` (``"."`` for a file)."""
    error: str | None = None


def read_signature(path: Path, signed_root: Path) -> SignatureFile:
    """Parse the bundle's in-toto statement without trusting it yet."""
    try:
        raw = path.read_bytes()[: MAX_SIGNATURE_BYTES + 1]
        if len(raw) > MAX_SIGNATURE_BYTES:
            return SignatureFile(path, signed_root, {}, "signature file is implausibly large")
        bundle = json.loads(raw)
        payload = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"], validate=True))
        resources = payload["predicate"]["resources"]
        claims = {
            str(r["name"]): str(r["digest"]).lower()
            for r in resources
            if isinstance(r, dict) and str(r.get("algorithm", "sha256")).lower() == "sha256"
        }
    except (OSError, ValueError, KeyError, TypeError, binascii.Error, RecursionError) as exc:
        return SignatureFile(path, signed_root, {}, f"not a model-signing bundle: {exc}")
    return SignatureFile(path, signed_root, claims)


def find_signature(model: Path, root: Path) -> tuple[Path, Path] | None:
    """The signature covering ``model``: ``model.sig`` beside a file, else ``model.sig``
    in its directory or an ancestor up to ``root``, else ``DIR.sig`` beside an ancestor."""
    beside = model.with_name(model.name + ".sig")
    if beside.is_file():
        return beside, model
    directory = model.parent
    while True:
        candidate = directory / "model.sig"
        if candidate.is_file():
            return candidate, directory
        named = directory.with_name(directory.name + ".sig")
        if directory != root and named.is_file():
            return named, directory
        if directory == root or directory.parent == directory or root not in directory.parents:
            return None
        directory = directory.parent


@dataclass(slots=True)
class SignatureVerifier:
    """Verifies each signature once and answers per model file."""

    settings: SigningSettings
    _files: dict[Path, SignatureFile] = field(default_factory=dict)
    _crypto: dict[Path, str | None] = field(default_factory=dict)

    def status(self, model: Path, sha256: str | None, root: Path) -> dict[str, object] | None:
        """Signature facts for ``model`` (``None`` when no signature covers it)."""
        found = find_signature(model, root)
        if found is None:
            return None
        sig_path, signed_root = found
        signature = self._files.get(sig_path)
        if signature is None:
            signature = self._files[sig_path] = read_signature(sig_path, signed_root)
        facts: dict[str, object] = {"path": str(sig_path)}
        if signature.error:
            return {**facts, "status": UNREADABLE, "detail": signature.error}
        name = "." if signed_root == model else model.relative_to(signed_root).as_posix()
        claimed = signature.claims.get(name)
        if claimed is None:
            return {**facts, "status": NOT_COVERED, "detail": f"{name} is not in the signature"}
        if sha256 is not None and claimed != sha256:
            return {
                **facts,
                "status": DIGEST_MISMATCH,
                "detail": f"signed sha256 {claimed}, file has {sha256}",
            }
        if not (self.settings.public_keys or self.settings.certificate_chains):
            return {
                **facts,
                "status": UNVERIFIED,
                "detail": "no artifacts.signing keys or certificate chains configured",
            }
        failure = self._verify(signature)
        if failure is not None:
            return {**facts, "status": INVALID, "detail": failure}
        return {**facts, "status": VERIFIED}

    def _verify(self, signature: SignatureFile) -> str | None:
        if signature.path not in self._crypto:
            self._crypto[signature.path] = self._verify_with_configured(signature)
        return self._crypto[signature.path]

    def _verify_with_configured(self, signature: SignatureFile) -> str | None:
        """``None`` when one configured key or chain verifies the bundle. A bundle whose
        envelope verifies but whose other files changed still vouches for this file, whose
        digest was compared above."""
        from model_signing import verifying

        errors: list[str] = []
        configs = [
            verifying.Config().use_elliptic_key_verifier(public_key=key)  # type: ignore[no-untyped-call]
            for key in self.settings.public_keys
        ]
        if self.settings.certificate_chains:
            configs.append(
                verifying.Config().use_certificate_verifier(  # type: ignore[no-untyped-call]
                    certificate_chain=self.settings.certificate_chains
                )
            )
        for config in configs:
            try:
                config.verify(signature.signed_root, signature.path)
            except ValueError as exc:
                message = str(exc)
                if message.startswith("Signature mismatch"):
                    return None
                errors.append(message)
            except Exception as exc:  # the package raises several types for bad bundles
                errors.append(f"{type(exc).__name__}: {exc}")
            else:
                return None
        return "; ".join(errors)[:500] or "no configured key verifies the signature"
