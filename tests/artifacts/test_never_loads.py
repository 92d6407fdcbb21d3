"""The scanner never loads, imports or executes what it scans.

Two independent guards: a static one (no deserialiser or dynamic import is called anywhere
in ``src/stackward`` outside an explicit allow-list) and a runtime one (scanning the whole
malicious corpus with every deserialiser and code runner booby-trapped never trips one,
never imports a module a payload names, and never creates the payload marker file).
"""

from __future__ import annotations

import _pickle
import ast
import builtins
import contextlib
import importlib
import marshal
import os
import pickle
import pkgutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import stackward.artifacts
from stackward.artifacts import scan_path
from stackward.artifacts.dispatch import SCANNERS
from tests.artifacts.corpus.assemble import MARKER
from tests.artifacts.corpus.recipe import Sample
from tests.conftest import REPO_ROOT

SRC = REPO_ROOT / "src" / "stackward"
INSTALLED = Path(stackward.__file__).resolve().parent
"""Where the running package lives (the same tree as ``SRC`` in an editable install)."""

FORBIDDEN_CALLS = frozenset(
    {
        "pickle.load",
        "pickle.loads",
        "pickle.Unpickler",
        "_pickle.load",
        "_pickle.loads",
        "_pickle.Unpickler",
        "cPickle.load",
        "cPickle.loads",
        "dill.load",
        "dill.loads",
        "cloudpickle.load",
        "cloudpickle.loads",
        "torch.load",
        "joblib.load",
        "marshal.load",
        "marshal.loads",
        "shelve.open",
        "yaml.unsafe_load",
        "keras.models.load_model",
        "keras.saving.load_model",
        "tf.keras.models.load_model",
        "load_model",
        "__import__",
        "builtins.__import__",
        "importlib.import_module",
        "importlib.__import__",
        "exec",
        "eval",
        "builtins.exec",
        "builtins.eval",
    }
)
"""Calls that deserialise, import or execute. ``numpy.load`` is checked separately: it is
only dangerous with ``allow_pickle`` set to anything but ``False``."""

ALLOWED_CALLS: dict[tuple[str, str], str] = {
    ("artifacts/dispatch.py", "importlib.import_module"): (
        "imports the project's own scanner modules named in the fixed SCANNERS table"
    ),
    ("checks/registry.py", "importlib.import_module"): (
        "loads check plugins from installed entry points, never from scanned content"
    ),
    ("report/interface.py", "importlib.import_module"): (
        "loads report formats registered by the project, never from scanned content"
    ),
    ("collectors/base.py", "importlib.import_module"): (
        "loads collector plugins from installed entry points, never from scanned content"
    ),
    ("detect/sigma/codegen.py", "exec"): (
        "defines a rule's match function from the module's fixed snippets; rule values and"
        " field names are bound by generated names, never put in the source"
        " (tests/detect/sigma/test_codegen.py: hostile rule text stays data)"
    ),
}
"""``(path under src/stackward, call)`` -> why it is safe. Anything not listed fails."""

DYNAMIC_IMPORTS = frozenset(
    {"importlib.import_module", "importlib.__import__", "__import__", "builtins.__import__"}
)

HEAVY_LIBRARIES = frozenset(
    {
        "torch",
        "tensorflow",
        "keras",
        "onnx",
        "numpy",
        "sklearn",
        "joblib",
        "h5py",
        "gguf",
        "safetensors",
        "dill",
        "cloudpickle",
    }
)


@dataclass(frozen=True, slots=True)
class CallSite:
    path: str
    line: int
    call: str

    def __str__(self) -> str:
        return f"src/stackward/{self.path}:{self.line}: {self.call}(...)"


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> dotted origin, from every import in the module."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(aliases.get(node.id, node.id))
    return ".".join(reversed(parts))


def _is_literal_module(call: ast.Call) -> bool:
    """``import_module("py7zr")``: a module name written in the source cannot come from
    scanned data."""
    first = call.args[0] if call.args else None
    return isinstance(first, ast.Constant) and isinstance(first.value, str)


def _numpy_load_with_pickle(name: str, call: ast.Call) -> bool:
    if name not in {"numpy.load", "np.load"}:
        return False
    for keyword in call.keywords:
        if keyword.arg == "allow_pickle":
            return not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False)
    return False


def forbidden_call_sites(root: Path) -> Iterator[CallSite]:
    """Every call (or base class) under ``root`` that deserialises, imports or executes."""
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        aliases = _aliases(tree)
        relative = path.relative_to(root).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = _dotted(node.func, aliases)
                if name is None:
                    continue
                flagged = _numpy_load_with_pickle(name, node) or (
                    name in FORBIDDEN_CALLS or name.endswith(".load_model")
                )
                if name in DYNAMIC_IMPORTS and _is_literal_module(node):
                    flagged = False
                if flagged:
                    yield CallSite(relative, node.lineno, name)
            elif isinstance(node, ast.ClassDef):
                for base in node.bases:
                    name = _dotted(base, aliases)
                    if name in FORBIDDEN_CALLS:
                        yield CallSite(relative, node.lineno, f"class {node.name}({name})")


