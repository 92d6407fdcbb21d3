"""The AI bill of materials of code: SDKs and frameworks, referenced models and datasets,
system prompts (as fingerprints), agent tools and unsafe patterns, read from Python source
through its syntax tree, from notebook code cells, and from dependency files.

Scanned code is parsed, never compiled, imported or run.
"""

from __future__ import annotations

from stackward.code.catalog import Component, SdkCatalog, load_catalog
from stackward.code.dependencies import Dependency, is_dependency_file, read_dependencies
from stackward.code.facts import RISK_KINDS, CodeFacts, CodeRisk
from stackward.code.model_names import ModelName, classify_model
from stackward.code.notebook_cells import analyse_cells
from stackward.code.python_source import analyse_python

__all__ = [
    "RISK_KINDS",
    "CodeFacts",
    "CodeRisk",
    "Component",
    "Dependency",
    "ModelName",
    "SdkCatalog",
    "analyse_cells",
    "analyse_python",
    "classify_model",
    "is_dependency_file",
    "load_catalog",
    "read_dependencies",
]
