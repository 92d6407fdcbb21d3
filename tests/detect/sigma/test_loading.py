"""Loading rule files: framework tags, disabled rules, and bad files as problems, never raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackward.detect.sigma import MAX_RULE_FILE_BYTES, load_rules
from stackward.model import Severity
from tests.detect.sigma.helpers import event, load_text, rule_text

GOOD = "sel:\n  eventName: InvokeModel\ncondition: sel"


def test_tags_map_to_framework_refs(tmp_path: Path) -> None:
    text = rule_text(
        GOOD, tags="[atlas.t0024.002, owasp_llm.llm10, nist_ai_rmf.ms-2.7, attack.t1078]"
    )
    (rule,) = load_text(tmp_path, text).rules
    assert [r.id for r in rule.info.refs] == ["AML.T0024.002", "LLM10", "MEASURE 2.7"]
    assert rule.info.tags == ("attack.t1078",)
    assert rule.info.key == "SW-DET-900"
    assert rule.info.severity is Severity.HIGH


@pytest.mark.parametrize(
    ("level", "severity"),
    [
        ("informational", Severity.INFO),
        ("low", Severity.LOW),
        ("medium", Severity.MEDIUM),
        ("high", Severity.HIGH),
        ("critical", Severity.CRITICAL),
    ],
)
def test_levels(tmp_path: Path, level: str, severity: Severity) -> None:
    (rule,) = load_text(tmp_path, rule_text(GOOD, level=level)).rules
    assert rule.info.severity is severity


def test_rule_id_falls_back_to_sigma_id(tmp_path: Path) -> None:
    text = rule_text(GOOD, stackward_id=None, rule_id="3f0c2a1e-0000-4000-8000-000000000001")
    (rule,) = load_text(tmp_path, text).rules
    assert rule.info.key == "3f0c2a1e-0000-4000-8000-000000000001"


BAD_RULES = [
    ("malformed-yaml", "title: [unclosed\n", "malformed YAML"),
    ("not-a-mapping", "- just\n- a list\n", "not a mapping"),
    ("deeply-nested", "a: " + "[" * 300_000 + "]" * 300_000 + "\n", "nested too deeply"),
    (
        "deep-blocks",
        "".join(" " * i + f"k{i}:\n" for i in range(1200)) + " " * 1200 + "v: 1\n",
        "nested too deeply",
    ),
    ("unknown-modifier", rule_text("sel:\n  a|nosuchmod: x\ncondition: sel"), "nosuchmod"),
    ("unknown-atlas-id", rule_text(GOOD, tags="[atlas.t9999]"), "T9999"),
    ("unknown-owasp-id", rule_text(GOOD, tags="[owasp_llm.llm11]"), "LLM11"),
    ("unknown-nist-id", rule_text(GOOD, tags="[nist_ai_rmf.ms-9.9]"), "MEASURE 9.9"),
    ("bad-nist-form", rule_text(GOOD, tags="[nist_ai_rmf.xx]"), "not a NIST"),
    ("unknown-selection", rule_text("sel:\n  a: 1\ncondition: sel and nothere"), "nothere"),
    ("empty-selector", rule_text("sel:\n  a: 1\ncondition: 1 of zz_*"), "zz_"),
    ("no-level", rule_text(GOOD).replace("level: high\n", ""), "no level"),
    (
        "no-id",
        "title: t\nlevel: low\nlogsource: {product: aws}\ndetection:\n  sel:\n    a: 1\n  condition: sel\n",
        "no id",
    ),
    ("bad-regex", rule_text("sel:\n  a|re: '(unclosed'\ncondition: sel"), "egular expression"),
    ("bad-cidr", rule_text("sel:\n  a|cidr: 10.0.0.300/8\ncondition: sel"), "CIDR"),
    ("placeholder", rule_text("sel:\n  a|expand: '%admins%'\ncondition: sel"), "placeholder"),
    ("timestamp-part", rule_text("sel:\n  t|hour: 3\ncondition: sel"), "not supported"),
    ("pipe-condition", rule_text("sel:\n  a: 1\ncondition: sel | count() > 5"), "pipe"),
]


@pytest.mark.parametrize(
    ("text", "reason"),
    [case[1:] for case in BAD_RULES],
    ids=[case[0] for case in BAD_RULES],
)
def test_bad_rules_are_problems(tmp_path: Path, text: str, reason: str) -> None:
    good = rule_text(GOOD, stackward_id="SW-DET-901")
    (tmp_path / "good.yml").write_text(good, encoding="utf-8")
    (tmp_path / "bad.yml").write_text(text, encoding="utf-8")
    rule_set = load_rules([tmp_path], builtin=False)
    assert [r.info.key for r in rule_set.rules] == ["SW-DET-901"]
    assert len(rule_set.problems) == 1, rule_set.problems
    assert "bad.yml" in rule_set.problems[0]
    assert reason.lower() in rule_set.problems[0].lower()


def test_huge_file_is_refused_unread(tmp_path: Path) -> None:
    text = rule_text(GOOD) + "#" * (MAX_RULE_FILE_BYTES + 1)
    rule_set = load_text(tmp_path, text, "huge.yml")
    assert rule_set.rules == []
    assert "huge.yml" in rule_set.problems[0] and "limit" in rule_set.problems[0]


def test_one_bad_document_keeps_the_others(tmp_path: Path) -> None:
    text = (
        rule_text(GOOD, stackward_id="SW-DET-902")
        + "---\n"
        + rule_text("sel:\n  a|bogus: 1\ncondition: sel", stackward_id="SW-DET-903")
    )
    rule_set = load_text(tmp_path, text, "two.yml")
    assert [r.info.key for r in rule_set.rules] == ["SW-DET-902"]
    assert len(rule_set.problems) == 1 and "two.yml" in rule_set.problems[0]


def test_missing_path_and_duplicate_ids(tmp_path: Path) -> None:
    same = "3f0c2a1e-0000-4000-8000-000000000002"
    (tmp_path / "a.yml").write_text(rule_text(GOOD, rule_id=same), encoding="utf-8")
    (tmp_path / "b.yml").write_text(rule_text(GOOD, rule_id=same, stackward_id="SW-DET-904"))
    rule_set = load_rules([tmp_path, tmp_path / "absent.yml"], builtin=False)
    assert len(rule_set.rules) == 1
    assert any("absent.yml" in p for p in rule_set.problems)
    assert any("duplicate id" in p and "b.yml" in p for p in rule_set.problems)


@pytest.mark.parametrize("which", ["SW-DET-905", "3f0c2a1e-0000-4000-8000-000000000003", "named"])
def test_disabled_rules_are_left_out(tmp_path: Path, which: str) -> None:
    text = rule_text(
        GOOD,
        stackward_id="SW-DET-905",
        rule_id="3f0c2a1e-0000-4000-8000-000000000003",
        name="named",
    )
    path = tmp_path / "r.yml"
    path.write_text(text, encoding="utf-8")
    assert load_rules([path], builtin=False, disabled=[which]).rules == []
    assert len(load_rules([path], builtin=False, disabled=["other"]).rules) == 1


def test_builtin_pack_loads_without_problems() -> None:
    """The shipped pack (when present) must load cleanly; an absent pack is no rules."""
    rule_set = load_rules(builtin=True)
    assert rule_set.problems == []


GLOBAL_AND_FILTER = """action: global
title: from the global document
level: low
logsource: {product: aws, service: cloudtrail}
detection:
  condition: sel
