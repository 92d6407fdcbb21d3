"""Finds the AI bill of materials of one Python source text through its syntax tree.

The text is parsed with :func:`ast.parse` only: never compiled, imported or run. Input
that does not parse (syntax errors, nesting past the parser's limits, null bytes) becomes
a problem string and no facts; the rest of the scan goes on. Every walk is over a tree
whose size is bounded by the file-size limit, and facts per kind are capped.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sized
from dataclasses import dataclass

from stackward.code.catalog import SdkCatalog, load_catalog
from stackward.code.facts import (
    CodeFacts,
    CodeRisk,
    DatasetUse,
    ModelUse,
    PromptUse,
    ToolUse,
    fingerprint,
    redacted_snippet,
)
from stackward.code.model_names import classify_model, is_hf_id
from stackward.code.risks import find_risks
from stackward.code.syntax import (
    all_nodes,
    argument,
    dict_items,
    import_aliases,
    keyword,
    last_name,
    qualified,
    string_value,
    template_text,
)

DEFAULT_MAX_FACTS = 200
_MODEL_KWARGS = frozenset(
    {
        "model",
        "model_name",
        "model_id",
        "model_name_or_path",
        "pretrained_model_name_or_path",
        "base_model",
        "llm_model",
        "embedding_model",
        "deployment_name",
        "engine",
    }
)
_HUB_LOADERS = frozenset(
    {
        "from_pretrained",
        "SentenceTransformer",
        "CrossEncoder",
        "snapshot_download",
        "hf_hub_download",
        "InferenceClient",
        "HuggingFaceEndpoint",
        "HuggingFacePipeline",
    }
)
_PROMPT_KWARGS = frozenset(
    {
        "system",
        "system_prompt",
        "system_message",
        "instructions",
        "instruction",
        "prompt",
        "template",
        "backstory",
    }
)
_PROMPT_NAME = re.compile(r"(?i)prompt|instruction|system_?message|persona")
_MODEL_NAME = re.compile(r"(?i)model")
_PATH_NAME = re.compile(r"(?i)path|dir|file|folder|root|output|cache|save|ckpt|checkpoint")
_PROMPT_MIN_LENGTH = 16
_READ_CALLS = frozenset(
    {
        "read_csv",
        "read_parquet",
        "read_json",
        "read_excel",
        "read_table",
        "read_feather",
        "read_orc",
        "read_pickle",
        "csv",
        "parquet",
        "json",
        "orc",
        "load",
        "text",
        "table",
    }
)
_BUILDER_DATASETS = frozenset(
    {"csv", "json", "parquet", "text", "arrow", "imagefolder", "audiofolder", "webdataset"}
)
_TOOL_DECORATORS = frozenset({"tool", "function_tool", "kernel_function", "ai_function"})
_TOOL_CLASSES = frozenset({"Tool", "StructuredTool", "FunctionTool", "BaseTool"})
_URI = re.compile(r"^[a-z][a-z0-9+.-]{1,15}://\S+$")
_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


@dataclass(slots=True)
class _Collector:
    """Appends facts with the line offset of a notebook cell and the per-kind cap."""

    facts: CodeFacts
    lines: list[str]
    first_line: int
    cell: int | None
    limit: int

    def line(self, node: ast.AST) -> int:
        return int(getattr(node, "lineno", 1)) + self.first_line - 1

    def room(self, items: Sized) -> bool:
        if len(items) < self.limit:
            return True
        self.facts.truncated = True
        return False

    def model(self, value: str | None, node: ast.AST, via: str, hub_call: bool = False) -> None:
        found = classify_model(value, hub_call) if value is not None else None
        if found is not None and self.room(self.facts.models):
            self.facts.models.append(ModelUse(found, self.line(node), via, self.cell))

    def dataset(self, ref: str, loader: str, node: ast.AST, hub: bool) -> None:
        if self.room(self.facts.datasets):
            clean = _USERINFO.sub("***@", ref)[:300]
            self.facts.datasets.append(DatasetUse(clean, loader, self.line(node), hub, self.cell))

    def prompt(self, text: str | None, node: ast.AST, via: str) -> None:
        if text is None or len(text.strip()) < _PROMPT_MIN_LENGTH or " " not in text.strip():
            return
        if self.room(self.facts.prompts):
            self.facts.prompts.append(
                PromptUse(fingerprint(text), len(text), self.line(node), via, self.cell)
            )

    def tool(self, name: str, node: ast.AST, via: str) -> None:
        if name and self.room(self.facts.tools):
            self.facts.tools.append(ToolUse(name[:100], self.line(node), via, self.cell))

    def risk(self, kind: str, node: ast.AST, detail: str) -> None:
        if not self.room(self.facts.risks):
            return
        index = int(getattr(node, "lineno", 1)) - 1
        text = self.lines[index].strip() if 0 <= index < len(self.lines) else ""
        self.facts.risks.append(
            CodeRisk(kind, self.line(node), redacted_snippet(text), detail, self.cell)
        )


def parse_python(text: str, label: str) -> tuple[ast.Module | None, str | None]:
    """The syntax tree, or a problem naming ``label`` and why it did not parse."""
    try:
        return ast.parse(text, filename=label, type_comments=False), None
    except SyntaxError as exc:
        where = f" at line {exc.lineno}" if exc.lineno else ""
        return None, f"python not parsed: {exc.msg}{where}"
    except (RecursionError, MemoryError):
        return None, "python not parsed: nesting too deep for the parser"
    except ValueError as exc:
        return None, f"python not parsed: {exc}"


def analyse_python(
    text: str,
    label: str = "<source>",
    first_line: int = 1,
    cell: int | None = None,
    max_facts: int = DEFAULT_MAX_FACTS,
    catalog: SdkCatalog | None = None,
) -> CodeFacts:
    """AI components, models, datasets, prompts, agent tools and unsafe patterns in ``text``."""
    facts = CodeFacts()
    tree, problem = parse_python(text, label)
    if tree is None:
        facts.problems.append(problem or "python not parsed")
        return facts
    out = _Collector(facts, text.splitlines(), first_line, cell, max_facts)
    try:
        _analyse(tree, out, catalog or load_catalog())
    except RecursionError:
        facts.problems.append("python not analysed: syntax tree nested too deeply")
    return facts


def _analyse(tree: ast.Module, out: _Collector, catalog: SdkCatalog) -> None:
    imports: list[ast.Import | ast.ImportFrom] = []
    calls: list[ast.Call] = []
    assignments: list[ast.Assign | ast.AnnAssign] = []
    for node in all_nodes(tree):
        if isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(node)
            _imports(node, out, catalog)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            assignments.append(node)
            _assignment(node, out)
        elif isinstance(node, ast.Dict):
            _dict(node, out)
        elif isinstance(node, ast.Tuple | ast.List):
            _message_pair(node, out)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            _decorated_tool(node, out)
    aliases = import_aliases(imports)
    for call in calls:
        _call(call, aliases, out)
    find_risks(calls, aliases, assignments, out.risk)


def _imports(node: ast.Import | ast.ImportFrom, out: _Collector, catalog: SdkCatalog) -> None:
    if isinstance(node, ast.Import):
        groups = [[alias.name] for alias in node.names]
    elif node.level == 0 and node.module:
        groups = [[f"{node.module}.{alias.name}" for alias in node.names] + [node.module]]
    else:
        return
    for group in groups:
        for module in group:
            component = catalog.for_import(module)
            if component is not None:
                out.facts.components.setdefault(component.name, component)
                break


def _call(call: ast.Call, aliases: dict[str, str], out: _Collector) -> None:
    name = qualified(call.func, aliases)
    short = last_name(call.func)
    hub = short in _HUB_LOADERS
    if hub:
        out.model(
            string_value(
                argument(
                    call,
                    0,
                    "pretrained_model_name_or_path",
                    "repo_id",
                    "model_name_or_path",
                    "model_name",
                    "model",
                )
            ),
            call,
            short,
            hub_call=True,
        )
    elif short == "pipeline":
        out.model(string_value(argument(call, 1, "model")), call, "pipeline", hub_call=True)
    else:
        for item in call.keywords:
            if item.arg in _MODEL_KWARGS:
                out.model(string_value(item.value), call, f"{item.arg}=")
    if short == "load_dataset":
        _load_dataset(call, out)
    elif short in _READ_CALLS:
        uri = string_value(argument(call, 0, "path", "filepath_or_buffer", "paths"))
        if uri is not None and _URI.match(uri):
            out.dataset(uri, name or short, call, hub=False)
    for item in call.keywords:
        if item.arg in _PROMPT_KWARGS:
            out.prompt(template_text(item.value), call, f"{item.arg}=")
    if short in {"SystemMessage", "SystemMessagePromptTemplate.from_template"} or name.endswith(
        "SystemMessagePromptTemplate.from_template"
    ):
        out.prompt(template_text(argument(call, 0, "content", "template")), call, short)
    if short in _TOOL_CLASSES or (
        short in {"from_function", "from_defaults"}
        and last_name(getattr(call.func, "value", call.func)) in _TOOL_CLASSES
    ):
        _tool_object(call, out)


def _load_dataset(call: ast.Call, out: _Collector) -> None:
    ref = string_value(argument(call, 0, "path"))
    if ref is None:
        return
    if ref in _BUILDER_DATASETS:
        files = string_value(keyword(call, "data_files"))
        if files is not None:
            out.dataset(files, "load_dataset", call, hub=False)
        return
    bare_name = "/" not in ref and "." not in ref and "\\" not in ref
    out.dataset(ref, "load_dataset", call, hub=is_hf_id(ref) or bare_name)


def _tool_object(call: ast.Call, out: _Collector) -> None:
    name = string_value(keyword(call, "name"))
    if name is None:
        func = keyword(call, "func", "fn", "coroutine")
        name = func.id if isinstance(func, ast.Name) else None
    if name is None and call.args and isinstance(call.args[0], ast.Name):
        name = call.args[0].id
    if name is not None:
        out.tool(name, call, last_name(call.func))


def _assignment(node: ast.Assign | ast.AnnAssign, out: _Collector) -> None:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = [t.id for t in targets if isinstance(t, ast.Name)]
    names += [t.attr for t in targets if isinstance(t, ast.Attribute)]
    for name in names:
        if _PROMPT_NAME.search(name):
            out.prompt(template_text(node.value), node, name)
        elif _MODEL_NAME.search(name) and not _PATH_NAME.search(name):
            out.model(string_value(node.value), node, "assignment")


def _dict(node: ast.Dict, out: _Collector) -> None:
    items = dict_items(node)
    if string_value(items.get("role")) in {"system", "developer"}:
        out.prompt(template_text(items.get("content")), node, "system message")
    if "model" in items:
        out.model(string_value(items["model"]), node, "model=")
    function = items.get("function")
    if string_value(items.get("type")) == "function":
        inner = dict_items(function) if isinstance(function, ast.Dict) else items
        name = string_value(inner.get("name"))
        if name is not None:
            out.tool(name, node, "function schema")
    elif "input_schema" in items and string_value(items.get("name")) is not None:
        out.tool(str(string_value(items["name"])), node, "tool schema")


def _message_pair(node: ast.Tuple | ast.List, out: _Collector) -> None:
    """``("system", "You are ...")`` as LangChain prompt templates take messages."""
    if len(node.elts) == 2 and string_value(node.elts[0]) == "system":
        out.prompt(template_text(node.elts[1]), node, "system message")


def _decorated_tool(node: ast.FunctionDef | ast.AsyncFunctionDef, out: _Collector) -> None:
    for decorator in node.decorator_list:
        if last_name(decorator) not in _TOOL_DECORATORS:
            continue
        named = argument(decorator, 0, "name") if isinstance(decorator, ast.Call) else None
        out.tool(string_value(named) or node.name, node, f"@{last_name(decorator)}")
        return
