from __future__ import annotations

from tests.checks.builtin.aws.conftest import tf_asset

__all__ = ["tf_asset"]
