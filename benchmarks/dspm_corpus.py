"""A labelled corpus for the DSPM classifier benchmark: fake PII and secrets, and look-alikes.

:func:`generate` writes, from one seed, a directory of tables (CSV, Parquet), JSONL logs,
support tickets, code/config files and notebooks, and beside it (never inside the scanned
directory) ``truth.jsonl`` (where every planted value is) and ``decoys.jsonl`` (where the
look-alikes are that must not be reported). Every value is made up here from seeded random
draws: names and streets come from small built-in lists, numbers carry valid check digits
(Luhn, mod-97) where the real thing does, and secrets have the vendors' shapes (GitHub/npm
tokens their CRC32 suffix) with random bodies.

Truth records carry the span of the value in its line and a digest of it, never the value.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.dspm_values import (
    AWS_EXAMPLE_ID,
    AWS_EXAMPLE_SECRET,
    Values,
)

# --- truth --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Planted:
    """One true place of a class: a line of an item, or a field (column / JSON path) of it."""

    item: str
    cls: str
    line: int | None = None
    field: str | None = None
    start: int | None = None
    """Span of the value in the line (character offsets), for line records."""
    end: int | None = None
    digest: str = ""
    """First 16 hex digits of the SHA-256 of the value (line records)."""

    def to_json(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


@dataclass(frozen=True, slots=True)
class Decoy:
    """A look-alike that a tool must not report as ``imitates``."""

    item: str
    imitates: str
    line: int | None = None
    field: str | None = None


@dataclass(slots=True)
class KindStats:
    files: int = 0
    bytes: int = 0
    rows: int = 0


@dataclass(slots=True)
class Corpus:
    root: Path
    """The scanned directory."""
    truth: list[Planted] = field(default_factory=list)
    decoys: list[Decoy] = field(default_factory=list)
    kinds: dict[str, KindStats] = field(default_factory=dict)
    values: dict[tuple[str, int, str], list[str]] = field(default_factory=dict)
    """(item, line, class) -> the planted values; in memory only, for checks."""
    seed: int = 0

    @property
    def total_bytes(self) -> int:
        return sum(k.bytes for k in self.kinds.values())

    def count(self, kind: str, path: Path, rows: int = 0) -> None:
        stats = self.kinds.setdefault(kind, KindStats())
        stats.files += 1
        stats.bytes += path.stat().st_size
        stats.rows += rows


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


Plant = tuple[str, str]
"""(class, value)."""


class TextFile:
    """The lines of one text file being written, with what each line holds."""

    def __init__(self, item: str) -> None:
        self.item = item
        self.lines: list[str] = []
        self.plants: list[tuple[int, str, str]] = []
        self.decoys: list[tuple[int, str]] = []
        self.size = 0

    def add(self, text: str, plants: Iterable[Plant] = (), decoys: Iterable[str] = ()) -> int:
        line = len(self.lines) + 1
        self.lines.append(text)
        self.size += len(text.encode()) + 1
        for cls, value in plants:
            if value not in text:
                raise ValueError(f"{self.item}:{line}: planted {cls} value not in its line")
            self.plants.append((line, cls, value))
        self.decoys += [(line, imitates) for imitates in decoys]
        return line

    def write(self, corpus: Corpus, kind: str, rows: int = 0) -> None:
        path = corpus.root / self.item
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        seen: set[tuple[int, str, int]] = set()
        for line, cls, value in self.plants:
            start = self.lines[line - 1].find(value)
            if (line, cls, start) in seen:
                continue
            seen.add((line, cls, start))
            corpus.truth.append(
                Planted(self.item, cls, line, None, start, start + len(value), digest(value))
            )
            corpus.values.setdefault((self.item, line, cls), []).append(value)
        corpus.decoys += [Decoy(self.item, imitates, line) for line, imitates in self.decoys]
        corpus.count(kind, path, rows)


Cell = tuple[str, str | None, str | None]
"""(value, class it holds or None, class it imitates or None)."""

POSITIVE_SHARE = 0.5
"""A column is positive for a class when at least this share of its non-empty values is it."""


def field_truth(item: str, columns: dict[str, list[Cell]]) -> tuple[list[Planted], list[Decoy]]:
    """Positive (item, field, class) records by the majority rule; decoy columns likewise."""
    planted: list[Planted] = []
    decoys: list[Decoy] = []
    for name, cells in columns.items():
        filled = [c for c in cells if c[0]]
        if not filled:
            continue
        for cls in sorted({c[1] for c in filled if c[1]}):
            if sum(c[1] == cls for c in filled) >= POSITIVE_SHARE * len(filled):
                planted.append(Planted(item, cls, field=name))
        for imitates in sorted({c[2] for c in filled if c[2]}):
            if sum(c[2] == imitates for c in filled) >= POSITIVE_SHARE * len(filled):
                decoys.append(Decoy(item, imitates, field=name))
    return planted, decoys


def _cell(value: str, cls: str | None = None, imitates: str | None = None) -> Cell:
    return (value, cls, imitates)


# --- tables -------------------------------------------------------------------------------

PII_HEADERS = (
    ("customer_id", "full_name", "email", "phone", "ssn", "card_number", "iban", "street_address",
     "date_of_birth", "ip_address", "signup_at", "plan"),
    ("id", "customer", "contact", "tel", "tax_id", "pan", "account", "addr", "born", "last_ip",
     "created", "tier"),
)  # fmt: skip
PLANS = ("free", "pro", "team", "enterprise")


def _pii_row(v: Values, row_id: int) -> list[Cell]:
    name = v.name()
    maybe = v.rng.random
    return [
        _cell(str(row_id)),
        _cell(name, "pii.person_name"),
        _cell(v.email(name), "pii.email"),
        _cell(v.phone(), "pii.phone") if maybe() > 0.05 else _cell(""),
        _cell(v.ssn(), "pii.national_id.us_ssn"),
        _cell(v.card(), "pii.payment_card") if maybe() > 0.1 else _cell(""),
        _cell(v.iban(), "pii.iban") if maybe() > 0.2 else _cell(""),
        _cell(v.address(), "pii.street_address"),
        _cell(v.dob(), "pii.date_of_birth"),
        _cell(v.public_ip(), "pii.ip_address"),
        _cell(v.timestamp()),
        _cell(v.rng.choice(PLANS)),
    ]


OPS_COLUMNS: dict[str, Callable[[Values], Cell]] = {
    "order_no": lambda v: _cell(v.order_no()),
    "sku": lambda v: _cell(v.sku()),
    "unit_price": lambda v: _cell(v.price()),
    "qty": lambda v: _cell(str(v.rng.randint(1, 40))),
    "created_at": lambda v: _cell(v.timestamp()),
    "request_id": lambda v: _cell(v.uuid()),
    "checksum": lambda v: _cell(v.sha256()),
    "app_version": lambda v: _cell(v.version()),
    "account_ref": lambda v: _cell(v.decoy_card(), imitates="pii.payment_card"),
    "legacy_id": lambda v: _cell(v.decoy_ssn(), imitates="pii.national_id.us_ssn"),
    "bank_ref": lambda v: _cell(v.decoy_iban(), imitates="pii.iban"),
    "gateway_ip": lambda v: _cell(v.private_ip(), imitates="pii.ip_address"),
    "contact_email": lambda v: _cell(v.email(), "pii.email") if v.rng.random() < 0.1 else _cell(""),
}
OPS_ALWAYS = ("order_no", "sku", "unit_price", "qty", "created_at")


def _csv_line(cells: Iterable[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(list(cells))
    return buf.getvalue()


def write_table(
    corpus: Corpus, kind: str, item: str, header: list[str], rows: list[list[Cell]]
) -> None:
    text = TextFile(item)
    text.add(_csv_line(header))
    for row in rows:
        plants = [(c[1], c[0]) for c in row if c[1] and c[0]]
        text.add(_csv_line(c[0] for c in row), plants, [c[2] for c in row if c[2]])
    text.write(corpus, kind, rows=len(rows))
    columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    planted, decoys = field_truth(item, columns)
    corpus.truth += planted
    corpus.decoys += decoys


def _rows_for(budget: int, row: Callable[[], list[Cell]]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    size = 0
    while size < budget:
        cells = row()
        rows.append(cells)
        size += sum(len(c[0]) + 1 for c in cells) + 4
    return rows


def pii_tables(corpus: Corpus, v: Values, budget: int, file_bytes: int) -> None:
    for index, part in enumerate(_parts(budget, file_bytes), 1):
        header = list(v.rng.choice(PII_HEADERS))
        start = index * 1_000_000
        counter = iter(range(start, start + 10**6))
        rows = _rows_for(part, lambda: _pii_row(v, next(counter)))  # noqa: B023
        write_table(
            corpus, "csv (PII tables)", f"tables/crm/customers_{index:04d}.csv", header, rows
        )


def ops_tables(corpus: Corpus, v: Values, budget: int, file_bytes: int) -> None:
    optional = [c for c in OPS_COLUMNS if c not in OPS_ALWAYS]
    for index, part in enumerate(_parts(budget, file_bytes), 1):
        header = [*OPS_ALWAYS, *sorted(v.rng.sample(optional, v.rng.randint(4, len(optional))))]
        rows = _rows_for(part, lambda: [OPS_COLUMNS[c](v) for c in header])  # noqa: B023
        write_table(
            corpus, "csv (operational tables)", f"tables/ops/orders_{index:04d}.csv", header, rows
        )


def _parts(budget: int, file_bytes: int) -> list[int]:
    """File sizes that add up to ``budget``, each at most ``file_bytes``."""
    count = max(1, -(-budget // max(file_bytes, 1)))
    return [budget // count] * count


# --- JSONL logs ---------------------------------------------------------------------------

SERVICES = ("checkout", "auth", "search", "billing", "gateway", "notifier")
LOG_MESSAGES = (
    "request completed",
    "cache miss",
    "retrying upstream call",
    "payment authorised",
    "session refreshed",
    "rate limit applied",
)


def _log_record(v: Values) -> tuple[list[tuple[str, Cell]], list[Plant]]:
    """One log record as (JSON path, cell) pairs, and the values planted in its line."""
    rng = v.rng
    plants: list[Plant] = []
    public = rng.random() < 0.7
    ip = v.public_ip() if public else v.private_ip()
    pairs: list[tuple[str, Cell]] = [
        ("$.ts", _cell(v.timestamp())),
        ("$.level", _cell(rng.choice(("INFO", "INFO", "INFO", "WARN", "ERROR")))),
        ("$.service", _cell(rng.choice(SERVICES))),
        ("$.request_id", _cell(v.uuid())),
        (
            "$.client_ip",
            _cell(ip, "pii.ip_address") if public else _cell(ip, None, "pii.ip_address"),
        ),
        ("$.latency_ms", _cell(str(rng.randint(1, 900)))),
    ]
    if public:
        plants.append(("pii.ip_address", ip))
    if rng.random() < 0.35:
        email = v.email()
        pairs += [
            ("$.user.id", _cell(str(rng.randint(1, 10**6)))),
            ("$.user.email", _cell(email, "pii.email")),
        ]
        plants.append(("pii.email", email))
    roll = rng.random()
    if roll < 0.05:
        email = v.email()
        pairs.append(("$.msg", _cell(f"password reset link sent to {email}", "pii.email")))
        plants.append(("pii.email", email))
    else:
        pairs.append(("$.msg", _cell(rng.choice(LOG_MESSAGES))))
    if roll > 0.97:
        token = v.jwt()
        pairs.append(("$.headers.authorization", _cell("Bearer " + token, "secret.jwt")))
        plants.append(("secret.jwt", token))
    if 0.9 < roll < 0.91:
        pairs.append(("$.build", _cell(v.sha256())))
    return pairs, plants


def jsonl_logs(corpus: Corpus, v: Values, budget: int, file_bytes: int) -> None:
    for index, part in enumerate(_parts(budget, file_bytes), 1):
        item = f"logs/{v.rng.choice(SERVICES)}_{index:04d}.jsonl"
        text = TextFile(item)
        columns: dict[str, list[Cell]] = {}
        rows = 0
        while text.size < part:
            pairs, plants = _log_record(v)
            look_alikes = [c[2] for _, c in pairs if c[2]]
            text.add(json.dumps(_nest(pairs), separators=(",", ":")), plants, look_alikes)
            present = dict(pairs)
            for path in present.keys() | columns.keys():
                columns.setdefault(path, [_cell("")] * rows).append(present.get(path, _cell("")))
            rows += 1
        text.write(corpus, "jsonl (logs)", rows=rows)
        planted, decoys = field_truth(item, columns)
        corpus.truth += planted
        corpus.decoys += decoys


def _nest(pairs: list[tuple[str, Cell]]) -> dict[str, object]:
    record: dict[str, object] = {}
    for path, (value, _, _) in pairs:
        keys = path[2:].split(".")
        node = record
        for key in keys[:-1]:
            child = node.setdefault(key, {})
            assert isinstance(child, dict)
            node = child
        node[keys[-1]] = value
    return record


# --- support tickets ----------------------------------------------------------------------


def _ticket_sentence(v: Values) -> tuple[str, list[Plant], list[str]]:
    """One line of a support ticket: a sentence with PII in it, or a look-alike, or neither."""
    rng = v.rng
    name, email, phone = v.name(), v.email(), v.phone()
    choices: list[tuple[str, list[Plant], list[str]]] = [
        (
            f"Hi, my name is {name} and I cannot log in to my account.",
            [("pii.person_name", name)],
            [],
        ),
        (
            f"You can reach me at {email} or on {phone} after 5pm.",
            [("pii.email", email), ("pii.phone", phone)],
            [],
        ),
    ]
    pick = rng.randrange(12)
    if pick < 2:
        return choices[pick]
    if pick == 2:
        address = v.address()
        return (
            f"Please ship the replacement to {address} instead.",
            [("pii.street_address", address)],
            [],
        )
    if pick == 3:
        card = v.card()
        return (
            f"I was charged twice on my card {card}, please refund one.",
            [("pii.payment_card", card)],
            [],
        )
    if pick == 4:
        ssn = v.ssn()
        return (
            f"The form shows my SSN as {ssn} but the last digit is wrong.",
            [("pii.national_id.us_ssn", ssn)],
            [],
        )
    if pick == 5:
        dob = v.dob()
        return f"For verification, my date of birth is {dob}.", [("pii.date_of_birth", dob)], []
    if pick == 6:
        iban = v.iban()
        return f"Refunds should go to IBAN {iban}, thank you.", [("pii.iban", iban)], []
    if pick == 7:
        return f"Order {v.order_no()} was placed on {v.timestamp()} for ${v.price()}.", [], []
    if pick == 8:
        return (
            f"Reference {v.decoy_card()} appears on the invoice footer.",
            [],
            ["pii.payment_card"],
        )
    if pick == 9:
        return f"The app shows version {v.version()} and build {v.sha256()[:12]}.", [], []
    if pick == 10:
        return f"Our router is at {v.private_ip()}, case id {v.uuid()}.", [], ["pii.ip_address"]
    return rng.choice(("Thanks for the quick reply!", "This is still happening today.", "")), [], []


def tickets(corpus: Corpus, v: Values, budget: int, file_bytes: int) -> None:
    for index, part in enumerate(_parts(budget, file_bytes // 8), 1):
        markdown = v.rng.random() < 0.6
        item = f"support/ticket_{index:05d}.{'md' if markdown else 'txt'}"
        text = TextFile(item)
        text.add(f"# Ticket {index}" if markdown else f"Ticket {index}")
        text.add(f"Opened: {v.timestamp()}")
        while text.size < part:
            sentence, plants, decoys = _ticket_sentence(v)
            text.add(sentence, plants, decoys)
        text.write(corpus, "text (support tickets)")


# --- code and configuration ---------------------------------------------------------------

SECRETS: tuple[tuple[str, str, Callable[[Values], str]], ...] = (
    ("github_token", "secret.github_token", Values.github_token),
    ("gitlab_token", "secret.gitlab_token", Values.gitlab_token),
    ("slack_bot_token", "secret.slack_token", Values.slack_token),
    ("stripe_secret_key", "secret.stripe_key", Values.stripe_key),
    ("openai_api_key", "secret.openai_api_key", Values.openai_key),
    ("anthropic_api_key", "secret.anthropic_api_key", Values.anthropic_key),
    ("hf_token", "secret.huggingface_token", Values.hf_token),
    ("sendgrid_api_key", "secret.sendgrid_api_key", Values.sendgrid_key),
    ("twilio_api_key", "secret.twilio_api_key", Values.twilio_key),
    ("google_maps_key", "secret.google_api_key", Values.google_key),
    ("npm_token", "secret.npm_token", Values.npm_token),
    ("session_jwt", "secret.jwt", Values.jwt),
)
NEGATIVES: tuple[tuple[str, Callable[[Values], str], str | None], ...] = (
    ("aws_access_key_id", lambda v: AWS_EXAMPLE_ID, "secret.aws_access_key"),
    ("aws_secret_access_key", lambda v: AWS_EXAMPLE_SECRET, "secret.aws_secret_key"),
    ("api_key", lambda v: "YOUR_API_KEY_HERE", "secret.generic"),
    ("auth_token", lambda v: "<your-token>", "secret.generic"),
    ("password", lambda v: "********", "secret.generic"),
    ("github_token", lambda v: "${GITHUB_TOKEN}", "secret.github_token"),
    ("db_password", lambda v: "${DB_PASSWORD}", "secret.generic"),
    ("artifact_sha256", Values.sha256, None),
    ("commit", lambda v: v.sha256()[:40], None),
    ("client_id", Values.uuid, None),
    ("release", Values.version, None),
    (
        "database_url",
        lambda v: "postgres://user:password@localhost:5432/example",
        "secret.password_in_uri",
    ),
)
CODE_KINDS = ("py", "yaml", "env", "js", "sh")
FILLER = (
    "{c} retry the upstream call with exponential backoff",
    "{c} settings for the {svc} service",
    "timeout_seconds{eq}30",
    "max_connections{eq}{n}",
    "log_level{eq}info",
    "region{eq}eu-west-1",
    "feature_flags{eq}search,checkout",
    "",
)


def _assign(ext: str, key: str, value: str) -> str:
    if ext == "py":
        return f'{key.upper()} = "{value}"'
    if ext == "yaml":
        return f"  {key}: {value}"
    if ext == "env":
        return f"{key.upper()}={value}"
    if ext == "js":
        return f'const {key} = "{value}";'
    return f'export {key.upper()}="{value}"'


def _filler(v: Values, ext: str) -> str:
    line = v.rng.choice(FILLER)
    comment = "//" if ext == "js" else "#"
    eq = ": " if ext == "yaml" else "="
    text = line.format(c=comment, svc=v.rng.choice(SERVICES), eq=eq, n=v.rng.randint(2, 64))
    return (
        "  " + text
        if ext == "yaml" and "=" not in line and text and not text.startswith("#")
        else text
    )


def _plant_secret(text: TextFile, v: Values, ext: str) -> None:
    pick = v.rng.randrange(len(SECRETS) + 4)
    if pick < len(SECRETS):
        key, cls, make = SECRETS[pick]
        value = make(v)
        text.add(_assign(ext, key, value), [(cls, value)])
    elif pick == len(SECRETS):
        key_id, secret = v.aws_key_id(), v.aws_secret()
        text.add(_assign(ext, "aws_access_key_id", key_id), [("secret.aws_access_key", key_id)])
        text.add(_assign(ext, "aws_secret_access_key", secret), [("secret.aws_secret_key", secret)])
    elif pick == len(SECRETS) + 1:
        password = v.password()
        uri = f"postgresql://svc_{v.rng.choice(SERVICES)}:{password}@db-{v.rng.randint(1, 9)}.internal:5432/app"
        text.add(_assign(ext, "database_url", uri), [("secret.password_in_uri", password)])
    elif pick == len(SECRETS) + 2:
        password = v.password()
        text.add(_assign(ext, "db_password", password), [("secret.generic", password)])
    elif ext in ("py", "yaml"):
        lines = v.pem_lines()
        opener = 'SIGNING_KEY = """' if ext == "py" else "  signing_key: |"
        text.add(opener)
        text.add(lines[0] if ext == "py" else "    " + lines[0], [("secret.private_key", lines[0])])
        for line in lines[1:]:
            text.add(line if ext == "py" else "    " + line)
        if ext == "py":
            text.add('"""')


