"""Checks on unsafe patterns the code analysis recorded on source files and notebooks."""
