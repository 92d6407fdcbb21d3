"""The ML-BOM of a hand-built graph holding every asset kind: placement, model cards,
data classes, services, libraries, dependencies, serial numbers, schema validity."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator

from stackward.frameworks import atlas
from stackward.model import (
    Asset,
    AssetKind,
    Evidence,
    Finding,
    Layer,
    Relation,
    RelationKind,
    Severity,
)
from stackward.report.bom import (
    BomFormat,
    CycloneDxReporter,
    build_bom,
    deterministic_serial,
    render_bom,
)
from stackward.report.interface import Reporter
from stackward.scan.result import ScanResult
from tests.conftest import graph_of

SCOPE = "/srv/scan/ml-platform"
STARTED = dt.datetime(2026, 11, 25, 21, 0, 0, tzinfo=dt.UTC)
SHA = "a" * 64
NS = "{http://cyclonedx.org/schema/bom/1.6}"

MODEL = "file:stack/models/churn.safetensors"
BARE_MODEL = "file:stack/models/bare.onnx"
DATASET = "data:/srv/data::customers.csv"
FEATURES = "lineage:dataset/s3://bucket/features"
JOB = "lineage:job/etl/features"
TRAINING = "sagemaker:eu-west-1/training-job/churn"
ENDPOINT = "tf:aws_sagemaker_endpoint.churn"
GATEWAY = "k8s:deployment/ml/gateway"
LLM = "k8s:deployment/ml/vllm"
CODE = "file:stack/code/train.py"
ROLE = "tf:aws_iam_role.trainer"

SPECIAL: dict[str, dict[str, Any]] = {
    MODEL: {
        "kind": AssetKind.MODEL_ARTIFACT,
        "properties": {
            "artifact_format": "safetensors",
            "sha256": SHA,
            "signature": {"status": "verified", "path": "stack/models/model.sig"},
            "architecture": "LlamaForCausalLM",
            "model_type": "llama",
            "version": "3",
        },
    },
    BARE_MODEL: {"kind": AssetKind.MODEL_ARTIFACT, "properties": {"sha256": "not-a-digest"}},
    DATASET: {
        "kind": AssetKind.DATASET,
        "name": "customers.csv",
        "properties": {
            "dataset_key": "file:///srv/data/customers.csv",
            "data_classes": {
                "pii.email": {"count": 3, "confidence": 0.9, "fields": ["contact_email"]},
                "secret.api_key": {"count": 1, "confidence": 0.8, "fields": ["token"]},
            },
        },
    },
    FEATURES: {
        "kind": AssetKind.DATASET,
        "properties": {
            "dataset_key": "postgresql://reader:hunter2@db.internal:5432/ml/public.features?sslmode=require",
            "derived_classes": {"pii.email": [DATASET]},
        },
    },
    JOB: {"kind": AssetKind.DATA_JOB, "properties": {"job_type": "airflow"}},
    TRAINING: {"kind": AssetKind.TRAINING_JOB, "properties": {}},
    ENDPOINT: {
        "kind": AssetKind.MODEL_ENDPOINT,
        "properties": {"url": "https://runtime.example.internal/endpoints/churn/invocations"},
        "internet_exposed": True,
    },
    GATEWAY: {
        "kind": AssetKind.AI_SERVICE,
        "properties": {
            "endpoints": ["https://admin:s3cr3t-pw@gw.example.com:8443/v1?api_key=abc123#frag"],
            "auth": {"state": "enabled", "evidence": "--api-key", "required": True},
        },
    },
    LLM: {
        "kind": AssetKind.LLM_SERVICE,
        "properties": {
            "auth": {"state": "default-off", "evidence": "", "required": False},
            "ai_component_name": "vLLM",
        },
        "internet_exposed": True,
    },
    CODE: {
        "kind": AssetKind.SOURCE_FILE,
        "properties": {
            "path": "stack/code/train.py",
            "imports": ["os", "json", "sklearn", "torch", "torch.nn", "../../etc", 7],
            "packages": {"scikit-learn": "1.5.2"},
        },
    },
    ROLE: {"kind": AssetKind.IAM_ROLE, "properties": {}},
}


def _asset(asset_id: str, kind: AssetKind, **overrides: Any) -> Asset:
    return Asset(
        id=asset_id,
        kind=kind,
        layer=Layer.CORE_AI,
        name=overrides.pop("name", asset_id.rsplit("/", 1)[-1]),
        source="test",
        **overrides,
    )


def every_kind_assets() -> list[Asset]:
    assets = [_asset(asset_id, **spec) for asset_id, spec in SPECIAL.items()]
    covered = {spec["kind"] for spec in SPECIAL.values()}
    assets += [_asset(f"plain:{kind.value}", kind) for kind in AssetKind if kind not in covered]
    return assets


RELATIONS = [
    Relation(MODEL, DATASET, RelationKind.TRAINED_ON, {"run": "r1"}),
    Relation(MODEL, FEATURES, RelationKind.TRAINED_ON, {"run": "r1"}),
    Relation(MODEL, ROLE, RelationKind.TRAINED_ON),
    Relation(ENDPOINT, MODEL, RelationKind.SERVES),
    Relation(LLM, BARE_MODEL, RelationKind.LOADS_MODEL),
    Relation(GATEWAY, LLM, RelationKind.ROUTES_TO),
    Relation(JOB, DATASET, RelationKind.READS),
    Relation(JOB, FEATURES, RelationKind.WRITES),
    Relation(FEATURES, DATASET, RelationKind.DERIVED_FROM, {"job": JOB}),
    Relation(TRAINING, FEATURES, RelationKind.READS),
    Relation(TRAINING, MODEL, RelationKind.WRITES),
    Relation(ROLE, DATASET, RelationKind.CAN_ACCESS, {"access": ["read"]}),
    Relation(LLM, ROLE, RelationKind.RUNS_AS),
    Relation(MODEL, MODEL, RelationKind.LOADS_MODEL),
]


def _finding(asset_id: str, rule: str, severity: Severity) -> Finding:
    return Finding(
        rule_id=rule,
        asset_id=asset_id,
        layer=Layer.CORE_AI,
        severity=severity,
        title="Served model has no verified signature",
        evidence=Evidence(location=asset_id, snippet="OPENAI_API_KEY=sk-…"),
        remediation="Sign it.",
        refs=(atlas("AML.T0010"),),
    )


def every_kind_result(scope: str = SCOPE) -> ScanResult:
    return ScanResult(
        scope=scope,
        started_at=STARTED,
        finished_at=STARTED,
        graph=graph_of(every_kind_assets(), RELATIONS),
        findings=[_finding(BARE_MODEL, "SW-MODEL-012", Severity.MEDIUM)],
        attack_paths=[],
        skipped=[],
    )


def bom_json(result: ScanResult | None = None) -> dict[str, Any]:
    """The JSON BOM of ``result``, or of the every-kind scan (rendered once, read-only)."""
    if result is None:
        return json.loads(_every_kind_bom_text())  # type: ignore[no-any-return]
    loaded: dict[str, Any] = json.loads(render_bom(result, deterministic=True))
    return loaded


@cache
def _every_kind_bom_text() -> str:
    return render_bom(every_kind_result(), deterministic=True)


def by_ref(document: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    found = {c["bom-ref"]: ("component", c) for c in document.get("components", [])}
    found |= {s["bom-ref"]: ("service", s) for s in document.get("services", [])}
    return found


def props(element: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in element.get("properties", [])}


@pytest.mark.parametrize(
    ("fmt", "validator"),
    [
        (BomFormat.JSON, JsonStrictValidator(SchemaVersion.V1_6)),
        (BomFormat.XML, XmlValidator(SchemaVersion.V1_6)),
    ],
    ids=["json", "xml"],
)
def test_every_kind_bom_validates_against_cyclonedx_1_6(
    fmt: BomFormat, validator: JsonStrictValidator | XmlValidator
) -> None:
    text = render_bom(every_kind_result(), fmt, deterministic=True)
    assert validator.validate_str(text) is None
    assert "machine-learning-model" in text
    assert "modelCard" in text


def _placement(asset_id: str) -> tuple[str, str | None] | None:
    entry = by_ref(bom_json()).get(asset_id)
    if entry is None:
        return None
    section, element = entry
    return section, element.get("type")


PLACEMENT = {
    AssetKind.MODEL_ARTIFACT: ("component", "machine-learning-model"),
    AssetKind.DATASET: ("component", "data"),
    AssetKind.TRAINING_JOB: ("component", "application"),
    AssetKind.DATA_JOB: ("component", "application"),
    AssetKind.SOURCE_FILE: ("component", "file"),
    AssetKind.AI_SERVICE: ("service", None),
    AssetKind.LLM_SERVICE: ("service", None),
    AssetKind.MODEL_ENDPOINT: ("service", None),
    AssetKind.VECTOR_STORE: ("service", None),
    AssetKind.MODEL_REGISTRY: ("service", None),
    AssetKind.NOTEBOOK_INSTANCE: ("service", None),
}


@pytest.mark.parametrize("kind", list(AssetKind), ids=[k.value for k in AssetKind])
def test_each_asset_kind_lands_in_its_place_or_stays_out(kind: AssetKind) -> None:
    assets = [a for a in every_kind_assets() if a.kind is kind]
    placements = {_placement(a.id) for a in assets}
    assert placements == {PLACEMENT.get(kind)}


def test_notebook_without_imports_is_left_out_and_with_imports_is_a_file() -> None:
    result = every_kind_result()
    result.graph.add_asset(
        _asset("file:nb.ipynb", AssetKind.NOTEBOOK, properties={"imports": ["pandas"]})
    )
    refs = by_ref(bom_json(result))
    assert refs["file:nb.ipynb"][1]["type"] == "file"
    assert "plain:ai.notebook" not in refs


DEPENDENCIES = [
    pytest.param(MODEL, DATASET, True, id="model-trained-on-dataset"),
    pytest.param(MODEL, FEATURES, True, id="model-trained-on-lineage-dataset"),
    pytest.param(ENDPOINT, MODEL, True, id="endpoint-serves-model"),
    pytest.param(LLM, BARE_MODEL, True, id="service-loads-model"),
    pytest.param(GATEWAY, LLM, True, id="gateway-routes-to-service"),
    pytest.param(JOB, DATASET, True, id="job-reads-dataset"),
    pytest.param(FEATURES, JOB, True, id="written-dataset-on-its-job"),
    pytest.param(MODEL, TRAINING, True, id="model-on-its-training-run"),
    pytest.param(FEATURES, DATASET, True, id="derived-dataset-on-source"),
    pytest.param(CODE, "pkg:pypi/scikit-learn@1.5.2", True, id="code-on-library"),
    pytest.param(JOB, FEATURES, False, id="no-job-on-its-output"),
    pytest.param(MODEL, MODEL, False, id="no-self-loop"),
    pytest.param(MODEL, ROLE, False, id="no-edge-to-assets-outside-the-bom"),
    pytest.param(DATASET, MODEL, False, id="no-reverse-of-trained-on"),
    pytest.param(LLM, ROLE, False, id="runs-as-is-not-a-dependency"),
]


@pytest.mark.parametrize(("dependent", "dependency", "expected"), DEPENDENCIES)
def test_relations_become_depends_on(dependent: str, dependency: str, expected: bool) -> None:
    depends = {d["ref"]: set(d.get("dependsOn", [])) for d in bom_json()["dependencies"]}
    assert (dependency in depends.get(dependent, set())) is expected


def test_scanned_stack_depends_on_what_nothing_else_depends_on() -> None:
    document = bom_json()
    root = document["metadata"]["component"]
    assert root["bom-ref"] == "stackward:scope"
    assert root["name"] == "ml-platform"
    depends = {d["ref"]: set(d.get("dependsOn", [])) for d in document["dependencies"]}
    assert {ENDPOINT, GATEWAY, CODE} <= depends["stackward:scope"]
    assert MODEL not in depends["stackward:scope"]
    tool = document["metadata"]["tools"]["components"][0]
    assert (tool["name"], tool["type"]) == ("stackward", "application")


def test_model_card_holds_training_datasets_architecture_and_provenance() -> None:
    refs = by_ref(bom_json())
    model = refs[MODEL][1]
    card = model["modelCard"]["modelParameters"]
    assert card["datasets"] == [{"ref": DATASET}, {"ref": FEATURES}]
    assert (card["architectureFamily"], card["modelArchitecture"]) == ("llama", "LlamaForCausalLM")
    assert model["hashes"] == [{"alg": "SHA-256", "content": SHA}]
    assert model["version"] == "3"
    assert props(model)["stackward:signature_status"] == "verified"
    assert props(model)["stackward:signature_verified"] == "true"


def test_model_without_facts_has_no_hash_and_findings_as_considerations() -> None:
    bare = by_ref(bom_json())[BARE_MODEL][1]
    assert "hashes" not in bare
    assert "modelParameters" not in bare["modelCard"]
    assert bare["modelCard"]["considerations"]["technicalLimitations"] == [
        "SW-MODEL-012 (medium): Served model has no verified signature"
    ]
    assert props(bare)["stackward:signature_verified"] == "false"


def test_dataset_names_its_classes_never_fields_or_values() -> None:
    refs = by_ref(bom_json())
    dataset = refs[DATASET][1]
    assert dataset["data"] == [
        {
            "type": "dataset",
            "name": "customers.csv",
            "contents": {"url": "file:///srv/data/customers.csv"},
            "classification": "pii, secret",
            "sensitiveData": ["pii.email", "secret.api_key"],
        }
    ]
    text = json.dumps(dataset)
    assert "contact_email" not in text
    assert props(dataset)["stackward:dataset_key"] == "file:///srv/data/customers.csv"


def test_derived_dataset_key_loses_credentials_and_query() -> None:
    features = by_ref(bom_json())[FEATURES][1]
    key = "postgresql://db.internal:5432/ml/public.features"
    assert features["data"][0]["contents"]["url"] == key
    assert features["data"][0]["sensitiveData"] == ["pii.email"]
    assert "hunter2" not in json.dumps(features)


SERVICES = [
    pytest.param(
        GATEWAY,
        {"authenticated": True, "x-trust-boundary": False},
        ["https://gw.example.com:8443/v1"],
        id="gateway-authenticated-internal-credentials-stripped",
    ),
    pytest.param(
        LLM,
        {"authenticated": False, "x-trust-boundary": True},
        [],
        id="llm-unauthenticated-exposed",
    ),
    pytest.param(
        ENDPOINT,
        {"x-trust-boundary": True},
        ["https://runtime.example.internal/endpoints/churn/invocations"],
        id="endpoint-auth-unknown",
    ),
]


@pytest.mark.parametrize(("asset_id", "flags", "endpoints"), SERVICES)
def test_service_flags_and_endpoints(
    asset_id: str, flags: dict[str, bool], endpoints: list[str]
) -> None:
    service = by_ref(bom_json())[asset_id][1]
    assert {k: service[k] for k in ("authenticated", "x-trust-boundary") if k in service} == flags
    assert service.get("endpoints", []) == endpoints
    assert "s3cr3t" not in json.dumps(service)
    assert "abc123" not in json.dumps(service)


LIBRARIES = [
    pytest.param("pkg:pypi/scikit-learn@1.5.2", "sklearn", id="renamed-module-with-version"),
    pytest.param("pkg:pypi/torch", "torch", id="same-name-no-version"),
]


@pytest.mark.parametrize(("purl", "module"), LIBRARIES)
def test_imports_become_pypi_libraries(purl: str, module: str) -> None:
    library = by_ref(bom_json())[purl][1]
    assert (library["type"], library["purl"]) == ("library", purl)
    assert props(library)["stackward:import_name"] == module


@pytest.mark.parametrize("module", ["os", "json", "..", "etc", "7"], ids=str)
def test_standard_library_and_junk_imports_are_not_libraries(module: str) -> None:
    purls = {c.get("purl") for c in bom_json()["components"]}
    assert f"pkg:pypi/{module}" not in purls


def test_deterministic_serial_is_a_uuid5_of_the_scope() -> None:
    first, second = bom_json(every_kind_result()), bom_json(every_kind_result())
    assert first["serialNumber"] == second["serialNumber"]
    assert first["serialNumber"] == f"urn:uuid:{deterministic_serial(SCOPE)}"
    other = bom_json(every_kind_result("/srv/scan/other"))
    assert other["serialNumber"] != first["serialNumber"]


def test_random_serial_without_deterministic() -> None:
    result = every_kind_result()
    serials = {build_bom(result).bom.serial_number for _ in range(2)}
    assert len(serials) == 2


def test_xml_carries_the_same_refs_and_model_card_as_json() -> None:
    result = every_kind_result()
    root = ET.fromstring(render_bom(result, BomFormat.XML, deterministic=True))  # noqa: S314
    xml_refs = {c.get("bom-ref") for c in root.iter(f"{NS}component")}
    xml_refs |= {s.get("bom-ref") for s in root.iter(f"{NS}service")}
    json_refs = set(by_ref(bom_json(result))) | {"stackward:scope", "stackward:tool"}
    assert xml_refs == json_refs
    card_refs = [
        r.text
        for c in root.iter(f"{NS}component")
        if c.get("bom-ref") == MODEL
        for r in c.iter(f"{NS}ref")
    ]
    assert card_refs == [DATASET, FEATURES]


@pytest.mark.parametrize("fmt", list(BomFormat), ids=str)
def test_hostile_names_are_escaped_and_still_valid(fmt: BomFormat) -> None:
    result = every_kind_result()
    hostile = '<script>alert("x")</script> & ]]> \u202e'
    result.graph.add_asset(
        _asset("file:evil.pt", AssetKind.MODEL_ARTIFACT, name=hostile, properties={"sha256": SHA})
    )
    text = render_bom(result, fmt, deterministic=True)
    if fmt is BomFormat.XML:
        assert "<script>" not in text
        names = {c.findtext(f"{NS}name") for c in ET.fromstring(text).iter(f"{NS}component")}  # noqa: S314
    else:
        names = {c["name"] for c in json.loads(text)["components"]}
    assert hostile in names


def test_huge_import_list_is_bounded() -> None:
    result = every_kind_result()
    many = [f"package_{i}" for i in range(5000)]
    result.graph.add_asset(
        _asset("file:gen.py", AssetKind.SOURCE_FILE, properties={"imports": many})
    )
    libraries = [c for c in bom_json(result)["components"] if c["type"] == "library"]
    assert 500 <= len(libraries) <= 503


HOSTILE_URLS = [
    pytest.param("https://exa mple.com/a b", None, id="space-in-host"),
    pytest.param("http://[::1", None, id="unclosed-ipv6"),
    pytest.param("grpc://host:99999/x", None, id="port-out-of-range"),
    pytest.param("file:///tmp/a\x00b", None, id="nul-byte-not-http"),
    pytest.param("https://h/%zz", "https://h/%25zz", id="bad-percent-escape"),
    pytest.param("https://x/<script>", "https://x/%3Cscript%3E", id="markup-in-path"),
    pytest.param("https://[::1]:8080/x", None, id="ipv6-literal-dropped"),
    pytest.param("https://10.0.0.7:8080/v1", "https://10.0.0.7:8080/v1", id="ipv4-kept"),
    pytest.param("https://h/\u202e", "https://h/%E2%80%AE", id="bidi-override-encoded"),
]


@pytest.mark.parametrize(("url", "expected"), HOSTILE_URLS)
def test_hostile_urls_are_encoded_or_dropped_and_the_bom_stays_valid(
    url: str, expected: str | None
) -> None:
    result = every_kind_result()
    name = f"svc\x01{url}"
    result.graph.add_asset(
        _asset("svc:hostile\x02", AssetKind.AI_SERVICE, name=name, properties={"url": url})
    )
    result.graph.add_asset(_asset("ds:hostile", AssetKind.DATASET, properties={"dataset_key": url}))
    for fmt in BomFormat:
        render_bom(result, fmt, deterministic=True)
    service = by_ref(bom_json(result))["svc:hostile\ufffd"][1]
    assert service.get("endpoints", []) == ([expected] if expected else [])


def test_reporter_renders_valid_json_for_scan_outputs() -> None:
    reporter: Reporter = CycloneDxReporter()
    text = reporter.render(every_kind_result())
    assert (reporter.name, reporter.suffix) == ("cyclonedx", ".cdx.json")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    assert json.loads(text)["bomFormat"] == "CycloneDX"