def _plant_negative(text: TextFile, v: Values, ext: str) -> None:
    key, make, imitates = v.rng.choice(NEGATIVES)
    text.add(_assign(ext, key, make(v)), decoys=[imitates] if imitates else [])


def _env_reference(ext: str, key: str) -> str:
    if ext == "py":
        return f'{key.upper()} = os.environ["{key.upper()}"]'
    if ext == "js":
        return f"const {key} = process.env.{key.upper()};"
    return _assign(ext, key, f"${{{key.upper()}}}")


def code_files(corpus: Corpus, v: Values, budget: int) -> None:
    written = 0
    index = 0
    while written < budget:
        index += 1
        ext = v.rng.choice(CODE_KINDS)
        name = {"env": ".env", "yaml": "config.yaml", "sh": "deploy.sh"}.get(ext, f"settings.{ext}")
        text = TextFile(f"services/svc_{index:04d}/{name}")
        if ext == "yaml":
            text.add(f"{v.rng.choice(SERVICES)}:")
        target = v.rng.randint(1500, 9000)
        while text.size < target:
            roll = v.rng.random()
            if roll < 0.04:
                _plant_secret(text, v, ext)
            elif roll < 0.09:
                _plant_negative(text, v, ext)
            elif roll < 0.11:
                text.add(_env_reference(ext, v.rng.choice(("api_key", "secret_key", "password"))))
            else:
                text.add(_filler(v, ext))
        text.write(corpus, "code and config")
        written += text.size


