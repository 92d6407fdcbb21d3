"""Checks on source code, configuration files and file datasets found in the inventory."""
