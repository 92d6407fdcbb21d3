"""Each filter of secret_filters on values it must stop and values it must let by."""

from __future__ import annotations

import random
import string

import pytest

from stackward.dspm.validators.secret_filters import (
    GENERIC_FILTERS,
    TOKEN_FILTERS,
    character_classes,
    code_reason,
    digest_reason,
    documented_example_reason,
    identifier_reason,
    longest_repeat_run,
    longest_sequence_run,
    non_secret_reason,
    placeholder_reason,
    randomness_reason,
    reference_reason,
    shannon_entropy,
)

_RNG = random.Random(20261126)


def _random(length: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(length))


RANDOM_SECRETS = [_random(24), _random(32), _random(16) + "!#", "Tr0ub4dor&3x", "Summer2024!xQ"]


@pytest.mark.parametrize(
    "value",
    [
        "changeme",
        "password",
        "PASSWORD",
        "xxxxxxxxxxxx",
        "XXXXXXXXXXXXXXXX",
        "<your-key>",
        "your_api_key_here",
        "***",
        "********",
        "REDACTED",
        "my-example-token",
        "dummy-secret-123",
        "test",
        "foo",
        "secret",
        "aaaaaaaa1",
        "abcdefgh12",
        "pw123456789",
        "[token]",
        "{secret}",
    ],
)
def test_placeholders_are_rejected(value: str) -> None:
    assert placeholder_reason(value) is not None


@pytest.mark.parametrize("value", RANDOM_SECRETS)
def test_random_values_are_not_placeholders(value: str) -> None:
    assert placeholder_reason(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    ],
)
def test_documented_examples_are_rejected(value: str) -> None:
    assert documented_example_reason(value) is not None
    assert non_secret_reason(value, TOKEN_FILTERS) is not None


@pytest.mark.parametrize(
    "value",
    [
        "${DB_PASSWORD}",
        "${DB_PASSWORD:-fallback}",
        "$API_TOKEN",
        "%APPDATA_SECRET%",
        "{{ vault_password }}",
        "{{secrets.TOKEN}}",
        "<%= ENV['TOKEN'] %>",
        "os.environ['TOKEN']",
        "os.getenv('TOKEN')",
        "process.env.API_KEY",
        'env("API_KEY")',
        "$(cat /run/secrets/db)",
    ],
)
def test_environment_references_are_rejected(value: str) -> None:
    assert reference_reason(value) is not None


@pytest.mark.parametrize("value", RANDOM_SECRETS)
def test_random_values_are_not_references(value: str) -> None:
    assert reference_reason(value) is None


@pytest.mark.parametrize(
    ("value", "rejected"),
    [
        ("d41d8cd98f00b204e9800998ecf8427e", True),  # MD5
        ("da39a3ee5e6b4b0d3255bfef95601890afd80709", True),  # SHA-1 / git commit
        ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", True),  # SHA-256
        ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", False),  # 63 chars
        ("d41d8cd98f00b204e9800998ecf8427g", False),  # not hex
    ],
    ids=["md5", "sha1", "sha256", "odd-length", "not-hex"],
)
def test_digests(value: str, rejected: bool) -> None:
    assert (digest_reason(value) is not None) is rejected


@pytest.mark.parametrize(
    "value",
    [
        "123e4567-e89b-12d3-a456-426614174000",
        "1.2.3",
        "v2.10.4-beta.1",
        "2024-05-01T12:30:00Z",
        "2024-05-01",
        "1234567890",
        "https://vault.internal/v1/secret/data/app",
        "/etc/app/secret.key",
        "./secrets/token.json",
        "C:\\Users\\app\\token.txt",
        "config/credentials.yaml",
    ],
)
def test_identifiers_are_rejected(value: str) -> None:
    assert identifier_reason(value) is not None


@pytest.mark.parametrize("value", [*RANDOM_SECRETS, "postgres://u:Xk9s8Lm2@db/app"])
def test_random_values_are_not_identifiers(value: str) -> None:
    assert identifier_reason(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "settings.SECRET_KEY",
        "get_password()",
        "config['token']",
        "self.token",
        "api_token",
        "API_TOKEN",
    ],
)
def test_code_is_rejected(value: str) -> None:
    assert code_reason(value) is not None


@pytest.mark.parametrize(
    ("value", "rejected"),
    [
        ("hunter2", True),
        ("correcthorsebatterystaple", True),
        ("abc", True),
        ("Tr0ub4dor&3x", False),
        (RANDOM_SECRETS[0], False),
    ],
    ids=["weak", "words", "short", "mixed", "random"],
)
def test_randomness(value: str, rejected: bool) -> None:
    assert (randomness_reason(value) is not None) is rejected


@pytest.mark.parametrize(
    ("value", "entropy"),
    [("", 0.0), ("aaaa", 0.0), ("abab", 1.0), ("abcd", 2.0)],
)
def test_shannon_entropy(value: str, entropy: float) -> None:
    assert shannon_entropy(value) == pytest.approx(entropy)


@pytest.mark.parametrize(
    ("value", "classes"), [("abc", 1), ("aB", 2), ("aB1", 3), ("aB1!", 4), ("", 0)]
)
def test_character_classes(value: str, classes: int) -> None:
    assert character_classes(value) == classes


@pytest.mark.parametrize(
    ("value", "sequence", "repeat"),
    [("abcdef", 6, 1), ("x9876y", 4, 1), ("aaab", 2, 3), ("", 0, 0)],
)
def test_runs(value: str, sequence: int, repeat: int) -> None:
    assert longest_sequence_run(value) == sequence
    assert longest_repeat_run(value) == repeat


@pytest.mark.parametrize("value", RANDOM_SECRETS)
def test_random_secrets_pass_every_generic_filter(value: str) -> None:
    assert non_secret_reason(value, GENERIC_FILTERS) is None
