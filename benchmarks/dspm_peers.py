"""The tools the DSPM benchmark compares: how each is installed, run, and read.

Peers are installed from PyPI at pinned versions, each in its own venv under
``benchmarks/.venvs/<tool>`` (reused while the pin is unchanged; ``pip freeze`` kept for the
report). Every parser turns a tool's report into :class:`Prediction` records in our taxonomy
through :data:`TYPE_MAP`; a native type missing from the map is a prediction of
``pii.other`` / ``secret.other``, which only counts (as a false positive) on a line that holds
nothing planted.

Run as a script inside the Presidio venv, this module is Presidio's driver:
``python dspm_peers.py presidio ROOT OUT.jsonl FILE...`` (pattern recognizers only, through an
NLP engine that loads no model).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
VENVS = BENCH_DIR / ".venvs"
INSTALLED_MARKER = ".benchmark-requirements"


@dataclass(frozen=True, slots=True)
class Prediction:
    """One reported place: a line (and, where the tool says, the span in it) or a field."""

    item: str
    classes: tuple[str, ...]
    """Our class ids, best first; more than one when the native type is ambiguous."""
    line: int | None = None
    field: str | None = None
    start: int | None = None
    """Character offset of the reported value in its line, when the tool gives it."""
    end: int | None = None
    secret_sha1: str | None = None
    """detect-secrets reports a SHA-1 of the value instead of its place in the line."""


@dataclass(frozen=True, slots=True)
class Peer:
    name: str
    requirements: tuple[str, ...]
    how: str
    parallel: str
    """How the 2-core run is made."""
    category: str
    """``pii`` or ``secret``: what an unmapped native type is taken for."""


PEERS: dict[str, Peer] = {
    "presidio": Peer(
        "presidio",
        ("presidio-analyzer==2.2.366",),
        "`presidio_analyzer.AnalyzerEngine` with `NoOpNlpEngine` (pattern recognizers only; "
        "no spaCy model: `en_core_web_sm` is not on PyPI and cannot be downloaded here, so "
        "PERSON/LOCATION/DATE_TIME NER and context words are off), every result kept "
        "(default `score_threshold`), each file analysed in chunks of whole lines",
        "two processes over halves of the files (no parallel option)",
        "pii",
    ),
    "detect-secrets": Peer(
        "detect-secrets",
        ("detect-secrets==1.5.0",),
        "`detect-secrets scan --all-files FILE...` (default plugins and filters)",
        "two processes over halves of the files (no parallel option)",
        "secret",
    ),
    "credsweeper": Peer(
        "credsweeper",
        ("credsweeper==1.19.5",),
        "`credsweeper --path FILE... --save-json OUT --no-stdout` (ML validation on, its "
        "default); findings of severity `info` (UUIDs) are not counted",
        "`--jobs 2`",
        "secret",
    ),
}

_ANY_SECRET = "secret.other"  # noqa: S105 - a class id
_GENERIC = ("secret.generic", _ANY_SECRET)
TYPE_MAP: dict[str, dict[str, tuple[str, ...]]] = {
    "presidio": {
        "EMAIL_ADDRESS": ("pii.email",),
        "PHONE_NUMBER": ("pii.phone",),
        "CREDIT_CARD": ("pii.payment_card",),
        "IBAN_CODE": ("pii.iban",),
        "US_SSN": ("pii.national_id.us_ssn",),
        "IP_ADDRESS": ("pii.ip_address",),
        "PERSON": ("pii.person_name",),
        "LOCATION": ("pii.street_address",),
        "DATE_TIME": ("pii.date_of_birth",),
        "US_PASSPORT": ("pii.passport.us",),
        "UK_NINO": ("pii.national_id.uk_nino",),
        "IN_AADHAAR": ("pii.national_id.in_aadhaar",),
    },
    "detect-secrets": {
        "AWS Access Key": ("secret.aws_access_key", "secret.aws_secret_key"),
        "Azure Storage Account access key": ("secret.azure_storage_key",),
        "Basic Auth Credentials": ("secret.password_in_uri",),
        "GitHub Token": ("secret.github_token",),
        "GitLab Token": ("secret.gitlab_token",),
        "JSON Web Token": ("secret.jwt",),
        "NPM tokens": ("secret.npm_token",),
        "OpenAI Token": ("secret.openai_api_key",),
        "Private Key": ("secret.private_key",),
        "SendGrid API Key": ("secret.sendgrid_api_key",),
        "Slack Token": ("secret.slack_token",),
        "Stripe Access Key": ("secret.stripe_key",),
        "Twilio API Key": ("secret.twilio_api_key",),
        "Public IP (ipv4)": ("pii.ip_address",),
        "Secret Keyword": _GENERIC,
    },
    "credsweeper": {
        "AWS Client ID": ("secret.aws_access_key",),
        "AWS Multi": ("secret.aws_secret_key", "secret.aws_access_key"),
        "Google API Key": ("secret.google_api_key",),
        "Google Multi": ("secret.google_api_key",),
        "JSON Web Token": ("secret.jwt",),
        "PEM Private Key": ("secret.private_key",),
        "BASE64 encoded PEM Private Key": ("secret.private_key",),
        "BASE64 Private Key": ("secret.private_key",),
        "SendGrid API Key": ("secret.sendgrid_api_key",),
        "Slack Token": ("secret.slack_token",),
        "Slack Webhook": ("secret.slack_webhook",),
        "Stripe Credentials": ("secret.stripe_key",),
        "Twilio Credentials": ("secret.twilio_api_key",),
        "Twilio Multi": ("secret.twilio_api_key",),
        "NPM Token": ("secret.npm_token",),
        "Github App Installation Token": ("secret.github_token",),
        "Github Classic Token": ("secret.github_token",),
        "Github Fine-granted Token": ("secret.github_token",),
        "Gitlab Prefix Token": ("secret.gitlab_token",),
        "Azure Storage Account Key": ("secret.azure_storage_key",),
        "OpenAI Token": ("secret.openai_api_key",),
        "Hugging Face User Access Token": ("secret.huggingface_token",),
        "Anthropic API Key": ("secret.anthropic_api_key",),
        "URL Credentials": ("secret.password_in_uri",),
        **dict.fromkeys(
            (
                "Password",
                "Secret",
                "Token",
                "Key",
                "API",
                "Auth",
                "Credential",
                "PASSWD_PAIR",
                "SECRET_PAIR",
                "SQL Password",
                "CMD Password",
                "CURL User Password",
                "Bearer Authorization",
                "Basic Authorization",
            ),
            _GENERIC,
        ),
    },
}


def map_type(tool: str, native: str) -> tuple[str, ...]:
    """Our classes for ``native``; unmapped types are the tool's category's ``other``."""
    mapped = TYPE_MAP.get(tool, {}).get(native)
    if mapped is not None:
        return mapped
    category = PEERS[tool].category if tool in PEERS else "secret"
    return (f"{category}.other",)


def relative_item(path: str, root: Path) -> str:
    """A tool's file path as the corpus-relative item name."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            return candidate.as_posix()
    text = candidate.as_posix()
    return text[2:] if text.startswith("./") else text


