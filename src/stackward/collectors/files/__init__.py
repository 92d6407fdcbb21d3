"""The files collector: inventories every walked file in the layer it belongs to."""

from __future__ import annotations

from stackward.collectors.files.collector import FilesCollector, file_asset_id

__all__ = ["FilesCollector", "file_asset_id"]
