"""pySigma correlation rules into :class:`CorrelationSpec` values the detector runs."""

from __future__ import annotations

from collections.abc import Mapping

from sigma.correlations import (
    SigmaCorrelationCondition,
    SigmaCorrelationRule,
    SigmaCorrelationType,
)

from stackward.detect.sigma.rules import CompiledRule, CorrelationSpec, RuleInfo
from stackward.detect.sigma.values import UnsupportedFeature

SUPPORTED_TYPES = {
    SigmaCorrelationType.EVENT_COUNT: "event_count",
    SigmaCorrelationType.VALUE_COUNT: "value_count",
    SigmaCorrelationType.TEMPORAL: "temporal",
    SigmaCorrelationType.TEMPORAL_ORDERED: "temporal_ordered",
}


def correlation_spec(
    rule: SigmaCorrelationRule, info: RuleInfo, by_reference: Mapping[str, CompiledRule]
) -> CorrelationSpec:
    """The spec for ``rule``; :class:`UnsupportedFeature` names what cannot be evaluated."""
    kind = SUPPORTED_TYPES.get(rule.type)
    if kind is None:
        raise UnsupportedFeature(f"correlation type {rule.type.name.lower()} is not supported")
    condition = rule.condition
    if not isinstance(condition, SigmaCorrelationCondition):
        raise UnsupportedFeature("extended (boolean) correlation conditions are not supported")
    references = [ref.reference for ref in rule.rules or []]
    if not references:
        raise UnsupportedFeature("the correlation names no rules")
    keys: list[str] = []
    for reference in references:
        base = by_reference.get(reference)
        if base is None:
            raise UnsupportedFeature(
                f"rule {reference!r} is not a loaded single-event rule "
                "(missing, disabled, refused, or itself a correlation)"
            )
        if base.info.key not in keys:
            keys.append(base.info.key)
    value_field = ""
    if kind == "value_count":
        if not isinstance(condition.fieldref, str):
            raise UnsupportedFeature("value_count needs exactly one condition field")
        value_field = condition.fieldref
    if kind == "temporal_ordered" and not (
        condition.op.name.lower() == "gte" and condition.count == len(keys)
    ):
        raise UnsupportedFeature("temporal_ordered supports only the default condition (all rules)")
    aliases: dict[str, dict[str, str]] = {}
    for alias in rule.aliases:
        mapping: dict[str, str] = {}
        for ref, field_name in alias.mapping.items():
            base = by_reference.get(ref.reference)
            if base is None:
                raise UnsupportedFeature(
                    f"alias {alias.alias!r} names unknown rule {ref.reference!r}"
                )
            mapping[base.info.key] = field_name
        aliases[alias.alias] = mapping
    return CorrelationSpec(
        info=info,
        kind=kind,
        rules=tuple(keys),
        group_by=tuple(rule.group_by or ()),
        timespan=float(rule.timespan.seconds),
        op=condition.op.name.lower(),
        threshold=float(condition.count),
        value_field=value_field,
        aliases=aliases,
    )
