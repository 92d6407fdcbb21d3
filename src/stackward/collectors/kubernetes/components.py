"""The AI components stackward recognises in Kubernetes, declared as data.

Each :class:`AIComponent` says how to spot a component (custom resource kinds, image
repository patterns, label values, distinctive ports), where it sits in the stack (its
:class:`Category`) and how its authentication behaves: on or off by default, and which
arguments, environment variables or config assignments switch it on or off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from stackward.model import AssetKind, Layer


class Category(StrEnum):
    LLM_SERVING = "llm_serving"
    MODEL_SERVING = "model_serving"
    LLM_APP = "llm_app"
    NOTEBOOK = "notebook"
    DISTRIBUTED_COMPUTE = "distributed_compute"
    MODEL_REGISTRY = "model_registry"
    EXPERIMENT_TRACKING = "experiment_tracking"
    VECTOR_DB = "vector_db"
    PIPELINE = "pipeline"
    TRAINING = "training"
    DATA_LABELING = "data_labeling"


PLACEMENT: dict[Category, tuple[AssetKind, Layer, bool]] = {
    Category.LLM_SERVING: (AssetKind.LLM_SERVICE, Layer.CORE_AI, False),
    Category.MODEL_SERVING: (AssetKind.MODEL_ENDPOINT, Layer.CORE_AI, False),
    Category.LLM_APP: (AssetKind.AI_SERVICE, Layer.CORE_AI, False),
    Category.NOTEBOOK: (AssetKind.NOTEBOOK_INSTANCE, Layer.EXPERIMENTATION, False),
    Category.DISTRIBUTED_COMPUTE: (AssetKind.AI_SERVICE, Layer.CORE_AI, False),
    Category.MODEL_REGISTRY: (AssetKind.MODEL_REGISTRY, Layer.CORE_AI, True),
    Category.EXPERIMENT_TRACKING: (AssetKind.AI_SERVICE, Layer.EXPERIMENTATION, False),
    Category.VECTOR_DB: (AssetKind.VECTOR_STORE, Layer.CORE_AI, True),
    Category.PIPELINE: (AssetKind.PIPELINE, Layer.DATA_ENGINEERING, False),
    Category.TRAINING: (AssetKind.TRAINING_JOB, Layer.CORE_AI, False),
    Category.DATA_LABELING: (AssetKind.AI_SERVICE, Layer.DATA_DEVELOPMENT, True),
}
"""Asset kind, layer and whether an attacker wants what the component holds."""

WORKLOAD_ASSET_KINDS = frozenset(
    {AssetKind.K8S_WORKLOAD, *(kind for kind, _layer, _sensitive in PLACEMENT.values())}
)
"""The asset kinds a Kubernetes workload can become: plain, or an AI component's kind."""


class Source(StrEnum):
    ARG = "arg"
    ENV = "env"
    CONFIG = "config"


@dataclass(frozen=True, slots=True)
class AuthSignal:
    """A setting that switches authentication on or off.

    ``values`` None means any non-empty setting (for arguments: mere presence); otherwise
    the setting matches when its value, lower-cased and unquoted, is one of ``values``.
    """

    source: Source
    name: str
    values: tuple[str, ...] | None = None


def arg(name: str, *values: str) -> AuthSignal:
    return AuthSignal(Source.ARG, name, values or None)


def env(name: str, *values: str) -> AuthSignal:
    return AuthSignal(Source.ENV, name, values or None)


def config(name: str, *values: str) -> AuthSignal:
    return AuthSignal(Source.CONFIG, name, values or None)


EMPTY = ""
FALSE = ("false", "0", "no")
TRUE = ("true", "1", "yes")


