"""Pickle files written by real libraries, joblib dumps, stacked and legacy torch pickles."""

from __future__ import annotations

import io
import os
import pickle
import warnings
import zipfile
from collections import Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable
from typing import Any

import pytest

from stackward.artifacts import ArtifactReport
from stackward.artifacts.context import ScanContext
from stackward.artifacts.formats.pickle_file import scan_pickle
from stackward.artifacts.source import BytesSource, SliceSource
from tests.artifacts.pickle.build import MARKER_COMMAND, call, scan, severities, system_call, worst


class _Payload:
    """Pickles as ``os.system(MARKER_COMMAND)``; it is only ever dumped, never loaded."""

    def __reduce__(self) -> tuple[Callable[[str], int], tuple[str]]:
        return (os.system, (MARKER_COMMAND,))


def _quiet(make: Callable[[], bytes]) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make()


def _joblib_bytes(value: object, **kwargs: Any) -> bytes:
    joblib = pytest.importorskip("joblib")
    buffer = io.BytesIO()
    joblib.dump(value, buffer, **kwargs)
    return buffer.getvalue()


def _torch_bytes(value: object, legacy: bool = False) -> bytes:
    torch = pytest.importorskip("torch")
    buffer = io.BytesIO()
    torch.save(value, buffer, _use_new_zipfile_serialization=not legacy)
    return buffer.getvalue()


def _zip_pickles(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.endswith(".pkl")}


def _assert_clean(report: ArtifactReport) -> None:
    assert [i for i in report.issues if i.severity.label != "low"] == []
    assert report.issues == []


# -- scikit-learn ------------------------------------------------------------------------------


def _sklearn_models() -> dict[str, object]:
    pytest.importorskip("sklearn")
    np = pytest.importorskip("numpy")
    from sklearn.cluster import KMeans
    from sklearn.compose import ColumnTransformer
    from sklearn.datasets import load_iris
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.model_selection import GridSearchCV
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
    from sklearn.svm import SVC

    x, y = load_iris(return_X_y=True)
    return {
        "pipeline": Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression())]).fit(x, y),
        "random-forest": RandomForestClassifier(n_estimators=3, random_state=0).fit(x, y),
        "gradient-boosting": GradientBoostingClassifier(n_estimators=3).fit(x, y),
        "svc": SVC().fit(x, y),
        "kmeans": KMeans(3, n_init=1, random_state=0).fit(x),
        "knn": KNeighborsClassifier().fit(x, y),
        "tfidf": TfidfVectorizer().fit(["alpha beta gamma", "beta delta"]),
        "one-hot": OneHotEncoder().fit([["a"], ["b"]]),
        "grid-search": GridSearchCV(
            Ridge(), {"alpha": [1.0, 2.0]}, cv=2, scoring="neg_mean_squared_error"
        ).fit(x, y),
        "column-transformer": ColumnTransformer(
            [("log", FunctionTransformer(np.log1p), [0, 1]), ("scale", StandardScaler(), [2])]
        ).fit(x),
    }


@pytest.fixture(scope="module")
def sklearn_models() -> dict[str, object]:
    return _sklearn_models()


SKLEARN_NAMES = [
    "pipeline",
    "random-forest",
    "gradient-boosting",
    "svc",
    "kmeans",
    "knn",
    "tfidf",
    "one-hot",
]


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
@pytest.mark.parametrize("name", SKLEARN_NAMES)
def test_sklearn_pickles_are_clean(
    sklearn_models: dict[str, object], name: str, protocol: int
) -> None:
    data = _quiet(lambda: pickle.dumps(sklearn_models[name], protocol=protocol))
    report = scan(data)
    _assert_clean(report)
    assert any(g.startswith("sklearn.") for g in report.globals)


@pytest.mark.parametrize("name", SKLEARN_NAMES)
def test_joblib_sklearn_dumps_are_clean(sklearn_models: dict[str, object], name: str) -> None:
    _assert_clean(scan(_quiet(lambda: _joblib_bytes(sklearn_models[name])), "model.joblib"))


# -- NumPy arrays inside joblib ---------------------------------------------------------------


