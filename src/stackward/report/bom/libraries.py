"""Python libraries an inventory names: imports found in code and notebooks → PyPI packages.

Scanners record the top-level module a file imports (``sklearn``), not the distribution
that provides it (``scikit-learn``), and no version. The standard library is left out; a
small table maps the common modules whose distribution has another name; any other module
is taken to be published under its own name. A version is used only when a collector
recorded one (``packages`` as ``{name: version}``), never guessed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from packageurl import PackageURL

from stackward.model import Asset

MAX_LIBRARIES_PER_ASSET = 500
"""Imports read from one file; more means a generated or hostile file, not real code."""

DISTRIBUTION_OF_MODULE: Mapping[str, str] = {
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "cv2": "opencv-python",
    "PIL": "pillow",
    "yaml": "pyyaml",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "jwt": "pyjwt",
    "attr": "attrs",
    "tf_keras": "tf-keras",
    "llama_cpp": "llama-cpp-python",
    "sentence_transformers": "sentence-transformers",
    "huggingface_hub": "huggingface-hub",
    "Crypto": "pycryptodome",
}
"""Top-level modules whose PyPI distribution has another name."""

_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")


@dataclass(frozen=True, slots=True)
class Library:
    """One PyPI package a scanned file uses."""

    name: str
    """The normalised distribution name (PEP 503)."""
    module: str
    version: str | None

    @property
    def purl(self) -> PackageURL:
        return PackageURL(type="pypi", name=self.name, version=self.version)

    @property
    def bom_ref(self) -> str:
        return str(self.purl)


def normalise_distribution(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def libraries_of(asset: Asset) -> list[Library]:
    """The third-party libraries ``asset`` imports, sorted by name, without duplicates."""
    imports = asset.prop("imports")
    if not isinstance(imports, Iterable) or isinstance(imports, str | bytes):
        return []
    versions = _recorded_versions(asset.prop("packages"))
    found: dict[str, Library] = {}
    for count, raw in enumerate(imports):
        if count >= MAX_LIBRARIES_PER_ASSET:
            break
        if not isinstance(raw, str):
            continue
        module = raw.split(".", 1)[0]
        if not _MODULE.match(module) or module in sys.stdlib_module_names:
            continue
        name = normalise_distribution(DISTRIBUTION_OF_MODULE.get(module, module))
        found.setdefault(name, Library(name, module, versions.get(name)))
    return [found[name] for name in sorted(found)]


def _recorded_versions(packages: object) -> dict[str, str]:
    if not isinstance(packages, Mapping):
        return {}
    return {
        normalise_distribution(name): version
        for name, version in list(packages.items())[:MAX_LIBRARIES_PER_ASSET]
        if isinstance(name, str) and isinstance(version, str) and version
    }
