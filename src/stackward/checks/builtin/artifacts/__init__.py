"""Checks on model artifacts found in the inventory."""
