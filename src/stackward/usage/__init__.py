"""How sensitive data is used: access logs read into events and matched to the inventory.

Parsers (PostgreSQL stderr/csvlog/jsonlog and pgaudit, S3 server access logs, CloudTrail
data events, Kubernetes audit logs) stream :class:`AccessEvent` values; :class:`UsagePass`
aggregates them per principal and asset and records ``usage`` and ``usage_window`` on the
assets the checks read.
"""

from __future__ import annotations

from stackward.usage.correlate import UsagePass
from stackward.usage.events import AccessEvent, LogReport

__all__ = ["AccessEvent", "LogReport", "UsagePass"]
