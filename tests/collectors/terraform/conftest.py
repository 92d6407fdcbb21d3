from __future__ import annotations

from pathlib import Path

from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.sniff import FileKind
from stackward.collectors.terraform import TerraformCollector
from stackward.collectors.walk import FileEntry, walk_tree
from stackward.config import ScanConfig
from stackward.config.schema import Sources

FIXTURES = Path(__file__).parent / "fixtures"


def collect_path(path: Path, max_parse_mb: float = 64.0) -> CollectResult:
    """Walk ``path`` as a scan would and run the Terraform collector over it."""
    walked = walk_tree(path)
    config = ScanConfig(sources=Sources(paths=[path], max_parse_mb=max_parse_mb))
    return TerraformCollector().collect(CollectContext(config=config, files=walked.files))


def collect_as_plan(path: Path) -> CollectResult:
    """Hand ``path`` to the collector as a plan, whatever its content."""
    entry = FileEntry(
        path=path, rel=f"t/{path.name}", size=path.stat().st_size, kind=FileKind.TERRAFORM_PLAN
    )
    return TerraformCollector().collect(CollectContext(config=ScanConfig(), files=[entry]))
