"""A rule's condition compiled into one generated Python function.

:func:`~stackward.detect.sigma.conditions.compile_condition` builds a tree of closures: a
test on ``eventName`` costs three or four Python calls (the AND node, the leaf, the getter,
the value test). Here the same tree becomes the source of a single function: a field equal
to, containing, starting or ending with a string, or one of a set of strings, is an inline
string operation on ``str`` values; other values are tested by the same value tests as the closures' (with one
address parse for a list of networks); the rest (``null``, ``exists``, ``fieldref``,
keywords) calls its closure from :func:`compile_condition`. The answers are the closures'
(tested against them).

Rule content never enters the generated source: field names, values and closures are
referenced by generated names (``c0``, ``p1``...) bound in the function's namespace, so a
rule cannot inject code. A condition too large or too deep to compile falls back to the
closures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
)
from sigma.types import SigmaCIDRExpression, SigmaExists, SigmaFieldReference, SigmaNull

from stackward.detect.event import MISSING, Event
from stackward.detect.sigma.conditions import (
    Predicate,
    compile_condition,
    compile_getter,
    is_top_level,
    plain_alternatives,
)
from stackward.detect.sigma.values import (
    ValueTest,
    any_element,
    cidr_any_test,
    compile_value,
    one_of_test,
    string_shape,
)

MAX_SOURCE_CHARS = 200_000
"""Generated source above this size is not compiled; the closures are used instead."""

_INLINE = {
    "eq": "v.lower() == {c}",
    "contains": "{c} in v.lower()",
    "startswith": "v.lower().startswith({c})",
    "endswith": "v.lower().endswith({c})",
    "one_of": "v.lower() in {c}",
}


class _Source:
    """The names a generated function refers to, and whether it reads ``e.fields``."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"M": MISSING}
        self.reads_fields = False

    def bind(self, prefix: str, value: Any) -> str:
        name = f"{prefix}{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def expression(self, node: Any) -> str:
        if isinstance(node, ConditionAND | ConditionOR):
            joiner = " and " if isinstance(node, ConditionAND) else " or "
            if isinstance(node, ConditionOR) and (one_of := plain_alternatives(node)):
                field, values = one_of
                return self._inline(field, "one_of", values, one_of_test(values))
            if isinstance(node, ConditionOR) and (networks := _cidr_alternatives(node)):
                return self._tested(networks[0], cidr_any_test(networks[1]))
            return "(" + joiner.join(self.expression(arg) for arg in node.args) + ")"
        if isinstance(node, ConditionNOT):
            return f"(not {self.expression(node.args[0])})"
        if isinstance(node, ConditionFieldEqualsValueExpression) and not isinstance(
            node.value, SigmaNull | SigmaExists | SigmaFieldReference
        ):
            shape = string_shape(node.value)
            if shape is not None:
                kind, needle = shape
                return self._inline(node.field, kind, needle, compile_value(node.value))
            return self._tested(node.field, compile_value(node.value))
        return f"{self.bind('p', compile_condition(node))}(e)"

    def _value(self, field: str) -> str:
        """The expression reading ``field`` as :func:`compile_getter` does."""
        if not is_top_level(field):
            return f"{self.bind('g', compile_getter(field))}(e)"
        self.reads_fields = True
        return f"f.get({self.bind('n', field)}, M)"

    def _inline(self, field: str, kind: str, needle: Any, test: ValueTest) -> str:
        """An inline string test on ``str`` values; lists and other types go to ``test``
        through the same list semantics as the closures."""
        inline = _INLINE[kind].format(c=self.bind("c", needle))
        other = self.bind("t", any_element(test))
        return f"({inline} if type(v := {self._value(field)}) is str else {other}(v))"

    def _tested(self, field: str, test: ValueTest) -> str:
        """``test`` on the field's value (any element of a list)."""
        scalar, listed = self.bind("t", test), self.bind("t", any_element(test))
        return f"({scalar}(v) if type(v := {self._value(field)}) is not list else {listed}(v))"


def _always(_: Event) -> bool:
    return True


def _cidr_alternatives(node: ConditionOR) -> tuple[str, list[Any]] | None:
    """``field|cidr: [a, b, c]``: one field, its networks."""
    fields: set[str] = set()
    networks: list[Any] = []
    for arg in node.args:
        if not isinstance(arg, ConditionFieldEqualsValueExpression):
            return None
        value = arg.value
        if not isinstance(value, SigmaCIDRExpression):
            return None
        fields.add(arg.field)
        networks.append(value.network)
    if len(fields) != 1:
        return None
    return fields.pop(), networks


def generate_predicate(node: Any) -> Predicate:
    """One generated function equivalent to ``compile_condition(node)``."""
    return generate_conjunction([node])


def generate_conjunction(nodes: list[Any]) -> Predicate:
    """One generated function true when every condition in ``nodes`` is (true for none)."""
    if not nodes:
        return _always
    fallback = nodes[0] if len(nodes) == 1 else ConditionAND(list(nodes))
    source = _Source()
    try:
        body = " and ".join(source.expression(node) for node in nodes)
    except RecursionError:
        return compile_condition(fallback)
    prologue = "    f = e.fields\n" if source.reads_fields else ""
    text = f"def match(e):\n{prologue}    return {body}\n"
    if len(text) > MAX_SOURCE_CHARS:
        return compile_condition(fallback)
    try:
        code = compile(text, "<sigma rule>", "exec")
    except (RecursionError, MemoryError, SyntaxError):
        return compile_condition(fallback)
    namespace = source.namespace
    exec(code, namespace)  # noqa: S102 - generated from fixed snippets; rule data by name only
    generated: Callable[[Event], bool] = namespace["match"]
    return generated
