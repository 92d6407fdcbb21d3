"""Secret detectors on synthetic, valid-shaped fakes and on hard negatives.

Every fake value below is generated from a seeded random source in the vendor's documented
shape; none is a real credential. Vendors' documented example keys appear only where the test
is that they are rejected.
"""

from __future__ import annotations

import base64
import json
import random
import re
import string
import zlib
from dataclasses import dataclass

import pytest

from stackward.dspm.detector import Detector
from stackward.dspm.detectors.secret_rules import base62_crc32_matches
from stackward.dspm.detectors.secrets import SECRET_DETECTORS
from stackward.dspm.engine import build_engine
from stackward.dspm.taxonomy import DATA_CLASSES
from stackward.dspm.text import classify_text

_RNG = random.Random(7_2026)
_ALNUM = string.ascii_letters + string.digits
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_B64 = _ALNUM + "+/"
_URLSAFE = _ALNUM + "-_"
_HEX = "0123456789abcdef"
_BY_ID = {d.id: d for d in SECRET_DETECTORS}


def _rand(length: int, alphabet: str = _ALNUM) -> str:
    while True:
        value = "".join(_RNG.choice(alphabet) for _ in range(length))
        # keep the fakes free of accidental runs that the placeholder filter stops
        if not re.search(r"(.)\1{4}", value) and "xxxx" not in value.lower():
            return value


