"""The Kubernetes collector: manifest files and live clusters, one transform for both."""

from __future__ import annotations

from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.parallel import load_manifest_files
from stackward.collectors.kubernetes.regions import placed
from stackward.collectors.kubernetes.transform import transform
from stackward.collectors.sniff import FileKind


class KubernetesCollector:
    """Inventories Kubernetes objects; never decides whether they are good or bad."""

    name = "kubernetes"

    def collect(self, ctx: CollectContext) -> CollectResult:
        result = CollectResult()
        objects: list[SourcedObject] = []
        entries = [e for e in ctx.files if e.kind is FileKind.K8S_MANIFEST]
        for loaded in load_manifest_files(entries, ctx.config.sources.max_parse_bytes):
            objects.extend(loaded.objects)
            result.skipped.extend(loaded.skipped)
        if objects:
            self._add(result, objects, cluster="")
        for source in ctx.config.sources.kubernetes_clusters:
            # Imported here: the client library is large and only live scans need it.
            from stackward.collectors.kubernetes.live import read_cluster

            read = read_cluster(source)
            result.skipped.extend(read.skipped)
            if read.objects:
                self._add(result, read.objects, cluster=read.name)
        return result

    @staticmethod
    def _add(result: CollectResult, objects: list[SourcedObject], cluster: str) -> None:
        inventory = transform(objects, cluster)
        result.assets.extend(placed(inventory.assets.values(), objects))
        result.relations.extend(inventory.relations)
        result.skipped.extend(inventory.skipped)
