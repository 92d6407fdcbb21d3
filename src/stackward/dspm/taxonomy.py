"""The stable names of the kinds of sensitive data (``pii.email``, ``secret.aws_access_key``).

Policies, findings and reports refer to these ids; they never change meaning once released.
A policy may name a class or a family with a trailing ``.*`` (``secret.*``,
``pii.national_id.*``).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from enum import StrEnum

from stackward.model import Severity


class Category(StrEnum):
    PII = "pii"
    SECRET = "secret"  # noqa: S105 - a category name


@dataclass(frozen=True, slots=True)
class DataClass:
    id: str
    title: str
    category: Category
    severity: Severity
    """How bad it is for this class to sit where a policy forbids it."""


def _pii(id_: str, title: str, severity: Severity = Severity.MEDIUM) -> DataClass:
    return DataClass(id_, title, Category.PII, severity)


def _secret(id_: str, title: str, severity: Severity = Severity.HIGH) -> DataClass:
    return DataClass(id_, title, Category.SECRET, severity)


_CLASSES: tuple[DataClass, ...] = (
    _pii("pii.email", "Email address", Severity.LOW),
    _pii("pii.phone", "Phone number", Severity.LOW),
    _pii("pii.person_name", "Person name", Severity.LOW),
    _pii("pii.street_address", "Street address"),
    _pii("pii.date_of_birth", "Date of birth"),
    _pii("pii.ip_address", "Public IP address", Severity.LOW),
    _pii("pii.payment_card", "Payment card number", Severity.HIGH),
    _pii("pii.iban", "International bank account number (IBAN)", Severity.HIGH),
    _pii("pii.national_id.us_ssn", "US Social Security number", Severity.HIGH),
    _pii("pii.national_id.uk_nino", "UK National Insurance number", Severity.HIGH),
    _pii("pii.national_id.ca_sin", "Canadian Social Insurance number", Severity.HIGH),
    _pii("pii.national_id.in_aadhaar", "Indian Aadhaar number", Severity.HIGH),
    _pii("pii.passport.us", "US passport number", Severity.HIGH),
    _secret("secret.aws_access_key", "AWS access key id", Severity.HIGH),
    _secret("secret.aws_secret_key", "AWS secret access key", Severity.CRITICAL),
    _secret("secret.gcp_service_account", "GCP service-account key", Severity.CRITICAL),
    _secret("secret.azure_storage_key", "Azure storage account key", Severity.CRITICAL),
    _secret("secret.azure_connection_string", "Azure connection string", Severity.CRITICAL),
    _secret("secret.github_token", "GitHub token"),
    _secret("secret.gitlab_token", "GitLab token"),
    _secret("secret.slack_token", "Slack token"),
    _secret("secret.slack_webhook", "Slack incoming webhook URL"),
    _secret("secret.stripe_key", "Stripe secret key", Severity.CRITICAL),
    _secret("secret.openai_api_key", "OpenAI API key"),
    _secret("secret.anthropic_api_key", "Anthropic API key"),
    _secret("secret.huggingface_token", "Hugging Face token"),
    _secret("secret.sendgrid_api_key", "SendGrid API key"),
    _secret("secret.twilio_api_key", "Twilio API key"),
    _secret("secret.google_api_key", "Google API key"),
    _secret("secret.npm_token", "npm token"),
    _secret("secret.jwt", "JSON Web Token", Severity.MEDIUM),
    _secret("secret.private_key", "Private key (PEM)", Severity.CRITICAL),
    _secret("secret.password_in_uri", "Password in a connection URI"),
    _secret("secret.generic", "Credential assigned to a secret-named key", Severity.MEDIUM),
)

DATA_CLASSES: dict[str, DataClass] = {c.id: c for c in _CLASSES}


def data_class(class_id: str) -> DataClass:
    """The class named ``class_id``; an unknown id is a programming error (KeyError)."""
    return DATA_CLASSES[class_id]


def matches(pattern: str, class_id: str) -> bool:
    """``pii.national_id.*`` matches ``pii.national_id.us_ssn``; ``pii.email`` only itself."""
    return fnmatch.fnmatchcase(class_id, pattern)
