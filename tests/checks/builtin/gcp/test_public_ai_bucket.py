from __future__ import annotations

import pytest

from stackward.checks.builtin.gcp.public_ai_bucket import PublicAiBucketCheck
from stackward.model import AssetKind
from tests.checks.builtin.gcp.conftest import tf_asset
from tests.conftest import findings_of, graph_of

VIEWER = "roles/storage.objectViewer"


@pytest.mark.parametrize(
    ("sensitive", "prevention", "members", "expected"),
    [
        (True, "inherited", ["allUsers"], ["allUsers"]),
        (
            True,
            "inherited",
            ["allAuthenticatedUsers", "allUsers"],
            ["allAuthenticatedUsers", "allUsers"],
        ),
        (True, "enforced", ["allUsers"], []),
        (True, "inherited", ["serviceAccount:train@p.iam.gserviceaccount.com"], []),
        (False, "inherited", ["allUsers"], []),
    ],
)
def test_public_members(
    sensitive: bool, prevention: str, members: list[str], expected: list[str]
) -> None:
    bucket = tf_asset(
        "google_storage_bucket",
        AssetKind.OBJECT_BUCKET,
        sensitive=sensitive,
        public_access_prevention=prevention,
        iam_members=[{"role": VIEWER, "member": m} for m in members],
    )
    findings = findings_of(PublicAiBucketCheck, graph_of([bucket]))
    assert [f.title.rsplit(": ", 1)[-1] for f in findings] == expected
    assert all(f.rule_id == "SW-GCP-002" for f in findings)
