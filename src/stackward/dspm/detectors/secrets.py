"""Secret detectors: vendor tokens by their documented shape, credentials by their key name.

Vendor tokens (``ghp_…``, ``sk_live_…``, ``AKIA…``) carry a fixed prefix and alphabet, so
their validators only turn away placeholders and the vendors' documented example keys, and
raise confidence where a checksum or marker confirms the shape. Credentials found by a key
name (``password = "…"``, ``--token …``, ``scheme://user:pw@host``) say nothing by their
shape, so every filter of :mod:`stackward.dspm.validators.secret_filters` applies to them.

Patterns stay in the common subset of ``re``, RE2 and Hyperscan; a token that may end in
``-`` or ``/`` cannot end at ``\\b``, so its pattern ends at one delimiter character (or the
end of the text) and ``extract`` takes the token out of the candidate.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib

from stackward.dspm.detector import Detector, Validation, Validator, accept, reject
from stackward.dspm.validators.secret_filters import (
    TOKEN_FILTERS,
    character_classes,
    digest_reason,
    documented_example_reason,
    non_secret_reason,
    placeholder_reason,
    reference_reason,
    shannon_entropy,
)

_END_TOKEN = r"(?:[^A-Za-z0-9_-]|$)"  # noqa: S105 - a pattern fragment
"""After a token whose alphabet includes ``-`` and ``_``: one delimiter or the end."""
_END_BASE64 = r"(?:[^A-Za-z0-9/+=]|$)"
_ASSIGN = r"""["']?\s{0,4}(?::=|=>|=|:)\s{0,4}"""
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_MAX_JWT_PART = 8192


def _value(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# --- validators -------------------------------------------------------------------------


def _token(confidence: float | None = None, min_classes: int = 1) -> Validator:
    """A vendor token: not a placeholder, not a documented example, enough character mix."""

    def validate(value: str) -> Validation:
        reason = non_secret_reason(value, TOKEN_FILTERS)
        if reason is not None:
            return reject(reason)
        if character_classes(value) < min_classes:
            return reject("too few character classes for this token")
        return accept("vendor token shape", confidence)

    return validate


def base62_crc32_matches(token: str, prefix_len: int) -> bool:
    """GitHub's and npm's token checksum: the last 6 base62 characters encode the CRC32 of
    the random part (the characters between the prefix and the checksum)."""
    body, checksum = token[prefix_len:-6], token[-6:]
    number = 0
    for char in checksum:
        digit = _BASE62.find(char)
        if digit < 0:
            return False
        number = number * 62 + digit
    return number == zlib.crc32(body.encode("ascii", "replace"))


def _checksummed(prefix_len: int) -> Validator:
    def validate(value: str) -> Validation:
        reason = non_secret_reason(value, TOKEN_FILTERS)
        if reason is not None:
            return reject(reason)
        if base62_crc32_matches(value, prefix_len):
            return accept("token shape and CRC32 checksum", 0.99)
        return accept("token shape (checksum does not match: an old or made-up token)", 0.75)

    return validate


def _aws_key_id(value: str) -> Validation:
    reason = non_secret_reason(value, TOKEN_FILTERS)
    if reason is not None:
        return reject(reason)
    base32 = all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in value[4:])
    if value[:4] in {"AKIA", "ASIA"}:
        return accept("access key id", 0.95 if base32 else 0.85)
    return accept("unique id of an IAM principal", 0.7)


def _aws_secret(value: str) -> Validation:
    reason = non_secret_reason(value, TOKEN_FILTERS) or digest_reason(value)
    if reason is not None:
        return reject(reason)
    has_other = any(c.isdigit() or c in "+/" for c in value)
    if not (any(c.islower() for c in value) and any(c.isupper() for c in value) and has_other):
        return reject("lacks the character mix of a random base64 key")
    if shannon_entropy(value) < 4.2:
        return reject("entropy too low for a random 40-character key")
    return accept("40 random base64 characters")


def _base64_key(length: int) -> Validator:
    """A base64 key that must decode to ``length`` bytes (Azure account keys: 64)."""

    def validate(value: str) -> Validation:
        reason = non_secret_reason(value, TOKEN_FILTERS)
        if reason is not None:
            return reject(reason)
        try:
            decoded = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return reject("not valid base64")
        if len(decoded) != length:
            return reject(f"decodes to {len(decoded)} bytes, not {length}")
        return accept(f"base64 of {length} bytes")

    return validate


def _sas_signature(value: str) -> Validation:
    unquoted = value.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=")
    unquoted = unquoted.replace("%2b", "+").replace("%2f", "/").replace("%3d", "=")
    return _base64_key(32)(unquoted)


def _hex_id(value: str) -> Validation:
    reason = non_secret_reason(value, TOKEN_FILTERS)
    if reason is not None:
        return reject(reason)
    return accept("hex key id")


def _slack_webhook(value: str) -> Validation:
    parts = value.rstrip("/").split("/")
    secret, team = parts[-1], parts[-3] if len(parts) >= 3 else ""
    reason = placeholder_reason(secret) or placeholder_reason(team)
    if reason is not None:
        return reject(reason)
    return accept("webhook URL with a secret path")


def _stripe(value: str) -> Validation:
    reason = non_secret_reason(value, TOKEN_FILTERS)
    if reason is not None:
        return reject(reason)
    if "_test_" in value:
        return accept("Stripe test-mode key", 0.6)
    return accept("Stripe live-mode key")


def _openai(value: str) -> Validation:
    reason = non_secret_reason(value, TOKEN_FILTERS)
    if reason is not None:
        return reject(reason)
    if "T3BlbkFJ" in value:
        return accept("OpenAI key with its T3BlbkFJ marker", 0.99)
    if len(value) < 40:
        return reject("too short for an OpenAI key")
    return accept("OpenAI key prefix", 0.8)


def _anthropic(value: str) -> Validation:
    reason = non_secret_reason(value, TOKEN_FILTERS)
    if reason is not None:
        return reject(reason)
    if len(value) >= 100 and value.endswith("AA"):
        return accept("Anthropic key, full length", 0.99)
    return accept("Anthropic key prefix", 0.85)


def _mixed_case_token(value: str) -> Validation:
    body = value.split("_", 1)[-1] if value.startswith("hf_") else value[8:]
    if digest_reason(body) is not None:
        return reject("the body is a hex digest")
    if not (any(c.islower() for c in body) and any(c.isupper() for c in body)):
        return reject("random tokens mix upper and lower case")
    return _token()(value)


def _b64url_json(part: str) -> object:
    if len(part) > _MAX_JWT_PART:
        return None
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError):
        return None


