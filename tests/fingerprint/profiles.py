"""Documented answers of each product, open and locked, plus look-alikes that must not match.

Written from each product's API documentation (the pages cited in the rule files); these
servers cannot run here (GPU, cluster or container-only software), hence replayed answers.
Values are synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fingerprint.replay import Answer, json_answer, text_answer

UNAUTHORIZED = json_answer({"detail": "Unauthorized"}, 401)
TORNADO = {"server": "TornadoServer/6.4"}


@dataclass(frozen=True)
class Case:
    profile: dict[str, Answer]
    product: str | None
    version: str | None = None
    exposed: bool = False
    cves: tuple[str, ...] = field(default_factory=tuple)


def _ollama(version: str, locked: bool) -> dict[str, Answer]:
    if locked:  # behind an authenticating proxy
        return {"/": UNAUTHORIZED, "/api/tags": UNAUTHORIZED, "/api/version": UNAUTHORIZED}
    return {
        "/": text_answer("Ollama is running"),
        "/api/version": json_answer({"version": version}),
        "/api/tags": json_answer({"models": [{"name": "m:1", "size": 1}]}),
    }


def _vllm(locked: bool) -> dict[str, Answer]:
    models = {"object": "list", "data": [{"id": "m", "object": "model", "owned_by": "vllm"}]}
    return {
        "/": json_answer({"detail": "Not Found"}, 404),
        "/version": json_answer({"version": "0.6.3"}),
        "/v1/models": json_answer({"error": "Unauthorized"}, 401)
        if locked
        else json_answer(models),
    }


TGI_INFO = {
    "model_id": "org/model",
    "max_input_tokens": 1024,
    "version": "2.0.1",
    "router": "text-generation-router",
}
TRITON_META = {"name": "triton", "version": "2.41.0", "extensions": ["statistics"]}
# Ray and Gradio shapes as the real servers answer them (tests/fingerprint/test_ray_real.py,
# test_gradio_real.py: Ray 2.60, Gradio 6.31); versions here are older, synthetic ones.
RAY_VERSION = {"version": "4", "ray_version": "2.9.0", "ray_commit": "abc", "session_name": "s"}
RAY_PAGE = '<!doctype html><html lang="en"><head><title>Ray Dashboard</title></head></html>'
RAY_NO_TOKEN = text_answer("Unauthorized: Missing authentication token", 401)
GRADIO_CONFIG = {
    "version": "4.10.0",
    "api_prefix": "/gradio_api",
    "mode": "interface",
    "components": [],
    "dependencies": [],
}
GRADIO_LOGIN_PAGE = (
    "<html><head><title>Gradio</title><script>window.gradio_config = "
    '{"auth_required":true,"auth_message":null,"components":[],"dependencies":[]};'
    "</script></head></html>"
)
WEBUI_CONFIG = {
    "status": True,
    "name": "Open WebUI",
    "version": "0.3.10",
    "features": {"auth": False},
}
NGINX = text_answer("<html><title>Welcome to nginx!</title></html>", content_type="text/html")
CATCH_ALL_JSON = json_answer({"status": "ok", "version": "1.2.3", "models": [], "data": []})


def _every(answer: Answer) -> dict[str, Answer]:
    """The same answer on every path a rule asks for (a catch-all look-alike)."""
    from stackward.fingerprint import builtin_rules

    paths = {"/"} | {r.path for rule in builtin_rules() for r in rule.requests()}
    return dict.fromkeys(paths, answer)


CASES: dict[str, Case] = {
    "ollama-open-old": Case(
        _ollama("0.1.32", False), "ollama", "0.1.32", True, ("CVE-2024-37032",)
    ),
    "ollama-open-fixed": Case(_ollama("0.1.34", False), "ollama", "0.1.34", True),
    "ollama-behind-auth-proxy": Case(_ollama("0.1.32", True), None),
    "vllm-open": Case(_vllm(False), "vllm", "0.6.3", True),
    "vllm-api-key": Case(_vllm(True), "vllm", "0.6.3", False),
    "tgi-open": Case({"/info": json_answer(TGI_INFO)}, "tgi", "2.0.1", True),
    "triton-open": Case(
        {"/v2": json_answer(TRITON_META), "/v2/models/stats": json_answer({"model_stats": []})},
        "triton",
        "2.41.0",
        True,
    ),
    "triton-stats-denied": Case(
        {"/v2": json_answer(TRITON_META), "/v2/models/stats": UNAUTHORIZED},
        "triton",
        "2.41.0",
        False,
    ),
    "torchserve-management-open": Case(
        {
            "/models": json_answer({"models": [{"modelName": "m", "modelUrl": "m.mar"}]}),
            "/api-description": json_answer(
                {"openapi": "3.0.1", "info": {"title": "TorchServe APIs", "version": "0.8.1"}}
            ),
        },
        "torchserve",
        "0.8.1",
        True,
        ("CVE-2023-43654",),
    ),
    "ray-dashboard-open": Case(
        {"/api/version": json_answer(RAY_VERSION), "/api/jobs/": json_answer([])},
        "ray",
        "2.9.0",
        True,
    ),
    "ray-dashboard-token": Case(
        {
            "/": text_answer(RAY_PAGE, 200, "text/html"),
            "/api/version": RAY_NO_TOKEN,
            "/api/jobs/": RAY_NO_TOKEN,
        },
        "ray",
        None,
        False,
    ),
    "page-titled-ray-dashboard-docs": Case(
        {"/": text_answer("<html><title>Ray Dashboard docs</title></html>", 200, "text/html")},
        None,
    ),
    "mlflow-open-old": Case(
        {
            "/": text_answer("<html><head><title>MLflow</title></head></html>", 200, "text/html"),
            "/version": text_answer("2.1.0"),
            "/api/2.0/mlflow/experiments/search?max_results=1": json_answer({"experiments": []}),
        },
        "mlflow",
        "2.1.0",
        True,
        ("CVE-2023-1177", "CVE-2023-2780", "CVE-2023-6831", "CVE-2023-6753", "CVE-2024-1483"),
    ),
    "jupyterhub-locked": Case(
        {
            "/hub/api": json_answer({"version": "4.1.5"}, 200, **{"x-jupyterhub-version": "4.1.5"}),
            "/hub/api/users": json_answer({"status": 403, "message": "Forbidden"}, 403),
        },
        "jupyterhub",
        "4.1.5",
        False,
    ),
    "gradio-open-vulnerable": Case(
        {"/config": json_answer(GRADIO_CONFIG)}, "gradio", "4.10.0", True, ("CVE-2023-51449",)
    ),
    "gradio-login": Case(
        {
            "/": text_answer(GRADIO_LOGIN_PAGE, 200, "text/html"),
            "/config": json_answer(
                {"detail": {"error": "Not authenticated", "auth_message": None}}, 401
            ),
        },
        "gradio",
        None,
        False,
    ),
    "login-api-not-gradio": Case(
        {"/config": json_answer({"detail": "Not authenticated"}, 401)}, None
    ),
    "streamlit": Case(
        {
            "/_stcore/health": text_answer("ok"),
            "/_stcore/host-config": json_answer({"allowedOrigins": ["*.streamlit.app"]}),
        },
        "streamlit",
        None,
        True,
    ),
    "chroma-v2-open": Case(
        {
            "/api/v2/heartbeat": json_answer({"nanosecond heartbeat": 1}),
            "/api/v2/version": json_answer("1.0.0"),
            "/api/v2/tenants/default_tenant/databases/default_database/collections": (
                json_answer([])
            ),
        },
        "chroma",
        "1.0.0",
        True,
    ),
    "chroma-v1-token": Case(
        {
            "/api/v1/heartbeat": json_answer({"nanosecond heartbeat": 1}),
            "/api/v1/version": json_answer("0.4.24"),
            "/api/v1/collections": UNAUTHORIZED,
        },
        "chroma",
        "0.4.24",
        False,
    ),
    "qdrant-open": Case(
        {
            "/": json_answer({"title": "qdrant - vector search engine", "version": "1.7.4"}),
            "/collections": json_answer({"result": {"collections": []}, "status": "ok"}),
        },
        "qdrant",
        "1.7.4",
        True,
    ),
    "weaviate-anonymous": Case(
        {
            "/v1/meta": json_answer(
                {"hostname": "http://[::]:8080", "modules": {}, "version": "1.24.1"}
            ),
            "/v1/schema": json_answer({"classes": []}),
        },
        "weaviate",
        "1.24.1",
        True,
    ),
    "litellm-master-key": Case(
        {
            "/health/readiness": json_answer({"status": "healthy", "litellm_version": "1.40.0"}),
            "/v1/models": UNAUTHORIZED,
        },
        "litellm",
        "1.40.0",
        False,
    ),
    "open-webui-auth-off": Case(
        {
            "/api/config": json_answer(WEBUI_CONFIG),
            "/api/version": json_answer({"version": "0.3.10"}),
        },
        "open_webui",
        "0.3.10",
        True,
    ),
    "open-webui-auth-on": Case(
        {
            "/api/config": json_answer({**WEBUI_CONFIG, "features": {"auth": True}}),
            "/api/version": json_answer({"version": "0.3.10"}),
        },
        "open_webui",
        "0.3.10",
        False,
    ),
    "label-studio-login": Case(
        {
            "/api/version": json_answer({"release": "1.10.0", "label-studio-os-package": {}}),
            "/api/projects": UNAUTHORIZED,
        },
        "label_studio",
        "1.10.0",
        False,
    ),
    "kubeflow-no-auth": Case(
        {"/api/workgroup/exists": json_answer({"hasAuth": False, "hasWorkgroup": True})},
        "kubeflow",
        None,
        True,
    ),
    "generic-openai-compatible": Case(
        {"/v1/models": json_answer({"object": "list", "data": [{"id": "m"}]})},
        "openai_compatible",
        None,
        True,
    ),
    "nginx-default-page": Case(_every(NGINX), None),
    "catch-all-json-api": Case(_every(CATCH_ALL_JSON), None),
    "empty-404-server": Case({}, None),
    "tornado-app-without-jupyter": Case(
        {"/api": json_answer({"status": "ok"}, 200, **TORNADO)}, None
    ),
}