@dataclass(frozen=True, slots=True)
class AIComponent:
    id: str
    display_name: str
    category: Category
    images: tuple[str, ...] = ()
    """Regular expressions searched in the image repository (registry/path, no tag)."""
    labels: tuple[str, ...] = ()
    """Values of ``app``/``app.kubernetes.io/name``/``component`` labels that identify it."""
    ports: tuple[int, ...] = ()
    """The component's usual ports (documentation and exposure evidence)."""
    distinctive_ports: tuple[int, ...] = ()
    """Ports distinctive enough to identify the component on their own."""
    crd_kinds: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    """Regular expressions searched in the command line (``streamlit run``)."""
    env_names: tuple[str, ...] = ()
    """Environment variables only this component reads (``GRADIO_SERVER_PORT``)."""
    auth_by_default: bool = False
    auth_on: tuple[AuthSignal, ...] = ()
    auth_off: tuple[AuthSignal, ...] = ()

    @property
    def image_pattern(self) -> re.Pattern[str] | None:
        return _compiled(self.images)


_PATTERN_CACHE: dict[tuple[str, ...], re.Pattern[str] | None] = {}


def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if patterns not in _PATTERN_CACHE:
        _PATTERN_CACHE[patterns] = re.compile("|".join(patterns)) if patterns else None
    return _PATTERN_CACHE[patterns]


_JUPYTER_TOKEN_OFF = (
    arg("--NotebookApp.token", EMPTY),
    arg("--ServerApp.token", EMPTY),
    arg("--IdentityProvider.token", EMPTY),
    env("JUPYTER_TOKEN", EMPTY),
    config("c.NotebookApp.token", EMPTY),
    config("c.ServerApp.token", EMPTY),
    config("c.IdentityProvider.token", EMPTY),
)