def _jwt(value: str) -> Validation:
    parts = value.split(".")
    if len(parts) != 3:
        return reject("not three dot-separated parts")
    header, payload, signature = parts
    if documented_example_reason(signature) is not None:
        return reject("the jwt.io example token")
    decoded = _b64url_json(header)
    if not isinstance(decoded, dict) or not isinstance(decoded.get("alg"), str):
        return reject("header is not JSON with an 'alg'")
    if decoded["alg"].lower() == "none":
        return accept("unsigned token (alg none)", 0.5)
    if not signature:
        return accept("signed token without its signature", 0.5)
    if not isinstance(_b64url_json(payload), dict):
        return accept("JSON header, opaque payload", 0.7)
    return accept("JSON header with alg and a JSON payload")


def _private_key(value: str) -> Validation:
    body = value[-32:]
    if not value.endswith("-----"):
        lowered = body.lower()
        if "xxxx" in lowered or "example" in lowered or len(set(body)) <= 3:
            return reject("placeholder key body")
        return accept("PEM private-key header followed by base64")
    return accept("PEM private-key header alone", 0.6)


def _credential(value: str) -> Validation:
    """A value found by its key name: it must pass every generic filter."""
    reason = non_secret_reason(value)
    if reason is not None:
        return reject(reason)
    return accept("credential-named key with a random-looking value")


def _uri_password(value: str) -> Validation:
    reason = (
        documented_example_reason(value) or reference_reason(value) or placeholder_reason(value)
    )
    if reason is not None:
        return reject(reason)
    if re.fullmatch(r"%[sd]|%\([A-Za-z_]+\)s", value):
        return reject("a format placeholder")
    return accept("password in a URI")


