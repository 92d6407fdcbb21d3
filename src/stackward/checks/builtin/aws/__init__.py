"""Posture checks for AWS AI resources read from Terraform plans and state."""
