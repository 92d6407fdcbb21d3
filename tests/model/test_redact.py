from __future__ import annotations

import pytest

from stackward.model.redact import redact_text, redact_value


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        ('password: "hunter2hunter2hunter2"', "hunter2hunter2hunter2"),
        ("api_key = sk-abcdefghijklmnopqrstuvwx", "sk-abcdefghijklmnopqrstuvwx"),
        ("DB_TOKEN: short", "short"),
    ],
)
def test_secrets_never_appear_whole(text: str, secret: str) -> None:
    out = redact_text(text)
    assert secret not in out
    assert "********" in out


def test_text_without_secrets_is_unchanged_and_long_text_is_cut() -> None:
    assert redact_text("image: vllm/vllm-openai:v0.6.3") == "image: vllm/vllm-openai:v0.6.3"
    assert len(redact_text("x" * 1000, max_len=50)) == 50


def test_redact_value_keeps_only_a_short_prefix() -> None:
    assert redact_value("abc") == "********"
    value = "AKIAIOSFODNN7EXAMPLE"
    out = redact_value(value)
    assert out.startswith("AKIA") and value not in out and "(20 chars)" in out
