"""The shipped prompt-injection classifier: a linear model over hashed n-grams.

The model file (``data/prompt_injection_model.npz``) holds only numbers: the weight vector,
the bias and the feature settings. It is read with ``allow_pickle=False``, so loading it can
never run code. Scoring is numpy only; scikit-learn is needed to train
(``training/prompt_injection/train.py``), never to score.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from stackward.detect.content.features import FeatureSettings, clip, vectorise_windows

MODEL_FILE = "prompt_injection_model.npz"
MODEL_KEYS = frozenset({"weights", "bias", "features", "format"})
MODEL_FORMAT = 1
WINDOW_CHARS = 512
WINDOW_STEP = 256
"""A text longer than one window is also scored window by window and the highest score
counts: an instruction planted in a long document is a few words among thousands, and in
the whole text's normalised vector it would be drowned out."""


class ModelError(ValueError):
    """A model file that is missing, malformed or of an unknown format."""


@dataclass(frozen=True, slots=True)
class InjectionClassifier:
    """Scores text: the probability (0-1) that it is a prompt injection or jailbreak."""

    weights: npt.NDArray[np.float32]
    bias: float
    settings: FeatureSettings

    @classmethod
    def load(cls, path: Path) -> InjectionClassifier:
        try:
            with np.load(path, allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in archive.files}
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read the model file ({exc})") from exc
        if set(arrays) != MODEL_KEYS:
            raise ModelError(
                f"{path}: expected arrays {sorted(MODEL_KEYS)}, found {sorted(arrays)}"
            )
        if int(arrays["format"]) != MODEL_FORMAT:
            raise ModelError(f"{path}: model format {int(arrays['format'])} is not {MODEL_FORMAT}")
        settings = FeatureSettings.from_array(arrays["features"].astype(np.float64))
        weights = arrays["weights"].astype(np.float32)
        if weights.shape != (settings.dimensions,):
            raise ModelError(f"{path}: weights have shape {weights.shape}")
        return cls(weights, float(arrays["bias"]), settings)

    def save(self, path: Path) -> None:
        """Write the model file (the training script's output)."""
        np.savez_compressed(
            path,
            weights=self.weights.astype(np.float32),
            bias=np.float64(self.bias),
            features=self.settings.as_array(),
            format=np.int64(MODEL_FORMAT),
        )

    def digest(self) -> str:
        """SHA-256 over the weights, bias and feature settings (little-endian): the training
        metrics record it, so the shipped file can be checked against the run that made it."""
        digest = hashlib.sha256(self.weights.astype("<f4").tobytes())
        digest.update(np.float64(self.bias).astype("<f8").tobytes())
        digest.update(self.settings.as_array().astype("<f8").tobytes())
        return digest.hexdigest()

    def margin(self, text: str) -> float:
        """The linear score (log-odds) of ``text``: the highest of the whole text's and,
        when it is longer than a window, each window's (windows of the normalised text).
        ``text`` is the clipped text (:func:`~stackward.detect.content.features.clip`), so
        the number of windows is bounded."""
        best = -math.inf
        for index, values in vectorise_windows(text, self.settings, WINDOW_CHARS, WINDOW_STEP):
            best = max(best, float(np.dot(self.weights[index], values)))
        return best + self.bias

    def score(self, text: str) -> float:
        margin = self.margin(clip(text))
        if margin >= 0:
            return 1.0 / (1.0 + math.exp(-margin))
        exp = math.exp(margin)
        return exp / (1.0 + exp)


@cache
def shipped_classifier() -> InjectionClassifier:
    """The classifier shipped as package data, loaded once per process."""
    model = resources.files("stackward.detect.content") / "data" / MODEL_FILE
    with resources.as_file(model) as path:
        return InjectionClassifier.load(path)