def _arrays() -> dict[str, Any]:
    np = pytest.importorskip("numpy")
    return {
        "float64": np.arange(10.0),
        "int32-2d": np.arange(12, dtype=np.int32).reshape(3, 4),
        "fortran": np.asfortranarray(np.ones((3, 5), dtype=np.float32)),
        "bool": np.array([True, False, True]),
        "unicode": np.array(["ab", "cde"]),
        "bytes": np.array([b"x", b"yz"]),
        "complex": np.array([1 + 2j]),
        "float16": np.zeros((2, 3), dtype=np.float16),
        "datetime": np.arange(3).astype("datetime64[D]"),
        "empty": np.zeros((0, 4)),
        "object": np.array([1, "x", None], dtype=object),
        "opcode-bytes": np.frombuffer(system_call(), dtype=np.uint8).copy(),
    }


ARRAY_NAMES = [
    "float64",
    "int32-2d",
    "fortran",
    "bool",
    "unicode",
    "bytes",
    "complex",
    "float16",
    "datetime",
    "empty",
    "object",
    "opcode-bytes",
]


@pytest.mark.parametrize("name", ARRAY_NAMES)
def test_joblib_arrays_are_skipped_exactly(name: str) -> None:
    """Raw array bytes are skipped (opcode-like bytes in them raise nothing) and the stream
    after them is still analysed: a payload placed after the array is found."""
    array = _arrays()[name]
    benign = _joblib_bytes({"a": array, "b": [array, 1]})
    _assert_clean(scan(benign, "arrays.joblib"))
    hostile = _quiet(lambda: _joblib_bytes({"a": array, "after": _Payload()}))
    assert severities(scan(hostile, "arrays.joblib"))["os.system"] == "critical"


def test_joblib_object_array_is_a_nested_pickle() -> None:
    np = pytest.importorskip("numpy")
    array = np.empty(2, dtype=object)
    array[0] = _Payload()
    array[1] = "fine"
    report = scan(_quiet(lambda: _joblib_bytes({"arr": array, "tail": [1, 2]})), "x.joblib")
    assert severities(report)["os.system"] == "critical"
    assert report.properties["pickle_streams"] == 2


def test_joblib_without_alignment_padding() -> None:
    """Dumps from joblib before 1.2 have no padding byte; both layouts must parse."""
    np = pytest.importorskip("numpy")
    data = _joblib_bytes({"a": np.arange(5.0)})
    marker = b"numpy_array_alignment_bytes"
    assert marker in data
    _assert_clean(scan(data))


# -- NumPy, collections, SciPy ---------------------------------------------------------------


def _plain_values() -> dict[str, object]:
    np = pytest.importorskip("numpy")
    values: dict[str, object] = {
        "collections": [
            OrderedDict(a=1),
            defaultdict(list),
            Counter("ab"),
            deque([1]),
            slice(1, 2),
            range(3),
            complex(1, 2),
            bytearray(b"x"),
            {1},
            frozenset({2}),
        ],
        "numpy-arrays": [a for k, a in _arrays().items() if k != "object"],
        "numpy-object-array": _arrays()["object"],
        "numpy-scalars": [np.float64(1.0), np.int64(3), np.bool_(True), np.dtype("f4")],
        "numpy-random": [np.random.RandomState(0), np.random.default_rng(1)],
        "numpy-masked": np.ma.masked_array([1, 2], mask=[0, 1]),
    }
    try:
        import scipy.sparse as sp
    except ImportError:
        return values
    values["scipy-sparse"] = [sp.csr_matrix(np.eye(2)), sp.coo_array(np.eye(2))]
    return values


PLAIN_NAMES = [
    "collections",
    "numpy-arrays",
    "numpy-object-array",
    "numpy-scalars",
    "numpy-random",
    "numpy-masked",
]


@pytest.mark.parametrize("protocol", [0, 1, 2, 4, 5])
@pytest.mark.parametrize("name", PLAIN_NAMES)
def test_numpy_and_collections_pickles_are_clean(name: str, protocol: int) -> None:
    _assert_clean(scan(pickle.dumps(_plain_values()[name], protocol=protocol)))