---
id: 2b8a0d47-1b7e-4f6c-9a53-1f0c3d0f2a11
detection:
  sel:
    eventName: A
---
id: 3b8a0d47-1b7e-4f6c-9a53-1f0c3d0f2a11
detection:
  sel:
    eventName: B
---
title: not for bob
id: 4b8a0d47-1b7e-4f6c-9a53-1f0c3d0f2a11
logsource: {product: aws, service: cloudtrail}
filter:
  rules: [2b8a0d47-1b7e-4f6c-9a53-1f0c3d0f2a11]
  selection:
    user: bob
  condition: not selection
"""


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"eventName": "A", "user": "alice"}, [True, False]),
        ({"eventName": "A", "user": "bob"}, [False, False]),
        ({"eventName": "B", "user": "bob"}, [False, True]),
    ],
    ids=["global-rule-matches", "filtered-out", "unfiltered-rule"],
)
def test_global_documents_and_filters(
    tmp_path: Path, fields: dict[str, str], expected: list[bool]
) -> None:
    rule_set = load_text(tmp_path, GLOBAL_AND_FILTER)
    assert rule_set.problems == []
    assert [r.info.title for r in rule_set.rules] == ["from the global document"] * 2
    assert [r.match(event(fields)) for r in rule_set.rules] == expected