# --- key names --------------------------------------------------------------------------

_KW_LOWER = (
    r"(?:password|passwd|passphrase|pass|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
    r"|auth|credentials?|client[_-]?secret|private[_-]?key)"
)
_KW_TITLE = (
    r"(?:Password|Passwd|Passphrase|Pass|Pwd|Secret|Token|Api[_-]?[Kk]ey|A[Pp][Ii][Kk]ey"
    r"|Access[_-]?[Kk]ey|Auth|Credentials?|Client[_-]?[Ss]ecret|Private[_-]?[Kk]ey)"
)
_KW_UPPER = (
    r"(?:PASSWORD|PASSWD|PASSPHRASE|PASS|PWD|SECRET|TOKEN|API[_-]?KEY|APIKEY|ACCESS[_-]?KEY"
    r"|AUTH|CREDENTIALS?|CLIENT[_-]?SECRET|PRIVATE[_-]?KEY)"
)
_KEY_NAME = (
    r"(?:(?:\b|[_.-])" + _KW_LOWER + "|" + _KW_TITLE + "|" + _KW_UPPER + ")"
    r"(?:[_.-][A-Za-z0-9_.-]*|[A-Z][A-Za-z0-9_]*)?"
)
"""The credential word of a key name and what follows it: ``db_password``, ``apiKey``,
``GH_TOKEN``. A lower-case word must start at a word or ``_``/``.``/``-`` boundary and a
suffix must start with a separator or a capital, so that ``tokenizer`` and ``compass`` are
not key names."""
_CLI_FLAG = (
    r"(?:password|passwd|pass|pwd|secret|token|api-key|apikey|access-key|auth-token"
    r"|client-secret|private-key)"
)

_NOT_A_SECRET_KEY = (
    r"(?i)\A(?![^\s=:(]*?(?:name|type|file|path|url|uri|ids?|length|len|size|count|max|min"  # noqa: S105
    r"|limit|hash|digest|header|prefix|policy|format|expiry|expires|expiration|ttl|timeout"
    r"|endpoint|arn|ref|version|label|kind|mode|method|pattern|regex|field|param|input|output"
    r"|sharing)s?\\?[\"']?\s*(?::=|=>|=|:|\())"
)
"""Key names that hold something about a credential, not the credential: ``secret_name``,
``token_type``, ``password_file``, ``api_key_header``. Python-only (used in ``extract``)."""
_SECRET_FIELDS = ("password", "passwd", "secret", "token", "api_key", "apikey", "credential")
_KEY_FIELDS = ("access_key", "private_key", "credentials")


def _d(
    id_: str,
    data_class: str,
    pattern: str,
    confidence: float,
    description: str,
    validator: Validator,
    *,
    extract: str | None = None,
    ignore_case: bool = False,
    context: tuple[str, ...] = (),
    negative_context: tuple[str, ...] = (),
    near: tuple[str, ...] = (),
    near_chars: int = 400,
    field_names: tuple[str, ...] = (),
    references: tuple[str, ...] = (),
) -> Detector:
    return Detector(
        id=id_,
        data_class=data_class,
        pattern=pattern,
        confidence=confidence,
        description=description,
        validator=validator,
        extract=_value(extract) if extract else None,
        ignore_case=ignore_case,
        context=context,
        negative_context=negative_context,
        near=near,
        near_chars=near_chars,
        field_names=field_names,
        references=references,
    )


_AWS_DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html"
_GITHUB_DOCS = "https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/"

