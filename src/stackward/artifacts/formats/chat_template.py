"""Static analysis of Jinja2 chat templates: find sandbox escapes without rendering.

Loaders render a model's chat template with the model's own Jinja; several did so in an
unsandboxed ``Environment`` (llama-cpp-python, CVE-2024-34359), where reaching a dunder
attribute of any object leads to ``__globals__``, ``__builtins__`` and ``os``. Real chat
templates only index messages, loop, call string methods and a few helpers, so any path
towards Python internals is a payload.

The template is parsed (lexing and parsing never run template code) and its syntax tree
is walked iteratively, so hostile nesting cannot exhaust the stack of the walk itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

from stackward.model import Severity

MAX_NODES = 500_000
MAX_FOLDED = 256
"""Longest constant string reconstructed from pieces (names are short)."""
INTERNAL_ATTRIBUTES = frozenset(
    {
        "mro",
        "func_globals",
        "func_code",
        "func_closure",
        "im_func",
        "im_self",
        "gi_frame",
        "gi_code",
        "ag_frame",
        "ag_code",
        "cr_frame",
        "cr_code",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_back",
        "f_code",
        "tb_frame",
        "tb_next",
        "co_code",
    }
)
"""Non-underscore attributes that still lead from an object to frames, code or globals."""
WEB_ONLY_GADGETS = frozenset(
    {"self", "config", "request", "session", "g", "url_for", "get_flashed_messages", "lipsum"}
)
"""Jinja / Flask globals that start SSTI chains; chat templates never use their attributes."""
UNEXPECTED_GLOBALS = frozenset(
    {"self", "config", "request", "url_for", "get_flashed_messages", "lipsum", "cycler", "joiner"}
)
"""Globals no chat template refers to; merely naming one (``lipsum|string``, to harvest
characters) is a payload in the making."""
ATTRIBUTE_FILTERS = frozenset(
    {"map", "selectattr", "rejectattr", "sort", "groupby", "sum", "unique", "min", "max"}
)
"""Filters whose ``attribute=`` argument is resolved with ``getattr`` on each item."""
FOLDED_FILTERS = frozenset({"reverse", "replace", "lower", "upper", "trim", "string"})
"""String filters evaluated when folding constants (``join`` is handled on its own)."""
IMPORT_TAGS: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Import, "import"),
    (nodes.FromImport, "from-import"),
    (nodes.Include, "include"),
    (nodes.Extends, "extends"),
)
_DUNDER_LOOKUP = re.compile(r"^\s*__\w+__\s*$|[.\[]__\w+__")
"""A string that is a dunder name, or a format/lookup path into one (``{0.__class__}``);
prose that merely mentions ``__name__`` does not match."""
_CHAR_FORMAT = re.compile(r"%[-#0 +]*\d*c|\{[^{}]*:c\}")


@dataclass(frozen=True, slots=True)
class TemplateFinding:
    """One dangerous construct: what it is (``symbol``), why, and where (template line)."""

    severity: Severity
    reason: str
    symbol: str
    line: int | None = None


class GenerationBlock(Extension):
    """``{% generation %}...{% endgeneration %}``: a marker tag that Hugging Face
    tokenizers accept; parsed here as a plain body so such templates stay analysable."""

    tags = {"generation"}  # noqa: RUF012 - the Extension API declares a set

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.Scope(body, lineno=lineno)


def _environment() -> Environment:
    return Environment(  # noqa: S701 - parsed only, never rendered
        extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do", GenerationBlock]
    )


def is_internal_name(name: str) -> bool:
    """Attribute names that lead to Python internals: any ``_``-prefixed name or a frame,
    code or globals accessor."""
    return name.startswith("_") or name in INTERNAL_ATTRIBUTES


def _looks_internal(text: str) -> bool:
    return bool(_DUNDER_LOOKUP.search(text)) or is_internal_name(text.strip())


def fold_string(node: nodes.Node, memo: dict[int, str | None] | None = None) -> str | None:
    """The constant string an expression evaluates to, when it is built only from literals
    (``'__cla' ~ 'ss__'``, ``['_', '_']|join``, ``'__ssalc__'|reverse``); else ``None``.

    Evaluated bottom-up without recursion, so padding a name with thousands of ``+ ''``
    neither hides it nor exhausts the stack. ``memo`` (keyed by node identity) lets one
    analysis fold every expression of a template in linear time.
    """
    memo = {} if memo is None else memo
    stack: list[tuple[nodes.Node, bool]] = [(node, False)]
    while stack:
        current, ready = stack.pop()
        if id(current) in memo:
            continue
        inputs = _fold_inputs(current)
        if inputs and not ready:
            stack.append((current, True))
            stack.extend((n, False) for n in inputs if id(n) not in memo)
            continue
        value = _combine(current, [memo[id(n)] for n in inputs])
        memo[id(current)] = value if value is None or len(value) <= MAX_FOLDED else None
    return memo[id(node)]


def _fold_inputs(node: nodes.Node) -> list[nodes.Node]:
    """The sub-expressions whose constant values determine ``node``'s value."""
    if isinstance(node, nodes.Concat):
        return list(node.nodes)
    if isinstance(node, nodes.Add):
        return [node.left, node.right]
    if isinstance(node, nodes.Filter) and node.node is not None:
        if node.name == "join" and isinstance(node.node, nodes.List | nodes.Tuple):
            return [*node.node.items, *node.args[:1]]
        if node.name in FOLDED_FILTERS:
            return [node.node, *node.args[:2]]
    return []


