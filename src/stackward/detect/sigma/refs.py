"""Sigma tags to framework references: ``atlas.t0051``, ``owasp_llm.llm10``,
``nist_ai_rmf.ms-2.7``. Ids are checked against the pinned catalogs, so a typo in a rule is a
load problem rather than an alert pointing nowhere. Other namespaces (``attack.*``, ``cve.*``)
are kept as plain tags."""

from __future__ import annotations

from collections.abc import Iterable

from stackward.frameworks import UnknownControlError, atlas, nist, owasp_llm
from stackward.model import ControlRef

FRAMEWORK_NAMESPACES = ("atlas", "owasp_llm", "nist_ai_rmf")
_NIST_FUNCTIONS = {"gv": "GOVERN", "mp": "MAP", "ms": "MEASURE", "mg": "MANAGE"}


class UnknownFrameworkId(ValueError):
    """A framework tag whose id is not in the pinned catalog."""


def control_ref(namespace: str, name: str) -> ControlRef:
    """The reference a framework tag names, or :class:`UnknownFrameworkId`."""
    try:
        if namespace == "atlas":
            return atlas("AML." + name.upper())
        if namespace == "owasp_llm":
            return owasp_llm(name.upper())
        if namespace == "nist_ai_rmf":
            function, _, number = name.partition("-")
            full = _NIST_FUNCTIONS.get(function.lower())
            if full is None or not number:
                raise UnknownFrameworkId(f"tag {namespace}.{name}: not a NIST AI RMF id")
            return nist(f"{full} {number}")
    except UnknownControlError as error:
        raise UnknownFrameworkId(f"tag {namespace}.{name}: {error}") from error
    raise UnknownFrameworkId(f"tag {namespace}.{name}: unknown framework namespace")


def refs_from_tags(tags: Iterable[tuple[str, str]]) -> tuple[ControlRef, ...]:
    """References for the framework tags among ``(namespace, name)`` pairs, in tag order."""
    refs: list[ControlRef] = []
    for namespace, name in tags:
        if namespace in FRAMEWORK_NAMESPACES:
            ref = control_ref(namespace, name)
            if ref not in refs:
                refs.append(ref)
    return tuple(refs)
