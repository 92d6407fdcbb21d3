"""Which literal values count as secrets, and how they are stored."""

from __future__ import annotations

import pytest

from stackward.collectors.kubernetes.literals import looks_like_secret, redact_tokens, stored_value


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("HF_TOKEN", "hf_" + "a" * 34, True),
        ("ANYTHING", "sk-ant-" + "b" * 40, True),
        ("ANYTHING", "AKIA" + "C" * 16, True),
        ("ANYTHING", "ghp_" + "d" * 36, True),
        ("ANYTHING", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl", True),
        ("DB_URL", "postgresql://user:pw123456@db:5432/x", True),
        ("DB_PASSWORD", "correct-horse", True),
        ("CLIENT_SECRET", "s3cr3t-value", True),
        ("DB_PASSWORD", "", False),
        ("DB_PASSWORD", "$(FROM_SECRET)", False),
        ("TOKEN_PATH", "/var/run/secrets/token", False),
        ("AUTH_ENABLED", "true", False),
        ("TOKEN_TTL", "3600s", False),
        ("MODEL_NAME", "meta-llama/Llama-3.1-8B-Instruct", False),
        ("DB_URL", "postgresql://db:5432/x", False),
    ],
)
def test_looks_like_secret(name: str, value: str, secret: bool) -> None:
    assert looks_like_secret(name, value) is secret


def test_stored_value_redacts_secrets_and_keeps_settings() -> None:
    value, flagged = stored_value("HF_TOKEN", "hf_" + "x" * 34)
    assert flagged and "x" * 10 not in value
    assert stored_value("LOG_LEVEL", "info") == ("info", False)


def test_redact_tokens_handles_separate_and_joined_values() -> None:
    tokens = ["--api-key", "plain-value-1234", "--token=abcdef123456789", "--model", "llama"]
    redacted = redact_tokens(tokens)
    assert "plain-value-1234" not in redacted
    assert not any("abcdef123456789" in t for t in redacted)
    assert redacted[-2:] == ["--model", "llama"]
