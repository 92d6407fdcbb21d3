"""Who can read a sensitive PostgreSQL table: role assets, CAN_ACCESS edges and SW-DATA-003."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql

from stackward.checks.builtin.data.inherited_sensitive_access import (
    InheritedSensitiveAccessCheck,
)
from stackward.checks.builtin.data.public_default_privileges import PublicDefaultPrivilegesCheck
from stackward.checks.builtin.data.public_sensitive_table import PublicSensitiveTableCheck
from stackward.collectors.base import CollectResult
from stackward.collectors.data import DataCollector
from stackward.collectors.data.access import AccessFacts, table_access
from stackward.config.schema import ScanConfig
from stackward.model import AssetKind, RelationKind, Severity
from stackward.scan import ScanResult, run_scan
from tests.postgres import (
    OWNER,
    OWNER_PASSWORD,
    PostgresServer,
    postgres_server,  # noqa: F401 - pytest fixture
)

DSN_VARIABLE = "STACKWARD_TEST_ACCESS_DSN"
ROWS = [
    (i, f"user{i}@example.org", f"{100 + i:03d}-{10 + i % 80:02d}-{1000 + i:04d}")
    for i in range(60)
]


@dataclass(frozen=True, slots=True)
class Planted:
    schema: str
    analyst: str
    """A login role granted SELECT on the private table only."""
    locked: str
    """A schema whose future tables go to the analyst only, holding ``vault``."""
    nested: str
    """A login role that reads ``vault`` through two inherited roles."""


@pytest.fixture(scope="module")
def planted(postgres: PostgresServer) -> Iterator[Planted]:
    prefix = f"pub{uuid.uuid4().hex[:8]}_"
    schema, analyst = sql.Identifier(prefix + "crm"), sql.Identifier(prefix + "analyst")
    locked = sql.Identifier(prefix + "locked")
    roles = [sql.Identifier(prefix + name) for name in ("nested", "team", "readers")]
    with postgres.connect_as_owner() as conn:
        try:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(analyst))
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO PUBLIC").format(schema))
            _plant_locked(conn, locked, analyst, roles)
            for table in ("open_customers", "private_customers"):
                name = sql.Identifier(prefix + "crm", table)
                conn.execute(sql.SQL("CREATE TABLE {} (id int, email text, ssn text)").format(name))
                with conn.cursor() as cur:
                    cur.executemany(
                        sql.SQL("INSERT INTO {} VALUES (%s, %s, %s)").format(name), ROWS
                    )
            conn.execute(
                sql.SQL("GRANT SELECT ON {} TO PUBLIC").format(
                    sql.Identifier(prefix + "crm", "open_customers")
                )
            )
            conn.execute(
                sql.SQL("GRANT SELECT ON {} TO {}").format(
                    sql.Identifier(prefix + "crm", "private_customers"), analyst
                )
            )
            conn.execute(
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT SELECT ON TABLES"
                    " TO PUBLIC"
                ).format(sql.Identifier(OWNER), schema)
            )
            yield Planted(prefix + "crm", prefix + "analyst", prefix + "locked", prefix + "nested")
        finally:
            for dropped in (schema, locked):
                conn.execute(
                    sql.SQL(
                        "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} REVOKE ALL ON"
                        " TABLES FROM PUBLIC, {}"
                    ).format(sql.Identifier(OWNER), dropped, analyst)
                )
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(dropped))
            for role in (analyst, *roles):
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(role))


def _plant_locked(
    conn: psycopg.Connection[tuple[object, ...]],
    locked: sql.Identifier,
    analyst: sql.Identifier,
    roles: list[sql.Identifier],
) -> None:
    """A schema done right but for one nested chain: login -> team -> readers -> GRANT."""
    nested, team, readers = roles
    conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(nested))
    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(team))
    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(readers))
    conn.execute(sql.SQL("GRANT {} TO {}").format(readers, team))
    conn.execute(sql.SQL("GRANT {} TO {}").format(team, nested))
    conn.execute(sql.SQL("CREATE SCHEMA {}").format(locked))
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}, {}").format(locked, readers, analyst))
    conn.execute(
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT SELECT ON TABLES TO {}"
        ).format(sql.Identifier(OWNER), locked, analyst)
    )
    vault = sql.Identifier(locked.as_string(conn).strip('"'), "vault")
    conn.execute(sql.SQL("CREATE TABLE {} (id int, email text, ssn text)").format(vault))
    with conn.cursor() as cur:
        cur.executemany(sql.SQL("INSERT INTO {} VALUES (%s, %s, %s)").format(vault), ROWS)
    conn.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(vault, readers))


@pytest.fixture(scope="module")
def scanned(
    postgres: PostgresServer, planted: Planted, tmp_path_factory: pytest.TempPathFactory
) -> ScanResult:
    state = tmp_path_factory.mktemp("state")
    config = ScanConfig.model_validate(
        {
            "sources": {"paths": []},
            "store": {"path": str(state / "stackward.db")},
            "data": {"sources": [{"dsn_env": DSN_VARIABLE}], "jobs": 1},
        }
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DSN_VARIABLE, postgres.owner_dsn)
        return run_scan(
            config,
            collectors=[DataCollector()],
            checks=[
                PublicSensitiveTableCheck(),
                PublicDefaultPrivilegesCheck(),
                InheritedSensitiveAccessCheck(),
            ],
        )


def _dataset_id(result: ScanResult, item: str) -> str:
    (found,) = [a.id for a in result.graph.assets(AssetKind.DATASET) if a.id.endswith("::" + item)]
    return found


@pytest.mark.parametrize(
    ("table", "public", "finding"),
    [
        pytest.param("open_customers", True, True, id="granted-to-public"),
        pytest.param("private_customers", False, False, id="granted-to-one-role"),
    ],
)
def test_public_table_is_a_finding_and_its_twin_is_not(
    scanned: ScanResult, planted: Planted, table: str, public: bool, finding: bool
) -> None:
    dataset = scanned.graph[_dataset_id(scanned, f"{planted.schema}.{table}")]
    assert set(dataset.prop("data_classes")) >= {"pii.email", "pii.national_id.us_ssn"}
    assert dataset.prop("public_access") is public
    readers = dataset.prop("readers")
    assert list(readers) == sorted(readers)
    assert OWNER in readers
    assert ("PUBLIC" in readers) is public
    if not public:
        assert planted.analyst in readers
    public_edges = [
        r
        for r in scanned.graph.incoming(dataset.id, RelationKind.CAN_ACCESS)
        if r.src.endswith("/PUBLIC")
    ]
    assert bool(public_edges) is public
    rules = [f for f in scanned.findings if f.asset_id == dataset.id and f.rule_id == "SW-DATA-003"]
    assert [f.rule_id for f in rules] == (["SW-DATA-003"] if finding else [])
    if finding:
        assert rules[0].severity == Severity.CRITICAL
        assert table in rules[0].evidence.snippet
        assert public_edges[0].properties["via"][0] == "PUBLIC"
        assert public_edges[0].properties["via"][-1].endswith(" TO PUBLIC")
        assert "SELECT" in public_edges[0].properties["privileges"]


def test_role_assets_carry_attributes_and_no_password(
    scanned: ScanResult, planted: Planted
) -> None:
    roles = {a.name: a for a in scanned.graph.assets(AssetKind.IAM_ROLE)}
    assert roles[OWNER].prop("superuser") is True
    assert roles[planted.analyst].prop("can_login") is True
    assert roles[planted.analyst].prop("superuser") is False
    assert roles["PUBLIC"].prop("can_login") is False
    everything = [*scanned.graph.assets(), *scanned.graph.relations()]
    assert OWNER_PASSWORD not in repr(everything)


def test_unreadable_catalog_is_skipped_naming_the_source() -> None:
    result = CollectResult()
    found = table_access(
        "postgresql://someone:hunter2-fake@127.0.0.1:1/nowhere", "pg-label", "data:x", [], result
    )
    assert found == AccessFacts()
    (skipped,) = result.skipped
    assert skipped.location == "pg-label"
    assert "hunter2-fake" not in str(skipped)
    assert not result.assets and not result.relations


@pytest.mark.parametrize(
    ("schema_of", "finding"),
    [
        pytest.param(lambda p: p.schema, True, id="future-tables-to-public"),
        pytest.param(lambda p: p.locked, False, id="future-tables-to-one-role"),
    ],
)
def test_default_privileges_to_public_are_a_finding_and_their_twin_is_not(
    scanned: ScanResult, planted: Planted, schema_of: Callable[[Planted], str], finding: bool
) -> None:
    schema = schema_of(planted)
    (store,) = list(scanned.graph.assets(AssetKind.DATA_STORE))
    defaults = [g for g in store.prop("default_grants") if g["schema"] == schema]
    assert [(g["owner"], g["privileges"], g["scope"]) for g in defaults] == [
        (OWNER, ["SELECT"], "schema")
    ]
    assert defaults[0]["grantee"] == ("PUBLIC" if finding else planted.analyst)
    rules = [
        f
        for f in scanned.findings
        if f.rule_id == "SW-DATA-009" and f.evidence.key.endswith(f":{schema}:schema")
    ]
    assert len(rules) == (1 if finding else 0)
    if finding:
        assert rules[0].severity == Severity.HIGH
        assert f"IN SCHEMA {schema} GRANT SELECT ON TABLES TO PUBLIC" in rules[0].evidence.snippet


@pytest.mark.parametrize(
    ("table_of", "finding"),
    [
        pytest.param(lambda p: f"{p.locked}.vault", True, id="through-two-roles"),
        pytest.param(lambda p: f"{p.schema}.private_customers", False, id="direct-grant"),
    ],
)
def test_access_through_inherited_roles_shows_the_chain(
    scanned: ScanResult, planted: Planted, table_of: Callable[[Planted], str], finding: bool
) -> None:
    dataset_id = _dataset_id(scanned, table_of(planted))
    rules = [f for f in scanned.findings if f.asset_id == dataset_id and f.rule_id == "SW-DATA-012"]
    assert len(rules) == (1 if finding else 0)
    if finding:
        prefix = planted.nested.removesuffix("nested")
        chain = (
            f"{prefix}nested -> member of {prefix}team -> member of {prefix}readers -> GRANT"
            f" SELECT ON {planted.locked}.vault TO {prefix}readers"
        )
        assert rules[0].evidence.snippet == chain
        assert rules[0].severity == Severity.MEDIUM
