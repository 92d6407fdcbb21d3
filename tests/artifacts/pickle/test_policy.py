"""The allow-list policy: normalisation and the verdict for each kind of global."""

from __future__ import annotations

import pytest

from stackward.artifacts.pickle.policy import Category, classify, is_deserializer, normalize

D, S, U = Category.DANGEROUS, Category.SAFE, Category.UNAPPROVED

POLICY_TABLE = [
    # builtins and string -> code builders
    ("builtins", "eval", D),
    ("builtins", "exec", D),
    ("builtins", "compile", D),
    ("builtins", "open", D),
    ("builtins", "__import__", D),
    ("builtins", "getattr", D),
    ("builtins", "setattr", D),
    ("builtins", "globals", D),
    ("builtins", "vars", D),
    ("builtins", "breakpoint", D),
    ("builtins", "type", D),
    ("__builtin__", "eval", D),
    ("__builtin__", "set", S),
    ("builtins", "set", S),
    ("builtins", "frozenset", S),
    ("builtins", "slice", S),
    ("builtins", "bytearray", S),
    ("builtins", "print", U),
    # operating system, processes, files, network
    ("os", "system", D),
    ("posix", "system", D),
    ("nt", "system", D),
    ("os.path", "join", D),
    ("subprocess", "Popen", D),
    ("subprocess", "check_output", D),
    ("commands", "getoutput", D),
    ("popen2", "popen2", D),
    ("_posixsubprocess", "fork_exec", D),
    ("pty", "spawn", D),
    ("sys", "exit", D),
    ("shutil", "rmtree", D),
    ("socket", "create_connection", D),
    ("urllib.request", "urlopen", D),
    ("http.client", "HTTPConnection", D),
    ("requests", "get", D),
    ("webbrowser", "open", D),
    ("asyncio.unix_events", "_UnixSubprocessTransport", D),
    ("multiprocessing.util", "spawnv_passfds", D),
    ("ctypes", "CDLL", D),
    ("pathlib", "Path", D),
    ("io", "open", D),
    ("tempfile", "mkstemp", D),
    # import machinery and interpreters
    ("importlib", "import_module", D),
    ("importlib.util", "spec_from_file_location", D),
    ("runpy", "run_path", D),
    ("code", "InteractiveInterpreter", D),
    ("pdb", "run", D),
    ("timeit", "timeit", D),
    ("cProfile", "run", D),
    ("pydoc", "pipepager", D),
    ("pip", "main", D),
    ("setuptools.sandbox", "run_setup", D),
    ("zipimport", "zipimporter", D),
    # builders and deserializers
    ("operator", "attrgetter", D),
    ("operator", "methodcaller", D),
    ("_operator", "attrgetter", D),
    ("functools", "partial", D),
    ("types", "FunctionType", D),
    ("types", "CodeType", D),
    ("marshal", "loads", D),
    ("pickle", "loads", D),
    ("_pickle", "loads", D),
    ("cPickle", "loads", D),
    ("dill", "loads", D),
    ("copyreg", "add_extension", D),
    ("copy_reg", "add_extension", D),
    ("joblib", "load", D),
    ("numpy", "load", D),
    ("numpy.lib.npyio", "load", D),
    ("numpy.testing._private.utils", "runstring", D),
    ("numpy.f2py", "compile", D),
    ("torch", "load", D),
    ("torch.serialization", "load", D),
    ("torch.storage", "_load_from_bytes", D),
    ("torch.hub", "load", D),
    ("torch.jit", "load", D),
    ("torch._dynamo", "optimize", D),
    ("torch.utils.bottleneck", "main", D),
    # dotted names walk attributes
    ("torch", "serialization.load", D),
    ("os", "path.os.system", D),
    ("torch.serialization", "os.system", D),
    ("numpy.core", "os.system", D),
    ("torch.nn.modules.module", "torch.load", D),
    ("sklearn.base", "pickle.loads", D),
    ("collections", "OrderedDict.__class__", D),
    # double-underscore tricks
    ("argparse", "Namespace.__init__.__globals__", D),
    ("builtins", "object.__subclasses__", D),
    ("__builtins__", "eval", D),
    ("collections", "__builtins__", D),
    # unknown things named like entry points
    ("mypkg.util", "system", D),
    ("mypkg.util", "import_module", D),
    # the torch weights-only set and library reconstructors
    ("torch._utils", "_rebuild_tensor_v2", S),
    ("torch._utils", "_rebuild_parameter", S),
    ("torch", "FloatStorage", S),
    ("torch", "BFloat16Storage", S),
    ("torch", "Size", S),
    ("torch", "float32", S),
    ("torch", "device", S),
    ("torch.nn.parameter", "Parameter", S),
    ("torch.nn.modules.linear", "Linear", S),
    ("torch.nn.modules.container", "Sequential", S),
    ("torch.serialization", "_get_layout", S),
    ("torch.nn.functional", "relu", S),
    ("torch.nn.functional", "torch.load", D),
    ("torch.nn.utils.spectral_norm", "SpectralNorm", S),
    ("torch.jit._pickle", "build_intlist", S),
    ("torch.jit._pickle", "restore_type_tag", S),
    ("__torch__", "MyModule", S),
    ("__torch__.torch.nn.modules.linear", "Linear", S),
    ("collections", "OrderedDict", S),
    ("collections", "defaultdict", S),
    ("_codecs", "encode", S),
    ("copyreg", "_reconstructor", S),
    ("copy_reg", "_reconstructor", S),
    ("builtins", "object", S),
    ("numpy.core.multiarray", "_reconstruct", S),
    ("numpy._core.multiarray", "_reconstruct", S),
    ("numpy._core.multiarray", "scalar", S),
    ("numpy", "ndarray", S),
    ("numpy", "dtype", S),
    ("numpy.dtypes", "Float64DType", S),
    ("numpy.random._pickle", "__randomstate_ctor", S),
    ("numpy.random._pickle", "__bit_generator_ctor", S),
    ("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence", S),
    ("numpy.ma.core", "_mareconstruct", S),
    ("scipy.sparse._csr", "csr_matrix", S),
    ("scipy.sparse._coo", "coo_array", S),
    ("sklearn.linear_model._logistic", "LogisticRegression", S),
    ("sklearn.tree._tree", "Tree", S),
    ("sklearn._loss._loss", "__pyx_unpickle_CyHalfSquaredError", S),
    ("sklearn.utils._bunch", "Bunch", S),
    ("sklearn.metrics._regression", "mean_squared_error", S),
    ("sklearn.metrics._scorer", "os.system", D),
    ("numpy", "log1p", S),
    ("joblib.numpy_pickle", "NumpyArrayWrapper", S),
    ("sklearn.externals.joblib.numpy_pickle", "NumpyArrayWrapper", S),
    # known packages, but not their functions
    ("sklearn.utils", "check_array", U),
    ("torch.nn.modules.module", "_addindent", U),
    ("torch._C", "_set_grad_enabled", U),
    ("numpy", "frombuffer", U),
    ("scipy.sparse", "random", U),
    ("__main__", "Net", U),
    ("mypkg.models", "Net", U),
    ("argparse", "Namespace", U),
    ("pydantic.types", "SecretStr", U),
    ("mypkg.io", "Reader", U),
    ("mypkg.yaml", "Config", U),
    ("re", "_compile", U),
]