# --- notebooks ----------------------------------------------------------------------------


def _code_cell(source: list[str], outputs: list[str]) -> dict[str, object]:
    cell: dict[str, object] = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "source": [line + "\n" for line in source[:-1]] + source[-1:],
        "outputs": [],
    }
    if outputs:
        text = [line + "\n" for line in outputs[:-1]] + outputs[-1:]
        cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": text}]
    return cell


def _notebook_cells(v: Values) -> tuple[list[dict[str, object]], list[Plant], list[Plant]]:
    plants: list[Plant] = []
    decoys: list[Plant] = []
    cells: list[dict[str, object]] = [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": [f"# {v.rng.choice(SERVICES)} analysis"],
        }
    ]
    for _ in range(v.rng.randint(4, 12)):
        roll = v.rng.random()
        if roll < 0.25:
            _, cls, make = v.rng.choice(SECRETS)
            value = make(v)
            plants.append((cls, value))
            cells.append(
                _code_cell([f'client = Client(api_key="{value}")', "client.ping()"], ["ok"])
            )
        elif roll < 0.45:
            rows = []
            for _ in range(v.rng.randint(2, 6)):
                name, email, phone = v.name(), v.email(), v.phone()
                plants += [("pii.person_name", name), ("pii.email", email), ("pii.phone", phone)]
                rows.append(f"{v.rng.randint(0, 999):>4}  {name:<22} {email:<36} {phone}")
            cells.append(
                _code_cell(
                    ["df = load_customers()", "print(df.head())"],
                    ["      name  email  phone", *rows],
                )
            )
        elif roll < 0.55:
            token = v.hf_token()
            plants.append(("secret.huggingface_token", token))
            cells.append(_code_cell([f'HF_TOKEN = "{token}"', "print(HF_TOKEN)"], [token]))
        elif roll < 0.7:
            key = AWS_EXAMPLE_ID
            decoys.append(("secret.aws_access_key", key))
            cells.append(
                _code_cell(
                    [
                        f'example_key = "{key}"  # from the AWS docs',
                        'token = os.environ["API_TOKEN"]',
                    ],
                    [],
                )
            )
        else:
            ip = v.private_ip()
            decoys.append(("pii.ip_address", ip))
            cells.append(
                _code_cell(
                    [f"rows = fetch(limit={v.rng.randint(10, 900)})", f'host = "{ip}"'],
                    [f"{v.uuid()} {v.price()}"],
                )
            )
    return cells, plants, decoys


