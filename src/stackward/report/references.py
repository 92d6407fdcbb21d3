"""How framework references are spelled across the report formats."""

from __future__ import annotations

from stackward.model import ControlRef, Framework

ATLAS_URL = "https://atlas.mitre.org"

STANDARDS = {
    Framework.ATLAS: "MITRE ATLAS 5.6.0",
    Framework.NIST_AI_RMF: "NIST AI RMF 1.0",
    Framework.OWASP_LLM: "OWASP LLM Top 10 2025",
}
"""The pinned catalog editions, as a report names the standard a control belongs to."""


def framework_tag(ref: ControlRef) -> str:
    """``AML.T0049``, ``NIST MANAGE 2.4``, ``OWASP LLM03``: the ids triage filters on."""
    if ref.framework is Framework.NIST_AI_RMF:
        return f"NIST {ref.id}"
    if ref.framework is Framework.OWASP_LLM:
        return f"OWASP {ref.id}"
    return ref.id


def atlas_url(control_id: str) -> str:
    """The ATLAS page of a technique or mitigation."""
    kind = "mitigations" if control_id.startswith("AML.M") else "techniques"
    return f"{ATLAS_URL}/{kind}/{control_id}"
