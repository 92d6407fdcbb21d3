"""MLflow tracking servers: experiments, runs, registered models and the server itself."""

from __future__ import annotations

from stackward.collectors.mlflow.collector import MlflowCollector

__all__ = ["MlflowCollector"]