@pytest.mark.parametrize(
    ("module", "name", "expected"),
    POLICY_TABLE,
    ids=[f"{m}.{n}" for m, n, _ in POLICY_TABLE],
)
def test_policy_table(module: str, name: str, expected: Category) -> None:
    verdict = classify(module, name)
    assert verdict.category is expected, verdict
    if expected is Category.DANGEROUS:
        assert verdict.reason


def test_table_is_large_and_mixed() -> None:
    categories = [row[2] for row in POLICY_TABLE]
    assert len(POLICY_TABLE) >= 60
    assert {D, S, U} <= set(categories)


@pytest.mark.parametrize(
    ("module", "name", "qualified"),
    [
        ("__builtin__", "eval", "builtins.eval"),
        ("copy_reg", "_reconstructor", "copyreg._reconstructor"),
        ("__builtin__", "reduce", "functools.reduce"),
        ("commands", "getoutput", "subprocess.getoutput"),
        ("posix", "system", "os.system"),
        ("nt", "system", "os.system"),
        ("cPickle", "loads", "pickle.loads"),
        ("urllib2", "urlopen", "urllib.request.urlopen"),
        ("torch", "serialization.load", "torch.serialization.load"),
        ("mypkg", "Net", "mypkg.Net"),
    ],
    ids=lambda v: str(v),
)
def test_normalize(module: str, name: str, qualified: str) -> None:
    assert normalize(module, name) == qualified


@pytest.mark.parametrize(
    ("module", "name", "allow", "expected"),
    [
        ("mypkg.models", "Net", ("mypkg.models.Net",), S),
        ("mypkg.models", "Net", ("mypkg.*",), S),
        ("mypkg.models", "Net", ("mypkg.models.Other",), U),
        ("mypkgx.models", "Net", ("mypkg.*",), U),
        ("os", "system", ("os.system",), D),
        ("os", "system", ("os.*",), D),
        ("builtins", "eval", ("builtins.*",), D),
        ("mypkg", "os.system", ("mypkg.*",), D),
    ],
    ids=[
        "exact",
        "wildcard",
        "other-name",
        "prefix-is-not-wildcard",
        "never-unflags-exact",
        "never-unflags-wildcard",
        "never-unflags-builtins",
        "never-unflags-attribute-path",
    ],
)
def test_user_allow_list(
    module: str, name: str, allow: tuple[str, ...], expected: Category
) -> None:
    assert classify(module, name, allow).category is expected


@pytest.mark.parametrize(
    ("module", "name", "expected"),
    [
        ("pickle", "loads", True),
        ("dill", "loads", True),
        ("torch.storage", "_load_from_bytes", True),
        ("os", "system", False),
        ("collections", "OrderedDict", False),
        ("mypkg", "loads", False),
    ],
    ids=["pickle", "dill", "torch-bytes", "os-system", "safe", "unapproved"],
)
def test_is_deserializer(module: str, name: str, expected: bool) -> None:
    assert is_deserializer(classify(module, name)) is expected