# --- parsers ------------------------------------------------------------------------------


def parse_stackward(report: dict[str, Any]) -> list[Prediction]:
    """``stackward classify --format json``: ``items[].fields[]`` and ``items[].occurrences[]``."""
    predictions: list[Prediction] = []
    for item in report.get("items", []):
        name = str(item.get("item", ""))
        for found in item.get("fields", []):
            predictions.append(Prediction(name, (str(found["class"]),), field=str(found["field"])))
        for occurrence in item.get("occurrences", []):
            line = occurrence.get("line")
            predictions.append(
                Prediction(
                    name,
                    (str(occurrence["class"]),),
                    line=int(line) if line is not None else None,
                    field=occurrence.get("field"),
                )
            )
    return predictions


def parse_detect_secrets(report: dict[str, Any], root: Path) -> list[Prediction]:
    predictions: list[Prediction] = []
    for filename, secrets in report.get("results", {}).items():
        item = relative_item(filename, root)
        for secret in secrets:
            predictions.append(
                Prediction(
                    item,
                    map_type("detect-secrets", str(secret["type"])),
                    line=int(secret["line_number"]),
                    secret_sha1=secret.get("hashed_secret"),
                )
            )
    return predictions


def parse_credsweeper(report: list[dict[str, Any]], root: Path) -> list[Prediction]:
    predictions: list[Prediction] = []
    for finding in report:
        if str(finding.get("severity", "")).lower() == "info":
            continue
        classes = map_type("credsweeper", str(finding.get("rule", "")))
        for data in finding.get("line_data_list", []):
            start = data.get("value_start")
            end = data.get("value_end")
            predictions.append(
                Prediction(
                    relative_item(str(data["path"]), root),
                    classes,
                    line=int(data["line_num"]),
                    start=start if isinstance(start, int) and start >= 0 else None,
                    end=end if isinstance(end, int) and end >= 0 else None,
                )
            )
    return predictions


def parse_presidio(lines: list[str]) -> list[Prediction]:
    """The driver's JSONL: one ``{"item", "type", "line", "start", "end", "score"}`` a line."""
    predictions: list[Prediction] = []
    for raw in lines:
        if not raw.strip():
            continue
        hit = json.loads(raw)
        predictions.append(
            Prediction(
                str(hit["item"]),
                map_type("presidio", str(hit["type"])),
                line=int(hit["line"]),
                start=int(hit["start"]),
                end=int(hit["end"]),
            )
        )
    return predictions