_CLOUD: tuple[Detector, ...] = (
    _d(
        "secret.aws_access_key.id",
        "secret.aws_access_key",
        r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA|APKA)[A-Z0-9]{16}\b",
        0.95,
        "AWS access key id or IAM unique id (4-letter type prefix, 16 base32 characters)",
        _aws_key_id,
        context=("aws", "access_key", "access_key_id", "iam", "boto3"),
        field_names=("access_key", "aws_access_key_id", "access_key_id"),
        references=(_AWS_DOCS,),
    ),
    _d(
        "secret.aws_secret_key.named",
        "secret.aws_secret_key",
        r"(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)"
        + _ASSIGN
        + r"""\\?["']?[A-Za-z0-9/+]{40}"""
        + _END_BASE64,
        0.95,
        "AWS secret access key assigned to aws_secret_access_key / SecretAccessKey",
        _aws_secret,
        extract=r"(?P<value>[A-Za-z0-9/+]{40})[^A-Za-z0-9/+]*\Z",
        ignore_case=True,
        field_names=("aws_secret_access_key", "secret_access_key", "aws_secret_key"),
        references=("https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html",),
    ),
    _d(
        "secret.aws_secret_key.near_key_id",
        "secret.aws_secret_key",
        r"(?:^|[^A-Za-z0-9/+])[A-Za-z0-9/+]{40}" + _END_BASE64,
        0.9,
        "40 random base64 characters close to an AWS access key id",
        _aws_secret,
        extract=r"(?P<value>[A-Za-z0-9/+]{40})",
        near=("secret.aws_access_key.id",),
        references=(_AWS_DOCS,),
    ),
    _d(
        "secret.gcp_service_account.private_key_id",
        "secret.gcp_service_account",
        r"""private_key_id\\?["']?\s{0,4}[:=]\s{0,4}\\?["']?[0-9a-f]{40}\b""",
        0.9,
        "private_key_id of a GCP service-account key file",
        _hex_id,
        extract=r"(?P<value>[0-9a-f]{40})\Z",
        context=("service_account", "gserviceaccount", "client_email", "private_key", "gcp"),
        field_names=("private_key_id",),
        references=("https://cloud.google.com/iam/docs/keys-create-delete",),
    ),
    _d(
        "secret.gcp_service_account.header",
        "secret.gcp_service_account",
        r"""\\?["']type\\?["']\s{0,4}:\s{0,4}\\?["']service_account\\?["']""",
        0.9,
        "the type line of a service-account key file, next to a private key",
        _token(),
        near=("secret.private_key.pem", "secret.gcp_service_account.private_key_id"),
        near_chars=4000,
        references=("https://cloud.google.com/iam/docs/keys-create-delete",),
    ),
    _d(
        "secret.azure_storage_key.account_key",
        "secret.azure_storage_key",
        r"\bAccountKey=[A-Za-z0-9+/]{86}==",
        0.95,
        "Azure storage account key in a connection string (88 base64 characters, 64 bytes)",
        _base64_key(64),
        extract=r"=(?P<value>[A-Za-z0-9+/]{86}==)",
        field_names=("account_key", "storage_key"),
        references=(
            "https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string",
        ),
    ),
    _d(
        "secret.azure_storage_key.named",
        "secret.azure_storage_key",
        r"(?:azure_?storage_?(?:account_?)?key|storage_?account_?key|account_?key|storage_?key)"
        + _ASSIGN
        + r"""\\?["']?[A-Za-z0-9+/]{86}==""",
        0.9,
        "Azure storage account key assigned to a storage-key name",
        _base64_key(64),
        extract=r"(?P<value>[A-Za-z0-9+/]{86}==)\Z",
        ignore_case=True,
        references=(
            "https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage",
        ),
    ),
    _d(
        "secret.azure_connection_string.storage",
        "secret.azure_connection_string",
        r"DefaultEndpointsProtocol=https?;(?:[A-Za-z]+=[^;\s\"']*;){0,4}"
        r"AccountKey=[A-Za-z0-9+/]{86}==",
        0.97,
        "Azure storage connection string with its account key",
        _base64_key(64),
        extract=r"AccountKey=(?P<value>[A-Za-z0-9+/]{86}==)",
        field_names=("connection_string", "connectionstring", "conn_str"),
        references=(
            "https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string",
        ),
    ),
    _d(
        "secret.azure_connection_string.shared_access_key",
        "secret.azure_connection_string",
        r"Endpoint=sb://[A-Za-z0-9.-]{1,200}/?;SharedAccessKeyName=[^;\s\"']{1,256};"
        r"SharedAccessKey=[A-Za-z0-9+/]{43}=",
        0.95,
        "Service Bus / Event Hubs connection string with its shared access key",
        _base64_key(32),
        extract=r"SharedAccessKey=(?P<value>[A-Za-z0-9+/]{43}=)",
        field_names=("connection_string", "connectionstring"),
        references=("https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas",),
    ),
    _d(
        "secret.azure_connection_string.sas_signature",
        "secret.azure_connection_string",
        r"[?&;]sig=[A-Za-z0-9%+/]{40,80}(?:%3[Dd]|=)",
        0.85,
        "shared access signature (sig=) of an Azure SAS URL or SharedAccessSignature",
        _sas_signature,
        extract=r"sig=(?P<value>.+)\Z",
        context=("sv", "se", "sp", "sr", "blob", "windows", "sharedaccesssignature", "sas"),
        references=("https://learn.microsoft.com/rest/api/storageservices/create-service-sas",),
    ),
)

