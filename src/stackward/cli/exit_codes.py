"""Exit codes of ``stackward scan``; documented in the README."""

from __future__ import annotations

OK = 0
FINDINGS_AT_OR_ABOVE_FAIL_ON = 1
USAGE_OR_CONFIG_ERROR = 2
PARTIAL_SCAN = 3
PARTIAL_SCAN_AND_FINDINGS = 4


def scan_exit_code(partial: bool, failing: bool) -> int:
    if partial and failing:
        return PARTIAL_SCAN_AND_FINDINGS
    if failing:
        return FINDINGS_AT_OR_ABOVE_FAIL_ON
    if partial:
        return PARTIAL_SCAN
    return OK
