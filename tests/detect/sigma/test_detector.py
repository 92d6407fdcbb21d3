"""The detector: log-source filtering, the field index, alerts and their evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackward.detect.alert import alert_uid
from stackward.detect.event import LogSource, Position
from stackward.detect.sigma import SigmaDetector
from stackward.detect.sigma.detector import _SECRET_HINT, _may_hold_secret
from stackward.model import Severity
from tests.detect.sigma.helpers import event, load_text, rule_text

INVOKE = "sel:\n  eventName: [InvokeModel, Converse]\nfilter:\n  sourceIPAddress|cidr: 10.0.0.0/8\ncondition: sel and not filter"


def test_alert_from_a_single_rule(tmp_path: Path) -> None:
    detector = SigmaDetector(load_text(tmp_path, rule_text(INVOKE, title="Public invoke")))
    planted = event(
        {
            "eventName": "InvokeModel",
            "sourceIPAddress": "203.0.113.9",
            "requestParameters": {"password": "hunter2-very-secret-value"},
        },
        annotations={"actor": "arn:aws:iam::1:user/bob", "source_ip": "203.0.113.9"},
    )
    (alert,) = detector.process(planted)
    assert alert.rule_id == "SW-DET-900"
    assert alert.title == "Public invoke"
    assert alert.severity is Severity.HIGH
    assert alert.detector == "sigma"
    assert [r.id for r in alert.refs] == ["AML.T0051"]
    assert alert.uid == alert_uid("SW-DET-900", "", planted.position, planted.position)
    assert alert.actor == "arn:aws:iam::1:user/bob" and alert.source_ip == "203.0.113.9"
    assert alert.events[0].excerpt == {"eventName": "InvokeModel", "sourceIPAddress": "203.0.113.9"}
    locked = event({"eventName": "InvokeModel", "sourceIPAddress": "10.1.2.3"})
    assert detector.process(locked) == []


def test_excerpts_are_redacted(tmp_path: Path) -> None:
    detection = "sel:\n  requestParameters.body|contains: login\ncondition: sel"
    detector = SigmaDetector(load_text(tmp_path, rule_text(detection)))
    secret = "password=Sup3rS3cretValue123456"
    (alert,) = detector.process(event({"requestParameters": {"body": f"login {secret}"}}))
    shown = alert.events[0].excerpt["requestParameters.body"]
    assert "Sup3rS3cretValue123456" not in shown and shown.startswith("login password=")


def test_logsource_decides_which_rules_run(tmp_path: Path) -> None:
    text = rule_text(INVOKE, logsource="{product: aws, service: cloudtrail}")
    detector = SigmaDetector(load_text(tmp_path, text))
    fields = {"eventName": "InvokeModel", "sourceIPAddress": "203.0.113.9"}
    assert len(detector.process(event(fields))) == 1
    k8s = LogSource("kubernetes", "audit", "")
    assert detector.process(event(fields, logsource=k8s)) == []


def test_category_rules_cover_every_gateway(tmp_path: Path) -> None:
    detection = "sel:\n  stackward.logit_bias: true\ncondition: sel"
    detector = SigmaDetector(load_text(tmp_path, rule_text(detection, logsource="{category: llm}")))
    for source in (LogSource("litellm", "proxy", "llm"), LogSource("openai", "gateway", "llm")):
        assert (
            len(detector.process(event({}, logsource=source, annotations={"logit_bias": True})))
            == 1
        )
    cloudtrail = event({}, annotations={"logit_bias": True})
    assert detector.process(cloudtrail) == []


def test_index_skips_rules_whose_required_value_is_absent(tmp_path: Path) -> None:
    text = (
        rule_text(INVOKE, stackward_id="SW-DET-910")
        + "---\n"
        + rule_text("sel:\n  eventName|contains: Object\ncondition: sel", stackward_id="SW-DET-911")
    )
    detector = SigmaDetector(load_text(tmp_path, text))
    keys = lambda e: [r.info.key for r, _ in detector.candidates(e)]  # noqa: E731
    assert keys(event({"eventName": "GetObject"})) == ["SW-DET-911"]
    assert keys(event({"eventName": "invokemodel"})) == ["SW-DET-910", "SW-DET-911"]
    assert keys(event({"eventName": ["x", "Converse"]})) == ["SW-DET-910", "SW-DET-911"]


def test_rule_order_is_kept_in_alerts(tmp_path: Path) -> None:
    text = "---\n".join(
        rule_text("sel:\n  eventName: InvokeModel\ncondition: sel", stackward_id=f"SW-DET-92{n}")
        for n in range(3)
    )
    detector = SigmaDetector(load_text(tmp_path, text))
    alerts = detector.process(event({"eventName": "InvokeModel"}))
    assert [a.rule_id for a in alerts] == ["SW-DET-920", "SW-DET-921", "SW-DET-922"]
    assert detector.stats()["matches"] == {"SW-DET-920": 1, "SW-DET-921": 1, "SW-DET-922": 1}


def test_index_merges_hits_on_two_fields_in_rule_order(tmp_path: Path) -> None:
    text = "---\n".join(
        (
            rule_text("sel:\n  eventSource: s3\n  user: bob\ncondition: sel", stackward_id="A-1"),
            rule_text("sel:\n  eventName: GetObject\ncondition: sel", stackward_id="A-2"),
            rule_text("sel:\n  eventSource: s3\ncondition: sel", stackward_id="A-3"),
        )
    )
    detector = SigmaDetector(load_text(tmp_path, text))
    both = event({"eventSource": "S3", "eventName": "getobject", "user": "bob"})
    for _ in range(2):  # the second time from the cached merge
        assert [a.rule_id for a in detector.process(both)] == ["A-1", "A-2", "A-3"]
    other = event({"eventSource": "s3", "eventName": "GetObject", "user": "alice"})
    assert [a.rule_id for a in detector.process(other)] == ["A-2", "A-3"]


@pytest.mark.parametrize(
    "text",
    [
        "password=hunter2",
        "X-Api-Key: abc",
        "AUTHORIZATION",
        "tokenization",
        "arn:aws:iam::1:user/bob",
        "203.0.113.9",
        "",
        "pa\u017f\u017fword=abcdefghijkl",  # long s: the regex folds it to s
        "\u212aey",  # Kelvin sign
        "caf\u00e9 secret",
        "caf\u00e9 plain",
    ],
)
def test_secret_hint_agrees_with_the_redaction_keys(text: str) -> None:
    assert _may_hold_secret(text) is (_SECRET_HINT.search(text) is not None)


def test_index_keeps_numbers_and_case_apart(tmp_path: Path) -> None:
    text = "---\n".join(
        (
            rule_text("sel:\n  eventName: 'true'\ncondition: sel", stackward_id="B-1"),
            rule_text("sel:\n  eventName: '1'\ncondition: sel", stackward_id="B-2"),
        )
    )
    detector = SigmaDetector(load_text(tmp_path, text))
    keys = lambda e: [r.info.key for r, _ in detector.candidates(e)]  # noqa: E731
    for _ in range(2):  # the answers do not depend on the events seen before
        assert keys(event({"eventName": 1})) == ["B-2"]
        assert keys(event({"eventName": True})) == ["B-1"]  # equal to 1 as a key, not as text
        assert keys(event({"eventName": "TRUE"})) == ["B-1"]
        assert keys(event({"eventName": "True"})) == ["B-1"]
        assert keys(event({"eventName": ["x", "1"]})) == ["B-2"]
        assert keys(event({})) == []


def test_alert_uid_is_stable_across_versions() -> None:
    """Replays after an upgrade recognise delivered alerts only if the uid never changes."""
    first, last = Position("/a/b", 10, 2, 3), Position("/a/c", 20, 5, 0)
    assert alert_uid("r", "g\u00e9", first, last) == "4c351dd5029c057fd155ec02689b08d8"
    lone = Position("s", 1)
    assert alert_uid("r", "\udcff", lone, Position("s", 2)) == "351b977efc96c4d5c5b94439f6d8d5e7"
