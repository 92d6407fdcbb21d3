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

from stackward.dspm.detector import Detector
from stackward.dspm.detectors.secret_rules import (
    _ASSIGN,
    _CLI_FLAG,
    _END_BASE64,
    _END_TOKEN,
    _KEY_FIELDS,
    _KEY_NAME,
    _KW_LOWER,
    _KW_TITLE,
    _NOT_A_SECRET_KEY,
    _SECRET_FIELDS,
    _anthropic,
    _aws_key_id,
    _aws_secret,
    _base64_key,
    _checksummed,
    _credential,
    _d,
    _hex_id,
    _jwt,
    _mixed_case_token,
    _openai,
    _private_key,
    _sas_signature,
    _slack_webhook,
    _stripe,
    _token,
    _uri_password,
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
_END_ON_LINE = r"(?:[^\S\n]|{}|(?m:$))"
"""After an unquoted value: a blank other than a newline, a closing character, or the end of
the line, which the candidate does not take in, so that its context is the value's own line
(``db_password: …`` above ``artifact_sha256: …`` is no digest)."""

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
        + r"""[^\s"'`;,&(){}\[\]<>\\]{7,}"""
        + _END_ON_LINE.format(r"""["'`#;,&)}\]]"""),
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
        + r"""(?:=|\s{1,4})["']?[^\s"'`;&|<>\\-][^\s"'`;&|<>\\]{5,}"""
        + _END_ON_LINE.format(r"""["'`;&|]"""),
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
