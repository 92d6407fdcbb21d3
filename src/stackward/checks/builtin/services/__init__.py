"""Checks over self-hosted AI services found by fingerprinting live endpoints."""
