"""Checks on classified data stores and datasets."""
