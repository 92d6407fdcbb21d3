"""Pinned framework catalogs and the only way to build a :class:`ControlRef`.

``atlas("AML.T0011.000")``, ``nist("MANAGE 2.4")`` and ``owasp_llm("LLM03")`` raise
:class:`UnknownControlError` for an id that is not in the vendored data, so a typo in a
check fails the moment the check module is imported.
"""

from __future__ import annotations

from stackward.frameworks.catalog import (
    AtlasCatalog,
    AtlasTactic,
    AtlasTechnique,
    UnknownControlError,
    atlas,
    atlas_catalog,
    nist,
    nist_catalog,
    owasp_catalog,
    owasp_llm,
)

__all__ = [
    "AtlasCatalog",
    "AtlasTactic",
    "AtlasTechnique",
    "UnknownControlError",
    "atlas",
    "atlas_catalog",
    "nist",
    "nist_catalog",
    "owasp_catalog",
    "owasp_llm",
]
