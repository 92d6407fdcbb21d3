"""Model artifacts in S3-compatible object stores (AWS S3, MinIO, SeaweedFS, Ceph...)."""

from stackward.collectors.objectstore.collector import ObjectStoreCollector

__all__ = ["ObjectStoreCollector"]
