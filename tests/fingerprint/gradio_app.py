"""A real Gradio app (a text echo ``gr.Interface``) on loopback, open or behind ``auth=``.

The app script is written into a temporary directory and run in a child process with
analytics off and no share link, so nothing leaves the machine.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.fingerprint.child_server import child_server
from tests.fingerprint.replay import free_ports

START_TIMEOUT_S = 60
SYNTHETIC_LOGIN = ("synthetic-user", "synthetic-pass-7f3a")

APP_SCRIPT = """\
import sys

import gradio as gr


def echo(text: str) -> str:
    return text


port = int(sys.argv[1])
auth = (sys.argv[2], sys.argv[3]) if len(sys.argv) == 4 else None
demo = gr.Interface(fn=echo, inputs="text", outputs="text")
demo.launch(server_name="127.0.0.1", server_port=port, auth=auth, share=False)
"""


def gradio_available() -> bool:
    return importlib.util.find_spec("gradio") is not None


@contextmanager
def gradio_app(directory: Path, login: tuple[str, str] | None) -> Iterator[int]:
    """Yield the port of the echo app; ``login`` = (user, password) or ``None`` for open."""
    (port,) = free_ports(1)
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "echo_app.py"
    script.write_text(APP_SCRIPT, encoding="utf-8")
    env = {
        **os.environ,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "GRADIO_TEMP_DIR": str(directory / "tmp"),
    }
    arguments = [sys.executable, str(script), str(port), *(login or ())]
    with child_server(arguments, port, "/", "the Gradio app", START_TIMEOUT_S, env, cwd=directory):
        yield port
