"""Posture checks for Google Cloud AI resources read from Terraform plans and state."""
