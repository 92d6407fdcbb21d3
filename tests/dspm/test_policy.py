from __future__ import annotations

import pytest

from stackward.config.schema import DataPolicy
from stackward.dspm.policy import store_matches, violations
from stackward.dspm.records import Location
from stackward.dspm.results import FieldFinding, ItemResult, OccurrenceFinding


def _item(source: str = "s3://training-data", item: str = "batch/1.csv") -> ItemResult:
    result = ItemResult(Location(source, item), "csv")
    result.fields.append(
        FieldFinding("ssn", "pii.national_id.us_ssn", 0.97, 40, 40, 1000, 1000, ("…",))
    )
    result.fields.append(FieldFinding("email", "pii.email", 0.95, 38, 40, 1000, 1000, ("…",)))
    result.occurrences.append(
        OccurrenceFinding("secret.github_token", "d", "notes", 7, 0.9, "ab", "ghp_****", ())
    )
    result.occurrences.append(
        OccurrenceFinding("secret.jwt", "d", "notes", 9, 0.6, "cd", "eyJh****", ())
    )
    return result


TRAINING = DataPolicy(
    name="training data",
    stores=["s3://training-*"],
    deny=["secret.*", "pii.national_id.*"],
)


def test_violations_name_class_policy_fields_and_lines() -> None:
    found = {v.data_class: v for v in violations(_item(), [TRAINING])}
    assert set(found) == {"pii.national_id.us_ssn", "secret.github_token"}
    assert found["pii.national_id.us_ssn"].fields == ("ssn",)
    assert found["pii.national_id.us_ssn"].count == 40
    assert found["secret.github_token"].lines == (7,)
    assert found["secret.github_token"].policy == "training data"


def test_low_confidence_hits_do_not_break_a_policy() -> None:
    found = {v.data_class for v in violations(_item(), [TRAINING])}
    assert "secret.jwt" not in found  # 0.6 < the policy's 0.8


def test_policy_for_other_stores_does_not_apply() -> None:
    assert violations(_item(source="s3://analytics"), [TRAINING]) == []


@pytest.mark.parametrize(
    ("globs", "source", "item", "expected"),
    [
        (["s3://training-*"], "s3://training-eu", "x.csv", True),
        (["data/training/*"], "data", "training/x.csv", True),
        (["data/training/*"], "data", "serving/x.csv", False),
        (["postgresql*"], "postgresql://db:5432/crm", "public.users", True),
    ],
)
def test_store_matches(globs: list[str], source: str, item: str, expected: bool) -> None:
    policy = DataPolicy(name="p-x", stores=globs, deny=["secret.*"])
    assert store_matches(policy, source, item) is expected
