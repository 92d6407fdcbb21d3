"""Checks on Jupyter notebooks found in the inventory."""
