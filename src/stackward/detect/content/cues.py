"""Attack-structure cues: a feature family for the prompt-injection classifier that describes
how a text talks to the model, not what it is about.

The word and character n-grams also pick up a text's topic, and the training data ties
harmful topics and imperative task phrasing to attacks. These cues fire on the shape of an
attack whatever the topic: override verbs near "instructions", "rules" or "prompt", persona
and mode switches, text addressed to the model that reads a document ("in your response"),
forced reply openings, fake delimiters and role markers. Links and topics are left to the
n-grams on purpose: a URL in a prompt is ordinary. Each cue becomes one hashed
feature, so the model learns one weight per cue from the data; the cues only say where to
look. The text is already normalised (lower case, whitespace collapsed) when they run.
"""

from __future__ import annotations

import re
import zlib

_CUES: tuple[tuple[str, str], ...] = (
    (
        "override",
        r"\b(?:ignore|disregard|forget|override|bypass|skip|drop|abandon)\b[^.!?\n]{0,40}?"
        r"\b(?:instructions?|rules?|prompts?|guidelines?|directives?|polic(?:y|ies)|"
        r"restrictions?|constraints?|programming|filters?)\b",
    ),
    (
        "prior-context",
        r"\b(?:previous|prior|above|preceding|earlier|original|initial|all)\s+"
        r"(?:instructions?|rules?|prompts?|directives?|context|messages?|conversation)\b",
    ),
    (
        "new-instructions",
        r"\b(?:new|updated|real|actual|secret|hidden|additional|following)\s+"
        r"(?:instructions?|rules?|tasks?|directives?|orders?)\b",
    ),
    (
        "reveal-prompt",
        r"\b(?:print|reveal|repeat|show|output|display|leak|tell|give|write|spell)\b[^.!?\n]{0,30}?"
        r"\b(?:system|initial|hidden|secret|original|previous)\s+"
        r"(?:prompt|message|instructions?|password|key)\b",
    ),
    (
        "model-mode",
        r"\b(?:developer|debug|god|admin|sudo|system|jailbreak|dan|unrestricted)\s+mode\b",
    ),
    (
        "identity-switch",
        r"\b(?:you are now|you're now|from now on,? you|stay in character|you will now be|"
        r"you are no longer|your new name is)\b",
    ),
    ("act-as", r"\b(?:act as|pretend (?:to be|you are)|role-?play)\b"),
    (
        "no-limits",
        r"\b(?:no|without any|without|free of|not bound by)\s+(?:ethical |moral )?"
        r"(?:restrictions?|limits?|limitations?|rules|filters?|censorship|guidelines|boundaries)\b",
    ),
    (
        "refusal-ban",
        r"\b(?:never|do not|don't|must not|cannot)\s+(?:refuse|decline|apologi[sz]e|say no)\b",
    ),
    (
        "forced-opening",
        r"\b(?:start|begin)\s+(?:your|the)\s+(?:response|reply|answer|output)\s+with\b|"
        r"\bsure,? here (?:is|are)\b",
    ),
    (
        "addressed-to-model",
        r"\bin (?:your|the) (?:response|reply|answer|summary|output)\b|"
        r"\b(?:when|while|if) (?:you )?(?:summari[sz]e|read|process|answer|respond)\b",
    ),
    (
        "model-vocative",
        r"(?:^|[\s\"'(])(?:assistant|ai|chatgpt|gpt|llm|model|bot|claude|bard)\s*[,:]\s",
    ),
    (
        "role-marker",
        r"(?:^|\s)(?:\[/?(?:inst|system|sys)\]|<\|?(?:im_start|system|user)\|?>|###\s*(?:system|instruction))",
    ),
    ("delimiter", r"(?:={4,}|-{4,}|#{4,}|\*{4,}|`{3}\s*end)"),
    (
        "secrecy",
        r"\b(?:do not|don't|never)\s+(?:tell|mention|reveal|inform|let)\b[^.!?\n]{0,20}\buser\b",
    ),
)

CUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern)) for name, pattern in _CUES
)
CUE_NAMES = tuple(name for name, _ in _CUES)
MAX_HITS_PER_CUE = 64
"""Matches counted per cue and text; the text is bounded (clipped) and so is this loop."""


def cue_hashes(text: str, dimensions: int) -> tuple[list[int], list[int]]:
    """(feature index, start offset) of every cue match in the normalised ``text``."""
    indices: list[int] = []
    starts: list[int] = []
    for name, pattern in CUE_PATTERNS:
        index = zlib.crc32(f"cue:{name}".encode()) % dimensions
        for count, match in enumerate(pattern.finditer(text)):
            if count >= MAX_HITS_PER_CUE:
                break
            indices.append(index)
            starts.append(match.start())
    return indices, starts
