"""Notebook servers reachable from outside the cluster without credentials."""

from __future__ import annotations

from stackward.checks.base import CheckMeta
from stackward.checks.builtin.kubernetes.exposure_base import UnauthenticatedExposureCheck
from stackward.frameworks import atlas, nist
from stackward.model import AssetKind, Layer, Severity


class ExposedNotebookCheck(UnauthenticatedExposureCheck):
    categories = frozenset({"notebook"})
    meta = CheckMeta(
        id="SW-K8S-002",
        title="Notebook server exposed outside the cluster without authentication",
        severity=Severity.CRITICAL,
        layer=Layer.EXPERIMENTATION,
        kinds=frozenset({AssetKind.NOTEBOOK_INSTANCE}),
        refs=(
            atlas("AML.T0049"),
            atlas("AML.T0050"),
            atlas("AML.T0035"),
            atlas("AML.M0019"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
        ),
        rationale=(
            "A Jupyter server is a remote shell by design: whoever reaches it without a token runs"
            " code in the pod, with its service-account token, mounted credentials, training data"
            " and network position. Open notebooks are routinely mass-exploited for cryptomining"
            " and as a first foothold in the cluster."
        ),
        remediation=(
            "Never disable the notebook token or password; publish notebooks only through"
            " JupyterHub or an authenticating proxy (Ingress auth-url / OIDC, oauth2-proxy), and"
            " keep the Service ClusterIP."
        ),
    )
