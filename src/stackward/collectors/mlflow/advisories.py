"""Known advisories for MLflow tracking servers: the MLflow entries of the shared advisory file.

The data lives in ``stackward/fingerprint/advisories.yaml`` with every other product's, so the
collector and the fingerprinter flag the same versions of the same server.
"""

from __future__ import annotations

from stackward.fingerprint.advisories import Advisory, builtin_advisories
from stackward.fingerprint.advisories import affecting as affecting_product

PRODUCT = "mlflow"


def mlflow_advisories() -> tuple[Advisory, ...]:
    return tuple(a for a in builtin_advisories() if a.product == PRODUCT)


def affecting(version: str | None) -> list[Advisory]:
    """Advisories whose affected range holds ``version``; none for an unparsable version."""
    return affecting_product(PRODUCT, version)


__all__ = ["Advisory", "affecting", "mlflow_advisories"]
