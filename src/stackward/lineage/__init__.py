"""Lineage: where data came from and where it goes (OpenLineage events, dbt manifests)."""
