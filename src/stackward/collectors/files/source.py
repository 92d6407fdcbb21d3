"""Reads source text (a Python/JS file, a notebook cell) for facts checks care about.

Everything here is text matching: scanned code is never imported, compiled or run.
The facts are hard-coded secrets, unsafe model loading (``trust_remote_code=True``,
``torch.load`` without ``weights_only=True``, ``pickle.load`` of a model file), imported
packages, data-access URIs and literal file paths that may point at scanned datasets
or models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from stackward.collectors.files.secrets import SecretHit, scan_text, snippet_window
from stackward.model.redact import redact_text

_IMPORT = re.compile(
    r"^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)", re.M
)
_FROM_IMPORT = re.compile(r"^\s*from\s+([A-Za-z_][\w.]*)\s+import\b", re.M)
_TRUST_REMOTE_CODE = re.compile(
    r"trust[_-]?remote[_-]?code[\"']?\s*[:=]\s*[\"']?(?:True|true|1)\b"
    r"|--trust[_-]remote[_-]code\b(?![_-]|\s*=\s*(?:false|False|0)\b)"
)
_TORCH_LOAD = re.compile(r"\btorch\.load\s*\(")
_WEIGHTS_ONLY_TRUE = re.compile(r"\bweights_only\s*=\s*True\b")
_WEIGHTS_ONLY_FALSE = re.compile(r"\bweights_only\s*=\s*False\b")
_PICKLE_LOAD = re.compile(
    r"\b(?:pickle|cPickle|dill|cloudpickle|joblib|pd|pandas)\.(?:load|loads|read_pickle)\s*\("
)
_MODELISH = re.compile(
    r"(?i)model|weights|checkpoint|ckpt|\.pkl\b|\.pickle\b|\.pt\b|\.pth\b|\.bin\b|\.joblib\b"
)
_DATA_URI = re.compile(
    r"\b(?:s3a?|gs|gcs|az|abfss?|wasbs?|hdfs|postgres(?:ql)?|mysql|mongodb(?:\+srv)?|"
    r"snowflake|bigquery|redshift)://[^\s\"'`)]+"
)
_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
_READ_CALL = re.compile(
    r"\b(?:read_(?:csv|parquet|json|excel|table|feather|orc|pickle)|load_dataset|open)\s*\(\s*"
    r"[rbf]?[\"']([^\"'\n]{1,300})[\"']"
)
_STRING_LITERAL = re.compile(r"[\"']([^\"'\n\s]{1,300})[\"']")
_PATHISH_SUFFIXES = (
    ".csv",
    ".tsv",
    ".parquet",
    ".jsonl",
    ".ndjson",
    ".json",
    ".arrow",
    ".feather",
    ".safetensors",
    ".gguf",
    ".onnx",
    ".pt",
    ".pth",
    ".bin",
    ".ckpt",
    ".pkl",
    ".pickle",
    ".joblib",
    ".h5",
    ".npz",
    ".npy",
)
_CALL_WINDOW = 2000
MAX_LOADS_PER_KIND = 100
"""Unsafe loads recorded per kind and file; enough to act on, bounded for hostile input."""
_FILE_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


@dataclass(slots=True)
class SourceFacts:
    secrets: list[SecretHit] = field(default_factory=list)
    unsafe_loads: list[dict[str, object]] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    data_uris: set[str] = field(default_factory=set)
    data_paths: set[str] = field(default_factory=set)
    references: set[str] = field(default_factory=set)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _line_text(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start : end if end != -1 else len(text)]


def _preceding_lines(text: str, index: int, count: int) -> str:
    """Up to ``count`` lines before the one holding ``index``, plus that line's head."""
    start = index
    for _ in range(count + 1):
        start = text.rfind("\n", 0, start)
        if start == -1:
            return text[:index]
    return text[start + 1 : index]


def _call_text(text: str, open_paren: int) -> str:
    """The text of a call from its ``(`` to the matching ``)``, bounded."""
    depth = 0
    limit = min(len(text), open_paren + _CALL_WINDOW)
    for i in range(open_paren, limit):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[open_paren : i + 1]
    return text[open_paren:limit]


def _unsafe(kind: str, text: str, index: int, **extra: object) -> dict[str, object]:
    line_start = text.rfind("\n", 0, index) + 1
    line = _line_text(text, index)
    snippet = redact_text(snippet_window(line, index - line_start), max_len=160)
    return {"kind": kind, "line": _line_of(text, index), "snippet": snippet, **extra}


def find_unsafe_loads(text: str, first_line: int = 1) -> list[dict[str, object]]:
    """``trust_remote_code``, unsafe ``torch.load`` and pickle loads of model files."""
    found: list[dict[str, object]] = []
    for match in islice(_TRUST_REMOTE_CODE.finditer(text), MAX_LOADS_PER_KIND):
        found.append(_unsafe("trust_remote_code", text, match.start()))
    for match in islice(_TORCH_LOAD.finditer(text), MAX_LOADS_PER_KIND):
        call = _call_text(text, match.end() - 1)
        if not _WEIGHTS_ONLY_TRUE.search(call):
            state = "false" if _WEIGHTS_ONLY_FALSE.search(call) else "omitted"
            found.append(
                _unsafe("torch_load_without_weights_only", text, match.start(), weights_only=state)
            )
    for match in islice(_PICKLE_LOAD.finditer(text), MAX_LOADS_PER_KIND):
        call = _call_text(text, match.end() - 1)
        context = _preceding_lines(text, match.start(), 1)
        model_path = bool(_MODELISH.search(call) or _MODELISH.search(context))
        found.append(_unsafe("pickle_load", text, match.start(), model_path=model_path))
    for item in found:
        item["line"] = int(str(item["line"])) + first_line - 1
    return sorted(found, key=lambda item: (int(str(item["line"])), str(item["kind"])))


def find_imports(text: str) -> set[str]:
    """Top-level packages named by ``import x`` / ``from x import y`` lines."""
    packages: set[str] = set()
    for match in _IMPORT.finditer(text):
        for part in match.group(1).split(","):
            packages.add(part.strip().split()[0].split(".")[0])
    for match in _FROM_IMPORT.finditer(text):
        packages.add(match.group(1).split(".")[0])
    return {p for p in packages if p and p != "__future__"}


def find_data_uris(text: str) -> set[str]:
    """Object-store and database URIs, with any credentials in them removed."""
    return {_USERINFO.sub("***@", m.group(0)).rstrip(".,;") for m in _DATA_URI.finditer(text)}


def find_path_literals(text: str) -> set[str]:
    """String literals that look like file paths to datasets or models."""
    paths = {m.group(1) for m in _READ_CALL.finditer(text) if _is_path_literal(m.group(1), True)}
    paths |= {m.group(1) for m in _STRING_LITERAL.finditer(text) if _is_path_literal(m.group(1))}
    return paths


def _is_path_literal(value: str, in_read_call: bool = False) -> bool:
    if "://" in value or value.startswith(("<", "{", "%", "$")):
        return False
    if value.lower().endswith(_PATHISH_SUFFIXES) or "/" in value:
        return True
    return in_read_call and bool(_FILE_EXTENSION.search(value))


def analyse_source(text: str, first_line: int = 1) -> SourceFacts:
    facts = SourceFacts()
    facts.secrets = scan_text(text, first_line)
    facts.unsafe_loads = find_unsafe_loads(text, first_line)
    facts.imports = find_imports(text)
    facts.data_uris = find_data_uris(text)
    facts.references = find_path_literals(text)
    facts.data_paths = {m.group(1) for m in _READ_CALL.finditer(text)} & facts.references
    return facts