COMPONENTS: tuple[AIComponent, ...] = (
    # --- LLM serving ---------------------------------------------------------------------
    AIComponent(
        "vllm",
        "vLLM",
        Category.LLM_SERVING,
        images=(r"vllm",),
        labels=("vllm",),
        ports=(8000,),
        auth_on=(arg("--api-key"), env("VLLM_API_KEY")),
    ),
    AIComponent(
        "ollama",
        "Ollama",
        Category.LLM_SERVING,
        images=(r"(^|/)ollama(/|$)",),
        labels=("ollama",),
        ports=(11434,),
        distinctive_ports=(11434,),
    ),
    AIComponent(
        "tgi",
        "Text Generation Inference",
        Category.LLM_SERVING,
        images=(r"text-generation-inference",),
        labels=("text-generation-inference", "tgi"),
        ports=(80, 8080),
        auth_on=(env("API_KEY"), arg("--api-key")),
    ),
    AIComponent(
        "tei",
        "Text Embeddings Inference",
        Category.LLM_SERVING,
        images=(r"text-embeddings-inference",),
        ports=(80, 8080),
        auth_on=(arg("--api-key"), env("API_KEY")),
    ),
    AIComponent(
        "sglang",
        "SGLang",
        Category.LLM_SERVING,
        images=(r"sglang",),
        ports=(30000,),
        auth_on=(arg("--api-key"),),
    ),
    AIComponent(
        "llama-cpp",
        "llama.cpp server",
        Category.LLM_SERVING,
        images=(r"llama\.cpp", r"llama-cpp"),
        ports=(8080,),
        auth_on=(arg("--api-key"), env("LLAMA_API_KEY")),
    ),
    AIComponent(
        "localai",
        "LocalAI",
        Category.LLM_SERVING,
        images=(r"localai",),
        ports=(8080,),
        auth_on=(env("API_KEY"), env("LOCALAI_API_KEY")),
    ),
    AIComponent(
        "nvidia-nim",
        "NVIDIA NIM",
        Category.LLM_SERVING,
        images=(r"nvcr\.io/nim/",),
        ports=(8000,),
    ),
    AIComponent(
        "litellm",
        "LiteLLM proxy",
        Category.LLM_SERVING,
        images=(r"litellm",),
        labels=("litellm",),
        ports=(4000,),
        auth_on=(env("LITELLM_MASTER_KEY"),),
    ),
    # --- model serving -------------------------------------------------------------------
    AIComponent(
        "triton",
        "NVIDIA Triton Inference Server",
        Category.MODEL_SERVING,
        images=(r"tritonserver",),
        labels=("triton", "triton-inference-server"),
        ports=(8000, 8001, 8002),
    ),
    AIComponent(
        "torchserve",
        "TorchServe",
        Category.MODEL_SERVING,
        images=(r"torchserve",),
        ports=(8080, 8081, 8082),
        auth_by_default=True,
        auth_off=(arg("--disable-token-auth"), env("TS_DISABLE_TOKEN_AUTHORIZATION", *TRUE)),
    ),
    AIComponent(
        "tf-serving",
        "TensorFlow Serving",
        Category.MODEL_SERVING,
        images=(r"tensorflow/serving",),
        ports=(8500, 8501),
    ),
    AIComponent(
        "kserve",
        "KServe InferenceService",
        Category.MODEL_SERVING,
        images=(r"(^|/)kserve/",),
        labels=("kserve",),
        ports=(8080,),
        crd_kinds=("InferenceService",),
    ),
    AIComponent(
        "seldon",
        "Seldon Core",
        Category.MODEL_SERVING,
        images=(r"seldonio/",),
        labels=("seldon",),
        ports=(9000, 8080),
        crd_kinds=("SeldonDeployment",),
    ),
    AIComponent(
        "bentoml",
        "BentoML",
        Category.MODEL_SERVING,
        images=(r"bentoml",),
        ports=(3000,),
    ),
    # --- LLM applications ----------------------------------------------------------------
    AIComponent(
        "open-webui",
        "Open WebUI",
        Category.LLM_APP,
        images=(r"open-webui",),
        labels=("open-webui",),
        ports=(8080,),
        auth_by_default=True,
        auth_off=(env("WEBUI_AUTH", *FALSE),),
    ),
    AIComponent(
        "flowise",
        "Flowise",
        Category.LLM_APP,
        images=(r"flowise",),
        ports=(3000,),
        auth_on=(env("FLOWISE_USERNAME"),),
    ),
    AIComponent(
        "langflow",
        "Langflow",
        Category.LLM_APP,
        images=(r"langflow",),
        ports=(7860,),
        auth_on=(env("LANGFLOW_AUTO_LOGIN", *FALSE),),
    ),
    # --- notebooks -----------------------------------------------------------------------
    AIComponent(
        "jupyterhub",
        "JupyterHub",
        Category.NOTEBOOK,
        images=(r"jupyterhub/k8s-hub", r"jupyterhub/jupyterhub", r"configurable-http-proxy"),
        labels=("jupyterhub",),
        ports=(8000, 8081),
        auth_by_default=True,
    ),
    AIComponent(
        "kubeflow-notebook",
        "Kubeflow Notebook",
        Category.NOTEBOOK,
        images=(r"kubeflownotebookswg/",),
        ports=(8888,),
        crd_kinds=("Notebook",),
        auth_off=_JUPYTER_TOKEN_OFF,
    ),
    AIComponent(
        "jupyter",
        "Jupyter notebook server",
        Category.NOTEBOOK,
        images=(r"jupyter", r"-notebook(/|$)", r"notebook$"),
        labels=("jupyter", "jupyterlab", "notebook"),
        ports=(8888,),
        distinctive_ports=(8888,),
        auth_by_default=True,
        auth_off=_JUPYTER_TOKEN_OFF,
    ),
    # --- distributed compute -------------------------------------------------------------
    AIComponent(
        "ray",
        "Ray",
        Category.DISTRIBUTED_COMPUTE,
        images=(r"rayproject/ray", r"anyscale/ray"),
        labels=("ray", "kuberay"),
        ports=(8265, 10001, 6379),
        distinctive_ports=(8265, 10001),
        crd_kinds=("RayCluster", "RayService", "RayJob"),
        auth_on=(env("RAY_AUTH_MODE", "token"),),
    ),
    # --- registry, tracking, vector stores -----------------------------------------------
    AIComponent(
        "mlflow",
        "MLflow tracking server and model registry",
        Category.MODEL_REGISTRY,
        images=(r"mlflow",),
        labels=("mlflow",),
        ports=(5000,),
        auth_on=(arg("--app-name", "basic-auth"),),
    ),
    AIComponent(
        "wandb",
        "Weights & Biases server",
        Category.EXPERIMENT_TRACKING,
        images=(r"wandb/local",),
        ports=(8080,),
        auth_by_default=True,
    ),
    AIComponent(
        "qdrant",
        "Qdrant",
        Category.VECTOR_DB,
        images=(r"qdrant",),
        labels=("qdrant",),
        ports=(6333, 6334),
        distinctive_ports=(6333, 6334),
        auth_on=(env("QDRANT__SERVICE__API_KEY"), env("QDRANT__SERVICE__JWT_RBAC", *TRUE)),
    ),
    AIComponent(
        "chroma",
        "Chroma",
        Category.VECTOR_DB,
        images=(r"chroma",),
        labels=("chroma", "chromadb"),
        ports=(8000,),
        auth_on=(env("CHROMA_SERVER_AUTHN_PROVIDER"), env("CHROMA_SERVER_AUTH_PROVIDER")),
    ),
    AIComponent(
        "milvus",
        "Milvus",
        Category.VECTOR_DB,
        images=(r"milvus",),
        labels=("milvus",),
        ports=(19530, 9091),
        distinctive_ports=(19530,),
        auth_on=(
            config("authorizationEnabled", *TRUE),
            env("COMMON_SECURITY_AUTHORIZATIONENABLED", *TRUE),
        ),
    ),
    AIComponent(
        "weaviate",
        "Weaviate",
        Category.VECTOR_DB,
        images=(r"weaviate",),
        labels=("weaviate",),
        ports=(8080, 50051),
        auth_on=(
            env("AUTHENTICATION_APIKEY_ENABLED", *TRUE),
            env("AUTHENTICATION_OIDC_ENABLED", *TRUE),
        ),
        auth_off=(env("AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED", *TRUE),),
    ),
    # --- pipelines and training ----------------------------------------------------------
    AIComponent(
        "airflow",
        "Apache Airflow",
        Category.PIPELINE,
        images=(r"apache/airflow", r"airflow"),
        labels=("airflow",),
        ports=(8080,),
        auth_by_default=True,
        auth_off=(env("AIRFLOW__API__AUTH_BACKENDS", "airflow.api.auth.backend.default"),),
    ),
    AIComponent(
        "kubeflow-pipelines",
        "Kubeflow Pipelines",
        Category.PIPELINE,
        images=(r"ml-pipeline/", r"kfp-"),
        labels=("ml-pipeline", "kubeflow-pipelines"),
        ports=(8888, 8887),
    ),
    AIComponent(
        "prefect",
        "Prefect",
        Category.PIPELINE,
        images=(r"prefecthq/prefect",),
        ports=(4200,),
    ),
    AIComponent(
        "dagster",
        "Dagster",
        Category.PIPELINE,
        images=(r"dagster",),
        ports=(3000,),
    ),
    AIComponent(
        "kubeflow-training",
        "Kubeflow training job",
        Category.TRAINING,
        crd_kinds=(
            "PyTorchJob",
            "TFJob",
            "MPIJob",
            "XGBoostJob",
            "PaddleJob",
            "JAXJob",
            "TrainJob",
        ),
    ),
)

GPU_JOB = AIComponent("gpu-job", "GPU batch job", Category.TRAINING)
"""A Job or CronJob that requests accelerators but matches no known component."""

AUTH_PROXIES = re.compile(
    r"oauth2-proxy|pomerium|vouch-proxy|keycloak-gatekeeper|louketo|authelia|"
    r"openid-connect-proxy|ory/oathkeeper"
)
"""Images of authenticating reverse proxies that run as sidecars in front of an app."""

SIDECARS = re.compile(
    r"istio/proxy|envoyproxy|linkerd|fluent-bit|fluentd|vault-agent|cloud-sql-proxy"
)
"""Images of infrastructure sidecars that never identify the workload."""
