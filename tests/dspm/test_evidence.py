from __future__ import annotations

import hmac
import stat
from pathlib import Path

import pytest

from stackward.dspm.evidence import Fingerprinter, pii_shape, secret_shape


def test_fingerprint_is_stable_under_one_key_and_differs_across_keys() -> None:
    one = Fingerprinter(b"k" * 32)
    assert one("4111111111111111") == one("4111111111111111")
    assert one("4111111111111111") != Fingerprinter(b"j" * 32)("4111111111111111")
    assert len(one("x")) == 16
    assert "4111" not in one("4111111111111111")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        pytest.param(b"k" * 32, "4111111111111111", id="ascii"),
        pytest.param(b"k" * 32, "Zoë Ångström", id="non-ascii"),
        pytest.param(b"k" * 32, "lone \udc80 surrogate", id="surrogate"),
        pytest.param(b"k" * 32, "", id="empty"),
        pytest.param(bytes(range(100)), "x" * 500, id="key-longer-than-a-block"),
    ],
)
def test_fingerprint_is_the_truncated_hmac_sha256(key: bytes, value: str) -> None:
    # stored fingerprints correlate across scans: the construction must never drift
    expected = hmac.digest(key, value.encode("utf-8", "surrogatepass"), "sha256")[:8].hex()
    fingerprint = Fingerprinter(key)
    assert fingerprint(value) == expected
    assert fingerprint(value) == expected  # the keyed state is not consumed by a call


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "state" / "dspm.key"
    first = Fingerprinter.from_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Fingerprinter.from_file(path)("v") == first("v")


def test_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="too short"):
        Fingerprinter(b"short")


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ("4111-1111-1111-1111", "9999-9999-9999-9999"),
        ("Ana.Silva@Example.org", "Xxx.Xxxxx@Xxxxxxx.xxx"),
        ("x" * 50, "x" * 40 + "…"),
        ("José Ñúñez 12", "Xxxx Xxxxx 99"),
        ("٣٤٥-ab", "999-xx"),  # digits of other scripts are digits too
        ("李 Wei", "x Xxx"),
    ],
)
def test_pii_shape_keeps_no_value(value: str, shape: str) -> None:
    assert pii_shape(value) == shape


def test_secret_shape_shows_at_most_a_prefix() -> None:
    shown = secret_shape("AKIAABCDEFGHIJKLMNOP")
    assert shown.startswith("AKIA")
    assert "ABCDEFGHIJKLMNOP" not in shown
