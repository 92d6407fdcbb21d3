"""Scanners for each model and container format."""
