"""The rule files and the advisory list: valid, cited, read-only."""

from __future__ import annotations

import pytest

from stackward.fingerprint import RuleError, advisories_for, builtin_rules, parse_rule
from stackward.fingerprint.advisories import builtin_advisories, parse_advisories
from stackward.fingerprint.rules import READ_METHODS

VALID_RULE = """
product: demo
name: Demo
asset_kind: ai.service
source: [https://example.org/docs]
identify:
  - request: {method: METHOD, path: /api}
"""


def test_builtin_rules_load_cite_docs_and_only_read() -> None:
    rules = builtin_rules()
    assert len(rules) >= 18
    for rule in rules:
        assert rule.source, rule.product
        for request in rule.requests():
            assert request.method in READ_METHODS, (rule.product, request)


UNCONFIRMED_SOURCES = {"kubeflow", "label_studio", "mlflow", "openai_compatible", "streamlit"}


def test_every_rule_states_whether_its_sources_were_checked() -> None:
    rules = builtin_rules()
    assert {r.product for r in rules if not r.checked} == UNCONFIRMED_SOURCES
    assert parse_rule(VALID_RULE.replace("METHOD", "GET"), "demo.yaml").checked is False


def test_generic_rule_is_tried_last() -> None:
    assert builtin_rules()[-1].product == "openai_compatible"


@pytest.mark.parametrize(
    ("method", "accepted"),
    [
        pytest.param("GET", True, id="get"),
        pytest.param("HEAD", True, id="head"),
        pytest.param("POST", False, id="post"),
        pytest.param("PUT", False, id="put"),
        pytest.param("DELETE", False, id="delete"),
        pytest.param("get", False, id="lower-case-not-normalised"),
    ],
)
def test_only_read_methods_are_accepted(method: str, accepted: bool) -> None:
    text = VALID_RULE.replace("METHOD", method)
    if accepted:
        assert parse_rule(text, "demo.yaml").identify[0].request.method == method
    else:
        with pytest.raises(RuleError, match=r"demo\.yaml"):
            parse_rule(text, "demo.yaml")


@pytest.mark.parametrize(
    ("replacement", "message"),
    [
        pytest.param(
            ("path: /api}", "path: /api, headers: {Authorization: x}}"),
            "credentials",
            id="auth-header",
        ),
        pytest.param(
            ("asset_kind: ai.service", "asset_kind: k8s.secret"), "asset_kind", id="bad-kind"
        ),
        pytest.param(
            ("source: [https://example.org/docs]", "source: []"), "source", id="no-source"
        ),
        pytest.param(("path: /api}", "path: api}"), "path", id="relative-path"),
        pytest.param(("product: demo", "product: demo\nextra: 1"), "extra", id="unknown-key"),
        pytest.param(("product: demo", "- not a mapping"), "mapping|YAML", id="not-mapping"),
    ],
)
def test_malformed_rules_name_the_file(replacement: tuple[str, str], message: str) -> None:
    text = VALID_RULE.replace("METHOD", "GET").replace(*replacement)
    with pytest.raises(RuleError, match=message):
        parse_rule(text, "demo.yaml")


