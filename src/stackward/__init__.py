"""stackward: security posture for an organisation's AI stack."""

from __future__ import annotations

__version__ = "0.1.0"
