"""Training lineage: which data trained which model, and which endpoint serves it.

Readers for SageMaker describe output and MLflow file stores feed the ``training``
collector; both emit the shared lineage edges (READS, WRITES, TRAINED_ON, LOADS_MODEL,
SERVES) so classification can be carried from data to the endpoints built on it.
"""

from __future__ import annotations

from stackward.lineage.training.builder import TrainingLineage
from stackward.lineage.training.collector import TrainingCollector, read_training_paths
from stackward.lineage.training.mlflow_store import is_mlflow_store, read_mlflow_store
from stackward.lineage.training.sagemaker import SageMakerDocuments, build_sagemaker

__all__ = [
    "SageMakerDocuments",
    "TrainingCollector",
    "TrainingLineage",
    "build_sagemaker",
    "is_mlflow_store",
    "read_mlflow_store",
    "read_training_paths",
]