def sha1(value: str) -> str:
    return hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()


# --- install ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Installed:
    peer: Peer
    bin_dir: Path | None
    freeze: tuple[str, ...] = ()
    error: str = ""


def ensure_installed(peer: Peer, python: Path) -> Installed:
    """Create the peer's venv and install its pins unless already there; errors are returned."""
    venv = VENVS / peer.name
    bin_dir = venv / "bin"
    pip = bin_dir / "pip"
    marker = venv / INSTALLED_MARKER
    wanted = list(peer.requirements)
    try:
        if not pip.exists():
            subprocess.run([str(python), "-m", "venv", str(venv)], check=True, timeout=600)
        if not marker.exists() or marker.read_text(encoding="utf-8").split() != wanted:
            subprocess.run(
                [str(pip), "install", "-q", *wanted],
                check=True,
                timeout=3600,
                capture_output=True,
                text=True,
            )
            marker.write_text("\n".join(wanted) + "\n", encoding="utf-8")
        freeze = subprocess.run(
            [str(pip), "freeze", "--all"], capture_output=True, text=True, check=False, timeout=300
        )
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or "").strip().splitlines()[-1:] or [str(exc)]
        return Installed(peer, None, error=f"install failed: {detail[0]}")
    except (OSError, subprocess.SubprocessError) as exc:
        return Installed(peer, None, error=f"install failed: {exc}")
    return Installed(peer, bin_dir, tuple(x for x in freeze.stdout.splitlines() if x.strip()))


# --- commands -----------------------------------------------------------------------------


def peer_argv(
    peer: str, bin_dir: Path, root: Path, files: list[str], jobs: int, out: Path
) -> list[str]:
    """The command for one run over ``files`` (paths relative to ``root``, the working dir)."""
    if peer == "presidio":
        return [
            str(bin_dir / "python"),
            str(Path(__file__).resolve()),
            "presidio",
            str(root),
            str(out),
            *files,
        ]
    if peer == "detect-secrets":
        return [str(bin_dir / "detect-secrets"), "scan", "--all-files", *files]
    if peer == "credsweeper":
        argv = [
            str(bin_dir / "credsweeper"),
            "--path",
            *files,
            "--save-json",
            str(out),
            "--no-stdout",
        ]
        return [*argv, "--jobs", str(jobs)]
    raise ValueError(f"unknown peer {peer}")


def stackward_argv(bin_dir: Path, root: Path, jobs: int, out: Path) -> list[str]:
    argv = [str(bin_dir / "stackward"), "classify", str(root), "--format", "json"]
    return [*argv, "--jobs", str(jobs), "--no-store", "-o", str(out)]


# --- Presidio driver (runs in the Presidio venv) ------------------------------------------

CHUNK_CHARS = 64_000


def _presidio_main(root: Path, out: Path, files: list[str]) -> int:  # pragma: no cover
    import tldextract  # type: ignore[import-not-found]
    from presidio_analyzer import AnalyzerEngine  # type: ignore[import-not-found]
    from presidio_analyzer.nlp_engine import NoOpNlpEngine  # type: ignore[import-not-found]

    # offline: the bundled public-suffix snapshot instead of a download attempt per run
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    engine = AnalyzerEngine(
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}]),
        supported_languages=["en"],
    )
    with out.open("w", encoding="utf-8") as sink:
        for name in files:
            if name.endswith(".parquet"):  # binary: Presidio analyses text only
                continue
            try:
                text = (root / name).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            lines = text.split("\n")
            first = 0
            while first < len(lines):
                last, size = first, 0
                while last < len(lines) and size < CHUNK_CHARS:
                    size += len(lines[last]) + 1
                    last += 1
                chunk = "\n".join(lines[first:last])
                starts = [0]
                for line in lines[first:last]:
                    starts.append(starts[-1] + len(line) + 1)
                for result in engine.analyze(text=chunk, language="en"):
                    index = _line_index(starts, result.start)
                    hit = {
                        "item": name,
                        "type": result.entity_type,
                        "line": first + index + 1,
                        "start": result.start - starts[index],
                        "end": result.end - starts[index],
                        "score": round(result.score, 3),
                    }
                    sink.write(json.dumps(hit) + "\n")
                first = last
    return 0


def _line_index(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 2
    while low < high:
        mid = (low + high + 1) // 2
        if starts[mid] <= offset:
            low = mid
        else:
            high = mid - 1
    return low


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) >= 4 and sys.argv[1] == "presidio":
        sys.exit(_presidio_main(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]))
    sys.exit("usage: dspm_peers.py presidio ROOT OUT.jsonl FILE...")
