"""Posture checks for Azure AI resources read from Terraform plans and state."""
