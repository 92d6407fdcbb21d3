"""Posture checks: small, typed units found by a registry, run by the engine."""

from __future__ import annotations

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.engine import CheckRun, run_checks
from stackward.checks.registry import load_checks

__all__ = ["Check", "CheckMeta", "CheckRun", "Violation", "load_checks", "run_checks"]