def test_scipy_sparse_pickles_are_clean() -> None:
    pytest.importorskip("scipy")
    _assert_clean(scan(pickle.dumps(_plain_values()["scipy-sparse"])))


# -- torch ------------------------------------------------------------------------------------


def _torch_values() -> dict[str, object]:
    torch = pytest.importorskip("torch")
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(1, 2, 3),
        nn.BatchNorm2d(2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(2, 2),
        nn.LSTM(2, 2),
        nn.Dropout(),
        nn.Embedding(3, 2),
        nn.LayerNorm(2),
        nn.MultiheadAttention(2, 1),
        nn.TransformerEncoder(nn.TransformerEncoderLayer(2, 1, 4), 1, enable_nested_tensor=False),
        nn.utils.spectral_norm(nn.Linear(2, 2)),
    )
    return {
        "state-dict": net.state_dict(),
        "whole-model": net,
        "tensors": [
            torch.zeros(2, dtype=torch.bfloat16),
            torch.ones(3, dtype=torch.int8),
            nn.Parameter(torch.ones(1)),
            torch.arange(6).reshape(2, 3).t(),
        ],
        "optimizer": torch.optim.SGD(net.parameters(), lr=0.1).state_dict(),
    }


TORCH_NAMES = ["state-dict", "whole-model", "tensors", "optimizer"]


@pytest.mark.parametrize("name", TORCH_NAMES)
def test_torch_zip_pickles_are_clean(name: str) -> None:
    members = _zip_pickles(_torch_bytes(_torch_values()[name]))
    assert members
    for member, data in members.items():
        report = scan(data, member)
        _assert_clean(report)
        assert report.format == "pickle"


@pytest.mark.parametrize("name", TORCH_NAMES)
def test_torch_legacy_files_are_clean(name: str) -> None:
    data = _torch_bytes(_torch_values()[name], legacy=True)
    report = scan(data, "model.pt")
    assert report.format == "pytorch-legacy"
    _assert_clean(report)
    assert report.properties["pickle_streams"] == 5


def test_torch_legacy_storage_bytes_are_not_parsed() -> None:
    torch = pytest.importorskip("torch")
    tensor = torch.frombuffer(bytearray(system_call() * 3), dtype=torch.uint8)
    report = scan(_torch_bytes({"t": tensor}, legacy=True), "model.pt")
    _assert_clean(report)
    storage = report.properties["torch_legacy_storage_bytes"]
    assert isinstance(storage, int) and storage >= len(system_call()) * 3


def test_torch_legacy_payload_is_found() -> None:
    data = _quiet(lambda: _torch_bytes({"w": _Payload()}, legacy=True))
    assert severities(scan(data, "model.pt"))["os.system"] == "critical"


