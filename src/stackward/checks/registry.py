"""Finds checks: built-ins and third-party plugins through the same entry-point group.

An entry point in ``stackward.checks`` names either a :class:`Check` subclass, a module or
package whose ``Check`` subclasses are all taken (recursively for packages), or a callable
returning checks. Built-ins are registered as the package ``stackward.checks.builtin``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable
from importlib.metadata import entry_points
from types import ModuleType

from stackward.checks.base import Check

GROUP = "stackward.checks"


class CheckRegistryError(RuntimeError):
    """Two checks share an id, or a plugin could not be loaded."""


def checks_in_module(module: ModuleType) -> list[type[Check]]:
    found: list[type[Check]] = []
    modules = [module]
    if hasattr(module, "__path__"):
        prefix = module.__name__ + "."
        for info in pkgutil.walk_packages(module.__path__, prefix):
            modules.append(importlib.import_module(info.name))
    for mod in modules:
        for _, obj in inspect.getmembers(mod, inspect.isclass):
            if (
                issubclass(obj, Check)
                and obj is not Check
                and not inspect.isabstract(obj)
                and obj.__module__ == mod.__name__
            ):
                found.append(obj)
    return found


def _expand(target: object) -> Iterable[type[Check]]:
    if isinstance(target, ModuleType):
        return checks_in_module(target)
    if inspect.isclass(target) and issubclass(target, Check):
        return [target]
    if callable(target):
        return list(target())
    raise CheckRegistryError(f"entry point target {target!r} is not a check, module or callable")


def load_builtin_checks(package: str) -> list[Check]:
    """The built-in checks of one package of ``stackward.checks.builtin`` (e.g. ``artifacts``),
    without importing the others: a command that runs one family starts faster."""
    module = importlib.import_module(f"stackward.checks.builtin.{package}")
    classes = {cls.meta.id: cls for cls in checks_in_module(module)}
    return [classes[i]() for i in sorted(classes)]


def load_checks() -> list[Check]:
    """Instantiate every registered check, sorted by id; duplicate ids are an error."""
    classes: dict[str, type[Check]] = {}
    eps = list(entry_points(group=GROUP))
    if not any(ep.name == "builtin" for ep in eps):
        # Running from a source tree that was never installed: still find the built-ins.
        eps_targets: list[object] = [importlib.import_module("stackward.checks.builtin")]
    else:
        eps_targets = []
    for ep in eps:
        try:
            eps_targets.append(ep.load())
        except Exception as exc:
            raise CheckRegistryError(f"cannot load check plugin {ep.value!r}: {exc}") from exc
    for target in eps_targets:
        for cls in _expand(target):
            previous = classes.get(cls.meta.id)
            if previous is not None and previous is not cls:
                raise CheckRegistryError(
                    f"check id {cls.meta.id} is used by {previous.__qualname__} "
                    f"and {cls.__qualname__}"
                )
            classes[cls.meta.id] = cls
    return [classes[i]() for i in sorted(classes)]
