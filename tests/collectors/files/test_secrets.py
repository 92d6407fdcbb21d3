from __future__ import annotations

import pytest

from stackward.collectors.files.secrets import looks_like_placeholder, scan_text, shannon_entropy

AWS_KEY = "AKIAZ7Q4M2KD8TXW5RHN"
GITHUB = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
OPENAI = "sk-proj-4fGh7JkL9mNpQ2rStUvWxYz0aBcDeFgHiJkLmNoPq"
ANTHROPIC = "sk-ant-api03-Q1w2E3r4T5y6U7i8O9p0AaSsDdFfGgHhJjKkLlZzXx"
HF = "hf_kPq7ZtWm3RxV9bNc2LdF8sJh4YgTu6AeQo"


@pytest.mark.parametrize(
    ("line", "detectors"),
    [
        (f'key = "{AWS_KEY}"', ["aws_access_key_id"]),
        (
            "aws_secret_access_key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9kLmNoPq'",
            ["aws_secret_access_key"],
        ),
        (f"token: {GITHUB}", ["github_token"]),
        (f'OpenAI(api_key="{OPENAI}")', ["openai_api_key"]),
        (f"ANTHROPIC_API_KEY={ANTHROPIC}", ["anthropic_api_key"]),
        (f"login(token='{HF}')", ["huggingface_token"]),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", ["private_key"]),
        ('db_password = "pr0d-Db-P@ssw0rd-77"', ["password_assignment"]),
        (
            "url = 'postgresql://etl:Sup3r-S3cret-Pw@warehouse:5432/dw'",
            ["connection_string_credentials"],
        ),
        (
            "mongodb+srv://app:Zq8vLp2xNw4@cluster0.mongodb.net/db",
            ["connection_string_credentials"],
        ),
        ("export CLIENT_SECRET=9f8e7d6c5b4a39281706f5e4", ["dotenv_secret"]),
        # negatives: placeholders, references to the environment, examples, words
        ('password = "changeme"', []),
        ('api_key = "<your-key>"', []),
        ('api_key = os.environ["OPENAI_API_KEY"]', []),
        ("API_TOKEN=${API_TOKEN}", []),
        ("DATABASE_URL=postgresql://app:${DB_PASSWORD}@db:5432/app", []),
        ("DATABASE_URL=postgresql://app@db:5432/app", []),
        ("aws_access_key_id = 'AKIAIOSFODNN7EXAMPLE'", []),
        ('password = "aaaaaaaa"', []),
        ("c.ServerApp.password = 'argon2:$argon2id$v=19$m=10240,t=10,p=8$abc$def'", []),
        ("token_count = 4096", []),
        ("sk-short", []),
        ("a normal sentence about passwords and tokens", []),
    ],
)
def test_detectors(line: str, detectors: list[str]) -> None:
    hits = scan_text(line)
    assert [h.detector for h in hits] == detectors


@pytest.mark.parametrize("secret", [AWS_KEY, GITHUB, OPENAI, ANTHROPIC, HF, "Sup3r-S3cret-Pw"])
def test_snippet_never_holds_the_whole_secret(secret: str) -> None:
    text = f"x = 1\nvalue = '{secret}'  # password={secret}\nconn = 'postgres://u:{secret}@h/db'\n"
    hits = scan_text(text)
    assert hits
    for hit in hits:
        assert secret not in hit.snippet
        assert "********" in hit.snippet


def test_line_numbers_count_from_first_line() -> None:
    hits = scan_text(f"a\nb\nkey = '{AWS_KEY}'\n", first_line=10)
    assert [h.line for h in hits] == [12]


def test_two_secrets_on_one_line_share_a_fully_redacted_snippet() -> None:
    hits = scan_text(f"{AWS_KEY} {GITHUB}")
    assert {h.detector for h in hits} == {"aws_access_key_id", "github_token"}
    for hit in hits:
        assert AWS_KEY not in hit.snippet and GITHUB not in hit.snippet


def test_very_long_lines_are_scanned_only_in_their_first_mebibyte() -> None:
    minified = "var a=1;" * 100_000
    (hit,) = scan_text(minified + f"k='{AWS_KEY}'")
    assert len(hit.snippet) <= 160
    assert scan_text("x" * (2 * 1024 * 1024) + AWS_KEY) == []


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ("changeme", True),
        ("<token>", True),
        ("os.environ['X']", True),
        ("xxxxxxxx", True),
        ("Zq8vLp2xNw4", False),
        ("pr0d-Db-P@ssw0rd-77", False),
    ],
)
def test_placeholder_filter(value: str, placeholder: bool) -> None:
    assert looks_like_placeholder(value) is placeholder


def test_entropy_orders_random_above_repetitive() -> None:
    assert shannon_entropy("aaaaaaaa") == 0.0
    assert shannon_entropy("Zq8vLp2xNw4") > shannon_entropy("password")


def test_hits_per_text_are_capped() -> None:
    assert len(scan_text(f"k = '{AWS_KEY}'\n" * 1000)) == 200
