"""Reading Sigma rule files into a :class:`RuleSet`.

Every file is read with a size limit, parsed with ``yaml.safe_load_all`` and handed to
pySigma (``SigmaCollection``), which applies ``action: global``/``repeat`` documents and the
value modifiers. A file or rule that cannot be used becomes one problem line naming the file
and the reason; the other rules still load. Nothing here raises for bad rule content.
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError
from sigma.rule import SigmaRule

from stackward.detect.event import LogSource
from stackward.detect.sigma.codegen import generate_conjunction, generate_predicate
from stackward.detect.sigma.conditions import (
    Discriminator,
    Predicate,
    discriminators,
    referenced_fields,
    residual_conjuncts,
)
from stackward.detect.sigma.correlation_specs import correlation_spec
from stackward.detect.sigma.refs import FRAMEWORK_NAMESPACES, UnknownFrameworkId, refs_from_tags
from stackward.detect.sigma.rules import CompiledRule, RuleInfo, RuleSet
from stackward.detect.sigma.values import UnsupportedFeature
from stackward.model import Severity

MAX_RULE_FILE_BYTES = 1024 * 1024
"""A rule file larger than this is refused (the whole SigmaHQ pack has none above 100 KiB)."""
MAX_DOCUMENTS_PER_FILE = 500
MAX_RULE_FILES = 10_000
RULE_SUFFIXES = (".yml", ".yaml")
MAX_FLOW_DEPTH = 64
"""Deepest ``[``/``{`` nesting accepted; PyYAML's scanner slows down sharply on deep flow
nesting, so deeper files are refused before parsing."""
_BRACKETS = re.compile(r"[\[\]{}]")

_LEVELS = {
    "informational": Severity.INFO,
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}


def builtin_rules_dir() -> Path | None:
    """The shipped rule pack (``stackward/detect/rules``), when it is installed."""
    try:
        root = importlib.resources.files("stackward.detect") / "rules"
    except ModuleNotFoundError:  # pragma: no cover - the package itself is always there
        return None
    path = Path(str(root))
    return path if path.is_dir() else None


def load_rules(
    paths: Iterable[str | Path] = (), builtin: bool = True, disabled: Iterable[str] = ()
) -> RuleSet:
    """Load and compile rules from the built-in pack (when ``builtin``) and ``paths`` (files or
    directories searched recursively for ``*.yml``/``*.yaml``). ``disabled`` names rules to
    leave out by ``stackward_id``, Sigma ``id`` or ``name``."""
    rule_set = RuleSet()
    roots: list[Path] = []
    if builtin and (pack := builtin_rules_dir()) is not None:
        roots.append(pack)
    roots.extend(Path(p) for p in paths)
    loaded: list[tuple[str, SigmaRule | SigmaCorrelationRule]] = []
    for file in _rule_files(roots, rule_set.problems):
        loaded.extend((str(file), rule) for rule in _read_file(file, rule_set.problems))
    _compile_all(loaded, set(disabled), rule_set)
    return rule_set


def _rule_files(roots: Sequence[Path], problems: list[str]) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            found = sorted(p for p in root.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file())
        elif root.is_file():
            found = [root]
        else:
            problems.append(f"{root}: no such rule file or directory")
            continue
        for file in found:
            if len(files) >= MAX_RULE_FILES:
                problems.append(f"{root}: more than {MAX_RULE_FILES} rule files; the rest skipped")
                return files
            files.append(file)
    return files


def _read_file(file: Path, problems: list[str]) -> list[SigmaRule | SigmaCorrelationRule]:
    try:
        size = file.stat().st_size
        if size > MAX_RULE_FILE_BYTES:
            problems.append(f"{file}: {size} bytes, larger than the {MAX_RULE_FILE_BYTES} limit")
            return []
        text = file.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{file}: cannot read: {error}")
        return []
    if _flow_depth(text) > MAX_FLOW_DEPTH:
        problems.append(f"{file}: malformed YAML: nested too deeply")
        return []
    try:
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as error:
        problems.append(f"{file}: malformed YAML: {_one_line(error)}")
        return []
    except RecursionError:
        problems.append(f"{file}: malformed YAML: nested too deeply")
        return []
    if len(documents) > MAX_DOCUMENTS_PER_FILE:
        problems.append(f"{file}: more than {MAX_DOCUMENTS_PER_FILE} YAML documents")
        return []
    usable = []
    for number, document in enumerate(documents, start=1):
        if isinstance(document, dict):
            usable.append(document)
        else:
            problems.append(f"{file}: document {number} is not a mapping")
    try:
        collection = SigmaCollection.from_dicts(
            usable, collect_errors=True, resolve_references=False
        )
    except (SigmaError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        problems.append(f"{file}: {_one_line(error) or type(error).__name__}")
        return []
    for failure in collection.errors:
        if not any(failure in rule.errors for rule in collection.rules):
            problems.append(f"{file}: {_one_line(failure)}")
    rules: list[SigmaRule | SigmaCorrelationRule] = []
    for rule in collection.rules:
        if rule.errors:
            reasons = "; ".join(_one_line(e) for e in rule.errors)
            problems.append(f"{file}: rule {_label(rule)}: {reasons}")
        else:
            rules.append(rule)
    return rules


def _flow_depth(text: str) -> int:
    """The deepest bracket nesting in ``text`` (quotes ignored: an over-estimate at worst)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def _compile_all(
    loaded: list[tuple[str, SigmaRule | SigmaCorrelationRule]],
    disabled: set[str],
    rule_set: RuleSet,
) -> None:
    by_reference: dict[str, CompiledRule] = {}
    seen_ids: set[str] = set()
    correlations: list[tuple[str, SigmaCorrelationRule, RuleInfo]] = []
    for file, rule in loaded:
        try:
            info = _rule_info(file, rule)
        except (UnknownFrameworkId, UnsupportedFeature) as error:
            rule_set.problems.append(f"{file}: rule {_label(rule)}: {error}")
            continue
        if {info.key, info.sigma_id, info.name} & disabled:
            continue
        if info.sigma_id in seen_ids or info.key in seen_ids:
            rule_set.problems.append(f"{file}: rule {_label(rule)}: duplicate id {info.key}")
            continue
        seen_ids.update({info.sigma_id, info.key})
        if isinstance(rule, SigmaCorrelationRule):
            correlations.append((file, rule, info))
            continue
        try:
            compiled = _compile_rule(rule, info)
        except (SigmaError, UnsupportedFeature, RecursionError) as error:
            rule_set.problems.append(f"{file}: rule {_label(rule)}: {_one_line(error)}")
            continue
        rule_set.rules.append(compiled)
        for reference in (info.sigma_id, info.name, info.key):
            if reference:
                by_reference.setdefault(reference, compiled)
    generating: dict[str, bool] = {}
    for file, correlation, info in correlations:
        try:
            spec = correlation_spec(correlation, info, by_reference)
        except UnsupportedFeature as error:
            rule_set.problems.append(f"{file}: rule {_label(correlation)}: {error}")
            continue
        rule_set.correlations.append(spec)
        for key in spec.rules:
            generating[key] = generating.get(key, False) or correlation.generate
    rule_set.rules = [
        _with_alerts(rule, generating.get(rule.info.key, True)) for rule in rule_set.rules
    ]


def _with_alerts(rule: CompiledRule, alerts: bool) -> CompiledRule:
    if rule.alerts == alerts:
        return rule
    return CompiledRule(
        info=rule.info,
        logsource=rule.logsource,
        match=rule.match,
        discriminators=rule.discriminators,
        residual_matches=rule.residual_matches,
        fields=rule.fields,
        alerts=alerts,
    )


def _rule_info(file: str, rule: SigmaRule | SigmaCorrelationRule) -> RuleInfo:
    if rule.id is None:
        raise UnsupportedFeature("no id: every rule needs a UUID id")
    if not rule.title:
        raise UnsupportedFeature("no title")
    level = rule.level.name.lower() if rule.level is not None else ""
    if level not in _LEVELS:
        raise UnsupportedFeature("no level (informational, low, medium, high or critical)")
    stackward_id = rule.custom_attributes.get("stackward_id")
    if stackward_id is not None and not isinstance(stackward_id, str):
        raise UnsupportedFeature("stackward_id must be a string")
    tag_pairs = [(tag.namespace, tag.name) for tag in rule.tags]
    return RuleInfo(
        key=stackward_id or str(rule.id),
        sigma_id=str(rule.id),
        name=rule.name or "",
        title=rule.title,
        description=(rule.description or "").strip(),
        severity=_LEVELS[level],
        refs=refs_from_tags(tag_pairs),
        tags=tuple(f"{ns}.{n}" for ns, n in tag_pairs if ns not in FRAMEWORK_NAMESPACES),
        source=file,
    )


def _compile_rule(rule: SigmaRule, info: RuleInfo) -> CompiledRule:
    trees: list[Any] = []
    for condition in rule.detection.parsed_condition:
        tree = condition.parse()
        if tree is None:
            raise UnsupportedFeature("the condition selects nothing")
        trees.append(tree)
    if not trees:
        raise UnsupportedFeature("no condition")
    predicates = [generate_predicate(tree) for tree in trees]
    match: Predicate = predicates[0] if len(predicates) == 1 else _any_of(predicates)
    fields: list[str] = []
    for tree in trees:
        fields.extend(f for f in referenced_fields(tree) if f not in fields)
    source = rule.logsource
    required = tuple(discriminators(trees[0])) if len(trees) == 1 else ()
    return CompiledRule(
        info=info,
        logsource=LogSource(source.product or "", source.service or "", source.category or ""),
        match=match,
        discriminators=required,
        residual_matches=tuple(_residual(trees[0], found, match) for found in required),
        fields=tuple(fields),
    )


def _residual(tree: Any, found: Discriminator, match: Predicate) -> Predicate:
    """What remains of ``match`` once the index has tested ``found`` (all of it when the
    test cannot be taken apart)."""
    rest = residual_conjuncts(tree, found)
    return match if rest is None else generate_conjunction(rest)


def _any_of(predicates: list[Predicate]) -> Predicate:
    return lambda e: any(p(e) for p in predicates)


def _label(rule: SigmaRule | SigmaCorrelationRule) -> str:
    return repr(rule.title or str(rule.id or "untitled"))


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300]
