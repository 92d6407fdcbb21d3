"""Built-in checks, one per module, grouped in sub-packages by domain.

Every :class:`~stackward.checks.base.Check` subclass defined anywhere under this package is
registered; adding a check means adding a file.
"""

from __future__ import annotations
