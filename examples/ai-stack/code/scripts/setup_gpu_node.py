"""Prepares a GPU build node: installs the inference runtime from the vendor's script."""

from __future__ import annotations

import subprocess


def install_runtime() -> None:
    subprocess.run(
        "curl -fsSL https://example.invalid/inference-runtime/install.sh | sh",
        shell=True,
        check=True,
    )


if __name__ == "__main__":
    install_runtime()
