"""Every malicious sample of the corpus, grouped by evasion class.

Each payload, if a loader ever ran it, only creates ``stackward-payload-marker`` (or fails
harmlessly); tests never load any of them.
"""

from __future__ import annotations

from tests.artifacts.corpus.malicious_archive_tricks import archive_trick_recipes
from tests.artifacts.corpus.malicious_containers import container_recipes
from tests.artifacts.corpus.malicious_formats import format_recipes
from tests.artifacts.corpus.malicious_pickle import direct_call_recipes
from tests.artifacts.corpus.malicious_pickle_evasion import evasion_recipes
from tests.artifacts.corpus.recipe import Recipe


def malicious_recipes() -> list[Recipe]:
    return [
        *direct_call_recipes(),
        *evasion_recipes(),
        *container_recipes(),
        *archive_trick_recipes(),
        *format_recipes(),
    ]