def notebooks(corpus: Corpus, v: Values, budget: int) -> None:
    written = 0
    index = 0
    while written < budget:
        index += 1
        cells, plants, decoys = _notebook_cells(v)
        nb = {
            "cells": cells,
            "metadata": {"kernelspec": {"name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        text = TextFile(f"notebooks/analysis_{index:04d}.ipynb")
        lines = json.dumps(nb, indent=1).splitlines()
        for number, line in enumerate(lines, 1):
            here = [(cls, value) for cls, value in plants if json.dumps(value)[1:-1] in line]
            found = [imitates for imitates, value in decoys if json.dumps(value)[1:-1] in line]
            text.add(line, [(cls, json.dumps(value)[1:-1]) for cls, value in here], found)
            del number
        text.write(corpus, "notebooks (.ipynb)")
        written += text.size


# --- Parquet ------------------------------------------------------------------------------

PARQUET_PII = (
    ("full_name", "pii.person_name"),
    ("email", "pii.email"),
    ("phone", "pii.phone"),
    ("ssn", "pii.national_id.us_ssn"),
    ("card_number", "pii.payment_card"),
    ("iban", "pii.iban"),
    ("home_address", "pii.street_address"),
    ("birth_date", "pii.date_of_birth"),
    ("last_login_ip", "pii.ip_address"),
)


def parquet_table(corpus: Corpus, v: Values, rows: int) -> None:
    item = "warehouse/customers.parquet"
    columns: dict[str, list[Cell]] = {name: [] for name, _ in PARQUET_PII}
    columns |= {
        n: []
        for n in (
            "customer_id",
            "plan",
            "lifetime_value",
            "order_no",
            "account_ref",
            "legacy_id",
            "gateway_ip",
        )
    }
    for row in range(rows):
        pii = _pii_row(v, row)
        for (name, _), cell in zip(PARQUET_PII, pii[1:10], strict=True):
            columns[name].append(cell)
        columns["customer_id"].append(_cell(str(row)))
        columns["plan"].append(_cell(v.rng.choice(PLANS)))
        columns["lifetime_value"].append(_cell(v.price()))
        columns["order_no"].append(_cell(v.order_no()))
        columns["account_ref"].append(OPS_COLUMNS["account_ref"](v))
        columns["legacy_id"].append(OPS_COLUMNS["legacy_id"](v))
        columns["gateway_ip"].append(OPS_COLUMNS["gateway_ip"](v))
    table = pa.table({name: [c[0] or None for c in cells] for name, cells in columns.items()})
    path = corpus.root / item
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=50_000)
    corpus.count("parquet", path, rows)
    planted, decoys = field_truth(item, columns)
    corpus.truth += planted
    corpus.decoys += decoys


# --- the whole corpus ---------------------------------------------------------------------

SHARES = {"pii": 0.24, "ops": 0.24, "logs": 0.22, "tickets": 0.11, "code": 0.13, "notebooks": 0.06}
"""Shares of the text part of the corpus (the rest is the Parquet table); they add up to 1."""
PARQUET_ROWS_PER_MB = 2000
"""100,000 rows at the default 50 MB."""


def generate(out: Path, size_mb: float = 50.0, seed: int = 1) -> Corpus:
    """Write ``out/corpus`` (scanned), ``out/truth.jsonl``, ``out/decoys.jsonl``, ``out/corpus.json``."""
    root = out / "corpus"
    if root.exists():
        _clear(root)
    root.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(root=root, seed=seed)
    v = Values(random.Random(seed))
    parquet_table(corpus, v, max(1000, int(PARQUET_ROWS_PER_MB * size_mb)))
    text_budget = max(int(size_mb * 1e6) - corpus.total_bytes, int(size_mb * 4e5))
    file_bytes = min(1_000_000, max(20_000, text_budget // 40))
    pii_tables(corpus, v, int(text_budget * SHARES["pii"]), file_bytes)
    ops_tables(corpus, v, int(text_budget * SHARES["ops"]), file_bytes)
    jsonl_logs(corpus, v, int(text_budget * SHARES["logs"]), file_bytes)
    tickets(corpus, v, int(text_budget * SHARES["tickets"]), file_bytes)
    notebooks(corpus, v, int(text_budget * SHARES["notebooks"]))
    # last, and up to the requested size: every writer stops a little short of its budget
    remaining = int(size_mb * 1e6) - corpus.total_bytes
    code_files(corpus, v, max(int(text_budget * SHARES["code"]), remaining))
    write_labels(corpus, out)
    return corpus


def _clear(root: Path) -> None:
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink()


def write_labels(corpus: Corpus, out: Path) -> None:
    with (out / "truth.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(t.to_json()) + "\n" for t in corpus.truth)
    with (out / "decoys.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(
            json.dumps({k: x for k, x in asdict(d).items() if x is not None}) + "\n"
            for d in corpus.decoys
        )
    summary = {
        "seed": corpus.seed,
        "bytes": corpus.total_bytes,
        "kinds": {k: asdict(s) for k, s in sorted(corpus.kinds.items())},
        "truth_records": len(corpus.truth),
        "decoy_records": len(corpus.decoys),
    }
    (out / "corpus.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


def load_truth(path: Path) -> list[Planted]:
    records: list[Planted] = []
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            data = json.loads(raw)
            records.append(
                Planted(
                    item=str(data["item"]),
                    cls=str(data["cls"]),
                    line=data.get("line"),
                    field=data.get("field"),
                    start=data.get("start"),
                    end=data.get("end"),
                    digest=str(data.get("digest", "")),
                )
            )
    return records