_CODE_HOSTS: tuple[Detector, ...] = (
    _d(
        "secret.github_token.classic",
        "secret.github_token",
        r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b",
        0.9,
        "GitHub personal, OAuth, user-to-server, server-to-server or refresh token",
        _checksummed(4),
        context=("github", "gh_token", "github_token"),
        field_names=("github_token", "gh_token"),
        references=(_GITHUB_DOCS,),
    ),
    _d(
        "secret.github_token.fine_grained",
        "secret.github_token",
        r"\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b",
        0.97,
        "GitHub fine-grained personal access token",
        _token(),
        field_names=("github_token", "gh_token"),
        references=(
            "https://docs.github.com/authentication/keeping-your-account-and-data-secure/"
            "managing-your-personal-access-tokens",
        ),
    ),
    _d(
        "secret.gitlab_token.prefixed",
        "secret.gitlab_token",
        r"\b(?:glpat|gldt|glrt|glcbt|glptt|glft|glimt|glagent|glsoat|gloas|glffct|glwt)"
        r"-[A-Za-z0-9_-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?" + _END_TOKEN,
        0.95,
        "GitLab token (personal, deploy, runner, CI job, trigger, feed, agent, OAuth ...)",
        _token(min_classes=2),
        extract=r"(?P<value>gl[a-z]{1,6}-[A-Za-z0-9_.-]+?)[^A-Za-z0-9_-]?\Z",
        context=("gitlab",),
        field_names=("gitlab_token",),
        references=("https://docs.gitlab.com/ee/security/tokens/",),
    ),
    _d(
        "secret.gitlab_token.runner_registration",
        "secret.gitlab_token",
        r"\bGR1348941[A-Za-z0-9_-]{20,64}" + _END_TOKEN,
        0.9,
        "GitLab runner registration token",
        _token(min_classes=2),
        extract=r"(?P<value>GR1348941[A-Za-z0-9_-]+)",
        references=("https://docs.gitlab.com/ee/security/tokens/",),
    ),
    _d(
        "secret.npm_token.access",
        "secret.npm_token",
        r"\bnpm_[A-Za-z0-9]{36}\b",
        0.9,
        "npm access token",
        _checksummed(4),
        context=("npm", "npmrc", "_authtoken", "registry"),
        field_names=("npm_token", "npm_auth_token"),
        references=("https://github.blog/2021-09-23-announcing-npms-new-access-token-format/",),
    ),
)

