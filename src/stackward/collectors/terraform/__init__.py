"""Terraform collector: ``terraform show -json`` plans and state files.

A plan or state is parsed once into :class:`~.document.TfResource` records, indexed by
address, and turned into typed assets (AWS, Google Cloud and Azure AI resources first,
a generic ``cloud.resource`` for everything else) and the relations between them.
"""

from __future__ import annotations

from stackward.collectors.terraform.collector import TerraformCollector

__all__ = ["TerraformCollector"]