def heavy_imports(root: Path) -> Iterator[CallSite]:
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules = [node.module]
            else:
                continue
            for module in modules:
                if module.split(".")[0] in HEAVY_LIBRARIES:
                    yield CallSite(
                        path.relative_to(root).as_posix(), node.lineno, f"import {module}"
                    )


# --- the static guard ----------------------------------------------------------------------


def test_no_deserialiser_or_dynamic_import_is_called_in_src() -> None:
    found = [
        site for site in forbidden_call_sites(SRC) if (site.path, site.call) not in ALLOWED_CALLS
    ]
    assert not found, "calls that may load scanned content:\n" + "\n".join(map(str, found))


def test_allow_list_has_no_stale_entries() -> None:
    present = {(site.path, site.call) for site in forbidden_call_sites(SRC)}
    stale = set(ALLOWED_CALLS) - present
    assert not stale, f"allow-list entries that match nothing (remove them): {sorted(stale)}"


def test_scanner_imports_no_heavy_ml_library() -> None:
    found = list(heavy_imports(SRC / "artifacts"))
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import pickle\npickle.loads(b)\n", ["pickle.loads"]),
        ("from pickle import loads as l\nl(b)\n", ["pickle.loads"]),
        ("import pickle as p\nclass U(p.Unpickler): pass\n", ["class U(pickle.Unpickler)"]),
        ("import numpy as np\nnp.load(f, allow_pickle=True)\n", ["numpy.load"]),
        ("import numpy as np\nnp.load(f, allow_pickle=False)\n", []),
        ("import importlib\nimportlib.import_module(name)\n", ["importlib.import_module"]),
        ("import importlib\nimportlib.import_module('py7zr')\n", []),
        ("__import__(name)\n", ["__import__"]),
        ("exec(code)\n", ["exec"]),
        ("model.eval()\n", []),
        ("import keras\nkeras.saving.load_model(p)\n", ["keras.saving.load_model"]),
        ("import torch\ntorch.load(p, weights_only=True)\n", ["torch.load"]),
        ("'''pickle.loads(x) in a docstring'''\n", []),
    ],
    ids=[
        "pickle-loads",
        "from-import-alias",
        "unpickler-subclass",
        "np-load-allow-pickle",
        "np-load-no-pickle",
        "dynamic-import",
        "literal-import",
        "dunder-import",
        "exec",
        "method-eval",
        "keras-load-model",
        "torch-load",
        "docstring",
    ],
)
def test_static_guard_detects_calls(tmp_path: Path, source: str, expected: list[str]) -> None:
    (tmp_path / "module.py").write_text(source)
    assert [site.call for site in forbidden_call_sites(tmp_path)] == expected


# --- the runtime guard ---------------------------------------------------------------------


class LoadAttempted(BaseException):
    """Raised by a tripwire. A ``BaseException`` so no scanner's ``except Exception`` hides it."""


PAYLOAD_MODULES = frozenset(
    {
        *HEAVY_LIBRARIES,
        "pip",
        "runpy",
        "pydoc",
        "timeit",
        "code",
        "profile",
        "cProfile",
        "trace",
        "pdb",
        "webbrowser",
        "_posixsubprocess",
        "ctypes",
        "pty",
        "commands",
        "__builtin__",
        "copy_reg",
        "nt",
        "posix",
        "subprocess",
        "asyncio",
        "pkgutil",
    }
)
"""Top-level modules the corpus payloads name. Reaching for any of them while scanning
means the scanner resolved a global instead of reading it as text."""


