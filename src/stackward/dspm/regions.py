"""Where data lives: cloud region names, the jurisdictions they fall under, S3 bucket regions.

Collectors write what a provider reports (``eu-west-1``, ``europe-west4``, ``West Europe``);
residency policies compare regions by name and by jurisdiction, so names are normalised to
the provider's lower-case API form first. The jurisdiction table (``data/regions.yaml``)
maps each region to the country its data centres are in; groups such as ``EU`` and ``EEA``
are sets of countries. A region is never guessed: what is not reported stays ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from stackward.artifacts.s3 import make_client
from stackward.config.schema import DataSource

_DATA = "stackward.dspm.data"
REGIONS_FILE = "regions.yaml"
PROVIDERS = ("aws", "gcp", "azure")

_SPACES = re.compile(r"[\s_]+")
_VALID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_AWS_ZONE = re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$")
_GCP_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")

AWS_DEFAULT_BUCKET_REGION = "us-east-1"
"""What an empty ``LocationConstraint`` means on AWS: the bucket is in US East (N. Virginia)."""
_LEGACY_LOCATIONS = {"eu": "eu-west-1"}
"""``GetBucketLocation`` answers ``EU`` for buckets made with the old name of Ireland."""


class RegionLookupError(Exception):
    """A bucket's region could not be read; the message names the bucket and the cause."""


@dataclass(frozen=True, slots=True)
class RegionTable:
    """Regions per provider with their country, and jurisdiction groups of countries."""

    countries: dict[str, str]
    """Region name -> ISO 3166-1 alpha-2 country code, or a group for multi-country regions."""
    providers: dict[str, str]
    """Region name -> ``aws`` / ``gcp`` / ``azure``."""
    groups: dict[str, frozenset[str]]
    """Jurisdiction (``EU``, ``EEA``, ``UK``) -> the countries it spans."""

    def jurisdictions(self) -> frozenset[str]:
        """Every name a policy may use: groups and the countries regions are in."""
        return frozenset(self.groups) | frozenset(self.countries.values())


@cache
def region_table() -> RegionTable:
    """The vendored table, read once."""
    text = resources.files(_DATA).joinpath(REGIONS_FILE).read_text(encoding="utf-8")
    return table_from_yaml(yaml.safe_load(text))


def table_from_yaml(raw: Any) -> RegionTable:
    """Build the table; raises ``ValueError`` on a malformed file (a packaging bug)."""
    if not isinstance(raw, dict):
        raise ValueError(f"{REGIONS_FILE}: not a mapping")
    countries: dict[str, str] = {}
    providers: dict[str, str] = {}
    for provider in PROVIDERS:
        regions = raw.get(provider)
        if not isinstance(regions, dict):
            raise ValueError(f"{REGIONS_FILE}: {provider} is not a mapping of regions")
        for region, country in regions.items():
            if not (isinstance(country, str) and re.fullmatch(r"[A-Z]{2}", country)):
                raise ValueError(f"{REGIONS_FILE}: {provider} {region}: bad country {country!r}")
            if str(region) in providers:
                raise ValueError(f"{REGIONS_FILE}: region {region} listed twice")
            countries[str(region)] = country
            providers[str(region)] = provider
    groups_raw = raw.get("groups")
    if not isinstance(groups_raw, dict):
        raise ValueError(f"{REGIONS_FILE}: groups is not a mapping")
    groups = {str(name): frozenset(str(c) for c in members) for name, members in groups_raw.items()}
    return RegionTable(countries, providers, groups)


def normalise_region(name: object) -> str | None:
    """The provider's API name for ``name``, or ``None`` when it is not a region name.

    Lower-cased; Azure display names lose their spaces (``West Europe`` -> ``westeurope``); an
    AWS availability zone or a GCP zone becomes its region when that region is known
    (``eu-west-1a`` -> ``eu-west-1``, ``europe-west4-a`` -> ``europe-west4``).
    """
    if not isinstance(name, str):
        return None
    return _normalise(name)


@lru_cache(maxsize=4096)
def _normalise(name: str) -> str | None:
    region = _SPACES.sub("", name.strip().lower())
    if not _VALID.match(region):
        return None
    known = region_table().countries
    if region in known:
        return region
    for zone in (_AWS_ZONE, _GCP_ZONE):
        found = zone.match(region)
        if found and found.group(1) in known:
            return found.group(1)
    return region


