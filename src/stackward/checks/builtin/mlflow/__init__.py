"""Checks on MLflow tracking servers, their runs and their registered models."""
