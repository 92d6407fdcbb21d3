"""The inventory graph: assets as nodes, relations as edges, and queries over them."""

from __future__ import annotations

from stackward.graph.attack_paths import AttackPath, find_attack_paths
from stackward.graph.inventory import InventoryGraph

__all__ = ["AttackPath", "InventoryGraph", "find_attack_paths"]
