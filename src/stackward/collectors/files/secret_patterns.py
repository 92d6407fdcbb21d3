"""Secret detectors as data: a name, a regex and how strict the false-positive filter is.

Each detector's regex has one named group, ``secret``, holding the value that must never be
shown whole. ``generic`` detectors (a password assignment, an ``.env`` line) match on a key
name rather than on the value's shape, so their value must also pass the entropy and
placeholder filter in :mod:`stackward.collectors.files.secrets`; vendor tokens with a fixed
prefix and length are specific enough on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SecretDetector:
    name: str
    pattern: re.Pattern[str]
    generic: bool = False


_CREDENTIAL_KEY_WORDS = (
    r"pass(?:word|wd)?|pwd|secret|api[_-]?key|apikey|access[_-]?key|auth[_-]?token|"
    r"token|private[_-]?key|client[_-]?secret"
)

DETECTORS: tuple[SecretDetector, ...] = (
    SecretDetector("aws_access_key_id", re.compile(r"\b(?P<secret>(?:AKIA|ASIA)[0-9A-Z]{16})\b")),
    SecretDetector(
        "aws_secret_access_key",
        re.compile(
            r"(?i)aws_?secret_?access_?key[\"']?\s*[:=]\s*[\"']?(?P<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"
        ),
    ),
    SecretDetector(
        "github_token",
        re.compile(
            r"\b(?P<secret>(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b"
        ),
    ),
    SecretDetector("anthropic_api_key", re.compile(r"\b(?P<secret>sk-ant-[A-Za-z0-9_-]{32,})")),
    SecretDetector(
        "openai_api_key", re.compile(r"\b(?P<secret>sk-(?!ant-)(?:proj-)?[A-Za-z0-9_-]{32,})")
    ),
    SecretDetector("huggingface_token", re.compile(r"\b(?P<secret>hf_[A-Za-z0-9]{30,})\b")),
    SecretDetector("slack_token", re.compile(r"\b(?P<secret>xox[abposr]-[A-Za-z0-9-]{10,})")),
    SecretDetector(
        "private_key",
        re.compile(
            r"(?P<secret>-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----)"
        ),
    ),
    SecretDetector(
        "connection_string_credentials",
        re.compile(
            r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|"
            r"sqlserver|snowflake|clickhouse)(?:\+\w+)?://[^\s:/@\"']+:(?P<secret>[^\s@/\"']+)@"
        ),
        generic=True,
    ),
    SecretDetector(
        "password_assignment",
        re.compile(
            rf"(?i)(?:{_CREDENTIAL_KEY_WORDS})[\w.-]{{0,40}}[\"']?\s{{0,4}}(?::=|=|:)\s{{0,4}}"
            r"[rbuf]?(?P<q>[\"'])(?P<secret>[^\"'\s]{6,256})(?P=q)"
        ),
        generic=True,
    ),
    SecretDetector(
        "dotenv_secret",
        re.compile(
            rf"(?im)^\s*(?:export\s+)?[A-Z0-9_]{{0,40}}(?:{_CREDENTIAL_KEY_WORDS})[A-Z0-9_]{{0,40}}"
            r"\s*=\s*(?P<secret>[^\s#\"'][^\s#]{7,256})\s*$"
        ),
        generic=True,
    ),
)
"""Order matters: the first detector that claims a span wins it."""