class Tripwires:
    def __init__(self) -> None:
        self.tripped: list[str] = []

    def record(self, what: str) -> None:
        frames = traceback.extract_stack(limit=8)[:-2]
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames))
        self.tripped.append(f"{what} called from {where}")

    def trap(self, name: str) -> Callable[..., Any]:
        def tripwire(*args: object, **kwargs: object) -> Any:
            self.record(name)
            raise LoadAttempted(name)

        return tripwire

    def guard_unmarshal(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        """The import system unmarshals cached bytecode (``.pyc``) of modules a scanner
        imports lazily; anyone else unmarshalling trips."""

        def guarded(*args: Any, **kwargs: Any) -> Any:
            if sys._getframe(1).f_code.co_filename.startswith("<frozen importlib"):
                return real(*args, **kwargs)
            self.record(name)
            raise LoadAttempted(name)

        return guarded

    def guard_code_runner(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        """``exec``/``eval`` stay usable for the interpreter's own needs; running anything
        that mentions the payload marker trips."""

        def guarded(source: Any, *args: Any, **kwargs: Any) -> Any:
            if MARKER in _text_of(source):
                self.record(f"{name}(payload)")
                raise LoadAttempted(name)
            return real(source, *args, **kwargs)

        return guarded

    def guard_import(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(name: str, *args: Any, **kwargs: Any) -> Any:
            if name.split(".")[0] in PAYLOAD_MODULES and not _caller_is_library():
                self.record(f"import {name}")
                raise LoadAttempted(name)
            return real(name, *args, **kwargs)

        return guarded


def _text_of(source: object) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, bytes | bytearray):
        return bytes(source).decode("latin-1")
    return repr(getattr(source, "co_consts", ""))


def _caller_is_library() -> bool:
    """An import executed by the standard library or a dependency (not by stackward code)
    is the interpreter at work, e.g. ``tarfile`` importing ``shutil``."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return True
    return not Path(frame.f_code.co_filename).resolve().is_relative_to(INSTALLED)


def _preload_scanner_modules() -> None:
    """Import the scanner and its optional dependencies first, so the guard only sees
    what scanning does, not what importing the scanner does."""
    for target in SCANNERS.values():
        importlib.import_module(target.partition(":")[0])
    for module in pkgutil.walk_packages(stackward.artifacts.__path__, "stackward.artifacts."):
        importlib.import_module(module.name)
    for optional in ("py7zr", "lz4.frame"):
        try:
            importlib.import_module(optional)
        except ImportError:
            continue


def _install(monkeypatch: pytest.MonkeyPatch, wires: Tripwires) -> None:
    for module, name in (
        (pickle, "load"),
        (pickle, "loads"),
        (pickle, "Unpickler"),
        (_pickle, "load"),
        (_pickle, "loads"),
        (_pickle, "Unpickler"),
        (os, "system"),
        (os, "popen"),
        (os, "execv"),
        (os, "execve"),
        (os, "posix_spawn"),
        (subprocess, "Popen"),
        (subprocess, "run"),
    ):
        monkeypatch.setattr(module, name, wires.trap(f"{module.__name__}.{name}"))
    for name in ("load", "loads"):
        real = getattr(marshal, name)
        monkeypatch.setattr(marshal, name, wires.guard_unmarshal(f"marshal.{name}", real))
    monkeypatch.setattr(builtins, "exec", wires.guard_code_runner("exec", builtins.exec))
    monkeypatch.setattr(builtins, "eval", wires.guard_code_runner("eval", builtins.eval))
    monkeypatch.setattr(builtins, "__import__", wires.guard_import(builtins.__import__))
    monkeypatch.setattr(importlib, "import_module", wires.guard_import(importlib.import_module))


def test_scanning_the_malicious_corpus_loads_nothing(
    corpus: tuple[Path, list[Sample]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, samples = corpus
    _preload_scanner_modules()
    monkeypatch.chdir(tmp_path)
    wires = Tripwires()
    scanned: list[str] = []
    with monkeypatch.context() as patch:
        _install(patch, wires)
        for sample in samples:
            if sample.label != "malicious":
                continue
            with contextlib.suppress(LoadAttempted):
                scan_path(root / sample.path)
            scanned.append(sample.path)
            if wires.tripped:
                break
    assert not wires.tripped, f"while scanning {scanned[-1]}:\n" + "\n".join(wires.tripped)
    assert not (tmp_path / MARKER).exists(), "a payload ran: the marker file was created"
    assert len(scanned) == sum(s.label == "malicious" for s in samples)


def test_tripwires_fire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runtime guard itself works: a loader that unpickles is caught and recorded."""
    wires = Tripwires()
    with monkeypatch.context() as patch:
        _install(patch, wires)
        with pytest.raises(LoadAttempted):
            pickle.loads(b"N.")  # noqa: S301 - the tripwire, not the real loader
    assert wires.tripped and wires.tripped[0].startswith("pickle.loads")


@pytest.mark.parametrize(
    ("module", "filename", "trips"),
    [
        ("pty", INSTALLED / "artifacts" / "formats" / "example.py", True),
        ("torch", INSTALLED / "artifacts" / "pickle" / "example.py", True),
        ("pty", Path("/usr/lib/python3/example.py"), False),
        ("json", INSTALLED / "artifacts" / "formats" / "example.py", False),
        ("marshal; marshal.loads(b'N')", INSTALLED / "artifacts" / "example.py", True),
    ],
    ids=[
        "scanner-imports-gadget",
        "scanner-imports-torch",
        "library-imports",
        "harmless",
        "scanner-unmarshals",
    ],
)
def test_import_guard_watches_scanner_code_only(
    monkeypatch: pytest.MonkeyPatch, module: str, filename: Path, trips: bool
) -> None:
    run = builtins.exec
    code = compile(f"import {module}", str(filename), "exec")
    wires = Tripwires()
    with monkeypatch.context() as patch:
        _install(patch, wires)
        with contextlib.suppress(LoadAttempted):
            run(code, {})
    assert bool(wires.tripped) is trips, wires.tripped
