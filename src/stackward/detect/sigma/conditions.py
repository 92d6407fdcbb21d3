"""A rule's condition tree, compiled once into nested closures over an :class:`Event`.

pySigma resolves the condition (``1 of selection_*``, ``all of them``, parentheses, ``not``)
against the detections into a tree of AND/OR/NOT nodes whose leaves are "field equals value"
or "value anywhere" (keyword) expressions. Each node becomes one closure; matching an event
calls them with short-circuiting and never looks at pySigma's objects again.

Field semantics: a field holding a list matches when any element does; ``null`` matches an
absent field or a JSON ``null``; ``exists`` means present and not ``null``; a value never
matches an absent field, so ``not`` of such a test is true.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.types import (
    SigmaCasedString,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaString,
    SigmaType,
    SpecialChars,
)

from stackward.detect.event import ANNOTATION_PREFIX, MISSING, Event
from stackward.detect.sigma.values import (
    UnsupportedFeature,
    ValueTest,
    any_element,
    compile_string,
    compile_value,
    one_of_test,
    string_pattern,
    text_of,
)

Predicate = Callable[[Event], bool]

MAX_KEYWORD_VALUES = 10_000
"""Event values a keyword (fieldless) search looks at; deeper or larger events are cut."""
MAX_KEYWORD_DEPTH = 32


@dataclass(frozen=True, slots=True)
class Discriminator:
    """A field the rule requires to equal one of ``values`` (lower-cased text): the detector
    tests the rule only on events whose field has one of them."""

    field: str
    values: frozenset[str]


def compile_condition(node: Any) -> Predicate:
    """The predicate for a postprocessed pySigma condition tree."""
    if isinstance(node, ConditionOR) and (one_of := plain_alternatives(node)) is not None:
        return _one_of_predicate(*one_of)
    if isinstance(node, ConditionAND | ConditionOR):
        parts = tuple(compile_condition(arg) for arg in node.args)
        return _all_of(parts) if isinstance(node, ConditionAND) else _any_of(parts)
    if isinstance(node, ConditionNOT):
        inner = compile_condition(node.args[0])
        return lambda e: not inner(e)
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return _field_predicate(node.field, node.value)
    if isinstance(node, ConditionValueExpression):
        return _keyword_predicate(node.value)
    raise UnsupportedFeature(f"condition element {type(node).__name__} is not supported")


def plain_alternatives(node: ConditionOR) -> tuple[str, frozenset[str]] | None:
    """``field: [a, b, c]`` with plain strings: one field, a set of lower-cased values."""
    fields: set[str] = set()
    values: set[str] = set()
    for arg in node.args:
        if not isinstance(arg, ConditionFieldEqualsValueExpression):
            return None
        found = discriminators(arg)
        if not found:
            return None
        fields.add(arg.field)
        values |= found[0].values
    if len(fields) != 1:
        return None
    return fields.pop(), frozenset(values)


def _one_of_predicate(field: str, values: frozenset[str]) -> Predicate:
    """Set membership for a list of plain values (case-insensitive, any list element)."""
    return _on_field(field, one_of_test(values))


def _on_field(field: str, test: ValueTest) -> Predicate:
    """``test`` on the field's value (any element of a list)."""
    get, tested = compile_getter(field), any_element(test)
    return lambda e: tested(get(e))


def _all_of(parts: tuple[Predicate, ...]) -> Predicate:
    """AND of predicates; the common short chains are unrolled (no generator per event)."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda e: a(e) and b(e)
    if len(parts) == 3:
        a, b, c = parts
        return lambda e: a(e) and b(e) and c(e)
    if len(parts) <= 8:
        head, rest = _all_of(parts[:3]), _all_of(parts[3:])
        return lambda e: head(e) and rest(e)
    return lambda e: all(p(e) for p in parts)


def _any_of(parts: tuple[Predicate, ...]) -> Predicate:
    """OR of predicates, unrolled like :func:`_all_of`."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda e: a(e) or b(e)
    if len(parts) == 3:
        a, b, c = parts
        return lambda e: a(e) or b(e) or c(e)
    if len(parts) <= 8:
        head, rest = _any_of(parts[:3]), _any_of(parts[3:])
        return lambda e: head(e) or rest(e)
    return lambda e: any(p(e) for p in parts)


