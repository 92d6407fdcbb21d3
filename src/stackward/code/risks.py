"""Unsafe patterns in Python code: model output executed, piped installers, unsafe YAML, shell
commands built from values.

The model-output heuristic is deliberately simple and file-wide, not a data-flow analysis:
an ``eval``/``exec`` argument is *model output* when it reads an attribute LLM clients return
(``.choices``, ``.content``, ``.output_text``, ``.generations``, ``.generated_text``,
``.tool_calls``, ``.arguments``), names a variable whose name says so (``response``,
``completion``, ``llm_output``, ``model_output``, ``generation``), calls an LLM-looking
method (``invoke``, ``generate``, ``chat``, ``complet*``, ``predict``, ``llm``,
``messages.create``, ``responses.create``), or names a variable assigned from any of those
(followed through up to five assignments). ``eval`` of a constant or of an unrelated
variable is not reported.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

from stackward.code.syntax import all_nodes, argument, dotted, keyword, qualified, strings_in

PIPE_TO_SHELL = re.compile(
    r"\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:/\S*/)?(?:ba|z|k|da|fi)?sh\b"
)
_OUTPUT_ATTRS = frozenset(
    {
        "choices",
        "content",
        "output_text",
        "generations",
        "generated_text",
        "tool_calls",
        "arguments",
        "completion",
    }
)
_OUTPUT_NAMES = re.compile(r"(?i)response|completion|llm_?output|model_?output|generation")
_LLM_CALL = re.compile(
    r"(?i)(?:^|[._])(?:a?invoke|generate\w*|chat\w*|\w*complet\w*|predict|\w*llm\w*|"
    r"messages\.create|responses\.create)(?:$|[._(])"
)
_SHELL_RUNNERS = frozenset(
    {
        "os.system",
        "os.popen",
        "commands.getoutput",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
    }
)
_SUBPROCESS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.Popen",
        "subprocess.check_call",
        "subprocess.check_output",
    }
)
_SAFE_YAML_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
_ASSIGNMENT_ROUNDS = 5

Report = Callable[[str, ast.AST, str], None]
"""``report(kind, node, detail)`` records one risk at the node's line."""


def model_output_names(nodes: list[ast.Assign | ast.AnnAssign]) -> set[str]:
    """Variables assigned (directly or through others) from something that reads model output."""
    assignments = [
        (target.id, node.value)
        for node in nodes
        if node.value is not None
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    ]
    tainted: set[str] = set()
    for _ in range(_ASSIGNMENT_ROUNDS):
        grown = {name for name, value in assignments if is_model_output(value, tainted)}
        if grown <= tainted:
            break
        tainted |= grown
    return tainted


def is_model_output(node: ast.expr, tainted: set[str]) -> bool:
    for part in all_nodes(node):
        if isinstance(part, ast.Attribute) and part.attr in _OUTPUT_ATTRS:
            return True
        if isinstance(part, ast.Name) and (part.id in tainted or _OUTPUT_NAMES.search(part.id)):
            return True
        if isinstance(part, ast.Call) and _LLM_CALL.search(dotted(part.func) or ""):
            return True
    return False


def find_risks(
    calls: list[ast.Call],
    aliases: dict[str, str],
    assignments: list[ast.Assign | ast.AnnAssign],
    report: Report,
) -> None:
    runs_code = any(
        isinstance(call.func, ast.Name | ast.Attribute)
        and (dotted(call.func) or "").rsplit(".", 1)[-1] in {"eval", "exec"}
        for call in calls
    )
    tainted = model_output_names(assignments) if runs_code else set()
    for call in calls:
        name = qualified(call.func, aliases)
        for kind, detail in _call_risks(call, name, tainted):
            report(kind, call, detail)


def _call_risks(call: ast.Call, name: str, tainted: set[str]) -> Iterator[tuple[str, str]]:
    if name in {"eval", "exec", "builtins.eval", "builtins.exec"}:
        code = argument(call, 0, "source", "expression")
        if code is not None and is_model_output(code, tainted):
            yield "eval_of_model_output", f"{name.rsplit('.', 1)[-1]}() of model output"
    elif name in _SHELL_RUNNERS or name in _SUBPROCESS:
        yield from _shell_risks(call, name)
    elif name in {"yaml.load", "yaml.load_all"}:
        loader = argument(call, 1, "Loader")
        loader_name = (dotted(loader) or "").rsplit(".", 1)[-1] if loader is not None else ""
        if loader_name not in _SAFE_YAML_LOADERS:
            yield "yaml_unsafe_load", f"{name} with {loader_name or 'no'} Loader"
    elif name in {"yaml.unsafe_load", "yaml.unsafe_load_all"}:
        yield "yaml_unsafe_load", name


def _shell_risks(call: ast.Call, name: str) -> Iterator[tuple[str, str]]:
    command = argument(call, 0, "args", "cmd", "command")
    nodes = [command] if command is not None else []
    if any(PIPE_TO_SHELL.search(text) for text in strings_in(nodes)):
        yield "pipe_to_shell", f"{name} runs a downloaded script through a shell"
    shell = keyword(call, "shell")
    through_shell = name in _SHELL_RUNNERS or (
        isinstance(shell, ast.Constant) and shell.value is True
    )
    if through_shell and command is not None and _interpolated(command):
        yield "shell_command_interpolated", f"{name} with a shell command built from values"


def _interpolated(node: ast.expr) -> bool:
    """An f-string with placeholders, ``%``/``+`` formatting or ``.format()`` of a command."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return not (isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant))
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )
