"""Copies a day of churn features from the training bucket to a local directory."""

from __future__ import annotations

import os
import sys


def export(day: str, target: str) -> int:
    return os.system(
        f"aws s3 cp --recursive s3://acme-ml-training-data/features/churn/{day}/ {target}"
    )


if __name__ == "__main__":
    sys.exit(export(sys.argv[1], sys.argv[2]))
