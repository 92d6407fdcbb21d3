"""Benign samples written by the real libraries, the way their users write them.

A scanner that flags any of these above LOW would bury real findings in noise. Seeds are
fixed so the files are reproducible for a given set of library versions.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.artifacts.corpus import keras_files
from tests.artifacts.corpus.benign_templates import CHAT_TEMPLATES
from tests.artifacts.corpus.recipe import Recipe, Writer, benign
from tests.artifacts.corpus.torch_files import legacy_save


def _torch_module(kind: str) -> Any:
    import torch
    from torch import nn

    torch.manual_seed(0)
    modules: dict[str, Callable[[], nn.Module]] = {
        "mlp": lambda: nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2)),
        "cnn": lambda: nn.Sequential(
            nn.Conv2d(1, 4, 3),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(4 * 3 * 3, 2),
        ),
        "lstm": lambda: nn.LSTM(8, 16, num_layers=2, batch_first=True),
        "transformer": lambda: nn.TransformerEncoderLayer(16, 2, 32, batch_first=True),
        "embedding": lambda: nn.Sequential(nn.Embedding(32, 8), nn.LayerNorm(8)),
        "gru_half": lambda: nn.GRU(4, 8).half(),
    }
    return modules[kind]()


def _torch_state_dict(kind: str) -> Writer:
    def write(path: Path) -> None:
        import torch

        torch.save(_torch_module(kind).state_dict(), path)

    return write


def _torch_checkpoint(optimizer: str) -> Writer:
    def write(path: Path) -> None:
        import torch

        model = _torch_module("mlp")
        if optimizer == "adam":
            opt: Any = torch.optim.Adam(model.parameters(), lr=1e-3)
            extra: dict[str, Any] = {}
        else:
            opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            extra = {"scheduler": torch.optim.lr_scheduler.StepLR(opt, 10).state_dict()}
        model(torch.ones(4, 8)).sum().backward()
        opt.step()
        state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}
        torch.save({**state, "loss": 0.25, **extra}, path)

    return write


def _torch_whole_module(path: Path) -> None:
    import torch

    torch.save(_torch_module("cnn"), path)


def _torch_legacy(path: Path) -> None:
    path.write_bytes(legacy_save(_torch_module("mlp").state_dict()))


def _torch_script(path: Path) -> None:
    import torch

    torch.jit.save(torch.jit.script(_torch_module("mlp")), path)


def _torch_traced(path: Path) -> None:
    import torch

    module = _torch_module("cnn").eval()
    traced = torch.jit.trace(module, torch.ones(1, 1, 8, 8))  # type: ignore[no-untyped-call]
    torch.jit.save(traced, path)


def _torch() -> list[Recipe]:
    recipes = [
        benign(
            f"{kind}_state_dict.pt",
            "torch",
            "pytorch-zip",
            f"state_dict of a {kind} model",
            _torch_state_dict(kind),
        )
        for kind in ("mlp", "cnn", "lstm", "transformer", "embedding", "gru_half")
    ]
    return [
        *recipes,
        benign(
            "checkpoint_adam.pt",
            "torch",
            "pytorch-zip",
            "training checkpoint: model, Adam state, epoch, loss",
            _torch_checkpoint("adam"),
        ),
        benign(
            "checkpoint_sgd.pt",
            "torch",
            "pytorch-zip",
            "training checkpoint: model, SGD momentum, StepLR state",
            _torch_checkpoint("sgd"),
        ),
        benign(
            "whole_module.pt",
            "torch",
            "pytorch-zip",
            "torch.save of a whole nn.Sequential of built-in layers",
            _torch_whole_module,
        ),
        benign(
            "legacy_state_dict.pt",
            "torch",
            "pytorch-legacy",
            "_use_new_zipfile_serialization=False state_dict",
            _torch_legacy,
        ),
        benign(
            "scripted.pt", "torch", "torchscript", "torch.jit.save of a scripted MLP", _torch_script
        ),
        benign(
            "traced.pt", "torch", "torchscript", "torch.jit.save of a traced CNN", _torch_traced
        ),
    ]


def _sklearn_model(kind: str) -> Any:
    import numpy as np
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    features = rng.standard_normal((40, 4))
    labels = (features[:, 0] > 0).astype(int)
    models: dict[str, Callable[[], Any]] = {
        "logreg": lambda: LogisticRegression(),
        "forest": lambda: RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0),
        "pipeline": lambda: make_pipeline(StandardScaler(), LogisticRegression()),
    }
    return models[kind]().fit(features, labels)


def _sklearn_pickle(kind: str, protocol: int) -> Writer:
    def write(path: Path) -> None:
        path.write_bytes(pickle.dumps(_sklearn_model(kind), protocol=protocol))

    return write


def _sklearn_joblib(kind: str, compress: str | None) -> Writer:
    def write(path: Path) -> None:
        import joblib

        buffer = io.BytesIO()
        joblib.dump(_sklearn_model(kind), buffer, compress=(compress, 3) if compress else 0)
        path.write_bytes(buffer.getvalue())

    return write


def _sklearn() -> list[Recipe]:
    packages = ("scikit-learn", "numpy")
    pickled = [
        benign(
            f"{kind}_p{protocol}.pkl",
            "sklearn",
            "pickle",
            f"pickle.dumps(protocol={protocol}) of a fitted {kind}",
            _sklearn_pickle(kind, protocol),
            *packages,
        )
        for kind, protocol in (("logreg", 2), ("forest", 3), ("pipeline", 4), ("pipeline", 5))
    ]
    dumped = [
        benign(
            f"pipeline.joblib{'.' + method if method else ''}",
            "sklearn",
            method or "pickle",
            f"joblib.dump of a fitted Pipeline, compress={method}",
            _sklearn_joblib("pipeline", method),
            "scikit-learn",
            "joblib",
        )
        for method in (None, "zlib", "gzip", "bz2", "xz", "lzma", "lz4")
    ]
    return [
        *pickled,
        *dumped,
        benign(
            "forest.joblib",
            "sklearn",
            "pickle",
            "joblib.dump of a small random forest",
            _sklearn_joblib("forest", None),
            "scikit-learn",
            "joblib",
        ),
    ]


def _npy(make: Callable[[], Any], allow_pickle: bool = False) -> Writer:
    def write(path: Path) -> None:
        import numpy as np

        with path.open("wb") as handle:
            np.save(handle, make(), allow_pickle=allow_pickle)

    return write


def _npz(compressed: bool) -> Writer:
    def write(path: Path) -> None:
        import numpy as np

        weights, bias = np.linspace(0, 1, 12).reshape(3, 4), np.zeros(4)
        with path.open("wb") as handle:
            if compressed:
                np.savez_compressed(handle, weights=weights, bias=bias)
            else:
                np.savez(handle, weights=weights, bias=bias)

    return write


def _np() -> Any:
    import numpy

    return numpy


def _numpy() -> list[Recipe]:
    def objects() -> Any:
        return _np().array(["cat", "dog", "bird"], dtype=object)

    arrays: dict[str, Callable[[], Any]] = {
        "float": lambda: _np().linspace(-1, 1, 16, dtype="float32").reshape(4, 4),
        "int": lambda: _np().arange(10, dtype="int64"),
        "bool": lambda: _np().array([True, False, True]),
        "str": lambda: _np().array(["alpha", "beta"]),
        "structured": lambda: _np().zeros(3, dtype=[("id", "<i4"), ("score", "<f8")]),
    }
    recipes = [
        benign(f"{name}.npy", "numpy", "npy", f"np.save of a {name} array", _npy(make))
        for name, make in arrays.items()
    ]
    return [
        *recipes,
        benign(
            "object_strings.npy",
            "numpy",
            "npy",
            "np.save(allow_pickle=True) of an object array of strings",
            _npy(objects, allow_pickle=True),
        ),
        benign("arrays.npz", "numpy", "zip", "np.savez of two arrays", _npz(compressed=False)),
        benign(
            "arrays_compressed.npz",
            "numpy",
            "zip",
            "np.savez_compressed of two arrays",
            _npz(compressed=True),
        ),
    ]


def _keras_model(kind: str) -> Any:
    import keras

    keras_files.seed()
    if kind == "sequential":
        return keras.Sequential(
            [
                keras.Input((8,)),
                keras.layers.Dense(16, activation="relu"),
                keras.layers.Dropout(0.1),
                keras.layers.Dense(2, activation="softmax"),
            ]
        )
    if kind == "functional":
        inputs = keras.Input((8, 8, 1))
        x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.GlobalAveragePooling2D()(x)
        return keras.Model(inputs, keras.layers.Dense(2)(x), name="functional")
    inner = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)], name="inner")
    inputs = keras.Input((8,))
    return keras.Model(inputs, keras.layers.Dense(1)(inner(inputs)), name="nested")


def _keras_writer(kind: str) -> Writer:
    return lambda path: keras_files.save(_keras_model(kind), path)


def _keras() -> list[Recipe]:
    return [
        benign(
            f"{kind}.{ext}",
            "keras",
            "keras" if ext == "keras" else "hdf5",
            f"Keras 3 {kind} model saved as .{ext}",
            _keras_writer(kind),
            "keras",
            "h5py",
        )
        for kind in ("sequential", "functional", "nested")
        for ext in ("keras", "h5")
    ]


def _safetensors_torch(path: Path) -> None:
    from safetensors.torch import save_file

    save_file(_torch_module("mlp").state_dict(), path, metadata={"format": "pt"})


def _safetensors_numpy(path: Path) -> None:
    import numpy as np
    from safetensors.numpy import save_file

    save_file({"embedding": np.ones((4, 3), dtype=np.float16), "ids": np.arange(5)}, path)


def _safetensors() -> list[Recipe]:
    return [
        benign(
            "torch_mlp.safetensors",
            "safetensors",
            "safetensors",
            "safetensors.torch.save_file of an MLP state_dict",
            _safetensors_torch,
            "safetensors",
            "torch",
        ),
        benign(
            "numpy.safetensors",
            "safetensors",
            "safetensors",
            "safetensors.numpy.save_file of float16 and int64 arrays",
            _safetensors_numpy,
            "safetensors",
            "numpy",
        ),
    ]


def _onnx_model() -> Any:
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    weight = numpy_helper.from_array(rng.standard_normal((4, 3)).astype(np.float32), "W")
    bias = numpy_helper.from_array(np.zeros(3, dtype=np.float32), "B")
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["X", "W"], ["XW"]),
            helper.make_node("Add", ["XW", "B"], ["Z"]),
            helper.make_node("Relu", ["Z"], ["Y"]),
        ],
        "dense",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 3])],
        initializer=[weight, bias],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def _onnx_inline(path: Path) -> None:
    import onnx

    onnx.save_model(_onnx_model(), path)


def _onnx_external(path: Path) -> None:
    import onnx

    onnx.save_model(
        _onnx_model(),
        path,
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="weights.bin",
        size_threshold=0,
    )


def _onnx_exported(path: Path) -> None:
    import torch

    module = _torch_module("mlp").eval()
    torch.onnx.export(module, (torch.ones(1, 8),), str(path), dynamo=False)


def _onnx() -> list[Recipe]:
    return [
        benign(
            "dense.onnx",
            "onnx",
            "onnx",
            "onnx.helper MatMul+Add+Relu, inline weights",
            _onnx_inline,
        ),
        benign(
            "external/model.onnx",
            "onnx",
            "onnx",
            "onnx.save_model with external data weights.bin in the same directory",
            _onnx_external,
        ),
        benign(
            "exported/mlp.onnx",
            "onnx",
            "onnx",
            "torch.onnx.export(dynamo=False) of an MLP",
            _onnx_exported,
            "torch",
            "onnx",
        ),
    ]


def _gguf(template: str) -> Writer:
    def write(path: Path) -> None:
        import gguf
        import numpy as np

        writer = gguf.GGUFWriter(path, "llama")
        writer.add_name("tiny")
        writer.add_context_length(128)
        writer.add_chat_template(template)
        rng = np.random.default_rng(0)
        writer.add_tensor("token_embd.weight", rng.standard_normal((8, 4)).astype(np.float32))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()

    return write


def _gguf_samples() -> list[Recipe]:
    return [
        benign(
            f"{name}.gguf",
            "gguf",
            "gguf",
            f"GGUFWriter file with the {name} chat template",
            _gguf(template),
            "gguf",
            "numpy",
        )
        for name, template in CHAT_TEMPLATES.items()
    ]


def benign_recipes() -> list[Recipe]:
    return [
        *_torch(),
        *_sklearn(),
        *_numpy(),
        *_keras(),
        *_safetensors(),
        *_onnx(),
        *_gguf_samples(),
    ]
