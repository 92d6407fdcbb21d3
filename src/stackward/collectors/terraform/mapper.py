"""The mapper contract: how provider modules plug resource types into a build."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from stackward.collectors.terraform.build import Build
from stackward.collectors.terraform.document import TfResource

Mapper = Callable[[TfResource, Build], None]
"""Adds drafts and relations for one resource."""
Merger = Callable[[TfResource, Build], bool]
"""Merges one auxiliary resource onto the asset it configures; False if none was found."""
Finisher = Callable[[Build], None]
"""Derives facts that need every draft of the plan (public exposure, service usage)."""


@dataclass(frozen=True, slots=True)
class ProviderMappers:
    """What one provider module contributes; the collector merges them all by type."""

    primary: dict[str, Mapper] = field(default_factory=dict)
    """Resource types that become their own asset."""
    auxiliary: dict[str, Merger] = field(default_factory=dict)
    """Resource types that configure another asset; one whose target is not in the plan
    is kept as a generic asset instead."""
    finishers: tuple[Finisher, ...] = ()
