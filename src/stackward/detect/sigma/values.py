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
        return _cidr_test(value.network)
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
    fold: Callable[[str], str] = (lambda s: s) if cased else str.lower
    multi = SpecialChars.WILDCARD_MULTI
    plain = [p for p in parts if isinstance(p, str)]
    if not parts:
        return lambda v: text_of(v) == ""
    if len(plain) == len(parts):
        target = fold("".join(plain))
        if cased:
            return lambda v: text_of(v) == target
        return lambda v: (
            v.lower() == target
            if type(v) is str
            else (t := text_of(v)) is not None and t.lower() == target
        )
    if parts == [multi]:
        return lambda v: text_of(v) is not None
    if len(parts) == 3 and parts[0] is multi and parts[2] is multi and len(plain) == 1:
        needle = fold(plain[0])
        return lambda v: (
            needle in fold(v)
            if type(v) is str
            else (t := text_of(v)) is not None and needle in fold(t)
        )
    if len(parts) == 2 and parts[1] is multi and len(plain) == 1:
        prefix = fold(plain[0])
        return lambda v: (t := text_of(v)) is not None and fold(t).startswith(prefix)
    if len(parts) == 2 and parts[0] is multi and len(plain) == 1:
        suffix = fold(plain[0])
        return lambda v: (t := text_of(v)) is not None and fold(t).endswith(suffix)
    pattern = re.compile(wildcard_regex(parts), re.DOTALL | (0 if cased else re.IGNORECASE))
    return lambda v: (t := text_of(v)) is not None and pattern.fullmatch(t) is not None


def string_shape(value: SigmaType) -> tuple[str, str] | None:
    """``(shape, needle)`` for a case-insensitive string :func:`compile_string` tests with one
    ``str`` method: ``eq``, ``contains``, ``startswith`` or ``endswith``, and the lower-cased
    text; None for any other value."""
    if not isinstance(value, SigmaString) or isinstance(value, SigmaCasedString):
        return None
    if any(isinstance(part, Placeholder) for part in value.s):
        return None
    parts = list(value.s)
    multi = SpecialChars.WILDCARD_MULTI
    plain = [p for p in parts if isinstance(p, str)]
    if not parts or len(plain) != len(parts) - sum(p is multi for p in parts):
        return None
    if len(plain) == len(parts):
        return "eq", "".join(plain).lower()
    if len(plain) != 1:
        return None
    if len(parts) == 3 and parts[0] is multi and parts[2] is multi:
        return "contains", plain[0].lower()
    if len(parts) == 2 and parts[1] is multi:
        return "startswith", plain[0].lower()
    if len(parts) == 2 and parts[0] is multi:
        return "endswith", plain[0].lower()
    return None


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


def _cidr_test(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> ValueTest:
    """Membership by integer mask on ``inet_pton`` output: strict dotted-quad or IPv6 text,
    the same addresses :mod:`ipaddress` accepts, at a fraction of its cost per event."""
    return cidr_any_test([network])


_V6_FIRST = frozenset("0123456789abcdefABCDEF:")


def cidr_any_test(networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> ValueTest:
    """Membership in any of ``networks`` (``field|cidr: [a, b, c]``), the address parsed once.

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
