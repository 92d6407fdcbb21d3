from __future__ import annotations

from pathlib import Path

import pytest

from stackward.checks.builtin.files.hardcoded_secret import HardcodedSecretCheck
from stackward.checks.builtin.notebooks.secret_in_code_cell import SecretInNotebookCodeCheck
from stackward.checks.builtin.notebooks.secret_in_saved_output import SecretInNotebookOutputCheck
from stackward.checks.engine import run_checks
from stackward.collectors.base import CollectContext
from stackward.collectors.files import FilesCollector
from stackward.collectors.walk import walk_tree
from stackward.config.schema import ScanConfig, Sources
from stackward.model import AssetKind
from tests.checks.builtin.files.assets import file_asset, secret
from tests.conftest import findings_of, graph_of

FIXTURES = Path(__file__).resolve().parents[3] / "collectors" / "files" / "fixtures"
PLANTED = [
    "sk-proj-4fGh7JkL9mNpQ2rStUvWxYz0aBcDeFgHiJkLmNoPq",
    "Sup3r-S3cret-Pw",
    "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "ghp_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8",
    "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9kLmNoPq",
    "pr0d-Db-P@ssw0rd-77",
    "xoxb-123456789012-abcdefghijklmnop",
]


@pytest.mark.parametrize(
    ("kind", "secrets", "count"),
    [
        (
            AssetKind.SOURCE_FILE,
            [secret("github_token", 7, "GITHUB = 'ghp_********(40 chars)'")],
            1,
        ),
        (
            AssetKind.CONFIG_FILE,
            [
                secret("openai_api_key", 4, "K=sk-p********(56 chars)"),
                secret("dotenv_secret", 5, "X=****"),
            ],
            2,
        ),
        (AssetKind.CONFIG_FILE, [], 0),
        (AssetKind.SOURCE_FILE, None, 0),
        (AssetKind.DOCUMENT_FILE, [secret("github_token", 1, "ghp_****")], 0),
    ],
)
def test_hardcoded_secret(kind: AssetKind, secrets: object, count: int) -> None:
    props = {} if secrets is None else {"secrets": secrets}
    asset = file_asset(kind, "f", **props)
    findings = findings_of(HardcodedSecretCheck, graph_of([asset]))
    assert len(findings) == count
    assert all(f.rule_id == "SW-FILE-001" for f in findings)


def test_evidence_is_redacted_again_when_a_snippet_holds_a_key_value_secret() -> None:
    leaked = secret("password_assignment", 1, "db_password=pr0d-Db-P@ssw0rd-77")
    asset = file_asset(AssetKind.CONFIG_FILE, "f", secrets=[leaked])
    (finding,) = findings_of(HardcodedSecretCheck, graph_of([asset]))
    assert "pr0d-Db-P@ssw0rd-77" not in finding.evidence.snippet


def test_no_finding_from_real_files_carries_a_whole_secret() -> None:
    walked = walk_tree(FIXTURES)
    config = ScanConfig(sources=Sources(paths=[FIXTURES]))
    collected = FilesCollector().collect(CollectContext(config=config, files=walked.files))
    checks = [HardcodedSecretCheck(), SecretInNotebookCodeCheck(), SecretInNotebookOutputCheck()]
    run = run_checks(graph_of(collected.assets, collected.relations), checks)
    assert len(run.findings) >= 8
    for finding in run.findings:
        for planted in PLANTED:
            assert planted not in finding.evidence.snippet
            assert planted not in finding.title


def test_already_redacted_snippets_are_kept_as_they_are() -> None:
    snippet = "OPENAI_API_KEY=sk-p********(56 chars)"
    asset = file_asset(AssetKind.CONFIG_FILE, "f", secrets=[secret("openai_api_key", 4, snippet)])
    (finding,) = findings_of(HardcodedSecretCheck, graph_of([asset]))
    assert finding.evidence.snippet == snippet
    assert finding.evidence.line == 4
    assert finding.title.endswith("openai api key at line 4")
