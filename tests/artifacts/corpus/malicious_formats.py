"""Malicious Keras, TensorFlow, ONNX and GGUF samples, built with the real writers where
they exist (Keras, onnx.helper, gguf.GGUFWriter) and by hand where they do not (SavedModel)."""

from __future__ import annotations

import base64
import marshal
from pathlib import Path
from typing import Any

from tests.artifacts.corpus import keras_files
from tests.artifacts.corpus import protobuf_forge as pb
from tests.artifacts.corpus.assemble import MARKER, SHELL_PAYLOAD
from tests.artifacts.corpus.recipe import Recipe, Writer, bytes_writer, malicious

LAMBDA_SOURCE = f"lambda x: (open({MARKER!r}, 'w').close(), x)[1]"


def _payload_lambda_code() -> str:
    """Keras' own encoding of a Lambda function (base64 of marshalled code), for a lambda
    that creates the marker file. The code object is compiled, never called."""
    expression = compile(LAMBDA_SOURCE, "<model>", "eval")
    code = next(c for c in expression.co_consts if hasattr(c, "co_code"))
    return base64.encodebytes(marshal.dumps(code)).decode("ascii")


def _arm_lambdas(config: Any) -> Any:
    for layer in keras_files.walk_layers(config):
        function = layer["config"].get("function") if layer["class_name"] == "Lambda" else None
        if isinstance(function, dict):
            function["config"]["code"] = _payload_lambda_code()
    return config


def _lambda_model(nested: bool) -> Any:
    import keras

    keras_files.seed()
    inner = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3), keras.layers.Lambda(lambda x: x * 2)],
        name="inner",
    )
    if not nested:
        return inner
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(2)(inner(inputs))
    return keras.Model(inputs, outputs, name="outer")


def _lambda_writer(nested: bool) -> Writer:
    def write(path: Path) -> None:
        keras_files.save(_lambda_model(nested), path)
        if path.suffix == ".keras":
            keras_files.rewrite_keras_zip(path, _arm_lambdas)
        else:
            keras_files.rewrite_h5_config(path, _arm_lambdas)

    return write


def _inject_module(module: str, name: str) -> keras_files.ConfigEdit:
    """Point the first Dense layer at ``module.name``; Keras imports ``module`` to resolve it."""

    def edit(config: Any) -> Any:
        layer = next(x for x in keras_files.walk_layers(config) if x["class_name"] == "Dense")
        layer["module"] = module
        layer["class_name"] = name
        layer["registered_name"] = None
        return config

    return edit


def _module_writer(module: str, name: str) -> Writer:
    def write(path: Path) -> None:
        import keras

        keras_files.seed()
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        keras_files.save(model, path)
        if path.suffix == ".keras":
            keras_files.rewrite_keras_zip(path, _inject_module(module, name))
        else:
            keras_files.rewrite_h5_config(path, _inject_module(module, name))

    return write


def _keras() -> list[Recipe]:
    return [
        malicious(
            "lambda.keras",
            "keras-lambda",
            "keras",
            "Sequential with a Lambda layer whose marshalled code runs on load",
            _lambda_writer(nested=False),
        ),
        malicious(
            "lambda.h5",
            "keras-lambda",
            "hdf5",
            "legacy .h5 Sequential with a Lambda",
            _lambda_writer(nested=False),
        ),
        malicious(
            "nested_lambda.keras",
            "keras-lambda",
            "keras",
            "Functional model wrapping a Sequential that holds the Lambda",
            _lambda_writer(nested=True),
        ),
        malicious(
            "nested_lambda.h5",
            "keras-lambda",
            "hdf5",
            "legacy .h5 Functional model wrapping a Sequential with a Lambda",
            _lambda_writer(nested=True),
        ),
        malicious(
            "module_os.keras",
            "keras-module-injection",
            "keras",
            'a layer config with "module": "os", "class_name": "system"',
            _module_writer("os", "system"),
        ),
        malicious(
            "module_subprocess.h5",
            "keras-module-injection",
            "hdf5",
            'legacy .h5 layer config with "module": "subprocess", "class_name": "Popen"',
            _module_writer("subprocess", "Popen"),
        ),
        malicious(
            "module_builtins.keras",
            "keras-module-injection",
            "keras",
            'a layer config with "module": "builtins", "class_name": "exec"',
            _module_writer("builtins", "exec"),
        ),
    ]


def _saved_model(nodes: list[bytes], functions: tuple[bytes, ...] = ()) -> Writer:
    return bytes_writer(lambda: pb.saved_model(nodes, functions))


def _read_file_graph() -> list[bytes]:
    return [
        pb.const_string("path", b"/etc/passwd"),
        pb.node("read", "ReadFile", ("path",)),
    ]


def _write_file_graph() -> list[bytes]:
    return [
        pb.const_string("path", MARKER.encode()),
        pb.const_string("contents", b"x"),
        pb.node("write", "WriteFile", ("path", "contents")),
    ]


def _py_func_graph(op: str) -> list[bytes]:
    return [
        pb.node("x", "Placeholder", dtype=pb.attr_type(pb.DT_FLOAT)),
        pb.node(
            "hook",
            op,
            ("x",),
            token=pb.attr_string("pyfunc_0"),
            Tin=pb.attr_type_list(pb.DT_FLOAT),
            Tout=pb.attr_type_list(pb.DT_FLOAT),
        ),
    ]


