"""Chat-template analysis: real templates stay silent, SSTI payloads are critical.

Payloads are only parsed, never rendered; each would merely create a marker file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

from stackward.artifacts.formats.chat_template import analyse, fold_string, is_internal_name
from stackward.model import Severity

FIXTURES = Path(__file__).parent / "fixtures" / "chat_templates"
BENIGN = sorted(FIXTURES.glob("*.jinja"))
MARKER = "touch /tmp/stackward-payload-marker"

PAYLOADS: list[tuple[str, str]] = [
    (
        "self-init-globals-builtins",
        "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('" + MARKER + "') }}",
    ),
    ("cycler-globals-os", "{{ cycler.__init__.__globals__.os.popen('" + MARKER + "').read() }}"),
    ("joiner-globals-os", "{{ joiner.__init__.__globals__.os.popen('" + MARKER + "').read() }}"),
    (
        "namespace-globals-os",
        "{{ namespace.__init__.__globals__.os.popen('" + MARKER + "').read() }}",
    ),
    ("lipsum-globals-item", "{{ lipsum.__globals__['os'].popen('" + MARKER + "').read() }}"),
    ("mro-subclasses", "{{ ''.__class__.__mro__[1].__subclasses__() }}"),
    (
        "cve-2024-34359",
        "{% for x in ().__class__.__base__.__subclasses__() %}{% if 'warning' in x.__name__ %}"
        "{{ x()._module.__builtins__['__import__']('os').popen('" + MARKER + "') }}"
        "{% endif %}{% endfor %}",
    ),
    ("attr-chain", "{{ ()|attr('__class__')|attr('__base__')|attr('__subclasses__')() }}"),
    ("attr-hex-escaped", "{{ ()|attr('\\x5f\\x5fclass\\x5f\\x5f') }}"),
    ("attr-computed-join", "{{ ()|attr(['_', '_', 'class', '_', '_']|join) }}"),
    ("item-concat-tilde", "{{ ''['__cla' ~ 'ss__'] }}"),
    ("item-concat-plus", "{% set a = '_' + '_' + 'class' + '_' + '_' %}{{ ''[a] }}"),
    ("item-padded-concat", "{{ ''['__cla' + 'ss__'" + " + ''" * 5000 + "] }}"),
    ("item-reverse", "{{ ''['__ssalc__'|reverse] }}"),
    ("format-attribute-walk", "{{ '{0.__class__.__init__.__globals__}'.format(messages) }}"),
    ("percent-c-format", "{{ ()|attr('%c%cclass%c%c'|format(95, 95, 95, 95)) }}"),
    ("replace-smuggle", "{{ ()|attr('XXclassXX'|replace('X', '_')) }}"),
    ("bound-method-self", "{{ messages.pop.__self__ }}"),
    ("generator-frame", "{% set g = messages|map('string') %}{{ g.gi_frame.f_globals }}"),
    ("config-items", "{{ config.items() }}"),
    ("request-application", "{{ request.application }}"),
    ("url-for-globals", "{{ url_for.__globals__['os'].popen('" + MARKER + "') }}"),
    ("map-attribute-dunder", "{{ messages|map(attribute='__class__')|list }}"),
    ("import-tag", "{% import 'os' as os %}"),
    ("from-import-tag", "{% from 'helpers' import run %}{{ run() }}"),
    ("include-tag", "{% include '/etc/passwd' %}"),
    ("extends-tag", "{% extends 'base.jinja' %}"),
    ("do-statement", "{% do messages.__class__ %}"),
    ("keyword-dunder", "{{ dict(__class__=1) }}"),
]


@pytest.mark.parametrize("path", BENIGN, ids=[p.stem for p in BENIGN])
def test_real_chat_templates_have_no_findings(path: Path) -> None:
    assert analyse(path.read_text(encoding="utf-8")) == []


def test_fixture_set_covers_the_model_families() -> None:
    names = {p.stem for p in BENIGN}
    for family in (
        "llama2",
        "llama3",
        "llama3_1_tools",
        "mistral_v01_mixtral",
        "gemma",
        "phi3",
        "deepseek_coder",
        "zephyr",
        "command_r",
        "qwen2_5_tools",
    ):
        assert family in names


@pytest.mark.parametrize("template", [t for _, t in PAYLOADS], ids=[i for i, _ in PAYLOADS])
def test_ssti_payloads_are_critical(template: str) -> None:
    findings = analyse(template)
    assert findings, "payload not detected"
    assert max(f.severity for f in findings) == Severity.CRITICAL


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ messages[0]['content'] | trim }}", []),
        ("{{ message.content.strip() }}", []),
        ("{% set ns = namespace(found=false) %}{{ ns.found }}", []),
        ("{{ range(3)|list }}", []),
        ("{{ tools|map(attribute='function')|list|tojson }}", []),
        ("{{ x|attr('role') }}", []),
        ("{{ 'a %s b' % role }}", []),
        ("{{ '__class__' }}", ["string '__class__'"]),
        ("{{ 'Guard code with if __name__ == \"__main__\":' }}", []),
    ],
    ids=[
        "index",
        "strip",
        "namespace",
        "range",
        "map-attr",
        "attr-literal",
        "mod",
        "dunder-literal",
        "dunder-in-prose",
    ],
)
def test_benign_constructs_and_literals(template: str, expected: list[str]) -> None:
    assert [f.symbol for f in analyse(template)] == expected


@pytest.mark.parametrize(
    ("template", "symbol"),
    [
        ("{{ lipsum|string }}", "global lipsum"),
        ("{% for c in (cycler|string|list) %}{{ c }}{% endfor %}", "global cycler"),
        ("{{ self }}", "global self"),
    ],
    ids=["lipsum-string", "cycler-chars", "self"],
)
def test_unexpected_globals_are_high(template: str, symbol: str) -> None:
    assert [(f.severity, f.symbol) for f in analyse(template)] == [(Severity.HIGH, symbol)]


def test_unexpected_global_defined_by_the_template_is_fine() -> None:
    assert analyse("{% set config = messages[0] %}{{ config['content'] }}") == []


@pytest.mark.parametrize(
    "template",
    ["{% for m in messages %}{{ m }}", "{{ messages[ }}", "{% bogus_tag %}"],
    ids=["unclosed-for", "broken-expression", "unknown-tag"],
)
def test_unparsable_template_is_medium(template: str) -> None:
    findings = analyse(template)
    assert [f.severity for f in findings] == [Severity.MEDIUM]
    assert findings[0].symbol == "unparsable template"


def test_deeply_nested_template_does_not_crash() -> None:
    template = "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}"
    findings = analyse(template)
    assert all(f.severity <= Severity.MEDIUM for f in findings)


def test_finding_carries_line_number() -> None:
    findings = analyse("line one\n\n{{ x.__class__ }}")
    assert findings[0].line == 3


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'a' ~ 'b'", "ab"),
        ("'a' + 'b' + 'c'", "abc"),
        ("['x', 'y']|join('-')", "x-y"),
        ("'cba'|reverse", "abc"),
        ("'AbC'|lower", "abc"),
        ("'aXa'|replace('X', 'b')", "aba"),
        ("name ~ 'b'", None),
        ("42", None),
    ],
    ids=["tilde", "plus", "join", "reverse", "lower", "replace", "variable", "number"],
)
def test_fold_string(expression: str, expected: str | None) -> None:
    tree = Environment(autoescape=True).parse("{{ " + expression + " }}")
    node = tree.body[0].nodes[0]  # type: ignore[attr-defined]
    assert fold_string(node) == expected


@pytest.mark.parametrize(
    ("name", "internal"),
    [
        ("__class__", True),
        ("_private", True),
        ("mro", True),
        ("gi_frame", True),
        ("content", False),
        ("role", False),
        ("strip", False),
    ],
)
def test_is_internal_name(name: str, internal: bool) -> None:
    assert is_internal_name(name) is internal