_MESSAGING: tuple[Detector, ...] = (
    _d(
        "secret.slack_token.xox",
        "secret.slack_token",
        r"\b(?:xox[abposr]|xoxe\.xox[bp]|xoxe)-[0-9]{1,16}-[A-Za-z0-9-]{8,}"
        + r"(?:[^A-Za-z0-9-]|$)",
        0.95,
        "Slack bot, user, app, refresh or legacy token",
        _token(min_classes=2),
        extract=r"(?P<value>xox[A-Za-z0-9.-]+)",
        context=("slack",),
        field_names=("slack_token", "slack_bot_token"),
        references=("https://api.slack.com/authentication/token-types",),
    ),
    _d(
        "secret.slack_token.app",
        "secret.slack_token",
        r"\bxapp-[0-9]-[A-Z0-9]{8,14}-[0-9]{8,16}-[A-Za-z0-9]{32,80}\b",
        0.95,
        "Slack app-level token",
        _token(),
        context=("slack",),
        field_names=("slack_app_token",),
        references=("https://api.slack.com/authentication/token-types#app",),
    ),
    _d(
        "secret.slack_webhook.url",
        "secret.slack_webhook",
        r"\bhooks\.slack\.com/(?:services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{20,32}"
        r"|(?:workflows|triggers)/T[A-Z0-9]{6,12}/A[A-Z0-9]{6,12}/[0-9]{6,20}/[A-Za-z0-9]{20,40})"
        r"\b",
        0.95,
        "Slack incoming-webhook or workflow-trigger URL",
        _slack_webhook,
        field_names=("webhook", "slack_webhook", "webhook_url"),
        references=("https://api.slack.com/messaging/webhooks",),
    ),
    _d(
        "secret.sendgrid_api_key.key",
        "secret.sendgrid_api_key",
        r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" + _END_TOKEN,
        0.97,
        "SendGrid API key (SG.<22>.<43>)",
        _token(min_classes=2),
        extract=r"(?P<value>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})",
        field_names=("sendgrid_api_key",),
        references=("https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",),
    ),
    _d(
        "secret.twilio_api_key.sid",
        "secret.twilio_api_key",
        r"\bSK[0-9a-f]{32}\b",
        0.8,
        "Twilio API key SID (SK + 32 hex); its secret is usually near",
        _hex_id,
        context=("twilio", "api_key", "apikey", "sid"),
        field_names=("twilio_api_key",),
        references=("https://www.twilio.com/docs/iam/api-keys",),
    ),
    _d(
        "secret.twilio_api_key.account_auth",
        "secret.twilio_api_key",
        r"\bAC[0-9a-f]{32}:[0-9a-f]{32}\b",
        0.95,
        "Twilio account SID and auth token pair (basic-auth form)",
        _hex_id,
        extract=r":(?P<value>[0-9a-f]{32})\Z",
        references=("https://www.twilio.com/docs/iam/api/authtoken",),
    ),
    _d(
        "secret.twilio_api_key.auth_token",
        "secret.twilio_api_key",
        r"twilio[A-Za-z0-9_.-]{0,20}(?:auth_?token|api_?secret|secret)"
        + _ASSIGN
        + r"""\\?["']?[0-9a-fA-F]{32}\b""",
        0.9,
        "Twilio auth token or API secret assigned to a Twilio-named key",
        _hex_id,
        extract=r"(?P<value>[0-9a-fA-F]{32})\Z",
        ignore_case=True,
        field_names=("twilio_auth_token",),
        references=("https://www.twilio.com/docs/iam/api/authtoken",),
    ),
)

