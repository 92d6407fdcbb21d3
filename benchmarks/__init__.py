"""Reproducible benchmarks: scan time and memory at scale, and a comparison with checkov."""
