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
    entropy_at_least,
    identifier_reason,
    longest_repeat_run,
    longest_sequence_run,
    non_secret_reason,
    placeholder_reason,
    randomness_reason,
    reference_reason,
    run_reason,
    shannon_entropy,
    token_reason,
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
        "${{ secrets.DEPLOY_TOKEN }}",
        "vault:secret/data/db#password",
        "ssm:/prod/db/password",
        "arn-secretsmanager-db",
        "System.getenv(TOKEN)",
        "secrets.DB_PASSWORD",
        "%(password)s",
        "%s",
        "{password}",
        "{cfg.token!r}",
        "ENV['API_TOKEN']",
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


_RUN_CASES = [
    "abcdef",
    "x123456y",
    "Zq9fedcbaW",
    "Kp2aaaaaa",
    "Kp2aaaaa",
    "abcde9vwxyz",
    "98765",
    "./01234",
    "XYZ[\\]",
    "5432104321",
    "Ab1",
    "a",
    "",
    "äbcdefg",
    "ÅÅÅÅÅÅ",
    "αβγδεζ",
]


@pytest.mark.parametrize(
    "value",
    _RUN_CASES + [_random(n, string.printable) for n in (6, 12, 40, 120) for _ in range(25)],
)
def test_run_reason_agrees_with_the_run_lengths(value: str) -> None:
    repeated = longest_repeat_run(value) >= 6
    sequential = longest_sequence_run(value) >= 6
    reason = run_reason(value)
    assert (reason is not None) is (repeated or sequential)
    if repeated:
        assert reason == "a long run of one repeated character"
    elif sequential:
        assert reason == "a run of sequential characters"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "a",
        "aaaa",
        "abab",
        "aaaaaaab",
        "aab",
        "aabbccdd",
        "Tr0ub4dor&3x",
        "ab" * 40,
        "z" * 1200 + "y",
        *RANDOM_SECRETS,
        *(_random(n, "ab01") for n in (8, 16, 40)),
        *(_random(n, "abcdefgh") for n in (8, 16, 40)),
        *(_random(n) for n in (8, 16, 40, 200)),
    ],
)
@pytest.mark.parametrize("bits", [0.0, 1.0, 2.5, 3.0, 4.0, 4.2, 5.5])
def test_entropy_at_least_agrees_with_shannon_entropy(value: str, bits: float) -> None:
    assert entropy_at_least(value, bits) is (shannon_entropy(value) >= bits)


@pytest.mark.parametrize(
    ("value", "classes"),
    [("é", 1), ("Éé", 2), ("é٣", 2), ("Éé٣·", 4), ("ÀBC", 1), ("x²", 2)],
    ids=["lower", "upper-lower", "arabic-digit", "all-four", "upper-only", "superscript"],
)
def test_character_classes_beyond_ascii(value: str, classes: int) -> None:
    assert character_classes(value) == classes


@pytest.mark.parametrize(
    "value",
    ["AKIAIOSFODNN7EXAMPLE", "changeme", "my-fake-token", "aaaaaaaaaaaa", *RANDOM_SECRETS],
)
def test_token_reason_is_the_token_filters(value: str) -> None:
    assert token_reason(value) == non_secret_reason(value, TOKEN_FILTERS)


@pytest.mark.parametrize(
    ("value", "rejected"),
    [
        ("options-Xk9s8Lm2Qp", True),
        ("cfg.db_password", True),
        ("Xk9s8Lm2.7Qp4", False),
        ("Xk9s8Lm2(Qp7", True),
        ("Xk9s8Lm2[Qp7", True),
    ],
    ids=["self-like-name", "attribute", "dot-then-digit", "call", "subscript"],
)
def test_code_references(value: str, rejected: bool) -> None:
    assert (code_reason(value) is not None) is rejected
