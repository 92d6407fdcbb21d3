"""What the extraction detector reads from one prompt: its template and its n-gram vector.

Both are computed from a bounded part of the prompt (its head and tail), so a 64 KiB prompt
costs no more than a short one, and neither keeps the prompt text: a template is a sequence of
token hashes with numbers, quoted strings and long tokens masked, and a vector is a set of
hashed byte-trigram counts.
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

HEAD_CHARS = 512
TAIL_CHARS = 512
"""The part of a prompt read: its first and last characters. A fixed system template in front
of varied questions stays apart from them because the tail is read too."""

DIMENSIONS = 1 << 14
"""Hash buckets of the trigram vector (fits ``uint16`` indices)."""

HEAD_TOKENS = 96
TAIL_TOKENS = 96
LONG_TOKEN_CHARS = 16
"""Tokens this long (ids, hashes, base64) are masked as one slot."""

NUMBER_SLOT = "_n_"
QUOTED_SLOT = "_q_"
LONG_SLOT = "_t_"

_QUOTED = re.compile(
    r"\"[^\"\n]{1,400}\"|(?<!\w)'[^'\n]{1,400}'(?!\w)|\u201c[^\u201d\n]{1,400}\u201d|`[^`\n]{1,400}`"
)
_LONG = re.compile(rf"[\w+/=-]{{{LONG_TOKEN_CHARS},}}")
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_SPACE = re.compile(r"\s+")
_KNUTH = np.uint64(2654435761)
_BUCKET_SHIFT = np.uint64(32 - 14)


def _bounded(prompt: str) -> str:
    text = _SPACE.sub(" ", prompt.lower()).strip()
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return text[:HEAD_CHARS] + " " + text[-TAIL_CHARS:]


@dataclass(frozen=True, slots=True)
class TemplateShape:
    """A prompt reduced to its skeleton: masked tokens (head and tail), each kept as a CRC-32
    of the token rather than its text, and the full token count."""

    tokens: tuple[int, ...]
    length: int


def template_shape(prompt: str) -> TemplateShape:
    """Mask what a systematic prober sweeps (numbers, quoted values, long ids) and tokenise.

    Slot *words* (``capital of France`` / ``capital of Peru``) are left to
    :class:`~stackward.detect.extraction.templates.TemplateClusters`, which merges skeletons
    that differ in a few positions.
    """
    text = _QUOTED.sub(f" {QUOTED_SLOT} ", prompt.lower())
    text = _LONG.sub(f" {LONG_SLOT} ", text)
    text = _NUMBER.sub(f" {NUMBER_SLOT} ", text)
    tokens = _TOKEN.findall(text)
    if len(tokens) > HEAD_TOKENS + TAIL_TOKENS:
        kept = tokens[:HEAD_TOKENS] + tokens[-TAIL_TOKENS:]
    else:
        kept = tokens
    hashed = tuple(zlib.crc32(token.encode("utf-8", "surrogatepass")) for token in kept)
    return TemplateShape(hashed, len(tokens))


UInt16Array = npt.NDArray[np.uint16]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PromptVector:
    """Hashed byte-trigram term frequencies, kept sparse: bucket ids and counts.

    ``weights`` is the l2-normalised form, derived from the counts by one fixed computation,
    so a vector rebuilt from a snapshot is bit-for-bit the one that was saved.
    """

    buckets: UInt16Array
    counts: UInt16Array
    weights: FloatArray

    @classmethod
    def from_counts(cls, buckets: UInt16Array, counts: UInt16Array) -> PromptVector:
        as_float = counts.astype(np.float64)
        norm = math.sqrt(float(np.dot(as_float, as_float))) or 1.0
        return cls(buckets, counts, as_float / norm)

    def to_json(self) -> list[list[int]]:
        return [self.buckets.tolist(), self.counts.tolist()]

    @classmethod
    def from_json(cls, data: list[list[int]]) -> PromptVector:
        buckets, counts = data
        return cls.from_counts(np.asarray(buckets, dtype=np.uint16), np.asarray(counts, np.uint16))


def prompt_vector(prompt: str) -> PromptVector:
    """Trigrams of the UTF-8 bytes of the lower-cased, space-collapsed head and tail."""
    data = np.frombuffer(_bounded(prompt).encode("utf-8", "replace"), dtype=np.uint8)
    codes = data.astype(np.uint64)
    if codes.size >= 3:
        codes = (codes[:-2] << np.uint64(16)) | (codes[1:-1] << np.uint64(8)) | codes[2:]
    hashed = ((codes * _KNUTH) & np.uint64(0xFFFFFFFF)) >> _BUCKET_SHIFT
    buckets, counts = np.unique(hashed, return_counts=True)
    return PromptVector.from_counts(
        buckets.astype(np.uint16), np.minimum(counts, 65535).astype(np.uint16)
    )


def min_cosine_distance(query: PromptVector, earlier: list[PromptVector]) -> float | None:
    """The smallest cosine distance from ``query`` to any of ``earlier`` (None when empty).

    One gather over all earlier vectors' buckets and a segmented sum: a dot product each,
    without a Python loop over the reservoir. An empty vector is at distance 1 from anything.
    """
    if not earlier:
        return None
    filled = [other for other in earlier if other.buckets.size]
    if not filled or not query.buckets.size:
        return 1.0
    scratch = np.zeros(DIMENSIONS, dtype=np.float64)
    scratch[query.buckets] = query.weights
    buckets = np.concatenate([other.buckets for other in filled])
    weights = np.concatenate([other.weights for other in filled])
    starts = np.cumsum([0] + [other.buckets.size for other in filled[:-1]])
    best = float(np.add.reduceat(scratch[buckets] * weights, starts).max())
    return min(1.0, max(0.0, 1.0 - best))


PREFIX_BLOCK = 64
MAX_PREFIX_BLOCKS = 64


def prefix_digests(prompt: str) -> list[str]:
    """Digests of the prompt's first 64, 128, ... characters (up to 4 KiB).

    Two prompts share their first ``64 * k`` characters exactly when their first ``k`` digests
    are equal, so a key's shared prefix is found without keeping any prompt text.
    """
    digests: list[str] = []
    running = hashlib.blake2b(digest_size=8)
    for start in range(0, min(len(prompt), PREFIX_BLOCK * MAX_PREFIX_BLOCKS), PREFIX_BLOCK):
        block = prompt[start : start + PREFIX_BLOCK]
        if len(block) < PREFIX_BLOCK:
            break
        running.update(block.encode("utf-8", "surrogatepass"))
        digests.append(running.copy().hexdigest())
    return digests


def shared_prefix_chars(previous: list[str], current: list[str]) -> int:
    """Characters (a multiple of 64) two prompts share at their start, from their digests."""
    shared = 0
    for mine, theirs in zip(previous, current, strict=False):
        if mine != theirs:
            break
        shared += 1
    return shared * PREFIX_BLOCK