def _field_predicate(field: str, value: SigmaType) -> Predicate:
    get = compile_getter(field)
    if isinstance(value, SigmaNull):
        return lambda e: (v := get(e)) is MISSING or v is None
    if isinstance(value, SigmaExists):
        wanted = bool(value.exists)
        return lambda e: ((v := get(e)) is not MISSING and v is not None) is wanted
    if isinstance(value, SigmaFieldReference):
        return _fieldref_predicate(get, compile_getter(value.field), value)
    return _on_field(field, compile_value(value))


def _fieldref_predicate(get: Getter, get_other: Getter, ref: SigmaFieldReference) -> Predicate:
    """``fieldref``: the field equals (starts/ends with) another field's value, ignoring case."""

    def compare(left: str, right: str) -> bool:
        left, right = left.lower(), right.lower()
        if ref.starts_with and ref.ends_with:
            return right in left
        if ref.starts_with:
            return left.startswith(right)
        if ref.ends_with:
            return left.endswith(right)
        return left == right

    def predicate(e: Event) -> bool:
        other = text_of(get_other(e))
        if other is None:
            return False
        value = get(e)
        values = value if isinstance(value, list) else [value]
        return any((t := text_of(v)) is not None and compare(t, other) for v in values)

    return predicate


def _keyword_predicate(value: SigmaType) -> Predicate:
    """A fieldless value: found anywhere in any string value of the event (Sigma keywords)."""
    test = _keyword_test(value)
    return lambda e: any(test(text) for text in event_texts(e.fields))


def _keyword_test(value: SigmaType) -> ValueTest:
    if isinstance(value, SigmaExpansion):
        tests = tuple(_keyword_test(item) for item in value.values)
        return lambda v: any(t(v) for t in tests)
    if isinstance(value, SigmaString):
        parts = string_pattern(value)
        multi = SpecialChars.WILDCARD_MULTI
        wrapped = SigmaString()
        wrapped.s = [multi, *parts, multi]
        return compile_string(wrapped, cased=isinstance(value, SigmaCasedString))
    if isinstance(value, SigmaNumber):
        needle = str(value.number)
        return lambda v: isinstance(v, str) and needle in v
    return compile_value(value)


def event_texts(fields: Mapping[str, Any]) -> Iterator[str]:
    """The event's leaf values as text, depth-first, bounded in depth and count."""
    stack: list[tuple[Any, int]] = [(fields, 0)]
    seen = 0
    while stack and seen < MAX_KEYWORD_VALUES:
        node, depth = stack.pop()
        if isinstance(node, Mapping):
            if depth < MAX_KEYWORD_DEPTH:
                stack.extend((child, depth + 1) for child in reversed(list(node.values())))
        elif isinstance(node, list):
            if depth < MAX_KEYWORD_DEPTH:
                stack.extend((child, depth + 1) for child in reversed(node))
        else:
            text = text_of(node)
            if text is not None:
                seen += 1
                yield text


def discriminators(node: Any) -> list[Discriminator]:
    """Every field the condition requires to equal one of a few plain strings.

    Found in the top-level AND chain (and in OR branches that all constrain the same field);
    the detector indexes each rule under one of them.
    """
    if isinstance(node, ConditionFieldEqualsValueExpression):
        value = node.value
        if (
            isinstance(value, SigmaString)
            and not isinstance(value, SigmaCasedString)
            and not value.contains_special()
            and all(isinstance(p, str) for p in value.s)
        ):
            return [Discriminator(node.field, frozenset({"".join(map(str, value.s)).lower()}))]
        return []
    if isinstance(node, ConditionAND):
        return [found for arg in node.args for found in discriminators(arg)]
    if isinstance(node, ConditionOR):
        branches = [discriminators(arg) for arg in node.args]
        if not all(branches):
            return []
        merged: list[Discriminator] = []
        for candidate in branches[0]:
            values = set(candidate.values)
            for branch in branches[1:]:
                same = [d for d in branch if d.field == candidate.field]
                if not same:
                    break
                values |= same[0].values
            else:
                merged.append(Discriminator(candidate.field, frozenset(values)))
        return merged
    return []


