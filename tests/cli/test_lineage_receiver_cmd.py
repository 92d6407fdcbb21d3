"""``stackward lineage-receiver`` as a process: refuses unsafe starts, spools what it acks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import Job, Run, RunEvent, RunState
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport
from typer.testing import CliRunner

from stackward.cli.app import app
from stackward.cli.exit_codes import USAGE_OR_CONFIG_ERROR

TOKEN_VARIABLE = "STACKWARD_TEST_RECEIVER_TOKEN"
TOKEN = "cli-test-token-0123456789"
runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ((), {}, "no token"),
        (("--insecure-no-auth", "--host", "0.0.0.0"), {}, "only allowed on a loopback"),  # noqa: S104 - refused
        ((), {TOKEN_VARIABLE: "short"}, "shorter than 16"),
        (
            ("--cert-file", "c.pem"),
            {TOKEN_VARIABLE: TOKEN},
            "needs both --cert-file and --key-file",
        ),
        (("--client-ca-file", "ca.pem"), {TOKEN_VARIABLE: TOKEN}, "--client-ca-file needs"),
        (
            ("--cert-file", "missing.pem", "--key-file", "missing.key"),
            {TOKEN_VARIABLE: TOKEN},
            "cannot read certificate missing.pem",
        ),
    ],
    ids=[
        "no-token",
        "insecure-off-loopback",
        "short-token",
        "cert-without-key",
        "ca-only",
        "unreadable-cert",
    ],
)
def test_unsafe_starts_are_refused(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    result = runner.invoke(
        app,
        [
            "lineage-receiver",
            "--port",
            "0",
            "--token-env",
            TOKEN_VARIABLE,
            "--dir",
            str(tmp_path),
            *args,
        ],
        env={TOKEN_VARIABLE: "", **env},
    )
    assert result.exit_code == USAGE_OR_CONFIG_ERROR
    assert message in result.output


def test_receiver_process_spools_events_from_the_official_client(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    command = [
        sys.executable, "-c", "from stackward.cli.app import main; main()",
        "lineage-receiver", "--port", "0", "--token-env", TOKEN_VARIABLE, "--dir", str(spool),
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        env={**os.environ, TOKEN_VARIABLE: TOKEN},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        banner = process.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/api/v1/lineage", banner)
        assert match, banner
        config = HttpConfig(
            url=f"http://127.0.0.1:{match.group(1)}",
            auth=ApiKeyTokenProvider({"apiKey": TOKEN}),
            retry={"total": 0},
        )
        client = OpenLineageClient(transport=HttpTransport(config))
        client.emit(
            RunEvent(
                eventType=RunState.START,
                eventTime="2026-11-20T10:00:00+00:00",
                run=Run(runId=str(uuid.uuid4())),
                job=Job(namespace="pipelines", name="nightly"),
            )
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
    (spooled,) = spool.glob("openlineage-*.jsonl")
    (line,) = spooled.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["job"]["name"] == "nightly"