def test_torchscript_archive_pickles_are_clean() -> None:
    torch = pytest.importorskip("torch")

    class Small(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = torch.nn.Linear(2, 2)
            self.sizes = [1, 2]

        def forward(self, x):
            return self.linear(x)

    def save() -> bytes:
        buffer = io.BytesIO()
        torch.jit.save(torch.jit.script(Small()), buffer)
        return buffer.getvalue()

    members = _zip_pickles(_quiet(save))
    assert any(n.endswith("data.pkl") for n in members)
    globals_seen: set[str] = set()
    for member, data in members.items():
        report = scan(data, member)
        _assert_clean(report)
        globals_seen |= report.globals
    assert any(g.startswith("__torch__.") for g in globals_seen)


# -- stacked pickles and properties -----------------------------------------------------------


STACKED = {
    "benign-then-payload": (pickle.dumps([1, 2], protocol=2) + system_call(), "critical", 2),
    "three-benign": (b"".join(pickle.dumps(i, protocol=4) for i in range(3)), "none", 3),
    "protocol0-after-binary": (
        pickle.dumps({"a": 1}, protocol=4)
        + b"cos\nsystem\n(V"
        + MARKER_COMMAND.encode()
        + b"\ntR.",
        "critical",
        2,
    ),
    "trailing-garbage": (pickle.dumps([1], protocol=2) + b"\x00\x01 trailing text", "none", 1),
    "payload-third": (
        pickle.dumps(1, protocol=2) + pickle.dumps(2, protocol=5) + system_call(),
        "critical",
        3,
    ),
}


@pytest.mark.parametrize(("data", "expected", "streams"), STACKED.values(), ids=STACKED.keys())
def test_stacked_pickles(data: bytes, expected: str, streams: int) -> None:
    report = scan(data)
    assert worst(report) == expected
    assert report.properties["pickle_streams"] == streams


def test_properties_describe_the_stream() -> None:
    report = scan(pickle.dumps({"a": [1, 2, 3]}, protocol=4))
    assert report.properties["pickle_protocol"] == 4
    opcodes = report.properties["pickle_opcodes"]
    assert isinstance(opcodes, int) and opcodes > 5


def test_scan_pickle_on_a_slice_of_another_source() -> None:
    inner = call("subprocess", "check_output", MARKER_COMMAND)
    outer = BytesSource(b"HEADER" + inner + b"TRAILER", "container.bin")
    report = ArtifactReport("container.bin", outer.size)
    scan_pickle(SliceSource(outer, 6, len(inner), "slice"), ScanContext.start(report))
    assert severities(report)["subprocess.check_output"] == "critical"


def test_user_allow_list_silences_own_classes_only() -> None:
    data = b"\x80\x02cmypkg.models\nNet\n)\x81cmypkg.models\nbuild\n)R0cos\nsystem\n" + b")R0."
    report = scan(data, allow_globals=("mypkg.*", "os.system"))
    assert severities(report) == {"os.system": "critical"}
    assert {"mypkg.models.Net", "mypkg.models.build", "os.system"} <= report.globals


def test_time_budget_keeps_what_was_found() -> None:
    """The budget check stops the scan, but globals already read are still judged."""
    from stackward.artifacts.context import BudgetExceeded
    from stackward.artifacts.limits import ScanLimits

    stream = system_call()[:-1] + b"0" + b"N0" * 40_000 + b"N."
    report = ArtifactReport("slow.pkl", len(stream))
    ctx = ScanContext.start(report, ScanLimits(seconds_per_artifact=0.0))
    with pytest.raises(BudgetExceeded):
        scan_pickle(BytesSource(stream, "slow.pkl"), ctx)
    assert severities(report) == {"os.system": "critical"}


def _wrapper_stream(dtype_code: str, shape: bytes, data: bytes) -> bytes:
    from tests.artifacts.pickle.build import (
        BUILD,
        EMPTY_DICT,
        EMPTY_TUPLE,
        NEWOBJ,
        PROTO2,
        REDUCE,
        TUPLE1,
        glob,
        short_str,
    )

    return (
        PROTO2
        + glob("joblib.numpy_pickle", "NumpyArrayWrapper")
        + EMPTY_TUPLE
        + NEWOBJ
        + EMPTY_DICT
        + short_str("shape")
        + shape
        + b"s"
        + short_str("dtype")
        + glob("numpy", "dtype")
        + short_str(dtype_code)
        + TUPLE1
        + REDUCE
        + b"s"
        + BUILD
        + data
        + b"0"
        + system_call()[2:]
    )


@pytest.mark.parametrize(
    ("dtype_code", "shape", "data", "expected"),
    [
        ("<f8", b"K\x02\x85", b"cmypkg\nevil\n(V\nt", {"os.system": "critical"}),
        ("|u1", b"K\x03\x85", b"cx\n", {"os.system": "critical"}),
        ("<U2", b"K\x01\x85", b"\x00" * 8, {"os.system": "critical"}),
        ("[weird]", b"K\x01\x85", b"", {"joblib array": "medium"}),
        ("<f8", b"N", b"", {"joblib array": "medium"}),
    ],
    ids=["float64", "uint8", "unicode", "unknown-dtype", "shape-not-a-tuple"],
)
def test_hand_made_joblib_wrappers(
    dtype_code: str, shape: bytes, data: bytes, expected: dict[str, str]
) -> None:
    assert severities(scan(_wrapper_stream(dtype_code, shape, data))) == expected
