"""Single-event matching: every modifier and condition form, with positives and hard negatives."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest

from stackward.detect.sigma.values import cidr_any_test
from tests.detect.sigma.helpers import event, load_text, rule_text


def _matches(tmp_path: Path, detection: str, fields: dict[str, Any]) -> bool:
    rule_set = load_text(tmp_path, rule_text(detection))
    assert rule_set.problems == []
    (rule,) = rule_set.rules
    return rule.match(event(fields))


def sel(body: str, condition: str = "sel") -> str:
    return f"sel:\n{body}\ncondition: {condition}"


MODIFIER_CASES = [
    # plain equality: case-insensitive by default
    ("eq", sel("  eventName: InvokeModel"), {"eventName": "InvokeModel"}, True),
    ("eq-case", sel("  eventName: InvokeModel"), {"eventName": "invokemodel"}, True),
    ("eq-other", sel("  eventName: InvokeModel"), {"eventName": "InvokeModelX"}, False),
    ("eq-missing", sel("  eventName: InvokeModel"), {"eventSource": "x"}, False),
    ("eq-number-text", sel("  port: 443"), {"port": 443}, True),
    ("eq-number-string", sel("  port: 443"), {"port": "443"}, True),
    ("eq-number-other", sel("  port: 443"), {"port": 4430}, False),
    ("eq-bool", sel("  readOnly: true"), {"readOnly": True}, True),
    ("eq-bool-false", sel("  readOnly: true"), {"readOnly": False}, False),
    ("eq-bool-text", sel("  readOnly: true"), {"readOnly": "TRUE"}, True),
    ("eq-dict-never", sel("  requestParameters: x"), {"requestParameters": {"a": "x"}}, False),
    # wildcards and escapes
    ("wild-star", sel("  userAgent: 'aws-cli/*'"), {"userAgent": "aws-cli/2.1"}, True),
    ("wild-star-neg", sel("  userAgent: 'aws-cli/*'"), {"userAgent": "boto aws-cli/2"}, False),
    ("wild-qmark", sel("  code: 'a?c'"), {"code": "abc"}, True),
    ("wild-qmark-neg", sel("  code: 'a?c'"), {"code": "abbc"}, False),
    ("wild-middle", sel("  arn: 'arn:*:role/*'"), {"arn": "ARN:aws:iam::1:role/x"}, True),
    ("escaped-star", sel(r"  name: 'a\*b'"), {"name": "a*b"}, True),
    ("escaped-star-neg", sel(r"  name: 'a\*b'"), {"name": "axxb"}, False),
    ("escaped-qmark", sel(r"  name: 'why\?'"), {"name": "why?"}, True),
    ("escaped-qmark-neg", sel(r"  name: 'why\?'"), {"name": "whyy"}, False),
    ("backslash-literal", sel(r"  path: 'C:\Windows\x'"), {"path": r"c:\windows\x"}, True),
    # contains / startswith / endswith / all
    ("contains", sel("  key|contains: train"), {"key": "data/TRAINING/x"}, True),
    ("contains-neg", sel("  key|contains: train"), {"key": "data/tr/ain"}, False),
    ("startswith", sel("  key|startswith: data/"), {"key": "data/x"}, True),
    ("startswith-neg", sel("  key|startswith: data/"), {"key": "x/data/"}, False),
    ("endswith", sel("  key|endswith: .pkl"), {"key": "m/model.PKL"}, True),
    ("endswith-neg", sel("  key|endswith: .pkl"), {"key": "m/model.pkl.txt"}, False),
    ("list-or", sel("  eventName: [A, B]"), {"eventName": "b"}, True),
    ("list-or-neg", sel("  eventName: [A, B]"), {"eventName": "C"}, False),
    ("contains-all", sel("  ua|contains|all: [curl, linux]"), {"ua": "curl/8 (Linux)"}, True),
    ("contains-all-neg", sel("  ua|contains|all: [curl, linux]"), {"ua": "curl/8 (mac)"}, False),
    # cased
    ("cased", sel("  name|cased: Admin"), {"name": "Admin"}, True),
    ("cased-neg", sel("  name|cased: Admin"), {"name": "admin"}, False),
    ("cased-contains", sel("  name|contains|cased: Adm"), {"name": "xAdmx"}, True),
    ("cased-contains-neg", sel("  name|contains|cased: Adm"), {"name": "xadmx"}, False),
    # re with sub-modifiers
    ("re", sel("  arn|re: 'role/i-[0-9a-f]+$'"), {"arn": "x:role/i-0ab12"}, True),
    ("re-case", sel("  arn|re: 'role/i-[0-9a-f]+$'"), {"arn": "x:ROLE/i-0ab12"}, False),
    ("re-i", sel("  arn|re|i: 'role/i-[0-9a-f]+$'"), {"arn": "x:ROLE/I-0AB12"}, True),
    ("re-unanchored", sel("  text|re: 'b.d'"), {"text": "abcde"}, True),
    ("re-m", sel("  text|re|m: '^second$'"), {"text": "first\nsecond\nthird"}, True),
    ("re-no-m", sel("  text|re: '^second$'"), {"text": "first\nsecond\nthird"}, False),
    ("re-s", sel("  text|re|s: 'a.b'"), {"text": "a\nb"}, True),
    ("re-no-s", sel("  text|re: 'a.b'"), {"text": "a\nb"}, False),
    # cidr
    ("cidr", sel("  ip|cidr: 10.0.0.0/8"), {"ip": "10.2.3.4"}, True),
    ("cidr-neg", sel("  ip|cidr: 10.0.0.0/8"), {"ip": "11.2.3.4"}, False),
    ("cidr-list", sel("  ip|cidr: [10.0.0.0/8, 192.168.0.0/16]"), {"ip": "192.168.1.1"}, True),
    ("cidr-v6", sel("  ip|cidr: '2001:db8::/32'"), {"ip": "2001:db8::1"}, True),
    ("cidr-v6-neg", sel("  ip|cidr: '2001:db8::/32'"), {"ip": "10.0.0.1"}, False),
    ("cidr-not-ip", sel("  ip|cidr: 10.0.0.0/8"), {"ip": "bedrock.amazonaws.com"}, False),
    # exists, null, missing
    ("exists", sel("  errorCode|exists: true"), {"errorCode": "AccessDenied"}, True),
    ("exists-neg", sel("  errorCode|exists: true"), {"eventName": "x"}, False),
    ("exists-null", sel("  errorCode|exists: true"), {"errorCode": None}, False),
    ("not-exists", sel("  errorCode|exists: false"), {"eventName": "x"}, True),
    ("not-exists-neg", sel("  errorCode|exists: false"), {"errorCode": ""}, False),
    ("null-missing", sel("  errorCode: null"), {"eventName": "x"}, True),
    ("null-null", sel("  errorCode: null"), {"errorCode": None}, True),
    ("null-empty", sel("  errorCode: null"), {"errorCode": ""}, False),
    ("null-value", sel("  errorCode: null"), {"errorCode": "x"}, False),
    ("empty-string", sel("  errorCode: ''"), {"errorCode": ""}, True),
    ("empty-string-missing", sel("  errorCode: ''"), {"a": 1}, False),
    # numeric comparisons
    ("gt", sel("  bytes|gt: 100"), {"bytes": 101}, True),
    ("gt-eq", sel("  bytes|gt: 100"), {"bytes": 100}, False),
    ("gte", sel("  bytes|gte: 100"), {"bytes": 100}, True),
    ("lt", sel("  bytes|lt: 100"), {"bytes": 99.5}, True),
    ("lt-neg", sel("  bytes|lt: 100"), {"bytes": 100}, False),
    ("lte", sel("  bytes|lte: 100"), {"bytes": "100"}, True),
    ("gt-text-number", sel("  bytes|gt: 100"), {"bytes": "2000"}, True),
    ("gt-not-number", sel("  bytes|gt: 100"), {"bytes": "many"}, False),
    ("gt-bool", sel("  bytes|gt: 0"), {"bytes": True}, False),
    # base64 / base64offset / windash
    ("base64", sel("  data|base64: secret"), {"data": "c2VjcmV0"}, True),
    ("base64-neg", sel("  data|base64: secret"), {"data": "c2VjcmV"}, False),
    ("base64offset", sel("  data|base64offset|contains: admin"), {"data": "xxYWRtaW4yy"}, True),
    ("base64offset-1", sel("  data|base64offset|contains: admin"), {"data": "IGFkbWlu"}, True),
    ("base64offset-neg", sel("  data|base64offset|contains: admin"), {"data": "dXNlcg=="}, False),
    ("windash-dash", sel("  cmd|windash|contains: ' -enc '"), {"cmd": "ps -enc abc"}, True),
    ("windash-slash", sel("  cmd|windash|contains: ' -enc '"), {"cmd": "ps /enc abc"}, True),
    ("windash-neg", sel("  cmd|windash|contains: ' -enc '"), {"cmd": "ps +enc abc"}, False),
    # fieldref
    ("fieldref", sel("  target|fieldref: actor"), {"target": "Bob", "actor": "bob"}, True),
    ("fieldref-neg", sel("  target|fieldref: actor"), {"target": "bob", "actor": "alice"}, False),
    ("fieldref-missing", sel("  target|fieldref: actor"), {"target": "bob"}, False),
    ("fieldref-startswith", sel("  t|fieldref|startswith: a"), {"t": "bobby", "a": "bob"}, True),
    ("fieldref-endswith", sel("  t|fieldref|endswith: a"), {"t": "bobby", "a": "bob"}, False),
    ("fieldref-contains", sel("  t|fieldref|contains: a"), {"t": "xbobx", "a": "bob"}, True),
    # lists in events
    ("event-list", sel("  tags: prod"), {"tags": ["dev", "PROD"]}, True),
    ("event-list-neg", sel("  tags: prod"), {"tags": ["dev", "stage"]}, False),
    ("event-list-contains", sel("  tags|contains: ro"), {"tags": ["dev", "prod"]}, True),
    ("event-list-empty", sel("  tags: prod"), {"tags": []}, False),
    # nested dotted paths and keys with dots
    ("nested", sel("  userIdentity.arn|endswith: /bob"), {"userIdentity": {"arn": "u/bob"}}, True),
    (
        "nested-neg",
        sel("  userIdentity.arn|endswith: /bob"),
        {"userIdentity": {"x": "u/bob"}},
        False,
    ),
    ("nested-not-mapping", sel("  a.b: x"), {"a": "x"}, False),
    ("dotted-key", sel("  k8s.io/name: web"), {"k8s.io/name": "web"}, True),
    ("dotted-key-nested", sel("  meta.k8s.io/app: web"), {"meta": {"k8s.io/app": "web"}}, True),
    ("deep", sel("  a.b.c.d: 1"), {"a": {"b": {"c": {"d": 1}}}}, True),
    ("deep-neg", sel("  a.b.c.d: 1"), {"a": {"b": {"c": {"e": 1}}}}, False),
    # long lists (set membership) and long AND chains
    ("long-list", sel("  n: [" + ", ".join(f"V{i}" for i in range(12)) + "]"), {"n": "v11"}, True),
    (
        "long-list-neg",
        sel("  n: [" + ", ".join(f"V{i}" for i in range(12)) + "]"),
        {"n": "v12"},
        False,
    ),
    ("long-list-in-event", sel("  n: [A, B, C, D]"), {"n": ["x", "d"]}, True),
    ("long-list-number-event", sel("  n: ['1', '2', '3']"), {"n": 3}, True),
    (
        "long-and",
        sel("\n".join(f"  f{i}: {i}" for i in range(10))),
        {f"f{i}": i for i in range(10)},
        True,
    ),
    (
        "long-and-neg",
        sel("\n".join(f"  f{i}: {i}" for i in range(10))),
        {f"f{i}": i for i in range(9)},
        False,
    ),
    # map AND
    ("map-and", sel("  a: 1\n  b: 2"), {"a": 1, "b": 2}, True),
    ("map-and-neg", sel("  a: 1\n  b: 2"), {"a": 1, "b": 3}, False),
    # list of maps: OR
    ("list-of-maps", "sel:\n  - a: 1\n  - b: 2\ncondition: sel", {"b": 2}, True),
    ("list-of-maps-neg", "sel:\n  - a: 1\n  - b: 2\ncondition: sel", {"a": 2, "b": 1}, False),
]


@pytest.mark.parametrize(
    ("detection", "fields", "expected"),
    [case[1:] for case in MODIFIER_CASES],
    ids=[case[0] for case in MODIFIER_CASES],
)
def test_modifiers(tmp_path: Path, detection: str, fields: dict[str, Any], expected: bool) -> None:
    assert _matches(tmp_path, detection, fields) is expected


TWO = "sel_a:\n  a: 1\nsel_b:\n  b: 1\nfilter:\n  c: 1\n"
CONDITION_CASES = [
    ("and", TWO + "condition: sel_a and sel_b", {"a": 1, "b": 1}, True),
    ("and-neg", TWO + "condition: sel_a and sel_b", {"a": 1}, False),
    ("or", TWO + "condition: sel_a or sel_b", {"b": 1}, True),
    ("or-neg", TWO + "condition: sel_a or sel_b", {"c": 1}, False),
    ("not", TWO + "condition: sel_a and not filter", {"a": 1}, True),
    ("not-neg", TWO + "condition: sel_a and not filter", {"a": 1, "c": 1}, False),
    ("not-missing-field", TWO + "condition: not filter", {}, True),
    ("parens", TWO + "condition: (sel_a or sel_b) and not filter", {"b": 1}, True),
    ("parens-neg", TWO + "condition: (sel_a or sel_b) and not filter", {"b": 1, "c": 1}, False),
    ("precedence", TWO + "condition: sel_a or sel_b and filter", {"a": 1}, True),
    ("precedence-neg", TWO + "condition: sel_a or sel_b and filter", {"b": 1}, False),
    ("1-of-pattern", TWO + "condition: 1 of sel_*", {"b": 1}, True),
    ("1-of-pattern-neg", TWO + "condition: 1 of sel_*", {"c": 1}, False),
    ("all-of-pattern", TWO + "condition: all of sel_*", {"a": 1, "b": 1}, True),
    ("all-of-pattern-neg", TWO + "condition: all of sel_*", {"a": 1, "c": 1}, False),
    ("1-of-them", TWO + "condition: 1 of them", {"c": 1}, True),
    ("1-of-them-neg", TWO + "condition: 1 of them", {"d": 1}, False),
    ("all-of-them", TWO + "condition: all of them", {"a": 1, "b": 1, "c": 1}, True),
    ("all-of-them-neg", TWO + "condition: all of them", {"a": 1, "b": 1}, False),
    ("not-1-of", TWO + "condition: sel_a and not 1 of sel_b*", {"a": 1}, True),
    ("multi-condition", TWO + "condition:\n  - sel_a and filter\n  - sel_b", {"b": 1}, True),
    (
        "keyword",
        "keywords:\n  - 'jailbreak'\ncondition: keywords",
        {"p": {"q": ["a JailBreak!"]}},
        True,
    ),
    ("keyword-neg", "keywords:\n  - 'jailbreak'\ncondition: keywords", {"p": "jail break"}, False),
    (
        "keyword-wild",
        "keywords:\n  - 'ignore*instructions'\ncondition: keywords",
        {"p": "Ignore all instructions"},
        True,
    ),
    (
        "keyword-not-keys",
        "keywords:\n  - 'secretkey'\ncondition: keywords",
        {"secretkey": "x"},
        False,
    ),
    (
        "keyword-number",
        "keywords:\n  - 4625\ncondition: keywords",
        {"m": "event 4625 failed"},
        True,
    ),
]


@pytest.mark.parametrize(
    ("detection", "fields", "expected"),
    [case[1:] for case in CONDITION_CASES],
    ids=[case[0] for case in CONDITION_CASES],
)
def test_conditions(tmp_path: Path, detection: str, fields: dict[str, Any], expected: bool) -> None:
    assert _matches(tmp_path, detection, fields) is expected


ANNOTATION_CASES = [
    ("annotation", {"api_key": "sk-a…wxyz"}, True),
    ("annotation-other", {"api_key": "sk-b…0000"}, False),
    ("annotation-missing", {}, False),
]


@pytest.mark.parametrize(
    ("annotations", "expected"),
    [case[1:] for case in ANNOTATION_CASES],
    ids=[case[0] for case in ANNOTATION_CASES],
)
def test_annotation_fields(tmp_path: Path, annotations: dict[str, Any], expected: bool) -> None:
    """``stackward.*`` fields read the parser's annotations, not the record."""
    detection = sel("  stackward.api_key|startswith: sk-a")
    (rule,) = load_text(tmp_path, rule_text(detection)).rules
    fields = {"stackward": {"api_key": "sk-a…wxyz"}}  # a record field of that name is ignored
    assert rule.match(event(fields, annotations=annotations)) is expected


NETWORKS = ["10.0.0.0/8", "192.168.0.0/16", "fe80::/10", "::ffff:0:0/96", "2001:db8::/32"]


@pytest.mark.parametrize(
    "value",
    [
        "10.1.2.3",
        " 10.1.2.3\n",
        "11.0.0.1",
        "192.168.255.255",
        "fe80::abcd",
        "FE80::1",
        "::ffff:10.0.0.1",
        "2001:db8::",
        "2001:db9::",
        "1::",
        "::",
        "10.0.0",
        "010.0.0.1",
        "10.0.0.1/8",
        "bedrock.amazonaws.com",
        "abc",
        "",
        "\u0661.2.3.4",  # an Arabic-Indic digit
        5,
        None,
    ],
)
def test_network_lists_agree_with_ipaddress(value: Any) -> None:
    networks = [ipaddress.ip_network(n) for n in NETWORKS]
    try:
        address = ipaddress.ip_address(value.strip()) if isinstance(value, str) else None
    except ValueError:
        address = None
    expected = address is not None and any(address in n for n in networks)
    assert cidr_any_test(networks)(value) is expected
    assert any(cidr_any_test([n])(value) for n in networks) is expected
