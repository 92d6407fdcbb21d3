"""Judging a decoded Keras config: what in it makes the loader run or import code.

The walk covers the whole JSON value, so nested Functional/Sequential models, wrappers
(``TimeDistributed``, ``Bidirectional``), activations, initializers, losses and optimizer
configs are all seen, however deeply they are nested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stackward.artifacts.context import ScanContext
from stackward.artifacts.issues import IssueKind
from stackward.model import Severity

KERAS_MODULE_ROOTS = ("keras", "keras_hub", "keras_nlp", "keras_cv", "tf_keras")
KERAS_MODULE_PREFIXES = ("tensorflow.keras", "tensorflow.python.keras")
DANGEROUS_MODULES = frozenset(
    {
        "os", "posix", "nt", "subprocess", "builtins", "__builtin__", "sys", "importlib",
        "shutil", "socket", "pickle", "_pickle", "marshal", "runpy", "ctypes", "code",
        "codeop", "pty", "commands", "webbrowser", "http", "urllib", "urllib2", "requests",
        "ftplib", "telnetlib", "smtplib", "multiprocessing", "asyncio", "signal", "tempfile",
        "pathlib", "io", "glob", "zipfile", "tarfile", "dill", "cloudpickle", "joblib",
        "types", "inspect", "pdb", "timeit", "platform", "site", "pip", "setuptools",
        "operator", "functools",
    }
)  # fmt: skip
"""Modules whose attributes execute code, reach the OS or the network, or deserialize."""

UNSAFE_KERAS_FUNCTIONS: dict[str, str] = {
    "get_file": "downloads a file from a URL and writes it to disk",
    "enable_unsafe_deserialization": "turns off safe mode for the rest of the load",
    "load_model": "loads another model from a path or URL named in the config",
    "load_weights": "reads a file named in the config",
}
"""Keras's own functions that a config can name to escape safe mode (CVE-2025-8747,
CVE-2025-9906): importable from ``keras``, yet they touch the network, disk or safety."""

LAMBDA_CLASSES = frozenset({"Lambda"})
SERIALIZED_LAMBDA = "__lambda__"
"""Keras 3 writes a lambda as ``{"class_name": "__lambda__", "config": {"code": ...}}``."""

TF_OP_PYTHON = frozenset({"py_function", "numpy_function", "compat.v1.py_func", "py_func"})
TF_OP_FILES = frozenset(
    {"io.read_file", "io.write_file", "io.matching_files", "print", "io.gfile.GFile"}
)
_TF_SYMBOL = re.compile(
    r"^(?:__operators__\.)?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$"
)

MAX_DEPTH = 200
MAX_VALUES = 2_000_000


def is_keras_module(module: str) -> bool:
    root = module.split(".", 1)[0]
    return root in KERAS_MODULE_ROOTS or module.startswith(KERAS_MODULE_PREFIXES)


def _module_severity(module: str) -> Severity:
    return Severity.CRITICAL if module.split(".", 1)[0] in DANGEROUS_MODULES else Severity.HIGH


@dataclass(slots=True)
class ConfigWalker:
    """Walks decoded configs and records issues on ``ctx``; reusable for many configs."""

    ctx: ScanContext
    classes: set[str] = field(default_factory=set)
    _values: int = 0
    _stopped: bool = False

    def walk(self, value: object) -> None:
        self._visit(value, 0, "")

    def _visit(self, value: object, depth: int, layer: str, lambda_config: bool = False) -> None:
        """``lambda_config`` marks the config dict of a Lambda layer, whose ``module`` keys
        say where its function was written rather than what to import."""
        if self._stopped:
            return
        self._values += 1
        if self._values > MAX_VALUES or depth > MAX_DEPTH:
            self._stopped = True
            self.ctx.unscannable(
                "Keras config is too large or too deeply nested; the rest was not inspected",
                symbol="config limit",
                severity=Severity.MEDIUM,
            )
            return
        if isinstance(value, list):
            for item in value:
                self._visit(item, depth + 1, layer)
        elif isinstance(value, dict):
            self._visit_object(value, depth, layer, lambda_config)

    def _visit_object(
        self, obj: dict[str, object], depth: int, layer: str, lambda_config: bool
    ) -> None:
        class_name = obj.get("class_name")
        config = obj.get("config")
        if not lambda_config:
            self._judge_module(obj, layer)
        if isinstance(class_name, str):
            self.classes.add(class_name[:128])
            name = config.get("name") if isinstance(config, dict) else obj.get("name")
            if isinstance(name, str) and name:
                layer = name[:256]
            self._judge_object(class_name, obj, config, layer)
            if class_name in LAMBDA_CLASSES and isinstance(config, dict):
                self._judge_lambda(config, layer)
                self._visit(config, depth + 1, layer, lambda_config=True)
                self._visit_children(obj, depth, layer, skip="config")
                return
        self._visit_children(obj, depth, layer)

    def _visit_children(
        self, obj: dict[str, object], depth: int, layer: str, skip: str = ""
    ) -> None:
        for key, item in obj.items():
            if key != skip:
                self._visit(item, depth + 1, layer)

    def _judge_object(
        self, class_name: str, obj: dict[str, object], config: object, layer: str
    ) -> None:
        if class_name == SERIALIZED_LAMBDA:
            self._code_execution(layer or SERIALIZED_LAMBDA, "a serialized Python lambda")
        elif class_name == "TFOpLambda" and isinstance(config, dict):
            self._judge_tf_op(config.get("function"), layer)
        registered = obj.get("registered_name")
        module = obj.get("module")
        if isinstance(registered, str) and ">" in registered and not module:
            self.ctx.issue(
                IssueKind.UNAPPROVED_IMPORT,
                Severity.MEDIUM,
                f"layer {layer!r} uses custom object {registered!r}; loading needs its code"
                " from a package outside Keras",
                symbol=registered[:256],
            )

    def _judge_lambda(self, config: dict[str, object], layer: str) -> None:
        function = config.get("function")
        kind = config.get("function_type")
        if (
            isinstance(function, list)
            or kind == "lambda"
            or config.get("output_shape_type") == "lambda"
        ):
            self._code_execution(layer, "marshalled Python bytecode")
        elif isinstance(function, dict):
            self._code_execution(layer, "a serialized Python function")
        elif isinstance(function, str):
            module = config.get("module")
            where = f"{module}.{function}" if isinstance(module, str) and module else function
            severity = _module_severity(where)
            if isinstance(module, str) and is_keras_module(module):
                severity = Severity.HIGH
            self.ctx.issue(
                IssueKind.CODE_EXECUTION,
                severity,
                f"Lambda layer {layer!r} calls the Python function {where!r} when the model runs",
                symbol=layer or where,
            )
        else:
            self._code_execution(layer, "a function the scanner cannot identify")

    def _code_execution(self, layer: str, what: str) -> None:
        self.ctx.issue(
            IssueKind.CODE_EXECUTION,
            Severity.CRITICAL,
            f"Lambda layer {layer!r} holds {what}, which runs when the model is loaded or called",
            symbol=layer or "Lambda",
        )

    def _judge_module(self, obj: dict[str, object], layer: str) -> None:
        module = obj.get("module")
        if not isinstance(module, str) or not module:
            return
        target = obj.get("config") if obj.get("class_name") == "function" else obj.get("class_name")
        symbol = f"{module}.{target}" if isinstance(target, str) else module
        if is_keras_module(module):
            if isinstance(target, str) and target in UNSAFE_KERAS_FUNCTIONS:
                self.ctx.issue(
                    IssueKind.CODE_EXECUTION,
                    Severity.CRITICAL,
                    f"the config{' of layer ' + repr(layer) if layer else ''} makes Keras call"
                    f" {symbol!r} while loading, which {UNSAFE_KERAS_FUNCTIONS[target]}",
                    symbol=symbol[:256],
                )
            return
        self.ctx.issue(
            IssueKind.CODE_EXECUTION
            if _module_severity(module) is Severity.CRITICAL
            else IssueKind.UNAPPROVED_IMPORT,
            _module_severity(module),
            f"the config{' of layer ' + repr(layer) if layer else ''} makes Keras import"
            f" {module!r} and use {symbol!r} while loading",
            symbol=symbol[:256],
        )

    def _judge_tf_op(self, function: object, layer: str) -> None:
        if not isinstance(function, str):
            return
        bare = function.removeprefix("tf.")
        if bare in TF_OP_PYTHON:
            severity, why = Severity.CRITICAL, "calls back into arbitrary Python"
        elif bare in TF_OP_FILES:
            severity, why = Severity.HIGH, "reads or writes files on the host"
        elif not _TF_SYMBOL.match(bare) or bare.split(".", 1)[0] in DANGEROUS_MODULES:
            severity, why = Severity.HIGH, "does not name a TensorFlow API function"
        else:
            return
        self.ctx.issue(
            IssueKind.UNSAFE_OPERATOR,
            severity,
            f"TFOpLambda layer {layer!r} applies {function!r}, which {why}",
            symbol=f"{layer}:{function}"[:256],
        )