def _base62(number: int, width: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    return digits.rjust(width, "0")


def _checksummed(prefix: str) -> str:
    body = _rand(30)
    return prefix + body + _base62(zlib.crc32(body.encode()), 6)


def _b64_bytes(size: int) -> str:
    return base64.b64encode(bytes(_RNG.randrange(256) for _ in range(size))).decode()


def _b64url_json(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def _jwt(alg: str = "HS256", signature: str | None = None) -> str:
    header = _b64url_json({"alg": alg, "typ": "JWT"})
    payload = _b64url_json({"sub": _rand(8), "iat": 1_700_000_000})
    return f"{header}.{payload}.{_rand(43, _URLSAFE) if signature is None else signature}"


@dataclass(frozen=True)
class Found:
    detector: str
    value: str
    confidence: float
    start: int


def run(detector: Detector, text: str) -> list[Found]:
    """What the text classifier does per detector: pattern, extract, validator."""
    pattern = re.compile(detector.pattern, re.IGNORECASE if detector.ignore_case else 0)
    found: list[Found] = []
    for match in pattern.finditer(text):
        value = match.group(0)
        if detector.extract is not None:
            extracted = detector.extract.search(value)
            if extracted is None:
                continue
            value = extracted.group("value")
        confidence = detector.confidence
        if detector.validator is not None:
            verdict = detector.validator(value)
            if not verdict.valid:
                continue
            confidence = verdict.confidence if verdict.confidence is not None else confidence
        found.append(Found(detector.id, value, confidence, match.start()))
    return found


def run_all(text: str) -> list[Found]:
    """Every detector, then the ``near`` rule: a partner hit must start close by."""
    hits = [hit for detector in SECRET_DETECTORS for hit in run(detector, text)]
    kept = []
    for hit in hits:
        needs = _BY_ID[hit.detector]
        if needs.near and not any(
            other.detector in needs.near and abs(other.start - hit.start) <= needs.near_chars
            for other in hits
        ):
            continue
        kept.append(hit)
    return kept


# --- fakes ------------------------------------------------------------------------------

AWS_ID = "AKIA" + _rand(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
AWS_SECRET = _rand(40, _B64)
GITHUB_CLASSIC = _checksummed("ghp_")
GITHUB_FINE = f"github_pat_{_rand(22)}_{_rand(59)}"
GITLAB_PAT = "glpat-" + _rand(20, _URLSAFE.replace("-", ""))
GITLAB_ROUTABLE = f"glpat-{_rand(27, _ALNUM)}.01.{_rand(9, string.digits + string.ascii_lowercase)}"
GITLAB_RUNNER = "GR1348941" + _rand(20)
SLACK_BOT = f"xoxb-{_rand(12, string.digits)}-{_rand(13, string.digits)}-{_rand(24)}"
SLACK_USER = f"xoxp-{_rand(12, string.digits)}-{_rand(12, string.digits)}-{_rand(13, string.digits)}-{_rand(32, _HEX)}"
SLACK_APP = f"xapp-1-A{_rand(10, string.ascii_uppercase + string.digits)}-{_rand(13, string.digits)}-{_rand(64, _HEX)}"
SLACK_HOOK = (
    f"https://hooks.slack.com/services/T{_rand(10, string.ascii_uppercase + string.digits)}"
    f"/B{_rand(10, string.ascii_uppercase + string.digits)}/{_rand(24)}"
)
STRIPE_LIVE = "sk_live_" + _rand(99)
STRIPE_RESTRICTED = "rk_live_" + _rand(24)
STRIPE_TEST = "sk_test_" + _rand(24)
OPENAI_PROJECT = f"sk-proj-{_rand(74, _URLSAFE)}T3BlbkFJ{_rand(74, _URLSAFE)}"
OPENAI_LEGACY = f"sk-{_rand(20)}T3BlbkFJ{_rand(20)}"
ANTHROPIC = f"sk-ant-api03-{_rand(93, _URLSAFE)}AA"
HUGGINGFACE = "hf_" + _rand(34, string.ascii_letters)
SENDGRID = f"SG.{_rand(22, _URLSAFE)}.{_rand(43, _URLSAFE)}"
TWILIO_SK = "SK" + _rand(32, _HEX)
TWILIO_TOKEN = _rand(32, _HEX)
TWILIO_SID = "AC" + _rand(32, _HEX)
GOOGLE = "AIza" + _rand(35, _URLSAFE)
NPM = _checksummed("npm_")
JWT = _jwt()
AZURE_KEY = _b64_bytes(64)
SERVICE_BUS_KEY = _b64_bytes(32)
SAS_SIG = _b64_bytes(32).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
GCP_KEY_ID = _rand(40, _HEX)
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + _rand(64, _B64)
DB_PASSWORD = _rand(18)
GENERIC = _rand(12) + "!" + _rand(8)

POSITIVES: list[tuple[str, str, str]] = [
    ("secret.aws_access_key.id", f"aws_access_key_id = {AWS_ID}\n", AWS_ID),
    ("secret.aws_access_key.id", f'{{"AccessKeyId": "{AWS_ID}"}}', AWS_ID),
    (
        "secret.aws_secret_key.named",
        f"[default]\naws_secret_access_key = {AWS_SECRET}\n",
        AWS_SECRET,
    ),
    ("secret.aws_secret_key.named", f'"SecretAccessKey": "{AWS_SECRET}",', AWS_SECRET),
    ("secret.aws_secret_key.named", f"AWS_SECRET_ACCESS_KEY={AWS_SECRET}", AWS_SECRET),
    ("secret.aws_secret_key.near_key_id", f"{AWS_ID} {AWS_SECRET}\n", AWS_SECRET),
    (
        "secret.gcp_service_account.private_key_id",
        f'{{"type": "service_account", "private_key_id": "{GCP_KEY_ID}"}}',
        GCP_KEY_ID,
    ),
    (
        "secret.gcp_service_account.header",
        '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n'
        + PEM_BODY
        + '"}',
        '"type": "service_account"',
    ),
    (
        "secret.azure_storage_key.account_key",
        f"AccountName=acct;AccountKey={AZURE_KEY};EndpointSuffix=core.windows.net",
        AZURE_KEY,
    ),
    ("secret.azure_storage_key.named", f'AZURE_STORAGE_KEY="{AZURE_KEY}"', AZURE_KEY),
    (
        "secret.azure_connection_string.storage",
        f"DefaultEndpointsProtocol=https;AccountName=acct01;AccountKey={AZURE_KEY};",
        AZURE_KEY,
    ),
    (
        "secret.azure_connection_string.shared_access_key",
        "Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
        f"SharedAccessKey={SERVICE_BUS_KEY}",
        SERVICE_BUS_KEY,
    ),
    (
        "secret.azure_connection_string.sas_signature",
        "https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&se=2030-01-01&sr=b&sp=r"
        f"&sig={SAS_SIG}",
        SAS_SIG,
    ),
    ("secret.github_token.classic", f"GITHUB_TOKEN={GITHUB_CLASSIC}", GITHUB_CLASSIC),
    ("secret.github_token.fine_grained", f"token: {GITHUB_FINE}\n", GITHUB_FINE),
    ("secret.gitlab_token.prefixed", f"export GITLAB_TOKEN={GITLAB_PAT}", GITLAB_PAT),
    ("secret.gitlab_token.prefixed", f"PRIVATE-TOKEN: {GITLAB_ROUTABLE}.", GITLAB_ROUTABLE),
    (
        "secret.gitlab_token.runner_registration",
        f"registration-token: {GITLAB_RUNNER}",
        GITLAB_RUNNER,
    ),
    ("secret.npm_token.access", f"//registry.npmjs.org/:_authToken={NPM}", NPM),
    ("secret.slack_token.xox", f'client = WebClient(token="{SLACK_BOT}")', SLACK_BOT),
    ("secret.slack_token.xox", f"SLACK_USER_TOKEN={SLACK_USER}", SLACK_USER),
    ("secret.slack_token.app", f"SLACK_APP_TOKEN={SLACK_APP}", SLACK_APP),
    ("secret.slack_webhook.url", f"curl -X POST {SLACK_HOOK}", SLACK_HOOK[8:]),
    ("secret.sendgrid_api_key.key", f"sg = SendGridAPIClient('{SENDGRID}')", SENDGRID),
    ("secret.twilio_api_key.sid", f"api_key = '{TWILIO_SK}'", TWILIO_SK),
    (
        "secret.twilio_api_key.account_auth",
        f"curl -u {TWILIO_SID}:{TWILIO_TOKEN} https://api",
        TWILIO_TOKEN,
    ),
    ("secret.twilio_api_key.auth_token", f"TWILIO_AUTH_TOKEN={TWILIO_TOKEN}", TWILIO_TOKEN),
    ("secret.stripe_key.secret", f"stripe.api_key = '{STRIPE_LIVE}'", STRIPE_LIVE),
    ("secret.stripe_key.secret", f"key={STRIPE_RESTRICTED}", STRIPE_RESTRICTED),
    ("secret.stripe_key.webhook_secret", f"STRIPE_WEBHOOK=whsec_{_rand(32)}", None),
    ("secret.openai_api_key.project", f'OPENAI_API_KEY="{OPENAI_PROJECT}"', OPENAI_PROJECT),
    ("secret.openai_api_key.legacy", f"openai.api_key = '{OPENAI_LEGACY}'", OPENAI_LEGACY),
    ("secret.anthropic_api_key.key", f"ANTHROPIC_API_KEY={ANTHROPIC}\n", ANTHROPIC),
    ("secret.huggingface_token.user", f"login(token='{HUGGINGFACE}')", HUGGINGFACE),
    ("secret.google_api_key.key", f"https://maps.googleapis.com/maps?key={GOOGLE}&x=1", GOOGLE),
    ("secret.jwt.token", f"Authorization: Bearer {JWT}\n", JWT),
    (
        "secret.private_key.pem",
        f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----",
        None,
    ),
    (
        "secret.private_key.pem",
        f'"private_key": "-----BEGIN PRIVATE KEY-----\\n{PEM_BODY}\\n"',
        None,
    ),
    (
        "secret.private_key.pem",
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
        f"{_rand(32, _HEX).upper()}\n\n{PEM_BODY}\n",
        None,
    ),
    (
        "secret.password_in_uri.userinfo",
        f"DATABASE_URL=postgresql://app:{DB_PASSWORD}@db.internal:5432/app",
        DB_PASSWORD,
    ),
    (
        "secret.password_in_uri.userinfo",
        f'client = MongoClient("mongodb+srv://svc:{DB_PASSWORD}@cluster0.mongodb.net/")',
        DB_PASSWORD,
    ),
    ("secret.password_in_uri.userinfo", f"amqp://worker:{DB_PASSWORD}@mq:5672//", DB_PASSWORD),
    ("secret.generic.quoted", f'db_password = "{GENERIC}"', GENERIC),
    ("secret.generic.quoted", f'{{"clientSecret": "{GENERIC}"}}', GENERIC),
    ("secret.generic.quoted", f"    password: '{GENERIC}'", GENERIC),
    ("secret.generic.quoted", f'conn.setPassword("{GENERIC}");', GENERIC),
    ("secret.generic.unquoted", f"MYSQL_ROOT_PASSWORD={GENERIC}\n", GENERIC),
    ("secret.generic.unquoted", f"api.token: {GENERIC}\n", GENERIC),
    ("secret.generic.unquoted", f"GET /v1/items?access_token={GENERIC}&page=2", GENERIC),
    ("secret.generic.unquoted", "  db_password: Ym3lzG#JAOrTj4Bf\n", "Ym3lzG#JAOrTj4Bf"),
    ("secret.generic.unquoted", "DB_PASSWORD=AKytGX#fPGEDlo2L # rotated\n", "AKytGX#fPGEDlo2L"),
    ("secret.generic.cli_flag", f"mysqladmin --password={GENERIC} status", GENERIC),
    ("secret.generic.cli_flag", f"app login --api-key {GENERIC}\n", GENERIC),
    ("secret.generic.xml_element", f"<password>{GENERIC}</password>", GENERIC),
    (
        "secret.generic.authorization_header",
        f"Authorization: Bearer {_rand(40, _URLSAFE)}\n",
        None,
    ),
]


def _positive_id(case: tuple[str, str, str | None]) -> str:
    return case[0].removeprefix("secret.")


@pytest.mark.parametrize("case", POSITIVES, ids=[_positive_id(c) for c in POSITIVES])
def test_detector_finds_its_secret(case: tuple[str, str, str | None]) -> None:
    detector_id, text, expected = case
    found = run(_BY_ID[detector_id], text)
    assert found, f"{detector_id} found nothing"
    if expected is not None:
        assert expected in [f.value for f in found]
    assert all(0.5 <= f.confidence <= 1.0 for f in found)


def test_every_detector_has_a_positive() -> None:
    assert {case[0] for case in POSITIVES} == set(_BY_ID)


# --- hard negatives: nothing at all may be reported -------------------------------------

LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. Password policy: at least 12 characters."
)
PNG_DATA = "data:image/png;base64," + _b64_bytes(300)
MINIFIED_JS = (
    "!function(e,t){var n=e.tokenize,r=t.passwordStrength;function o(i){return n(i)}"
    "var a={apiKeyHeader:'X-Api-Key',tokenType:r?'bearer':'none'};e.exports=a}(this,window);"
    "var abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN=1;"
)

NEGATIVES: list[tuple[str, str]] = [
    ("dotenv-placeholder-before-comment", "DB_PASSWORD=changeme # set in vault"),
    ("yaml-comment-after-reference", "db_password: ${DB_PASSWORD} # from the environment"),
    ("aws-docs-key-id", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"),
    ("aws-docs-secret", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("aws-docs-pair", "AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("aws-placeholder", "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX"),
    ("stripe-docs", "stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'"),
    ("github-docs", "Authorization: token ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("github-placeholder", "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    (
        "slack-docs-hook",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    ),
    (
        "jwt-io-example",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
        "aWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ),
    (
        "azurite-key",
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;",
    ),
    ("placeholder-changeme", 'password = "changeme"'),
    ("placeholder-angle", 'api_key: "<your-api-key>"'),
    ("placeholder-here", "OPENAI_API_KEY=your_api_key_here"),
    ("placeholder-stars", 'secret = "********"'),
    ("placeholder-redacted", "token: REDACTED"),
    ("placeholder-uri", "postgres://user:password@localhost:5432/db"),
    ("placeholder-uri-stars", "mysql://root:****@db/app"),
    ("default-uri", "amqp://guest:guest@localhost:5672/"),
    ("env-dollar-brace", "DB_PASSWORD=${DB_PASSWORD}"),
    ("env-uri", "postgresql://app:${POSTGRES_PASSWORD}@db:5432/app"),
    ("env-python", "password = os.environ['DB_PASSWORD']"),
    ("env-getenv", 'token = os.getenv("GITHUB_TOKEN")'),
    ("env-node", "const apiKey = process.env.API_KEY;"),
    ("env-template", "password: {{ vault_db_password }}"),
    ("env-erb", "password: <%= ENV['DB_PASSWORD'] %>"),
    ("env-windows", "set API_TOKEN=%API_TOKEN%"),
    ("code-attribute", "SECRET_KEY = settings.DJANGO_SECRET_KEY\n"),
    ("code-call", "token = create_access_token(identity=user.id)"),
    ("uuid", 'api_key = "123e4567-e89b-12d3-a456-426614174000"'),
    ("sha1-commit", "commit da39a3ee5e6b4b0d3255bfef95601890afd80709\nAuthor: dev"),
    ("sha256-digest", "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (
        "hash-named",
        'token_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"',
    ),
    ("git-log", "Merge: 4f2a9c1 9b3e7d0\ncommit 7c4a8d09ca3762af61e59520943dc26494f8941b"),
    ("version", 'token_version = "2.14.1-rc.3"'),
    ("timestamp", "auth: 2024-05-01T12:30:00Z login ok"),
    ("png-base64", f'<img src="{PNG_DATA}">'),
    ("lorem", LOREM),
    ("minified-js", MINIFIED_JS),
    ("tokenizer", 'tokenizer = "meta-llama/Llama-2-7b-hf"'),
    ("compass", 'compass = "N45E12W"'),
    ("pem-constant", 'if line.startswith("-----BEGIN CERTIFICATE-----"):'),
    ("public-key", f"-----BEGIN PUBLIC KEY-----\n{PEM_BODY}\n"),
    ("url-no-credentials", "https://api.github.com/repos/org/repo/pulls?per_page=100"),
    ("file-path", "private_key_path = '/etc/ssl/private/server.key'"),
    ("password-prompt", 'password = getpass.getpass("Password: ")'),
    ("weak-word", 'password = "hunter2"'),
    ("hf-identifier", "from huggingface_hub import hf_hub_download"),
    ("ip-port", "redis://10.0.0.1:6379/0"),
    ("key-about-a-secret", 'secret_name = "prod-db-creds2"'),
    ("token-type", 'token_type: "Bearer-Access9"'),
    ("pagination-token", '"NextPageToken": "NextPageToken"'),
    ("type-annotation", "    passphrase: PassphraseCallableT | None = None,"),
    ("arn", "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyDatabaseSecret-a1b2c3"),
    ("snake-kwarg", "client(auth_mode=s3_disable_express_session_auth)"),
    (
        "class-name",
        "        :type secret: V1SecretVolumeSource\n        private_key: Ed25519PrivateKey\n",
    ),
    ("format-field", "auth_header = f'Signature={signature}'"),
]


@pytest.mark.parametrize("text", [t for _, t in NEGATIVES], ids=[i for i, _ in NEGATIVES])
def test_hard_negatives_report_nothing(text: str) -> None:
    found = run_all(text)
    assert not found, [(f.detector, f.confidence) for f in found]


# --- confidence and validator details ---------------------------------------------------


@pytest.mark.parametrize(
    ("detector_id", "text", "confidence"),
    [
        ("secret.github_token.classic", GITHUB_CLASSIC, 0.99),
        ("secret.github_token.classic", "ghp_" + _rand(36), 0.75),
        ("secret.npm_token.access", NPM, 0.99),
        ("secret.stripe_key.secret", STRIPE_TEST, 0.6),
        ("secret.stripe_key.secret", STRIPE_LIVE, 0.95),
        ("secret.jwt.token", _jwt(alg="none", signature=""), 0.5),
        ("secret.jwt.token", JWT, 0.9),
        ("secret.private_key.pem", '"-----BEGIN OPENSSH PRIVATE KEY-----"', 0.6),
        ("secret.aws_access_key.id", "AROA" + _rand(16, string.ascii_uppercase), 0.7),
        ("secret.openai_api_key.project", f"sk-proj-{_rand(60)} ", 0.8),
    ],
    ids=[
        "github-checksum",
        "github-no-checksum",
        "npm-checksum",
        "stripe-test",
        "stripe-live",
        "jwt-alg-none",
        "jwt-signed",
        "pem-header-only",
        "aws-role-id",
        "openai-no-marker",
    ],
)
def test_confidence(detector_id: str, text: str, confidence: float) -> None:
    found = run(_BY_ID[detector_id], text)
    assert [f.confidence for f in found] == [confidence]


def test_crc32_checksum_scheme() -> None:
    assert base62_crc32_matches(GITHUB_CLASSIC, 4)
    assert not base62_crc32_matches(
        GITHUB_CLASSIC[:-1] + ("A" if GITHUB_CLASSIC[-1] != "A" else "B"), 4
    )


@pytest.mark.parametrize(
    ("detector_id", "text"),
    [
        ("secret.jwt.token", "eyJub3Rqc29uIjogMX0x.eyJzdWIiOiAiYWJjIn0.c2lnbmF0dXJlMTIzNDU2Nzg"),
        ("secret.azure_storage_key.account_key", "AccountKey=" + "A" * 86 + "=="),
        ("secret.aws_secret_key.named", "aws_secret_access_key=" + _rand(40, _HEX)),
        ("secret.huggingface_token.user", "hf_" + _rand(34, string.ascii_lowercase)),
        ("secret.slack_token.xox", "xoxb-123456789012-abcdefghijklmnop"),
        ("secret.private_key.pem", "-----BEGIN PRIVATE KEY-----\nXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
        ("secret.generic.unquoted", "API_TOKEN=abcdefghijklmnop"),
    ],
    ids=["jwt-no-alg", "azure-zero-key", "aws-hex", "hf-lower", "slack-sequence", "pem-x", "seq"],
)
def test_validator_rejects(detector_id: str, text: str) -> None:
    assert run(_BY_ID[detector_id], text) == []


_SHA256 = _rand(64, _HEX)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (f"  db_password: {GENERIC}\n  artifact_sha256: {_SHA256}\n", GENERIC),
        (f"API_TOKEN={GENERIC}\r\nCHECKSUM_MD5={_SHA256[:32]}", GENERIC),
        (f"deploy --password {GENERIC}\nrelease sha256: {_SHA256}", GENERIC),
    ],
    ids=["yaml-digest-below", "dotenv-crlf", "cli-flag"],
)
def test_value_at_line_end_is_judged_by_its_own_line(backend: str, text: str, value: str) -> None:
    hits = classify_text(text, build_engine(SECRET_DETECTORS, backend))
    generic = [h for h in hits if h.data_class == "secret.generic"]
    assert [h.value for h in generic] == [value]
    assert generic[0].confidence >= 0.5, "a digest word on the next line is no negative context"


@pytest.mark.parametrize("detector_id", ["secret.generic.unquoted", "secret.generic.cli_flag"])
@pytest.mark.parametrize("ending", ["\n", "\r\n", " \n", "", "\n\n"])
def test_unquoted_candidate_stops_before_the_newline(detector_id: str, ending: str) -> None:
    key = "--token " if detector_id.endswith("cli_flag") else "API_TOKEN="
    text = f"{key}{GENERIC}{ending}next line"
    match = re.search(_BY_ID[detector_id].pattern, text)
    assert match is not None
    assert "\n" not in match.group(0)


# --- the table itself -------------------------------------------------------------------


def test_ids_are_unique_and_classes_exist() -> None:
    ids = [d.id for d in SECRET_DETECTORS]
    assert len(ids) == len(set(ids))
    for detector in SECRET_DETECTORS:
        assert detector.data_class in DATA_CLASSES
        assert detector.data_class.startswith("secret.")
        assert detector.id.startswith(detector.data_class + ".")
        for partner in detector.near:
            assert partner in _BY_ID


def test_every_pattern_is_in_the_common_subset() -> None:
    for detector in SECRET_DETECTORS:
        compiled = re.compile(detector.pattern, re.IGNORECASE if detector.ignore_case else 0)
        assert compiled.groups == 0, f"{detector.id}: capturing group"
        assert "(?=" not in detector.pattern and "(?!" not in detector.pattern
        assert "(?<" not in detector.pattern, f"{detector.id}: look-behind or named group"
        if detector.extract is not None:
            assert "value" in detector.extract.groupindex


def test_all_patterns_compile_in_one_hyperscan_database() -> None:
    hyperscan = pytest.importorskip("hyperscan")
    database = hyperscan.Database()
    database.compile(
        expressions=[d.pattern.encode() for d in SECRET_DETECTORS],
        ids=list(range(len(SECRET_DETECTORS))),
        elements=len(SECRET_DETECTORS),
        flags=[
            hyperscan.HS_FLAG_SOM_LEFTMOST | (hyperscan.HS_FLAG_CASELESS if d.ignore_case else 0)
            for d in SECRET_DETECTORS
        ],
    )
    seen: set[int] = set()

    def on_match(pattern: int, _start: int, _end: int, _flags: int, _ctx: object) -> None:
        seen.add(pattern)

    database.scan(
        "\n".join(text for _, text, _ in POSITIVES).encode(), match_event_handler=on_match
    )
    assert seen == set(range(len(SECRET_DETECTORS)))


def test_structured_field_names_cover_the_usual_columns() -> None:
    names = {name for d in SECRET_DETECTORS for name in d.field_names}
    for column in (
        "password",
        "secret",
        "token",
        "api_key",
        "access_key",
        "private_key",
        "credentials",
    ):
        assert column in names