@pytest.mark.parametrize(
    ("product", "version", "expected"),
    [
        pytest.param("ollama", "0.1.33", ["CVE-2024-37032"], id="ollama-affected"),
        pytest.param("ollama", "0.1.34", [], id="ollama-fixed"),
        pytest.param(
            "mlflow",
            "2.2.0",
            ["CVE-2023-1177", "CVE-2023-2780", "CVE-2023-6831", "CVE-2023-6753", "CVE-2024-1483"],
            id="mlflow-affected",
        ),
        pytest.param("mlflow", "2.9.2", ["CVE-2024-1483"], id="mlflow-2.9.2"),
        pytest.param("mlflow", "2.10.0", [], id="mlflow-fixed"),
        pytest.param("torchserve", "0.8.1", ["CVE-2023-43654"], id="torchserve-affected"),
        pytest.param("gradio", "3.50.2", ["CVE-2023-51449"], id="gradio-3x-affected-too"),
        pytest.param("gradio", "4.11.0", [], id="gradio-fixed"),
        pytest.param("gradio", "4.10.0", ["CVE-2023-51449"], id="gradio-affected"),
        pytest.param("jupyter_server", "2.7.1", ["CVE-2023-39968"], id="jupyter-affected"),
        pytest.param("jupyter_server", "0.3.0", ["CVE-2023-39968"], id="jupyter-0x-affected"),
        pytest.param("jupyter_server", "2.7.2", [], id="jupyter-fixed"),
        pytest.param("jupyter_server", "6.5.4", [], id="classic-notebook-version"),
        pytest.param("torchserve", "0.8.2", [], id="torchserve-fixed"),
        pytest.param("torchserve", "0.0.9", [], id="torchserve-before-first-affected"),
        pytest.param("ollama", None, [], id="unknown-version"),
        pytest.param("ollama", "main-abc123", [], id="unparseable-version"),
        pytest.param("ray", "2.9.0", [], id="ray-by-design-not-a-range"),
    ],
)
def test_advisories_by_version(product: str, version: str | None, expected: list[str]) -> None:
    assert [a.cve for a in advisories_for(product, version)] == expected


def test_every_advisory_names_a_known_product() -> None:
    products = {r.product for r in builtin_rules()}
    assert {a.product for a in builtin_advisories()} <= products


def test_every_advisory_states_its_fix_and_whether_it_was_checked() -> None:
    for advisory in builtin_advisories():
        assert advisory.fixed is not None, advisory.cve
        assert not advisory.affects(advisory.fixed), advisory.cve
        assert isinstance(advisory.checked, bool)
    assert [a.cve for a in builtin_advisories() if not a.checked] == ["CVE-2024-1483"]


def test_a_complete_advisory_parses() -> None:
    text = (
        "advisories: [{product: x, cve: CVE-2024-1111, affected: '<1', fixed: '1',"
        " severity: high, advisory: 'https://a', summary: 'ten chars!', checked: false}]"
    )
    (advisory,) = parse_advisories(text, "adv.yaml")
    assert (advisory.affects("0.9"), advisory.affects("1"), advisory.checked) == (
        True,
        False,
        False,
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("advisories: [{product: x}]", id="missing-fields"),
        pytest.param("[]", id="not-a-mapping"),
        pytest.param(
            "advisories: [{product: x, cve: CVE-2024-1, affected: '<<1', severity: high,"
            " advisory: 'https://a', summary: 'ten chars!'}]",
            id="bad-specifier",
        ),
        pytest.param(
            "advisories: [{product: x, cve: CVE-2024-1111, affected: '<1', severity: high,"
            " advisory: 'https://a', summary: 'ten chars!'}]",
            id="checked-missing",
        ),
        pytest.param(
            "advisories: [{product: x, cve: CVE-2024-1111, affected: '<1', fixed: soon,"
            " severity: high, advisory: 'https://a', summary: 'ten chars!', checked: true}]",
            id="bad-fixed-version",
        ),
        pytest.param(
            "advisories: ["
            + ", ".join(
                [
                    "{product: x, cve: CVE-2024-1111, affected: '<1', severity: high,"
                    " advisory: 'https://a', summary: 'ten chars!', checked: true}"
                ]
                * 2
            )
            + "]",
            id="duplicate",
        ),
    ],
)
def test_malformed_advisories_are_errors(text: str) -> None:
    with pytest.raises(RuleError, match=r"adv\.yaml"):
        parse_advisories(text, "adv.yaml")


def test_public_names_exist() -> None:
    import stackward.fingerprint as package

    assert all(hasattr(package, name) for name in package.__all__)
    assert "fingerprint_sync" in package.__all__