def _combine(node: nodes.Node, values: list[str | None]) -> str | None:
    if isinstance(node, nodes.Const):
        return node.value if isinstance(node.value, str) else None
    if not values or any(v is None for v in values):
        return None
    parts = [v for v in values if v is not None]
    if isinstance(node, nodes.Concat | nodes.Add):
        return "".join(parts)
    if not isinstance(node, nodes.Filter):
        return None
    if node.name == "join":
        assert isinstance(node.node, nodes.List | nodes.Tuple)
        items = parts[: len(node.node.items)]
        separator = parts[len(items)] if len(parts) > len(items) else ""
        return separator.join(items)
    inner = parts[0]
    if node.name != "replace" and len(parts) != 1:
        return None
    if node.name == "reverse":
        return inner[::-1]
    if node.name == "replace":
        return inner.replace(parts[1], parts[2], MAX_FOLDED) if len(parts) == 3 else None
    return {"lower": inner.lower(), "upper": inner.upper(), "trim": inner.strip()}.get(
        node.name, inner
    )


def _walk(root: nodes.Node) -> Iterator[nodes.Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.iter_child_nodes())


class _Analysis:
    def __init__(self) -> None:
        self.findings: list[TemplateFinding] = []
        self._seen: set[str] = set()
        self._assigned: set[str] = set()
        self._globals_used: dict[str, nodes.Name] = {}
        self._gadget_access: list[tuple[str, str, nodes.Node]] = []
        self._folded: dict[int, str | None] = {}

    def fold(self, node: nodes.Node) -> str | None:
        return fold_string(node, self._folded)

    def finish(self) -> list[TemplateFinding]:
        """Report gadgets and unexpected globals the template reads without defining them."""
        for gadget, attribute, node in self._gadget_access:
            if gadget not in self._assigned:
                self.critical(
                    node,
                    f"{gadget!r} is a server-side template gadget; chat templates have no use"
                    " for its attributes",
                    f"{gadget}.{attribute}",
                )
        for name, node in sorted(self._globals_used.items()):
            if name not in self._assigned:
                self.findings.append(
                    TemplateFinding(
                        Severity.HIGH,
                        f"refers to the Jinja global {name!r}, a known SSTI gadget that chat"
                        " templates never need",
                        f"global {name}",
                        node.lineno,
                    )
                )
        return self.findings

    def critical(self, node: nodes.Node, reason: str, symbol: str) -> None:
        if symbol in self._seen:
            return
        self._seen.add(symbol)
        self.findings.append(TemplateFinding(Severity.CRITICAL, reason, symbol, node.lineno))

    def visit(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Name):
            if node.ctx in {"store", "param"}:
                self._assigned.add(node.name)
            elif node.name in UNEXPECTED_GLOBALS:
                self._globals_used.setdefault(node.name, node)
        self._tags(node)
        self._access(node)
        self._strings(node)

    def _tags(self, node: nodes.Node) -> None:
        for tag_type, tag in IMPORT_TAGS:
            if isinstance(node, tag_type):
                self.critical(
                    node,
                    f"the {tag} tag loads another template through the loader's environment",
                    f"{{% {tag} %}}",
                )

    def _access(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Getattr):
            self._attribute(node, node.node, node.attr)
        elif isinstance(node, nodes.Getitem):
            key = self.fold(node.arg)
            if key is not None:
                self._attribute(node, node.node, key)
        elif isinstance(node, nodes.Filter | nodes.Test):
            self._filter(node)
        elif isinstance(node, nodes.Keyword) and is_internal_name(node.key):
            self.critical(node, "keyword argument named after a Python internal", node.key)

    def _strings(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Mod) and isinstance(node.left, nodes.Const):
            self._format_string(node, node.left)
        elif (
            isinstance(node, nodes.Call)
            and isinstance(node.node, nodes.Getattr)
            and node.node.attr == "format"
            and isinstance(node.node.node, nodes.Const)
        ):
            self._format_string(node, node.node.node)
        if isinstance(node, nodes.Const):
            if isinstance(node.value, str) and _DUNDER_LOOKUP.search(node.value):
                self.critical(
                    node,
                    "string literal names a Python dunder (format-string or lookup payload)",
                    f"string {node.value[:80]!r}",
                )
        elif isinstance(node, nodes.Expr):
            folded = self.fold(node)
            if folded is not None and _looks_internal(folded):
                self.critical(
                    node,
                    "string expression spells a Python internal name, the usual way to"
                    " smuggle it past filters",
                    f"string {folded!r}",
                )

    def _attribute(self, node: nodes.Node, base: nodes.Node, name: str) -> None:
        if is_internal_name(name):
            self.critical(
                node,
                f"access to {name!r} walks from a template value to Python internals"
                " (classes, globals, builtins), which executes code on render",
                f".{name}",
            )
        elif isinstance(base, nodes.Name) and base.name in WEB_ONLY_GADGETS:
            self._gadget_access.append((base.name, name, node))

    def _filter(self, node: nodes.Filter | nodes.Test) -> None:
        if node.name == "attr":
            name = self.fold(node.args[0]) if node.args else None
            if name is None:
                self.critical(node, "|attr() with a computed name can reach any attribute", "|attr")
            elif is_internal_name(name) or _looks_internal(name):
                self.critical(node, f"|attr({name!r}) reaches Python internals", f"|attr({name})")
        if node.name in ATTRIBUTE_FILTERS:
            for keyword in node.kwargs:
                if keyword.key != "attribute":
                    continue
                name = self.fold(keyword.value)
                if name is None:
                    self.critical(
                        node, f"|{node.name}(attribute=...) with a computed name", f"|{node.name}"
                    )
                elif any(is_internal_name(part) for part in name.split(".")):
                    self.critical(
                        node,
                        f"|{node.name}(attribute={name!r}) reaches Python internals",
                        f"|{node.name}({name})",
                    )
        if node.name == "format" and isinstance(node.node, nodes.Const):
            self._format_string(node, node.node)

    def _format_string(self, node: nodes.Node, template: nodes.Const) -> None:
        if isinstance(template.value, str) and _CHAR_FORMAT.search(template.value):
            self.critical(
                node,
                "string formatting from character codes, used to build blocked names",
                "format %c",
            )


def analyse(text: str) -> list[TemplateFinding]:
    """Findings for one chat template; an empty list means nothing reaches Python internals.

    A template that does not parse yields one MEDIUM finding: loaders with a more lenient
    Jinja may still render it, and it could not be analysed.
    """
    try:
        tree = _environment().parse(text)
    except TemplateSyntaxError as exc:
        return [
            TemplateFinding(
                Severity.MEDIUM,
                f"template does not parse ({exc.message}); it was not analysed",
                "unparsable template",
                exc.lineno,
            )
        ]
    except (RecursionError, MemoryError):
        return [
            TemplateFinding(
                Severity.MEDIUM,
                "template nests too deeply to parse; it was not analysed",
                "unparsable template",
            )
        ]
    analysis = _Analysis()
    for count, node in enumerate(_walk(tree)):
        if count >= MAX_NODES:
            analysis.findings.append(
                TemplateFinding(
                    Severity.MEDIUM,
                    f"template has more than {MAX_NODES} syntax nodes; the rest was not analysed",
                    "template size",
                )
            )
            break
        analysis.visit(node)
    return analysis.finish()