def _tensorflow() -> list[Recipe]:
    cls = "tf-savedmodel-op"
    return [
        malicious(
            "read_file/saved_model.pb",
            cls,
            "tf-savedmodel",
            "SavedModel graph with a ReadFile node reading /etc/passwd",
            _saved_model(_read_file_graph()),
        ),
        malicious(
            "write_file/saved_model.pb",
            cls,
            "tf-savedmodel",
            "SavedModel graph with a WriteFile node",
            _saved_model(_write_file_graph()),
        ),
        malicious(
            "py_func/saved_model.pb",
            cls,
            "tf-savedmodel",
            "SavedModel graph with a PyFunc node",
            _saved_model(_py_func_graph("PyFunc")),
        ),
        malicious(
            "function_library/saved_model.pb",
            cls,
            "tf-savedmodel",
            "WriteFile and EagerPyFunc hidden in the function library, not the graph",
            _saved_model(
                [pb.node("x", "Placeholder", dtype=pb.attr_type(pb.DT_FLOAT))],
                (
                    pb.function(
                        "__inference_serve_1",
                        [*_write_file_graph(), *_py_func_graph("EagerPyFunc")[1:]],
                    ),
                ),
            ),
        ),
    ]


def _onnx_external(location: str) -> Writer:
    def write(path: Path) -> None:
        import onnx
        from onnx import TensorProto, helper

        weight = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[4])
        weight.data_location = TensorProto.EXTERNAL
        for key, value in (("location", location), ("offset", "0"), ("length", "16")):
            entry = weight.external_data.add()
            entry.key, entry.value = key, value
        graph = helper.make_graph(
            [helper.make_node("Add", ["X", "W"], ["Y"])],
            "escape",
            [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])],
            initializer=[weight],
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        path.write_bytes(onnx.ModelProto.SerializeToString(model))

    return write


def _onnx_custom(domain: str, op: str) -> Writer:
    def write(path: Path) -> None:
        import onnx
        from onnx import TensorProto, helper

        graph = helper.make_graph(
            [helper.make_node(op, ["X"], ["Y"], domain=domain, command=SHELL_PAYLOAD)],
            "custom",
            [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])],
        )
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(domain, 1)],
        )
        model.ir_version = 8
        path.write_bytes(onnx.ModelProto.SerializeToString(model))

    return write


def _onnx() -> list[Recipe]:
    return [
        malicious(
            "dotdot/model.onnx",
            "onnx-external-data",
            "onnx",
            "initializer stored as external data at ../../etc/passwd",
            _onnx_external("../../etc/passwd"),
        ),
        malicious(
            "absolute/model.onnx",
            "onnx-external-data",
            "onnx",
            "initializer stored as external data at the absolute path /etc/passwd",
            _onnx_external("/etc/passwd"),
        ),
        malicious(
            "subdir_escape/model.onnx",
            "onnx-external-data",
            "onnx",
            "external data weights/../../../secret.bin escapes through a subdirectory",
            _onnx_external("weights/../../../secret.bin"),
        ),
        malicious(
            "custom_domain.onnx",
            "onnx-custom-op",
            "onnx",
            "node RunShell in the custom domain com.example.payload",
            _onnx_custom("com.example.payload", "RunShell"),
        ),
        malicious(
            "pyop.onnx",
            "onnx-custom-op",
            "onnx",
            "PyOp in ai.onnx.contrib (onnxruntime-extensions runs Python)",
            _onnx_custom("ai.onnx.contrib", "PyOp"),
        ),
    ]


SSTI_TEMPLATES: dict[str, str] = {
    "cycler_globals": "{{ cycler.__init__.__globals__.os.popen('" + SHELL_PAYLOAD + "').read() }}",
    "lipsum_globals": "{{ lipsum.__globals__['os'].system('" + SHELL_PAYLOAD + "') }}",
    "subclasses_walk": (
        "{% for c in ''.__class__.__mro__[1].__subclasses__() %}"
        "{% if c.__name__ == 'catch_warnings' %}"
        "{{ c()._module.__builtins__['__import__']('os').system('" + SHELL_PAYLOAD + "') }}"
        "{% endif %}{% endfor %}"
    ),
    "attr_filter_concat": (
        "{% set g = namespace|attr('__in' ~ 'it__')|attr('__glo' ~ 'bals__') %}"
        "{{ g['o' ~ 's'].system('" + SHELL_PAYLOAD + "') }}"
    ),
    "joiner_in_message_loop": (
        "{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}\n"
        "{% endfor %}{{ joiner.__init__.__globals__.os.system('" + SHELL_PAYLOAD + "') }}"
    ),
    "self_context": (
        "{{ self._TemplateReference__context.cycler.__init__.__globals__.os"
        ".popen('" + SHELL_PAYLOAD + "') }}"
    ),
}


def _gguf(template: str | list[dict[str, str]]) -> Writer:
    def write(path: Path) -> None:
        import gguf
        import numpy as np

        writer = gguf.GGUFWriter(path, "llama")
        writer.add_name("tiny")
        writer.add_chat_template(template)
        writer.add_tensor("token_embd.weight", np.zeros((4, 2), dtype=np.float32))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()

    return write


def _gguf_samples() -> list[Recipe]:
    cls = "gguf-template-ssti"
    recipes = [
        malicious(
            f"{name}.gguf",
            cls,
            "gguf",
            f"chat template SSTI: {name.replace('_', ' ')}",
            _gguf(template),
        )
        for name, template in SSTI_TEMPLATES.items()
    ]
    named = [
        {"name": "default", "template": "{% for m in messages %}{{ m['content'] }}{% endfor %}"},
        {"name": "tool_use", "template": SSTI_TEMPLATES["cycler_globals"]},
    ]
    recipes.append(
        malicious(
            "named_tool_use.gguf",
            cls,
            "gguf",
            "benign default template, SSTI in the named tool_use template",
            _gguf(named),
        )
    )
    return recipes


def format_recipes() -> list[Recipe]:
    return [*_keras(), *_tensorflow(), *_onnx(), *_gguf_samples()]
