"""Sigma values (after pySigma applied the modifiers) compiled into tests over one event value.

pySigma turns ``contains``/``startswith``/``endswith`` into wildcards, ``base64``/``windash``
into plain strings or :class:`~sigma.types.SigmaExpansion` alternatives, ``re`` into a
:class:`~sigma.types.SigmaRegularExpression` and so on. Each such value becomes one small
closure here, built once per rule, so matching an event is a few string operations and no
walk over pySigma's objects.

Event values are compared as text: a string as is, a JSON number by its decimal spelling,
a boolean as ``true``/``false``; ``null``, objects and absent fields never equal a value.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from typing import Any

from sigma.types import (
    Placeholder,
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExpansion,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaRegularExpressionFlag,
    SigmaString,
    SigmaType,
    SpecialChars,
)

ValueTest = Callable[[Any], bool]
"""A test over one scalar event value (lists are expanded by the caller)."""


class UnsupportedFeature(ValueError):
    """A Sigma feature this engine does not evaluate; the rule is refused at load time."""


_REGEX_FLAGS = {
    SigmaRegularExpressionFlag.IGNORECASE: re.IGNORECASE,
    SigmaRegularExpressionFlag.MULTILINE: re.MULTILINE,
    SigmaRegularExpressionFlag.DOTALL: re.DOTALL,
}
_COMPARE = {
    SigmaCompareExpression.CompareOperators.LT: float.__lt__,
    SigmaCompareExpression.CompareOperators.LTE: float.__le__,
    SigmaCompareExpression.CompareOperators.GT: float.__gt__,
    SigmaCompareExpression.CompareOperators.GTE: float.__ge__,
    SigmaCompareExpression.CompareOperators.NEQ: float.__ne__,
}


def text_of(value: Any) -> str | None:
    """The text a Sigma string is compared with, or None for values no string equals."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None


def number_of(value: Any) -> float | None:
    """A numeric reading of an event value for ``gt``/``lt`` comparisons."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def compile_value(value: SigmaType) -> ValueTest:
    """The test for one rule value, or :class:`UnsupportedFeature`."""
    if isinstance(value, SigmaString):
        return compile_string(value, cased=isinstance(value, SigmaCasedString))
    if isinstance(value, SigmaExpansion):
        tests = tuple(compile_value(item) for item in value.values)
        return lambda v: any(test(v) for test in tests)
    if isinstance(value, SigmaBool):
        return _bool_test(value.boolean)
    if isinstance(value, SigmaNumber):
        if type(value).__name__ != "SigmaNumber":
            raise UnsupportedFeature(f"value type {type(value).__name__} is not supported")
        spelled = str(value.number)
        return lambda v: text_of(v) == spelled
    if isinstance(value, SigmaRegularExpression):
        return compile_regex(value)
    if isinstance(value, SigmaCIDRExpression):
        return cidr_any_test([value.network])
    if isinstance(value, SigmaCompareExpression):
        return _compare_test(value)
    raise UnsupportedFeature(f"value type {type(value).__name__} is not supported")


def string_pattern(value: SigmaString) -> list[str | SpecialChars]:
    """The parts of a Sigma string; placeholders (the ``expand`` modifier) are unsupported."""
    parts: list[str | SpecialChars] = []
    for part in value.s:
        if isinstance(part, Placeholder):
            raise UnsupportedFeature(f"placeholder %{part.name}% (expand modifier)")
        parts.append(part)
    return parts


def compile_string(value: SigmaString, cased: bool) -> ValueTest:
    """Equality with ``*``/``?`` wildcards, case-insensitive unless ``cased``.

    The common shapes (plain, ``*x*``, ``x*``, ``*x``) become ``str`` methods; anything else a
    compiled regular expression, anchored at both ends.
    """
    parts = string_pattern(value)
    if not parts:
        return lambda v: text_of(v) == ""
    if parts == [SpecialChars.WILDCARD_MULTI]:
        return lambda v: text_of(v) is not None
    shape = _shape(parts)
    if shape is not None:
        kind, text = shape
        return _cased_test(kind, text) if cased else _folded_test(kind, text.lower())
    pattern = re.compile(wildcard_regex(parts), re.DOTALL | (0 if cased else re.IGNORECASE))
    return lambda v: (t := text_of(v)) is not None and pattern.fullmatch(t) is not None


def _shape(parts: list[str | SpecialChars]) -> tuple[str, str] | None:
    """``eq`` (no wildcard), ``contains`` (``*x*``), ``startswith`` (``x*``) or ``endswith``
    (``*x``) and the text, as written; None for any other wildcard pattern."""
    multi = SpecialChars.WILDCARD_MULTI
    plain = [p for p in parts if isinstance(p, str)]
    if plain and len(plain) == len(parts):
        return "eq", "".join(plain)
    if len(plain) != 1:
        return None
    if len(parts) == 3 and parts[0] is multi and parts[2] is multi:
        return "contains", plain[0]
    if len(parts) == 2 and parts[1] is multi:
        return "startswith", plain[0]
    if len(parts) == 2 and parts[0] is multi:
        return "endswith", plain[0]
    return None


def _cased_test(kind: str, text: str) -> ValueTest:
    if kind == "eq":
        return lambda v: text_of(v) == text
    if kind == "contains":
        return lambda v: (t := text_of(v)) is not None and text in t
    if kind == "startswith":
        return lambda v: (t := text_of(v)) is not None and t.startswith(text)
    return lambda v: (t := text_of(v)) is not None and t.endswith(text)


def _folded_test(kind: str, needle: str) -> ValueTest:
    """The case-insensitive test of a shape; ``needle`` is lower-cased."""
    if kind == "eq":
        return lambda v: (
            v.lower() == needle
            if type(v) is str
            else (t := text_of(v)) is not None and t.lower() == needle
        )
    if kind == "contains":
        return lambda v: (
            needle in v.lower()
            if type(v) is str
            else (t := text_of(v)) is not None and needle in t.lower()
        )
    if kind == "startswith":
        return lambda v: (t := text_of(v)) is not None and t.lower().startswith(needle)
    return lambda v: (t := text_of(v)) is not None and t.lower().endswith(needle)


def string_shape(value: SigmaType) -> tuple[str, str] | None:
    """``(shape, needle)`` for a case-insensitive string :func:`compile_string` tests with one
    ``str`` method (see :func:`_shape`), the needle lower-cased; None for any other value."""
    if not isinstance(value, SigmaString) or isinstance(value, SigmaCasedString):
        return None
    parts = [part for part in value.s if not isinstance(part, Placeholder)]
    if len(parts) != len(value.s):
        return None
    shape = _shape(parts)
    return None if shape is None else (shape[0], shape[1].lower())


def any_element(test: ValueTest) -> ValueTest:
    """A value test applied to a field's value: a list matches when any element does."""

    def tested(v: Any) -> bool:
        if type(v) is list:
            return any(test(item) for item in v)
        return test(v)

    return tested