_PAYMENTS_AND_AI: tuple[Detector, ...] = (
    _d(
        "secret.stripe_key.secret",
        "secret.stripe_key",
        r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,247}\b",
        0.95,
        "Stripe secret or restricted key (live; test keys at lower confidence)",
        _stripe,
        context=("stripe",),
        field_names=("stripe_key", "stripe_secret", "stripe_api_key"),
        references=("https://docs.stripe.com/keys",),
    ),
    _d(
        "secret.stripe_key.webhook_secret",
        "secret.stripe_key",
        r"\bwhsec_[A-Za-z0-9]{32,64}\b",
        0.85,
        "Stripe webhook signing secret",
        _token(min_classes=2),
        context=("stripe", "webhook"),
        field_names=("webhook_secret",),
        references=("https://docs.stripe.com/webhooks#verify-events",),
    ),
    _d(
        "secret.openai_api_key.project",
        "secret.openai_api_key",
        r"\bsk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}" + _END_TOKEN,
        0.9,
        "OpenAI project, service-account or admin key",
        _openai,
        extract=r"(?P<value>sk-[A-Za-z0-9_-]+)",
        context=("openai", "gpt", "chatgpt"),
        field_names=("openai_api_key", "openai_key"),
        references=("https://platform.openai.com/docs/api-reference/authentication",),
    ),
    _d(
        "secret.openai_api_key.legacy",
        "secret.openai_api_key",
        r"\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b",
        0.99,
        "OpenAI user key (sk- + 48 characters around the T3BlbkFJ marker)",
        _openai,
        context=("openai",),
        field_names=("openai_api_key", "openai_key"),
        references=("https://platform.openai.com/docs/api-reference/authentication",),
    ),
    _d(
        "secret.anthropic_api_key.key",
        "secret.anthropic_api_key",
        r"\bsk-ant-(?:api|admin|oat|ort)[0-9]{2}-[A-Za-z0-9_-]{20,}" + _END_TOKEN,
        0.95,
        "Anthropic API or admin key",
        _anthropic,
        extract=r"(?P<value>sk-ant-[A-Za-z0-9_-]+)",
        context=("anthropic", "claude"),
        field_names=("anthropic_api_key",),
        references=("https://docs.anthropic.com/en/api/getting-started",),
    ),
    _d(
        "secret.huggingface_token.user",
        "secret.huggingface_token",
        r"\b(?:hf_|api_org_)[A-Za-z0-9]{34,40}\b",
        0.9,
        "Hugging Face user or organisation access token",
        _mixed_case_token,
        context=("huggingface", "hugging", "hf_token", "hub"),
        field_names=("hf_token", "huggingface_token", "hugging_face_hub_token"),
        references=("https://huggingface.co/docs/hub/security-tokens",),
    ),
    _d(
        "secret.google_api_key.key",
        "secret.google_api_key",
        r"\bAIza[0-9A-Za-z_-]{35}" + _END_TOKEN,
        0.9,
        "Google API key (AIza + 35 characters)",
        _token(min_classes=3),
        extract=r"(?P<value>AIza[0-9A-Za-z_-]{35})",
        context=("google", "gcp", "firebase", "maps", "gemini"),
        field_names=("google_api_key", "gemini_api_key", "firebase_api_key"),
        references=("https://cloud.google.com/docs/authentication/api-keys",),
    ),
)

_STRUCTURED: tuple[Detector, ...] = (
    _d(
        "secret.jwt.token",
        "secret.jwt",
        r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*" + _END_TOKEN,
        0.9,
        "JSON Web Token whose header decodes to JSON with an alg",
        _jwt,
        extract=r"(?P<value>eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)",
        context=("bearer", "jwt", "token", "authorization", "id_token", "access_token"),
        field_names=("jwt", "id_token", "access_token", "refresh_token", "bearer"),
        references=("https://datatracker.ietf.org/doc/html/rfc7519",),
    ),
    _d(
        "secret.private_key.pem",
        "secret.private_key",
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED |ANY )?"
        r"PRIVATE KEY(?: BLOCK)?-----"
        r"(?:(?:\s|\\r|\\n){1,8}(?:[A-Za-z][A-Za-z0-9-]+: [^\r\n\\]*(?:\r?\n|\\r?\\n)){0,3}"
        r"(?:\s|\\r|\\n){0,4}[A-Za-z0-9+/]{32})?",
        0.95,
        "PEM / OpenSSH / PGP private key (header, and the start of the base64 body)",
        _private_key,
        field_names=("private_key", "ssh_key", "pem"),
        references=("https://datatracker.ietf.org/doc/html/rfc7468",),
    ),
    _d(
        "secret.password_in_uri.userinfo",
        "secret.password_in_uri",
        r"\b[A-Za-z][A-Za-z0-9+.-]{1,30}://[^\s:/@\"'<>]+:[^\s/@\"'<>]+@"
        r"[A-Za-z0-9\[_-]",
        # above an e-mail's confidence: ``pass@host`` inside ``user:pass@host`` is no mailbox
        0.97,
        "password in the user-info part of a URI (database, broker, HTTP, FTP ...)",
        _uri_password,
        extract=r"://[^:]*:(?P<value>[^@]*)@",
        field_names=("dsn", "database_url", "connection_string", "uri", "url"),
        references=("https://datatracker.ietf.org/doc/html/rfc3986#section-3.2.1",),
    ),
)

