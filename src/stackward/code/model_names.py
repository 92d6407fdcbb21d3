"""Decides whether a string literal names a model: a provider API model or a Hugging Face id.

Only literals in a model position reach here (``model=``, ``from_pretrained(...)``, a name
that says *model*), so the tests are about shape: provider model names follow each
provider's published naming (``gpt-4o``, ``claude-3-5-sonnet-20241022``,
``gemini-1.5-pro``, Bedrock ``anthropic.claude-v2:1``), and a Hugging Face id is
``<org>/<name>`` within the Hub's allowed characters and lengths. A local path
(``./models/x``, ``/opt/model``, ``weights.pt``) is not a reference to an external model;
the files collector links such paths to scanned files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PROVIDER_MODELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "openai",
        re.compile(
            r"^(?:gpt-[0-9][\w.-]*|gpt-oss-[\w.-]+|chatgpt-[\w.-]+|o[1-9](?:-[\w.-]+)?|"
            r"text-embedding-[\w.-]+|text-davinci-\d+|davinci-\d+|babbage-\d+|"
            r"dall-e-\d|whisper-1|tts-1(?:-hd)?|omni-moderation-[\w.-]+)$"
        ),
    ),
    ("anthropic", re.compile(r"^claude-[\w.@-]+$")),
    (
        "google",
        re.compile(
            r"^(?:models/)?(?:gemini-[\w.-]+|text-bison[\w@-]*|chat-bison[\w@-]*|text-embedding-00\d)$"
        ),
    ),
    (
        "mistral",
        re.compile(
            r"^(?:mistral|mixtral|codestral|open-mistral|open-mixtral|ministral|pixtral|magistral)-[\w.-]+$"
        ),
    ),
    ("cohere", re.compile(r"^(?:command(?:-[\w.-]+)?|embed-[\w.-]+|rerank-[\w.-]+)$")),
    (
        "bedrock",
        re.compile(
            r"^(?:[a-z]{2}\.)?(?:anthropic|amazon|meta|mistral|cohere|ai21|stability|deepseek)\.[\w.-]+(?::\d+)?$"
        ),
    ),
)
_ROUTED_PROVIDERS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "vertex_ai": "google",
    "mistral": "mistral",
    "cohere": "cohere",
    "bedrock": "bedrock",
    "azure": "azure-openai",
}
"""``<provider>/<model>`` prefixes of LiteLLM-style routers that are not Hub organisations."""
_HF_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?"
_HF_ID = re.compile(rf"^{_HF_PART}/{_HF_PART}$")
_LEGACY_HUB_ID = re.compile(
    r"^(?:bert|distilbert|roberta|distilroberta|gpt2|distilgpt2|t5|xlnet|albert|xlm|"
    r"xlm-roberta|camembert|openai-gpt|ctrl|flaubert|bart)(?:-[\w.-]+)?$"
)
"""Hub models from before organisations existed, named without ``org/``; trusted only in a
Hub call (``from_pretrained``), where a bare word is otherwise a local directory."""
_FILE_SUFFIX = re.compile(
    r"\.(?:pt|pth|bin|ckpt|safetensors|gguf|onnx|pkl|pickle|joblib|h5|keras|json|ya?ml|"
    r"txt|csv|parquet|py|zip|tar|gz|npz|npy|model)$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class ModelName:
    """A referenced external model. ``asset_id`` is stable across scans and files."""

    source: str
    """``huggingface`` or the API provider (``openai``, ``anthropic``, ...)."""
    name: str

    @property
    def asset_id(self) -> str:
        if self.source == "huggingface":
            return f"model:hf/{self.name}"
        return f"model:provider/{self.source}/{self.name}"


def provider_of(value: str) -> str | None:
    for provider, pattern in _PROVIDER_MODELS:
        if pattern.match(value):
            return provider
    return None


_LOCAL_DIRECTORIES = frozenset(
    {
        "model",
        "models",
        "checkpoint",
        "checkpoints",
        "ckpt",
        "weights",
        "output",
        "outputs",
        "artifacts",
        "data",
        "datasets",
        "runs",
        "tmp",
        "cache",
        "src",
        "saved_models",
        "export",
        "exports",
        "results",
        "mlruns",
        "adapters",
        "lora",
        "finetuned",
        "build",
        "dist",
    }
)
"""First path components that name a project directory, not a Hub organisation:
``from_pretrained("models/support-bot")`` loads a local directory."""


def is_hf_id(value: str) -> bool:
    """``org/name`` in the Hub's character set; not ``..``, not a file name, not a local
    directory such as ``models/<name>``."""
    return (
        bool(_HF_ID.match(value))
        and ".." not in value
        and not _FILE_SUFFIX.search(value)
        and value.split("/", 1)[0].lower() not in _LOCAL_DIRECTORIES
    )


def classify_model(value: str, hub_call: bool = False) -> ModelName | None:
    """The external model ``value`` names, or ``None`` for a path, a variable-like word, text.

    ``hub_call`` says the literal is the model argument of a Hugging Face loader, where
    legacy un-namespaced ids (``bert-base-uncased``) are accepted too.
    """
    text = value.strip()
    if not text or len(text) > 200 or any(c.isspace() for c in text):
        return None
    provider = provider_of(text)
    if provider is not None:
        return ModelName(provider, text.removeprefix("models/"))
    head, _, rest = text.partition("/")
    routed = _ROUTED_PROVIDERS.get(head)
    if routed is not None and rest and (provider_of(rest) or routed in {"azure-openai", "bedrock"}):
        return ModelName(routed, rest)
    if is_hf_id(text) or (
        hub_call and _LEGACY_HUB_ID.match(text) and not _FILE_SUFFIX.search(text)
    ):
        return ModelName("huggingface", text)
    return None
