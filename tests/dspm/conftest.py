"""Small, self-contained detectors for testing the engine, text and field classifiers."""

from __future__ import annotations

import re

import pytest

from stackward.dspm.detector import Detector, Validation, accept, reject


def luhn_ok(value: str) -> Validation:
    digits = [int(c) for c in value if c.isdigit()]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return accept("Luhn valid") if total % 10 == 0 else reject("Luhn invalid")


EMAIL = Detector(
    id="test.email",
    data_class="pii.email",
    pattern=r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b",
    confidence=0.9,
    description="email",
    field_names=("email", "mail"),
)
CARD = Detector(
    id="test.card",
    data_class="pii.payment_card",
    pattern=r"\b(?:\d[ -]?){12,18}\d\b",
    confidence=0.9,
    description="card",
    validator=luhn_ok,
    negative_context=("order",),
    field_names=("card", "card_number"),
)
PHONE = Detector(
    id="test.phone",
    data_class="pii.phone",
    pattern=r"\b\d{3}[ -]\d{3}[ -]\d{4}\b",
    confidence=0.6,
    description="phone",
)
SSN_BARE = Detector(
    id="test.ssn_bare",
    data_class="pii.national_id.us_ssn",
    pattern=r"\b\d{9}\b",
    confidence=0.7,
    description="ssn without dashes",
    context=("ssn", "social security"),
    context_required=True,
)
KEY_ID = Detector(
    id="test.aws_key_id",
    data_class="secret.aws_access_key",
    pattern=r"\bAKIA[0-9A-Z]{16}\b",
    confidence=0.95,
    description="aws key id",
)
KEY_SECRET = Detector(
    id="test.aws_secret",
    data_class="secret.aws_secret_key",
    pattern=r"\b[A-Za-z0-9/+]{40}\b",
    confidence=0.9,
    description="aws secret near a key id",
    near=("test.aws_key_id",),
    near_chars=200,
)
PASSWORD = Detector(
    id="test.password",
    data_class="secret.generic",
    pattern=r"(?i)password\s*=\s*\S+",
    confidence=0.8,
    description="password assignment",
    extract=re.compile(r"=\s*(?P<value>\S+)"),
)

ALL = (EMAIL, CARD, PHONE, SSN_BARE, KEY_ID, KEY_SECRET, PASSWORD)


@pytest.fixture(autouse=True, scope="session")
def _private_pattern_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled pattern databases go to a temporary cache, not the user's."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(params=["re", "hyperscan"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "hyperscan":
        pytest.importorskip("hyperscan")
    return str(request.param)
