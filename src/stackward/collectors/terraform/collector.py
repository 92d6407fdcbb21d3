"""Reads each Terraform plan or state file once and maps its resources to assets."""

from __future__ import annotations

import json
from collections.abc import Callable

from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.files.collector import file_asset_id
from stackward.collectors.sniff import FileKind, open_regular
from stackward.collectors.terraform import (
    aws_apigateway,
    aws_bedrock,
    aws_iam,
    aws_platform,
    aws_s3,
    aws_sagemaker,
    azure,
    data_access,
    gcp,
)
from stackward.collectors.terraform.build import Build, asset_id
from stackward.collectors.terraform.document import PlanShapeError, TfResource, read_document
from stackward.collectors.terraform.generic import generic_asset
from stackward.collectors.terraform.mapper import Finisher, Mapper, Merger, ProviderMappers
from stackward.collectors.walk import FileEntry
from stackward.model import Relation, RelationKind, Skipped

NAME = "terraform"
_PROVIDERS: tuple[ProviderMappers, ...] = (
    aws_s3.MAPPERS,
    aws_iam.MAPPERS,
    aws_platform.MAPPERS,
    aws_sagemaker.MAPPERS,
    aws_bedrock.MAPPERS,
    aws_apigateway.MAPPERS,
    gcp.MAPPERS,
    azure.MAPPERS,
    data_access.MAPPERS,  # last: reads what every other finisher derived
)
PRIMARY: dict[str, Mapper] = {k: v for p in _PROVIDERS for k, v in p.primary.items()}
AUXILIARY: dict[str, Merger] = {k: v for p in _PROVIDERS for k, v in p.auxiliary.items()}
FINISHERS: tuple[Finisher, ...] = tuple(f for p in _PROVIDERS for f in p.finishers)


class TerraformCollector:
    """Plans (``terraform show -json plan.out``) and state (``terraform show -json``)."""

    name = NAME

    def collect(self, ctx: CollectContext) -> CollectResult:
        result = CollectResult()
        limit = ctx.config.sources.max_parse_bytes
        for entry in ctx.files:
            if entry.kind is FileKind.TERRAFORM_PLAN:
                result.merge(collect_file(entry, limit))
        return result


def collect_file(entry: FileEntry, limit: int) -> CollectResult:
    """Assets and relations of one file; every problem becomes a Skipped naming it."""
    result = CollectResult()
    if entry.size > limit:
        result.skipped.append(
            _skip(entry.rel, f"{entry.size} bytes exceeds the parse limit of {limit} bytes")
        )
        return result
    try:
        with open_regular(entry.path) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:  # the file grew after the walk measured it
            result.skipped.append(_skip(entry.rel, f"exceeds the parse limit of {limit} bytes"))
            return result
        document = read_document(json.loads(data))
    except OSError as exc:
        result.skipped.append(_skip(entry.rel, f"cannot read file: {exc.strerror or exc}"))
        return result
    except (ValueError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, PlanShapeError) else f"not valid JSON: {exc}"
        result.skipped.append(_skip(entry.rel, reason[:300]))
        return result
    except (TypeError, AttributeError, KeyError) as exc:  # a shape no rule above foresaw
        result.skipped.append(
            _skip(entry.rel, f"unexpected structure: {type(exc).__name__}: {exc}")
        )
        return result
    result.skipped.extend(_skip(f"{entry.rel}#{where}", what) for where, what in document.problems)
    build = Build(document.resources, entry.rel)
    _map(build)
    file_id = file_asset_id(entry)
    result.assets.extend(build.assets())
    result.relations.extend(build.known_relations())
    result.relations.extend(Relation(a.id, file_id, RelationKind.DEFINED_IN) for a in result.assets)
    result.skipped.extend(_skip(f"{entry.rel}#{where}", what) for where, what in build.problems)
    return result


def _map(build: Build) -> None:
    managed = [r for r in build.resources if r.mode == "managed"]
    for res in managed:
        if res.type not in AUXILIARY:
            guarded_map(build, res, PRIMARY.get(res.type, generic_asset))
    for res in managed:
        merger = AUXILIARY.get(res.type)
        if merger is not None and not guarded_map(build, res, merger):
            guarded_map(build, res, generic_asset)
    for finisher in FINISHERS:
        try:
            finisher(build)
        except Exception as exc:  # one faulty derivation must not lose the plan
            build.problems.append(
                (finisher.__module__, f"derivation failed: {type(exc).__name__}: {exc}")
            )


def guarded_map(
    build: Build, res: TfResource, mapper: Callable[[TfResource, Build], object]
) -> bool:
    """Run one mapper; a resource with unexpected values is reported, not fatal."""
    try:
        return mapper(res, build) is not False
    except Exception as exc:
        build.problems.append(
            (
                res.address,
                f"unexpected values, kept as a generic resource: {type(exc).__name__}: {exc}",
            )
        )
    build.drafts.pop(asset_id(res.address), None)
    generic_asset(res, build)
    return True


def _skip(location: str, reason: str) -> Skipped:
    return Skipped(location, reason, NAME)
