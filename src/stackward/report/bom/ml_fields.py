"""The CycloneDX 1.6 machine-learning fields the library does not model: ``modelCard``
on a ``machine-learning-model`` component and ``data`` on a ``data`` component.

cyclonedx-python-lib serialises everything else; these two fields are added to its output
(the JSON object, or the XML element in the position the 1.6 XSD sequence requires), and the
result is validated against the 1.6 schema afterwards, so a mistake here cannot pass
silently.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CYCLONEDX_XML_NAMESPACE = "http://cyclonedx.org/schema/bom/1.6"
_AFTER_DATA = ("cryptoProperties", "tags", "signature")
"""Children of an XML ``component`` that the 1.6 sequence puts after ``modelCard``/``data``."""


@dataclass(frozen=True, slots=True)
class ModelCard:
    """What the inventory knows about a model: the datasets it was trained on (bom-refs of
    ``data`` components), its architecture, and the open findings against it."""

    dataset_refs: Sequence[str] = ()
    architecture_family: str | None = None
    architecture: str | None = None
    limitations: Sequence[str] = ()

    def is_empty(self) -> bool:
        return not (
            self.dataset_refs or self.architecture_family or self.architecture or self.limitations
        )

    def as_json(self) -> dict[str, Any]:
        parameters: dict[str, Any] = {}
        if self.architecture_family:
            parameters["architectureFamily"] = self.architecture_family
        if self.architecture:
            parameters["modelArchitecture"] = self.architecture
        if self.dataset_refs:
            parameters["datasets"] = [{"ref": ref} for ref in self.dataset_refs]
        card: dict[str, Any] = {}
        if parameters:
            card["modelParameters"] = parameters
        if self.limitations:
            card["considerations"] = {"technicalLimitations": list(self.limitations)}
        return card


@dataclass(frozen=True, slots=True)
class DatasetDescription:
    """A ``componentData`` entry: names of the data classes found, never values."""

    name: str
    url: str | None = None
    classification: str | None = None
    sensitive_data: Sequence[str] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": "dataset", "name": self.name}
        if self.url:
            entry["contents"] = {"url": self.url}
        if self.classification:
            entry["classification"] = self.classification
        if self.sensitive_data:
            entry["sensitiveData"] = list(self.sensitive_data)
        return entry


@dataclass(frozen=True, slots=True)
class MlFields:
    """The extra fields of the components, by bom-ref."""

    model_cards: Mapping[str, ModelCard] = field(default_factory=dict)
    data: Mapping[str, DatasetDescription] = field(default_factory=dict)


def add_to_json(document: dict[str, Any], fields: MlFields) -> None:
    """Put the fields on the components of a BOM parsed from the library's JSON output."""
    for component in document.get("components", []):
        ref = component.get("bom-ref")
        card = fields.model_cards.get(ref)
        if card is not None and not card.is_empty():
            component["modelCard"] = card.as_json()
        description = fields.data.get(ref)
        if description is not None:
            component["data"] = [description.as_json()]


def add_to_xml(text: str, fields: MlFields) -> str:
    """The library's XML output with the fields inserted where the XSD sequence wants them."""
    ET.register_namespace("", CYCLONEDX_XML_NAMESPACE)
    # Parses the library's own serialisation of this BOM, never scanned input.
    root = ET.fromstring(text)  # noqa: S314
    components = root.find(_q("components"))
    for component in [] if components is None else components.findall(_q("component")):
        ref = component.get("bom-ref", "")
        card = fields.model_cards.get(ref)
        if card is not None and not card.is_empty():
            _insert(component, _model_card_element(card))
        description = fields.data.get(ref)
        if description is not None:
            _insert(component, _data_element(description))
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _q(tag: str) -> str:
    return f"{{{CYCLONEDX_XML_NAMESPACE}}}{tag}"


def _insert(component: ET.Element, element: ET.Element) -> None:
    later = {_q(tag) for tag in _AFTER_DATA}
    children = list(component)
    position = next((i for i, child in enumerate(children) if child.tag in later), len(children))
    component.insert(position, element)


def _child(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, _q(tag))
    if text is not None:
        element.text = text
    return element


def _model_card_element(card: ModelCard) -> ET.Element:
    element = ET.Element(_q("modelCard"))
    if card.architecture_family or card.architecture or card.dataset_refs:
        parameters = _child(element, "modelParameters")
        if card.architecture_family:
            _child(parameters, "architectureFamily", card.architecture_family)
        if card.architecture:
            _child(parameters, "modelArchitecture", card.architecture)
        if card.dataset_refs:
            datasets = _child(parameters, "datasets")
            for ref in card.dataset_refs:
                _child(datasets, "ref", ref)
    if card.limitations:
        limitations = _child(_child(element, "considerations"), "technicalLimitations")
        for limitation in card.limitations:
            _child(limitations, "technicalLimitation", limitation)
    return element


def _data_element(description: DatasetDescription) -> ET.Element:
    element = ET.Element(_q("data"))
    _child(element, "type", "dataset")
    _child(element, "name", description.name)
    if description.url:
        _child(_child(element, "contents"), "url", description.url)
    if description.classification:
        _child(element, "classification", description.classification)
    for name in description.sensitive_data:
        _child(element, "sensitiveData", name)
    return element
