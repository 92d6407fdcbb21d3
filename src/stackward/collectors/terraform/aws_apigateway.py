"""Amazon API Gateway: REST, HTTP and WebSocket APIs and the SageMaker endpoints they front.

An API is an internet entry point unless it is kept off the internet: a REST API whose
endpoint type is ``PRIVATE`` (reachable only through interface VPC endpoints), or any API
whose default ``execute-api`` endpoint is disabled and that no custom domain maps. EDGE (the
provider default) and REGIONAL REST APIs and every HTTP or WebSocket API are public.

Integrations whose URI is the SageMaker runtime action
(``arn:aws:apigateway:<region>:runtime.sagemaker:path/endpoints/<name>/invocations``) or a
SageMaker endpoint ARN become ``API ROUTES_TO endpoint`` edges, so checks that follow
exposure routes see a private endpoint published through the API. The endpoint names are
listed on the API (``routes_to_endpoints``) even when the endpoint is not in the plan; the
edge needs the endpoint in the plan. Methods and routes add their authorisation types.
OpenAPI bodies (``body``) are not read.
"""

from __future__ import annotations

import re

from stackward.collectors.terraform.build import Build, Draft, asset_id
from stackward.collectors.terraform.document import TfResource
from stackward.collectors.terraform.mapper import ProviderMappers
from stackward.model import AssetKind, Layer, RelationKind

REST_API = "aws_api_gateway_rest_api"
HTTP_API = "aws_apigatewayv2_api"
_ENDPOINT = "aws_sagemaker_endpoint"
PUBLIC_ENDPOINT_TYPES = frozenset({"EDGE", "REGIONAL"})
_RUNTIME_URI = re.compile(
    r"^arn:aws[a-z-]*:apigateway:(?P<region>[a-z0-9-]*):runtime\.sagemaker:"
    r"path/endpoints/(?P<name>[^/]{1,63})/invocations$"
)
_ENDPOINT_ARN = re.compile(
    r"^arn:aws[a-z-]*:sagemaker:(?P<region>[a-z0-9-]*):\d*:endpoint/(?P<name>[^/]{1,63})$"
)


def sagemaker_target(uri: object) -> tuple[str | None, str] | None:
    """``(region, endpoint name)`` named by an integration URI, or None for other targets."""
    if not isinstance(uri, str) or len(uri) > 512:
        return None
    match = _RUNTIME_URI.match(uri) or _ENDPOINT_ARN.match(uri)
    if match is None:
        return None
    return match.group("region") or None, match.group("name")


def _add_api(res: TfResource, build: Build, api_type: str, endpoint_types: list[str]) -> None:
    disabled = res.value("disable_execute_api_endpoint") is True
    public = bool(PUBLIC_ENDPOINT_TYPES.intersection(endpoint_types))
    build.add(
        res,
        AssetKind.CLOUD_RESOURCE,
        Layer.INFRASTRUCTURE,
        {
            "service": "apigateway",
            "api_type": api_type,
            "endpoint_types": endpoint_types,
            "public_endpoint_type": public,
            "disable_execute_api_endpoint": disabled,
            "custom_domain": False,
            "authorizations": [],
            "routes_to_endpoints": [],
        },
        exposed=public and not disabled,
    )


def _rest_api(res: TfResource, build: Build) -> None:
    types = res.strings("endpoint_configuration.types") or ["EDGE"]
    _add_api(res, build, "REST", sorted({t.upper() for t in types}))


def _http_api(res: TfResource, build: Build) -> None:
    protocol = str(res.value("protocol_type") or "HTTP").upper()
    _add_api(res, build, protocol, ["REGIONAL"])


def _api_of(res: TfResource, build: Build, attr: str) -> Draft | None:
    for api in build.targets(res, attr, REST_API, HTTP_API):
        draft = build.draft(api)
        if draft is not None:
            return draft
    return None


def _note(draft: Draft, key: str, value: str) -> None:
    draft.properties[key] = sorted({*draft.properties.get(key, []), value})


def _endpoints(res: TfResource, build: Build, attr: str) -> tuple[list[str], list[TfResource]]:
    """Endpoint names the integration calls and the plan's endpoints among them."""
    referenced = build.referenced(res, attr, _ENDPOINT)
    if referenced:
        names = [str(e.get("name") or e.name) for e in referenced]
        return names, referenced
    target = sagemaker_target(res.get(attr))
    if target is None:
        return [], []
    region, name = target
    found = [
        e
        for e in build.of_type(_ENDPOINT)
        if str(e.get("name", "")).lower() == name.lower()
        and (region is None or e.region is None or e.region == region)
    ]
    return [name], found


def _integration(res: TfResource, build: Build, api_attr: str, uri_attr: str) -> bool:
    api = _api_of(res, build, api_attr)
    if api is None:
        return False
    names, endpoints = _endpoints(res, build, uri_attr)
    for name in names:
        _note(api, "routes_to_endpoints", name)
    for endpoint in endpoints:
        build.relate(api.id, asset_id(endpoint.address), RelationKind.ROUTES_TO, via=res.address)
    return True


def _rest_integration(res: TfResource, build: Build) -> bool:
    return _integration(res, build, "rest_api_id", "uri")


def _http_integration(res: TfResource, build: Build) -> bool:
    return _integration(res, build, "api_id", "integration_uri")


def _authorization(res: TfResource, build: Build, api_attr: str, auth_attr: str) -> bool:
    api = _api_of(res, build, api_attr)
    if api is None:
        return False
    _note(api, "authorizations", str(res.value(auth_attr) or "NONE").upper())
    return True


def _rest_method(res: TfResource, build: Build) -> bool:
    return _authorization(res, build, "rest_api_id", "authorization")


def _http_route(res: TfResource, build: Build) -> bool:
    return _authorization(res, build, "api_id", "authorization_type")


def _domain_mapping(res: TfResource, build: Build) -> bool:
    """A custom domain serves the API even when its execute-api endpoint is disabled."""
    api = _api_of(res, build, "api_id")
    if api is None:
        return False
    api.properties["custom_domain"] = True
    api.internet_exposed = api.properties["public_endpoint_type"] is True
    return True


MAPPERS = ProviderMappers(
    primary={REST_API: _rest_api, HTTP_API: _http_api},
    auxiliary={
        "aws_api_gateway_integration": _rest_integration,
        "aws_apigatewayv2_integration": _http_integration,
        "aws_api_gateway_method": _rest_method,
        "aws_apigatewayv2_route": _http_route,
        "aws_api_gateway_base_path_mapping": _domain_mapping,
        "aws_apigatewayv2_api_mapping": _domain_mapping,
    },
)