def provider_of(region: str) -> str | None:
    """``aws``, ``gcp`` or ``azure`` for a region in the table, else ``None``."""
    return region_table().providers.get(region)


def jurisdictions_of(region: str) -> frozenset[str]:
    """Where ``region`` is and every group wholly containing that; empty when not in the table.

    ``eu-west-1`` -> ``{IE, EU, EEA}``; the GCP multi-region ``eu`` -> ``{EU, EEA}``.
    """
    table = region_table()
    code = table.countries.get(region)
    if code is None:
        return frozenset()
    members = table.groups.get(code, frozenset({code}))
    return frozenset({code}) | {name for name, group in table.groups.items() if members <= group}


def region_from_location(location: object, *, aws: bool) -> str | None:
    """A region from a ``GetBucketLocation`` answer.

    On AWS an empty answer means ``us-east-1`` and ``EU`` means ``eu-west-1``. Another
    S3-compatible service answering nothing says nothing about where it runs: ``None``.
    """
    if location is None or location == "":
        return AWS_DEFAULT_BUCKET_REGION if aws else None
    if not isinstance(location, str):
        return None
    lowered = location.strip().lower()
    if aws and lowered in _LEGACY_LOCATIONS:
        return _LEGACY_LOCATIONS[lowered]
    return normalise_region(lowered)


def is_aws_endpoint(endpoint_url: str | None) -> bool:
    """No endpoint (the SDK's default) or an ``amazonaws.com`` host is AWS itself."""
    if endpoint_url is None:
        return True
    host = re.sub(r"^[a-z]+://", "", endpoint_url.strip().lower()).split("/", 1)[0]
    host = host.rsplit(":", 1)[0] if ":" in host else host
    return host == "amazonaws.com" or host.endswith((".amazonaws.com", ".amazonaws.com.cn"))


def bucket_region(client: Any, bucket: str, endpoint_url: str | None) -> str | None:
    """Ask the store where ``bucket`` is (``GetBucketLocation``, read-only).

    Returns ``None`` when the service answers without a location it stands behind; raises
    :class:`RegionLookupError` when the call fails (no permission, no such bucket).
    """
    try:
        answer = client.get_bucket_location(Bucket=bucket)
    except Exception as exc:  # botocore raises many types; all mean "not known"
        raise RegionLookupError(
            f"s3://{bucket}: cannot read the bucket location: {type(exc).__name__}: {exc}"[:300]
        ) from None
    location = answer.get("LocationConstraint") if isinstance(answer, dict) else None
    return region_from_location(location, aws=is_aws_endpoint(endpoint_url))


def source_region(source: DataSource, target: str, client: Any = None) -> tuple[str | None, str]:
    """The region of a data source, and what went wrong when it could not be read.

    A configured ``region`` wins. An S3 source without one asks the store for its bucket's
    location (``client`` is a boto3 S3 client, made from the source when not given); a store
    that answers without a location leaves it unknown, which is no error. Other sources have
    a region only when configured.
    """
    if source.region is not None:
        configured = normalise_region(source.region)
        return configured, "" if configured else f"region {source.region!r} is not a region name"
    if source.uri is None:
        return None, ""
    bucket = target.removeprefix("s3://").split("/", 1)[0]
    try:
        if client is None:
            client = make_client(source.endpoint_url, None, None)
        return bucket_region(client, bucket, source.endpoint_url), ""
    except RegionLookupError as exc:
        return None, str(exc)
    except Exception as exc:  # a client that cannot be built (bad profile, no SDK)
        return None, f"s3://{bucket}: cannot make an S3 client: {type(exc).__name__}: {exc}"[:300]


REGION_LABELS = ("stackward.io/region", "topology.kubernetes.io/region")
"""Label or annotation keys naming a region, the explicit one first: on a Kubernetes namespace
they place every object in it; the well-known topology label also places one object."""


def region_from_labels(*mappings: Mapping[str, str]) -> str | None:
    """The first region named under :data:`REGION_LABELS` in the mappings, in order."""
    for key in REGION_LABELS:
        for mapping in mappings:
            region = normalise_region(mapping.get(key))
            if region is not None:
                return region
    return None