def residual_conjuncts(node: Any, found: Discriminator) -> list[Any] | None:
    """The top-level conjuncts of ``node`` but the one ``found`` came from.

    They are what remains to test once the detector's index has seen the event's
    ``found.field`` hold one of ``found.values`` (the index and the removed test compare
    alike: text, case-insensitive, any list element); an empty list when nothing remains.
    None when ``found`` merges several OR branches, whose other tests still apply.
    """
    conjuncts = _conjuncts(node)
    for number, conjunct in enumerate(conjuncts):
        if _states_exactly(conjunct, found):
            return conjuncts[:number] + conjuncts[number + 1 :]
    return None


def _conjuncts(node: Any) -> list[Any]:
    """The top-level AND chain of a condition, nested ANDs flattened."""
    if isinstance(node, ConditionAND):
        return [part for arg in node.args for part in _conjuncts(arg)]
    return [node]


def _states_exactly(node: Any, found: Discriminator) -> bool:
    """Whether ``node`` is true exactly when ``found.field`` holds one of ``found.values``."""
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return discriminators(node) == [found]
    if isinstance(node, ConditionOR):
        return plain_alternatives(node) == (found.field, found.values)
    return False


def referenced_fields(node: Any) -> list[str]:
    """The fields a condition reads, in first-use order (for alert excerpts)."""
    found: dict[str, None] = {}

    def walk(item: Any) -> None:
        if isinstance(item, ConditionFieldEqualsValueExpression):
            found.setdefault(item.field, None)
            if isinstance(item.value, SigmaFieldReference):
                found.setdefault(item.value.field, None)
        for arg in getattr(item, "args", ()):
            walk(arg)

    walk(node)
    return list(found)


Getter = Callable[[Event], Any]


def is_top_level(path: str) -> bool:
    """Whether ``path`` is one key of the record itself, read as ``fields.get(path)`` (no dot:
    neither nested nor an annotation, whose prefix has one)."""
    return "." not in path


def compile_getter(path: str) -> Getter:
    """A fast equivalent of :meth:`Event.get` for one fixed path.

    Same lookup order as :func:`stackward.detect.event.lookup` (the whole remaining path
    first, then its longest dotted prefix that is a key), with the candidate keys joined once
    here instead of on every event.
    """
    if path.startswith(ANNOTATION_PREFIX):
        name = path[len(ANNOTATION_PREFIX) :]
        return lambda e: e.annotations.get(name, MISSING)
    if is_top_level(path):
        return lambda e: e.fields.get(path, MISSING)
    parts = path.split(".")
    general = _general_getter(parts)
    if len(parts) == 2:
        head, tail = parts

        def get_two(e: Event) -> Any:
            fields = e.fields
            if type(fields) is dict and path not in fields:
                node = fields.get(head, MISSING)
                if type(node) is dict:
                    return node.get(tail, MISSING)
                if node is MISSING or type(node) in (str, int, float, bool, list):
                    return MISSING
            return general(e)

        return get_two
    return general


def _general_getter(parts: list[str]) -> Getter:
    count = len(parts)
    steps = [
        tuple((".".join(parts[start:stop]), stop) for stop in range(count, start, -1))
        for start in range(count)
    ]

    def get(e: Event) -> Any:
        node: Any = e.fields
        start = 0
        while True:
            if type(node) is not dict and not isinstance(node, Mapping):
                return MISSING
            for key, stop in steps[start]:
                if key in node:
                    if stop == count:
                        return node[key]
                    node = node[key]
                    start = stop
                    break
            else:
                return MISSING

    return get
