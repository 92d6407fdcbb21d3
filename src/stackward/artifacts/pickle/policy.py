"""Decide what each pickle global means for whoever loads the file: allow-list first.

A global is normalised the way the unpickler resolves it (Python 2 aliases through
``_compat_pickle``, dotted names walked attribute by attribute) and then judged:

* DANGEROUS (CRITICAL): double-underscore attribute tricks, anything under a module that
  reaches the OS, imports, executes or deserializes, and any dotted path that passes
  through such a module (``torch.serialization.os.system``);
* SAFE: what ``torch.load(weights_only=True)`` and the reconstructors of NumPy,
  scikit-learn, joblib, SciPy, pandas and TorchScript need, plus the user's own entries;
* everything else is UNAPPROVED: HIGH when the stream calls it or sets state on the global
  itself, MEDIUM when it is only instantiated or referenced.

User allow-list entries (``mypkg.models.Net`` or ``mypkg.*``) widen the SAFE set only; they
never un-flag a DANGEROUS global.
"""

from __future__ import annotations

import _compat_pickle
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from stackward.artifacts.pickle.allowlist import (
    ALLOWED_DUNDER_LEAVES,
    ALLOWED_DUNDER_ROOTS,
    DANGEROUS_LEAVES,
    DANGEROUS_MODULES,
    EXTRA_OS_MODULES,
    LIBRARY_RECONSTRUCTORS,
    REENTRY_ROOTS,
    SAFE_INSIDE_DANGEROUS,
    SAFE_PATTERNS,
    TORCH_WEIGHTS_ONLY,
)

MAX_COMPONENTS = 32
"""Dotted paths longer than this are not walked; they are treated as dangerous."""


class Category(StrEnum):
    SAFE = "safe"
    DANGEROUS = "dangerous"
    UNAPPROVED = "unapproved"


@dataclass(frozen=True, slots=True)
class Verdict:
    qualified: str
    category: Category
    reason: str = ""


def normalize(module: str, name: str) -> str:
    """The qualified name the unpickler would resolve ``module``/``name`` to."""
    mapped = _compat_pickle.NAME_MAPPING.get((module, name))
    if mapped is not None:
        module, name = mapped
    else:
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        root, dot, rest = module.partition(".")
        if root in EXTRA_OS_MODULES:
            module = EXTRA_OS_MODULES[root] + dot + rest
    return f"{module}.{name}"


def _is_dunder(component: str) -> bool:
    return len(component) > 4 and component.startswith("__") and component.endswith("__")


def _dunder_reason(parts: list[str]) -> str | None:
    for index, part in enumerate(parts):
        if index == 0 and part in ALLOWED_DUNDER_ROOTS:
            continue
        if part.startswith("__") and any(p.fullmatch(part) for p in ALLOWED_DUNDER_LEAVES):
            continue
        if _is_dunder(part):
            return (
                f"walks the double-underscore attribute {part!r}, which reaches interpreter"
                " internals (globals, builtins, class hierarchy) and from there any code"
            )
    return None


def _module_reason(parts: list[str]) -> str | None:
    qualified = ".".join(parts)
    if any(qualified.startswith(prefix) for prefix in SAFE_INSIDE_DANGEROUS):
        return None
    for end in range(1, len(parts) + 1):
        reason = DANGEROUS_MODULES.get(".".join(parts[:end]))
        if reason is not None:
            return reason
    return None


def _dangerous_reason(parts: list[str]) -> str | None:
    if len(parts) > MAX_COMPONENTS:
        return "dotted path too long to resolve safely; it can walk to any object"
    reason = _dunder_reason(parts) or _module_reason(parts)
    if reason is not None:
        return reason
    qualified = ".".join(parts)
    first = max([1, *(p.count(".") for p in SAFE_INSIDE_DANGEROUS if qualified.startswith(p))])
    for start in range(first, len(parts)):
        if parts[start] in REENTRY_ROOTS:
            inner = _module_reason(parts[start:])
            if inner is not None:
                return f"reaches {'.'.join(parts[start:])} through an attribute path: {inner}"
    return None


def _is_library_reconstructor(qualified: str) -> bool:
    return qualified in TORCH_WEIGHTS_ONLY or qualified in LIBRARY_RECONSTRUCTORS


def _is_safe(qualified: str, allow: Iterable[str]) -> bool:
    leaf = qualified.rsplit(".", 1)[-1]
    for prefix, pattern in SAFE_PATTERNS:
        if qualified.startswith(prefix) and pattern.fullmatch(leaf):
            return True
    return _user_allows(qualified, allow)


def _user_allows(qualified: str, allow: Iterable[str]) -> bool:
    for entry in allow:
        if entry.endswith(".*"):
            if qualified.startswith(entry[:-1]):
                return True
        elif qualified == entry:
            return True
    return False


def classify(module: str, name: str, allow: Iterable[str] = ()) -> Verdict:
    """Judge one global. ``allow`` holds the user's extra entries."""
    qualified = normalize(module, name)
    if _is_library_reconstructor(qualified):
        return Verdict(qualified, Category.SAFE)
    parts = qualified.split(".")
    reason = _dangerous_reason(parts)
    if reason is not None:
        return Verdict(qualified, Category.DANGEROUS, reason)
    if _is_safe(qualified, allow):
        return Verdict(qualified, Category.SAFE)
    if parts[-1] in DANGEROUS_LEAVES:
        return Verdict(
            qualified,
            Category.DANGEROUS,
            f"is named like a code-execution entry point ({parts[-1]}) and is on no allow-list",
        )
    return Verdict(qualified, Category.UNAPPROVED, "is on no allow-list")


DESERIALIZER_LEAVES = frozenset({"loads", "load", "_load_from_bytes", "_load", "unsafe_load"})


def is_deserializer(verdict: Verdict) -> bool:
    """A dangerous global that turns bytes into objects: its bytes argument is a pickle."""
    return (
        verdict.category is Category.DANGEROUS
        and verdict.qualified.rsplit(".", 1)[-1] in DESERIALIZER_LEAVES
    )
