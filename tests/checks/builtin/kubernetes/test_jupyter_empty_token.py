"""SW-K8S-013: Jupyter servers started with an empty token (args, env or mounted config)."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.jupyter_empty_token import JupyterWithoutTokenCheck
from tests.checks.builtin.kubernetes.k8s_objects import Obj, container, deployment, graph_from
from tests.conftest import findings_of

NOTEBOOK = "quay.io/jupyter/scipy-notebook:2024-10-07@sha256:" + "f" * 64


def _notebook(
    args: list[str] | None = None, env: list[Obj] | None = None, pod: Obj | None = None
) -> Obj:
    return deployment("nb", containers=[container(NOTEBOOK, args=args, env=env)], pod=pod)


def _config(text: str) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "jupyter-config", "namespace": "ml"},
        "data": {"jupyter_server_config.py": text},
    }


MOUNT_CONFIG = {"volumes": [{"name": "cfg", "configMap": {"name": "jupyter-config"}}]}


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        ([_notebook(["start-notebook.py", "--ServerApp.token=''"])], 1),
        ([_notebook(["start-notebook.py", '--NotebookApp.token=""'])], 1),
        ([_notebook(["--IdentityProvider.token="])], 1),
        ([_notebook(["sh", "-c", "jupyter lab --ServerApp.token='' --ip=0.0.0.0"])], 1),
        ([_notebook(env=[{"name": "JUPYTER_TOKEN", "value": ""}])], 1),
        (
            [
                _notebook(pod=MOUNT_CONFIG),
                _config("c.ServerApp.token = ''\nc.ServerApp.ip = '0.0.0.0'\n"),
            ],
            1,
        ),
        ([_notebook(pod=MOUNT_CONFIG), _config("c.ServerApp.token = 'abcdefabcdefabcdef'\n")], 0),
        ([_notebook(), _config("c.ServerApp.token = ''\n")], 0),  # not mounted
        ([_notebook(["start-notebook.py"])], 0),
        (
            [
                _notebook(
                    env=[
                        {
                            "name": "JUPYTER_TOKEN",
                            "valueFrom": {"secretKeyRef": {"name": "t", "key": "t"}},
                        }
                    ]
                )
            ],
            0,
        ),
        (
            [
                deployment(
                    "web",
                    containers=[
                        container("nginx:1@sha256:" + "d" * 64, args=["--ServerApp.token="])
                    ],
                )
            ],
            0,
        ),
    ],
)
def test_jupyter_empty_token(objects: list[Obj], expected: int) -> None:
    assert len(findings_of(JupyterWithoutTokenCheck, graph_from(objects))) == expected
