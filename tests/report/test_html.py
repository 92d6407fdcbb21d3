"""HTML output: self-contained, escaped, complete and well-formed."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from stackward.report.html import HtmlReporter, context, ref_groups
from stackward.report.interface import load_reporters
from stackward.scan.result import ScanResult
from tests.report.scan_fixture import stack_scan

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Outline(HTMLParser):
    """Collects tags, attributes and text, and checks that elements nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        (self.script_text if self.stack and self.stack[-1] == "script" else self.text).append(data)


@pytest.fixture(scope="module")
def scan() -> ScanResult:
    return stack_scan()


@pytest.fixture(scope="module")
def page(scan: ScanResult) -> str:
    return HtmlReporter().render(scan)


@pytest.fixture(scope="module")
def outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    parser.close()
    return parser


def test_parses_with_balanced_elements(outline: _Outline) -> None:
    assert outline.errors == []
    assert outline.stack == []


def test_no_external_references(page: str, outline: _Outline) -> None:
    for tag, attrs in outline.tags:
        for name in ("src", "href", "action", "poster", "data"):
            value = attrs.get(name) or ""
            assert not re.match(r"(?i)\s*(https?:)?//", value), (tag, name, value)
    assert not re.search(r"(?i)url\(\s*['\"]?(https?:)?//", page)
    assert not re.search(r"(?i)@import", page)
    assert all(tag not in {"link", "iframe", "object", "embed", "img"} for tag, _ in outline.tags)


def test_single_inline_script_allowed_by_hash(outline: _Outline) -> None:
    scripts = [attrs for tag, attrs in outline.tags if tag == "script"]
    assert scripts == [{}]
    csp = next(
        attrs["content"] or ""
        for tag, attrs in outline.tags
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", csp)
    assert "unsafe-inline'; img" not in csp.split("script-src", 1)[1]


def test_csp_hash_matches_the_inline_script(page: str) -> None:
    """A stale hash would make browsers block the filter script silently."""
    script = page.split("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    assert 'getElementById("filters")' in script


def test_hostile_evidence_is_escaped(page: str, outline: _Outline) -> None:
    assert '<script>alert("pwned")</script>' not in page
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in page
    assert any('<script>alert("pwned")</script>' in t for t in outline.text)
    assert "access denied &lt;listing&gt;" in page


def test_secret_is_not_in_the_page(page: str) -> None:
    assert "abcdefghijklmnopqrstuvwxyz" not in page


def test_every_finding_is_present(scan: ScanResult, outline: _Outline) -> None:
    ids = [attrs.get("id") for tag, attrs in outline.tags if tag == "details"]
    assert ids == [f"f-{f.fingerprint}" for f in scan.findings]
    severities = [attrs.get("data-severity") for tag, attrs in outline.tags if tag == "details"]
    assert severities == [f.severity.label for f in scan.findings]


def test_every_attack_path_is_present_and_linked(scan: ScanResult, outline: _Outline) -> None:
    anchors = {attrs.get("id") for tag, attrs in outline.tags if tag == "div"}
    links = {attrs.get("href") for tag, attrs in outline.tags if tag == "a"}
    for path in scan.attack_paths:
        assert path.id in anchors
        assert f"#{path.id}" in links


def test_every_skipped_input_is_listed(scan: ScanResult, outline: _Outline) -> None:
    text = " ".join(outline.text)
    for skipped in scan.skipped:
        assert skipped.location in text
        assert skipped.reason in text
    assert "Partial scan." in text


def test_atlas_references_show_id_and_name(outline: _Outline) -> None:
    text = " ".join(" ".join(outline.text).split())
    assert "AML.T0049 Exploit Public-Facing Application" in text
    assert "AML.T0011.000 Unsafe AI Artifacts" in text


def test_matrix_has_the_sixteen_tactics_in_atlas_order(outline: _Outline, page: str) -> None:
    matrix = page.split('<table class="matrix">', 1)[1].split("</thead>", 1)[0]
    tactic_ids = re.findall(r"AML\.TA\d{4}", matrix)
    assert len(tactic_ids) == 16
    assert tactic_ids[:4] == ["AML.TA0002", "AML.TA0003", "AML.TA0004", "AML.TA0000"]
    assert tactic_ids[-1] == "AML.TA0011"


def test_matrix_cells_are_coloured_by_worst_severity(outline: _Outline) -> None:
    cells = {
        (attrs.get("title") or "").split(" ", 1)[0]: attrs.get("class") or ""
        for tag, attrs in outline.tags
        if tag == "div" and "tech" in (attrs.get("class") or "").split()
    }
    assert "sev-high" in cells["AML.T0049"]
    assert "sev-critical" in cells["AML.T0055"]
    assert "sev-medium" in cells["AML.T0011"]
    assert cells["AML.T0000"] == "tech"


def test_nist_coverage_lists_the_functions(page: str) -> None:
    for function in ("GOVERN", "MAP", "MEASURE", "MANAGE"):
        assert f"<h3>{function} <small>" in page
    assert "MANAGE 2.4" in page


def test_filters_are_hidden_without_script(outline: _Outline) -> None:
    form = next(attrs for tag, attrs in outline.tags if tag == "form")
    assert form.get("id") == "filters"
    assert "hidden" in form


def test_no_findings_page_still_renders() -> None:
    empty = stack_scan()
    empty.findings.clear()
    empty.attack_paths.clear()
    empty.skipped.clear()
    page = HtmlReporter().render(empty)
    assert "No findings." in page
    assert "No attack paths" in page
    assert "Nothing was skipped" in page
    assert "Partial scan." not in page


def test_ref_groups_keep_framework_order(scan: ScanResult) -> None:
    finding = next(f for f in scan.findings if f.rule_id == "TEST-EXPOSED-001")
    groups = ref_groups(finding)
    assert [g.framework for g in groups] == [
        "MITRE ATLAS 5.6.0",
        "NIST AI RMF 1.0",
        "OWASP LLM Top 10 2025",
    ]
    assert groups[0].items[0] == ("AML.T0049", "Exploit Public-Facing Application", "")
    nist_id, nist_name, nist_tip = groups[1].items[0]
    assert (nist_id, nist_name) == ("MANAGE 2.4", "")
    assert nist_tip.startswith("Mechanisms are in place")


def test_registered_as_builtin() -> None:
    assert isinstance(load_reporters()["html"], HtmlReporter)


def test_attack_paths_count_the_findings_along_them(scan: ScanResult) -> None:
    views = {p.id: p for p in context(scan)["paths"]}
    counts = {pid: sum(1 for f in scan.findings if pid in f.attack_path_ids) for pid in views}
    assert {pid: view.findings for pid, view in views.items()} == counts
    assert sorted(counts.values()) == [1, 2]
    to_secret = next(v for v in views.values() if v.target == "k8s:secret/ml/openai")
    assert [(n.id, n.via) for n in to_secret.nodes] == [
        ("net:internet", ""),
        ("k8s:ingress/ml/llm", "EXPOSED_TO"),
        ("k8s:deployment/ml/llm-api", "ROUTES_TO"),
        ("k8s:secret/ml/openai", "MOUNTS"),
    ]
