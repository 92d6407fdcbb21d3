"""Generates a synthetic AI stack (manifests, files, a Terraform plan) of a chosen size.

Everything is derived from one seeded random generator per scale, so the same seed and scale
always write byte-identical files.
"""

from __future__ import annotations

from benchmarks.stackgen.stack import StackSize, StackSummary, generate_stack, size_for_scale

__all__ = ["StackSize", "StackSummary", "generate_stack", "size_for_scale"]