_GENERIC_CONTEXT = ("password", "secret", "token", "credential", "apikey", "api_key")
_GENERIC_NEGATIVE = ("hash", "digest", "checksum", "sha1", "sha256", "md5", "fingerprint")
_GENERIC_FIELDS = _SECRET_FIELDS + _KEY_FIELDS

_GENERIC: tuple[Detector, ...] = (
    _d(
        "secret.generic.quoted",
        "secret.generic",
        _KEY_NAME + r"""\\?["']?\s{0,4}(?::=|=>|=|:|\()\s{0,4}[rbuf]?\\?["'`][^"'`\s\\]{6,}"""
        r"""\\?["'`]""",
        0.8,
        "quoted value assigned to a credential-named key (code, JSON, YAML)",
        _credential,
        extract=_NOT_A_SECRET_KEY + r""".*["'`](?P<value>[^"'`\s\\]+)\\?["'`]\Z""",
        negative_context=_GENERIC_NEGATIVE,
        field_names=_GENERIC_FIELDS,
    ),
    _d(
        "secret.generic.unquoted",
        "secret.generic",
        _KEY_NAME
        # a "#" inside an unquoted value is part of it (YAML and dotenv start a comment only
        # at a "#" after whitespace), so only the first character may not be one
        + r"""["']?\s{0,4}(?::=|=>|=|:[ \t])\s{0,4}[^\s"'`#;,&(){}\[\]<>\\]"""
        + r"""[^\s"'`;,&(){}\[\]<>\\]{7,}(?:[\s"'`#;,&)}\]]|$)""",
        0.75,
        "unquoted value assigned to a credential-named key (.env, properties, query strings)",
        _credential,
        extract=_NOT_A_SECRET_KEY
        + r""".*?[:=>]\s*(?P<value>[^\s"'`#;,&(){}\[\]<>\\][^\s"'`;,&(){}\[\]<>\\]*)"""
        + r"""[\s"'`#;,&)}\]]?\Z""",
        negative_context=_GENERIC_NEGATIVE,
        field_names=_GENERIC_FIELDS,
    ),
    _d(
        "secret.generic.cli_flag",
        "secret.generic",
        r"--(?:[a-z0-9]{1,20}-){0,2}"
        + _CLI_FLAG
        + r"""(?:=|\s{1,4})["']?[^\s"'`;&|<>\\-][^\s"'`;&|<>\\]{5,}(?:[\s"'`;&|]|$)""",
        0.75,
        "credential passed on a command line (--password value, --token=value)",
        _credential,
        extract=r"""(?:=|\s)["']?(?P<value>[^\s"'`;&|<>\\]+)[\s"'`;&|]?\Z""",
        negative_context=_GENERIC_NEGATIVE,
    ),
    _d(
        "secret.generic.xml_element",
        "secret.generic",
        r"<(?:" + _KW_LOWER + "|" + _KW_TITLE + r")[A-Za-z0-9_-]{0,30}>[^<\s]{6,}</",
        0.75,
        "credential in an XML element (<password>…</password>)",
        _credential,
        extract=r">(?P<value>[^<]+)</\Z",
        negative_context=_GENERIC_NEGATIVE,
    ),
    _d(
        "secret.generic.authorization_header",
        "secret.generic",
        r"\b(?:proxy-)?authorization" + _ASSIGN + r"""["']?(?:bearer|basic|token)\s{1,4}"""
        r"[A-Za-z0-9._~+/-]{12,}=*(?:[^A-Za-z0-9._~+/=-]|$)",
        0.85,
        "bearer, basic or token credential in an Authorization header",
        _credential,
        extract=r"(?i)(?:bearer|basic|token)\s+(?P<value>[A-Za-z0-9._~+/-]+=*)",
        ignore_case=True,
        references=("https://datatracker.ietf.org/doc/html/rfc9110#section-11.6.2",),
    ),
)

SECRET_DETECTORS: tuple[Detector, ...] = (
    *_CLOUD,
    *_CODE_HOSTS,
    *_MESSAGING,
    *_PAYMENTS_AND_AI,
    *_STRUCTURED,
    *_GENERIC,
)
"""Every built-in secret detector, vendor tokens first and key-name detectors last."""
