"""Generated rule functions: the same answers as the closures, and rule text stays data."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from sigma.collection import SigmaCollection
from sigma.rule import SigmaRule

from stackward.detect.sigma import SigmaDetector, codegen
from stackward.detect.sigma.codegen import generate_conjunction, generate_predicate
from stackward.detect.sigma.conditions import compile_condition
from tests.detect.sigma.helpers import event, load_text, rule_text
from tests.detect.sigma.test_differential import DETECTIONS

EXTRA = {
    "inline-shapes": "sel:\n  user: Bob\n  agent|contains: CLI\n  key|startswith: Train\n"
    "  ip|endswith: '.9'\ncondition: sel",
    "one-of-not": "sel:\n  eventName: [GetObject, PutObject]\nf:\n  user: [root, Bob]\n"
    "condition: sel and not f",
    "annotation": "sel:\n  stackward.actor: bob\n  stackward.source_ip|startswith: '10.'\n"
    "condition: sel",
    "dotted": "sel:\n  identity.arn|endswith: /X\n  identity.type: [IAMUser, Root]\ncondition: sel",
    "empty-and-any": "sel:\n  user: ''\nany:\n  agent: '*'\ncondition: sel or any",
    "cidr-mixed": "sel:\n  ip|cidr: [10.0.0.0/8, 'fe80::/10', '::ffff:0:0/96', 192.168.0.0/16]\n"
    "condition: sel",
    "cidr-v6": "sel:\n  ip|cidr: '2001:db8::/32'\ncondition: sel",
    "single-wildcard": "sel:\n  user: 'b?b'\n  key|contains|all: [a, b]\ncondition: sel",
}

VALUES: list[Any] = [
    "bob",
    "BOB",
    "Bob",
    "",
    " bob",
    "root",
    "aws-CLI/2",
    "training/x",
    "10.0.0.9",
    " 10.0.0.9 ",
    "192.168.1.1",
    "fe80::1",
    "::ffff:10.0.0.1",
    "1::",
    "2001:db8::7",
    "bedrock.amazonaws.com",
    "10.0.0",
    "getobject",
    "PutObject",
    "\u0130stanbul",  # lower() changes its length
    "caf\u00e9",
    0,
    1,
    443,
    1.5,
    True,
    False,
    None,
    ["x", "Bob"],
    ["x", 5],
    [],
    {"arn": "a/x"},
]


def _trees(detection: str) -> list[Any]:
    (rule,) = SigmaCollection.from_yaml(rule_text(detection)).rules
    assert isinstance(rule, SigmaRule)
    return [condition.parse() for condition in rule.detection.parsed_condition]


def _events() -> list[Any]:
    """Every field of the rules above holding every value in turn, or absent."""
    names = ["user", "agent", "key", "ip", "eventName", "errorCode", "target", "size"]
    made = [event({})]
    for name, value in itertools.product(names, VALUES):
        made.append(event({name: value, "user": "bob"} if name != "user" else {name: value}))
    for value in VALUES:
        made.append(event({"identity": {"arn": value, "type": value}}))
        made.append(event({"identity": value}))
        made.append(event({"identity.arn": value}))
        made.append(event({}, annotations={"actor": value, "source_ip": value}))
    return made


@pytest.mark.parametrize("name", sorted({**DETECTIONS, **EXTRA}))
def test_generated_function_agrees_with_the_closures(name: str) -> None:
    detection = {**DETECTIONS, **EXTRA}[name]
    events = _events()
    for tree in _trees(detection):
        generated, closures = generate_predicate(tree), compile_condition(tree)
        assert generated.__qualname__ == "match"  # the generated function, not a closure
        assert [bool(generated(e)) for e in events] == [bool(closures(e)) for e in events]


def test_an_empty_conjunction_is_true() -> None:
    assert generate_conjunction([])(event({})) is True


@pytest.mark.parametrize(
    "hostile",
    [
        "x\")) or __import__('os')._exit(3) or ((\"",
        "'; raise SystemExit(3) #",
        "{c}{n}\\n    return True",
    ],
)
def test_rule_text_is_never_code(tmp_path: Path, hostile: str) -> None:
    quoted = hostile.replace("'", "''")
    detection = f"sel:\n  eventName: '{quoted}'\n  user|contains: '{quoted}'\ncondition: sel"
    detector = SigmaDetector(load_text(tmp_path, rule_text(detection)))
    assert detector.process(event({"eventName": "x", "user": "y"})) == []
    (alert,) = detector.process(event({"eventName": hostile, "user": f"a{hostile}b"}))
    assert alert.rule_id == "SW-DET-900"


def test_too_large_a_condition_falls_back_to_the_closures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(codegen, "MAX_SOURCE_CHARS", 100)
    (tree,) = _trees(EXTRA["inline-shapes"])
    predicate = generate_predicate(tree)
    assert predicate.__qualname__ != "match"  # a closure, not the generated function
    fields = {"user": "bob", "agent": "aws-cli/2", "key": "training/x", "ip": "10.0.0.9"}
    assert predicate(event(fields)) and not predicate(event({**fields, "user": "root"}))
