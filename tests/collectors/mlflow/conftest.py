"""Two real tracking servers with planted, synthetic content (module scope: one start each).

The open server holds an experiment with a run that logged a fake OpenAI project key as a
parameter and read ``s3://training-data/transactions.parquet``, a clean twin run, a
registered model whose version 1 has the ``production`` alias and version 2 ``staging``, and
a second model whose ``prod`` version holds a pickle that calls ``os.system`` (never loaded:
the scanner reads its opcodes), and a third, ``champion``, whose files the server keeps behind
its artifact proxy (``mlflow-artifacts:``) with the same pickle; and, as MLflow 3 logs them, a
logged model holding that pickle registered as ``ranking-model`` (``production``) and a benign
logged model no version points to. The locked twin runs with ``--app-name basic-auth``.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.collectors.mlflow.server import MlflowServer, mlflow_server

DATASET_URI = "s3://training-data/transactions.parquet"
MALICIOUS_PICKLE = b"cos\nsystem\n(S'echo planted'\ntR."


def fake_openai_key(seed: int = 7) -> str:
    """The shape of an OpenAI project key (``sk-proj-`` … ``T3BlbkFJ`` …); random, inert."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "-_"
    return "sk-proj-{}T3BlbkFJ{}".format(
        "".join(rng.choices(alphabet, k=74)), "".join(rng.choices(alphabet, k=74))
    )


@dataclass(frozen=True, slots=True)
class Planted:
    server: MlflowServer
    leaky_run: str
    clean_run: str
    experiment: str
    key: str
    logged_run: str
    logged_model: str
    """An MLflow 3 logged model with the os.system pickle, registered as ``ranking-model``
    version 1 with the ``production`` alias."""
    draft_model: str
    """A benign logged model that no version points to."""


def _model_dir(root: Path, name: str, payload: bytes) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "MLmodel").write_text("flavors:\n  python_function:\n    loader_module: x\n")
    (folder / "model.pkl").write_bytes(payload)
    return folder


def plant(server: MlflowServer, scratch: Path, key: str) -> Planted:
    from mlflow import MlflowClient
    from mlflow.entities import Dataset, DatasetInput, InputTag

    client = MlflowClient(server.url)
    experiment = client.create_experiment("fraud-detection")
    leaky = client.create_run(experiment, run_name="train-leaky").info.run_id
    client.log_param(leaky, "openai_api_key", key)
    client.log_param(leaky, "learning_rate", "0.01")
    client.set_tag(leaky, "team", "risk")
    dataset = Dataset(
        name="transactions",
        digest="d1",
        source_type="s3",
        source=json.dumps({"uri": DATASET_URI}),
    )
    client.log_inputs(
        leaky, datasets=[DatasetInput(dataset, tags=[InputTag("mlflow.data.context", "train")])]
    )
    benign = pickle.dumps({"weights": [0.5, 1.5]}, protocol=4)
    client.log_artifacts(leaky, str(_model_dir(scratch, "benign", benign)), "model")
    client.set_terminated(leaky)

    clean = client.create_run(experiment, run_name="train-clean").info.run_id
    client.log_param(clean, "openai_api_key", "${OPENAI_API_KEY}")
    client.log_param(clean, "max_depth", "6")
    client.log_artifacts(clean, str(_model_dir(scratch, "clean", benign)), "model")
    client.set_terminated(clean)

    bad = client.create_run(experiment, run_name="train-tampered").info.run_id
    client.log_artifacts(bad, str(_model_dir(scratch, "bad", MALICIOUS_PICKLE)), "model")
    client.set_terminated(bad)

    client.create_registered_model("fraud-model")
    for run, alias in ((leaky, "production"), (clean, "staging")):
        source = client.get_run(run).info.artifact_uri + "/model"
        version = client.create_model_version("fraud-model", source, run_id=run)
        client.set_registered_model_alias("fraud-model", alias, version.version)
    client.create_registered_model("scoring-model")
    source = client.get_run(bad).info.artifact_uri + "/model"
    version = client.create_model_version("scoring-model", source, run_id=bad)
    client.set_registered_model_alias("scoring-model", "prod", version.version)

    proxied_experiment = client.create_experiment(
        "proxied-artifacts", artifact_location="mlflow-artifacts:/proxied"
    )
    proxied = client.create_run(proxied_experiment, run_name="train-proxied").info.run_id
    client.log_artifacts(proxied, str(_model_dir(scratch, "proxied", MALICIOUS_PICKLE)), "model")
    client.set_terminated(proxied)
    client.create_registered_model("proxied-model")
    source = client.get_run(proxied).info.artifact_uri + "/model"
    version = client.create_model_version("proxied-model", source, run_id=proxied)
    client.set_registered_model_alias("proxied-model", "champion", version.version)

    # MLflow 3: models logged as LoggedModel entities; a version's source is ``models:/m-…``
    logged_run = client.create_run(experiment, run_name="train-logged").info.run_id
    logged = client.create_logged_model(experiment, name="ranker", source_run_id=logged_run)
    client.log_model_artifacts(
        logged.model_id, str(_model_dir(scratch, "logged", MALICIOUS_PICKLE))
    )
    client.finalize_logged_model(logged.model_id, "READY")
    client.create_registered_model("ranking-model")
    version = client.create_model_version(
        "ranking-model", f"models:/{logged.model_id}", run_id=logged_run, model_id=logged.model_id
    )
    client.set_registered_model_alias("ranking-model", "production", version.version)
    draft = client.create_logged_model(experiment, name="draft", source_run_id=logged_run)
    client.log_model_artifacts(draft.model_id, str(_model_dir(scratch, "draft", benign)))
    client.finalize_logged_model(draft.model_id, "READY")
    client.set_terminated(logged_run)
    return Planted(
        server, leaky, clean, experiment, key, logged_run, logged.model_id, draft.model_id
    )


@pytest.fixture(scope="module")
def planted_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planted]:
    root = tmp_path_factory.mktemp("mlflow-open")
    with mlflow_server(root / "server") as server:
        yield plant(server, root / "scratch", fake_openai_key())


@pytest.fixture(scope="module")
def locked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    root = tmp_path_factory.mktemp("mlflow-auth")
    with mlflow_server(root / "server", basic_auth=True) as server:
        _plant_authenticated(server)
        yield server


def _plant_authenticated(server: MlflowServer) -> None:
    """One experiment and run, written with the admin account (MLflow reads the credentials
    from the environment; the previous values are put back)."""
    from mlflow import MlflowClient

    names = ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")
    saved = {n: os.environ.get(n) for n in names}
    os.environ.update(dict(zip(names, (server.username or "", server.password or ""), strict=True)))
    try:
        client = MlflowClient(server.url)
        experiment = client.create_experiment("locked-experiment")
        run = client.create_run(experiment, run_name="locked-run").info.run_id
        client.log_param(run, "epochs", "3")
        client.set_terminated(run)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
