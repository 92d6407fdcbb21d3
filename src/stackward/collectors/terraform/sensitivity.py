"""Infers from names and tags whether a store holds AI data (training data, models).

A name is a weak signal but often the only one a plan gives; references from AI
resources (a SageMaker model's ``model_data_url``) are the strong one and are applied
separately by the mappers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_AI_DATA = re.compile(
    r"(?i)(?:^|[^a-z])(?:train(?:ing)?|datasets?|data-?lake|models?|features?|feature-?store|"
    r"artifacts?|checkpoints?|weights|embeddings?|corpus|labell?ed|ml-?data|mlops|sagemaker|"
    r"vertex|bedrock|finetun(?:e|ing)|fine-tun(?:e|ing)|llm|inference)(?:$|[^a-z])"
)
_TAG_KEYS = ("data-classification", "classification", "data_class", "contains", "purpose")
_SENSITIVE_TAG_VALUES = re.compile(
    r"(?i)\b(?:confidential|restricted|secret|pii|phi|training|model|sensitive)\b"
)


def holds_ai_data(names: Iterable[object], labels: Mapping[str, str]) -> bool:
    """True when a name or tag suggests training data, features or model artifacts."""
    for name in names:
        if isinstance(name, str) and _AI_DATA.search(name.replace("_", "-")):
            return True
    for key, value in labels.items():
        if _AI_DATA.search(f"{key}={value}".replace("_", "-")):
            return True
        if key.lower() in _TAG_KEYS and _SENSITIVE_TAG_VALUES.search(value):
            return True
    return False
