"""Every rule file of the built-in pack loads, carries the metadata users and the alert
pipeline rely on, maps to known framework ids, and has positive and negative scenarios."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule

from stackward.frameworks import UnknownControlError, atlas, nist, owasp_llm
from tests.detect.rules.pack import (
    EVENTS_DIR,
    KINDS,
    RULES_DIR,
    alerting_rules,
    load_collection,
    own_ids,
    read_lines,
    rule_files,
    scenarios,
    stackward_id,
)

NIST_FUNCTIONS = {"gv": "GOVERN", "mp": "MAP", "ms": "MEASURE", "mg": "MANAGE"}
SW_ID = re.compile(r"SW-DET-0\d\d")
ALL_RULES = [(path, rule) for path in rule_files() for rule in load_collection(path).rules]


def _rule_id(item: tuple[Path, SigmaRule | SigmaCorrelationRule]) -> str:
    return f"{item[0].stem}:{item[1].title[:40]}"


def framework_ref(tag_namespace: str, tag_name: str) -> object:
    """The catalog entry a pack tag names; raises UnknownControlError for an unknown id."""
    if tag_namespace == "atlas":
        return atlas("AML." + tag_name.upper())
    if tag_namespace == "owasp_llm":
        return owasp_llm(tag_name.upper())
    if tag_namespace == "nist_ai_rmf":
        function, _, number = tag_name.partition("-")
        if function not in NIST_FUNCTIONS:
            raise UnknownControlError(f"nist_ai_rmf.{tag_name}: unknown function {function!r}")
        return nist(f"{NIST_FUNCTIONS[function]} {number}")
    raise UnknownControlError(f"unknown tag namespace {tag_namespace!r}")


# The log sources of the detection contract's format table, plus "any LLM gateway".
KNOWN_LOGSOURCES = {
    ("aws", "cloudtrail", None),
    ("aws", "bedrock", "llm"),
    ("kubernetes", "audit", None),
    ("aws", "s3", None),
    ("litellm", "proxy", "llm"),
    ("openai", "gateway", "llm"),
    ("mlflow", "access", "webserver"),
    ("jupyter", "access", "webserver"),
    ("ray", "dashboard", "webserver"),
    (None, None, "llm"),
}


def test_the_pack_is_not_empty() -> None:
    assert len(rule_files()) >= 20


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.stem)
def test_rule_file_loads_without_errors(path: Path) -> None:
    collection = load_collection(path)
    assert collection.rules
    assert not collection.errors
    for rule in collection.rules:
        assert not rule.errors, (path.name, rule.title, rule.errors)


@pytest.mark.parametrize("item", ALL_RULES, ids=_rule_id)
def test_every_rule_has_the_required_fields(item: tuple[Path, SigmaRule]) -> None:
    _, rule = item
    assert isinstance(rule.id, uuid.UUID)
    assert rule.title and rule.status is not None and rule.level is not None
    assert rule.description and len(rule.description) > 80
    assert rule.references and all(ref.startswith("https://") for ref in rule.references)
    assert rule.author == "stackward"
    assert rule.date is not None
    assert rule.falsepositives
    assert rule.tags and any(tag.namespace == "atlas" for tag in rule.tags)
    if isinstance(rule, SigmaRule):
        source = (rule.logsource.product, rule.logsource.service, rule.logsource.category)
        assert source in KNOWN_LOGSOURCES, source
        assert rule.detection.parsed_condition


@pytest.mark.parametrize("item", ALL_RULES, ids=_rule_id)
def test_tags_name_known_framework_ids(item: tuple[Path, SigmaRule]) -> None:
    _, rule = item
    for tag in rule.tags:
        framework_ref(tag.namespace, tag.name)


@pytest.mark.parametrize(
    ("namespace", "name"),
    [
        ("atlas", "t9999"),
        ("atlas", "t0051.009"),
        ("owasp_llm", "llm11"),
        ("nist_ai_rmf", "ms-9.9"),
        ("nist_ai_rmf", "xx-2.7"),
        ("attack", "t1078"),
    ],
)
def test_unknown_framework_ids_are_refused(namespace: str, name: str) -> None:
    with pytest.raises(UnknownControlError):
        framework_ref(namespace, name)


def test_ids_are_unique_across_the_pack() -> None:
    sigma_ids = [str(rule.id) for _, rule in ALL_RULES]
    assert len(sigma_ids) == len(set(sigma_ids))
    names = [rule.name for _, rule in ALL_RULES if rule.name]
    assert len(names) == len(set(names))
    sw_ids = [sid for _, rule in ALL_RULES if (sid := stackward_id(rule))]
    assert len(sw_ids) == len(set(sw_ids))
    assert all(SW_ID.fullmatch(sid) for sid in sw_ids)


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.stem)
def test_every_alerting_rule_has_a_stackward_id_and_helpers_do_not_alert(path: Path) -> None:
    collection = load_collection(path)
    alerting = alerting_rules(collection)
    assert alerting
    for rule in collection.rules:
        if rule in alerting:
            assert stackward_id(rule), (path.name, rule.title)
        else:
            assert stackward_id(rule) is None, (path.name, rule.title)
            assert rule.name, "a helper rule is referenced by name"


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.stem)
def test_every_rule_file_has_positive_and_negative_scenarios(path: Path) -> None:
    for kind in KINDS:
        files = [p for p in (EVENTS_DIR / path.stem / kind).glob("*") if p.is_file()]
        assert files, f"{path.stem}: no {kind} scenario"
    assert (EVENTS_DIR / path.stem / "expected.yaml").is_file()


def test_every_alerting_rule_fires_in_some_positive_scenario() -> None:
    fired: dict[str, set[str]] = {}
    for scenario in scenarios():
        if scenario.kind == "positive":
            fired.setdefault(scenario.stem, set()).update(scenario.fires)
    for path in rule_files():
        assert own_ids(path.stem) <= fired.get(path.stem, set()), path.stem


def test_every_scenario_directory_belongs_to_a_rule_file() -> None:
    stems = {p.stem for p in rule_files()}
    assert {p.name for p in EVENTS_DIR.iterdir() if p.is_dir()} <= stems


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_scenario_expectations_agree_with_their_kind(scenario: object) -> None:
    from tests.detect.rules.pack import Scenario

    assert isinstance(scenario, Scenario)
    assert scenario.path.is_file() and read_lines(scenario.path)
    mine = own_ids(scenario.stem)
    assert mine
    if scenario.kind == "positive":
        assert mine & scenario.fires
    else:
        assert not mine & scenario.fires
    known = {sid for _, rule in ALL_RULES if (sid := stackward_id(rule))}
    assert scenario.fires <= known


def test_rules_dir_is_the_package_data_dir() -> None:
    assert RULES_DIR.parts[-3:] == ("stackward", "detect", "rules")