def one_of_test(values: frozenset[str]) -> ValueTest:
    """Equality with one of ``values`` (lower-cased), as text, ignoring case."""

    def one(v: Any) -> bool:
        if type(v) is str:
            return v.lower() in values
        text = text_of(v)
        return text is not None and text.lower() in values

    return one


def wildcard_regex(parts: list[str | SpecialChars]) -> str:
    """A regular expression for a wildcard string (unanchored; the caller anchors)."""
    out: list[str] = []
    for part in parts:
        if part is SpecialChars.WILDCARD_MULTI:
            out.append(".*")
        elif part is SpecialChars.WILDCARD_SINGLE:
            out.append(".")
        else:
            out.append(re.escape(str(part)))
    return "".join(out)


def compile_regex(value: SigmaRegularExpression) -> ValueTest:
    """``re``: Python ``re.search`` (unanchored, as Sigma specifies), flags from ``i``/``m``/``s``."""
    flags = 0
    for flag in value.flags:
        flags |= _REGEX_FLAGS[flag]
    try:
        pattern = re.compile(str(value.regexp), flags)
    except re.error as error:
        raise UnsupportedFeature(f"invalid regular expression: {error}") from error
    return lambda v: (t := text_of(v)) is not None and pattern.search(t) is not None


def _bool_test(expected: bool) -> ValueTest:
    spelled = "true" if expected else "false"

    def test(v: Any) -> bool:
        if isinstance(v, bool):
            return v is expected
        if isinstance(v, int):
            return v == int(expected)
        return isinstance(v, str) and v.lower() == spelled

    return test


_V6_FIRST = frozenset("0123456789abcdefABCDEF:")


def cidr_any_test(networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> ValueTest:
    """Membership in any of ``networks`` (``field|cidr: [a, b, c]``), the address parsed once,
    by integer mask on ``inet_pton`` output: strict dotted-quad or IPv6 text, the same
    addresses :mod:`ipaddress` accepts, at a fraction of its cost per event.

    Text that cannot be an address of a family (an IPv4 address starts with a digit, an IPv6
    one with a hex digit or a colon) is not handed to ``inet_pton``, whose failure is an
    exception: costly, and common where a field holds host names too.
    """
    v4 = tuple((int(n.network_address), int(n.netmask)) for n in networks if n.version == 4)
    v6 = tuple((int(n.network_address), int(n.netmask)) for n in networks if n.version == 6)

    def test(v: Any) -> bool:
        if type(v) is not str:
            return False
        text = v.strip()
        if not text:
            return False
        if v4 and "0" <= text[0] <= "9":
            try:
                number = int.from_bytes(socket.inet_pton(socket.AF_INET, text), "big")
            except (OSError, ValueError):
                pass
            else:
                return any(number & mask == base for base, mask in v4)
        if v6 and text[0] in _V6_FIRST:
            try:
                number = int.from_bytes(socket.inet_pton(socket.AF_INET6, text), "big")
            except (OSError, ValueError):
                return False
            return any(number & mask == base for base, mask in v6)
        return False

    return test


def _compare_test(value: SigmaCompareExpression) -> ValueTest:
    operator = _COMPARE[value.op]
    bound = float(value.number.number)

    def test(v: Any) -> bool:
        number = number_of(v)
        return number is not None and operator(number, bound)

    return test
