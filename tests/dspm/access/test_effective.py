"""Effective access on hand-built catalogs: inheritance, PUBLIC, owners, USAGE, RLS, cycles."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from stackward.dspm.access import (
    Access,
    Catalog,
    Membership,
    Role,
    Schema,
    SchemaGrant,
    Table,
    TableGrant,
    effective_access,
)
from stackward.dspm.access import effective as effective_module
from stackward.dspm.access.effective import inherited_roles
from stackward.dspm.access.model import PUBLIC, TABLE_PRIVILEGES

ROLES = (
    Role("admin", superuser=True, can_login=True),
    Role("app_login", can_login=True),
    Role("auditor", can_login=True, inherit=False),
    Role("analysts"),
    Role("team"),
    Role("deep_login", can_login=True),
    Role("etl", can_login=True, bypass_rls=True),
    Role("data_owner"),
    Role("owner_member", can_login=True),
    Role("outsider", can_login=True),
)
MEMBERSHIPS = (
    Membership("app_login", "analysts"),
    Membership("auditor", "analysts"),
    Membership("team", "analysts"),
    Membership("deep_login", "team"),
    Membership("owner_member", "data_owner"),
)
SCHEMAS = (Schema("public", "admin"), Schema("vault", "admin"))
SCHEMA_GRANTS = (SchemaGrant(PUBLIC, "public", "USAGE"),)
TABLES = (
    Table("public", "customers", "data_owner"),
    Table("public", "orders", "data_owner", rls_enabled=True),
    Table("public", "customers_private", "data_owner"),
    Table("public", "forced", "data_owner", rls_enabled=True, rls_forced=True),
    Table("vault", "secrets", "admin"),
    Table("public", "locked", "data_owner"),
)
GRANTS = (
    TableGrant(PUBLIC, "public", "customers", "SELECT"),
    TableGrant("analysts", "public", "orders", "SELECT"),
    TableGrant("analysts", "public", "orders", "INSERT"),
    TableGrant("app_login", "public", "customers_private", "SELECT", columns=("email",)),
    TableGrant("analysts", "public", "customers_private", "SELECT", columns=("email", "name")),
    TableGrant("etl", "public", "forced", "SELECT"),
    TableGrant("app_login", "vault", "secrets", "SELECT"),
)
CATALOG = Catalog(150000, ROLES, MEMBERSHIPS, SCHEMAS, SCHEMA_GRANTS, TABLES, GRANTS)


def accesses(catalog: Catalog, table: str, privilege: str = "SELECT") -> dict[str, Access]:
    found: dict[str, Access] = {}
    for access in effective_access(catalog):
        if access.table == table and privilege in access.privileges:
            assert access.principal not in found or access.columns is not None
            found.setdefault(access.principal, access)
    return found


def chains(catalog: Catalog, table: str, privilege: str = "SELECT") -> dict[str, tuple[str, ...]]:
    return {name: access.via for name, access in accesses(catalog, table, privilege).items()}


EVERY_ROLE_VIA_PUBLIC = {
    role.name: (role.name, PUBLIC)
    for role in ROLES
    if role.name not in {"admin", "data_owner", "owner_member"}
}


@pytest.mark.parametrize(
    ("table", "privilege", "expected"),
    [
        pytest.param(
            "customers",
            "SELECT",
            {
                **EVERY_ROLE_VIA_PUBLIC,
                PUBLIC: (PUBLIC,),
                "admin": ("admin",),
                "data_owner": ("data_owner",),
                # Equal length to the owner chain: the tie goes to the first name.
                "owner_member": ("owner_member", PUBLIC),
            },
            id="public-grant-reaches-every-role",
        ),
        pytest.param(
            "orders",
            "SELECT",
            {
                "admin": ("admin",),
                "data_owner": ("data_owner",),
                "owner_member": ("owner_member", "data_owner"),
                "analysts": ("analysts",),
                "app_login": ("app_login", "analysts"),
                "team": ("team", "analysts"),
                "deep_login": ("deep_login", "team", "analysts"),
            },
            id="group-grant-inherited-not-by-noinherit-auditor",
        ),
        pytest.param(
            "orders",
            "DELETE",
            {
                "admin": ("admin",),
                "data_owner": ("data_owner",),
                "owner_member": ("owner_member", "data_owner"),
            },
            id="ungranted-privilege-only-owner-and-superuser",
        ),
        pytest.param(
            "locked",
            "SELECT",
            {
                "admin": ("admin",),
                "data_owner": ("data_owner",),
                "owner_member": ("owner_member", "data_owner"),
            },
            id="locked-down-twin",
        ),
        pytest.param(
            "secrets",
            "SELECT",
            {"admin": ("admin",)},
            id="grant-without-schema-usage-gives-nothing",
        ),
    ],
)
def test_who_holds_a_privilege(
    table: str, privilege: str, expected: dict[str, tuple[str, ...]]
) -> None:
    assert chains(CATALOG, table, privilege) == expected


@pytest.mark.parametrize(
    ("principal", "columns", "via"),
    [
        pytest.param(
            "app_login", ("email", "name"), ("app_login", "analysts"), id="wider-via-group"
        ),
        pytest.param("analysts", ("email", "name"), ("analysts",), id="group-itself"),
        pytest.param("outsider", None, None, id="no-column-grant"),
    ],
)
def test_column_grants(
    principal: str, columns: tuple[str, ...] | None, via: tuple[str, ...] | None
) -> None:
    found = [
        a
        for a in effective_access(CATALOG)
        if a.table == "customers_private" and a.principal == principal and a.reason == "grant"
    ]
    if columns is None:
        assert found == []
        return
    # Each column is attributed to its shortest chain: app_login's own grant for email.
    by_column = {c: a.via for a in found for c in a.columns or ()}
    assert set(by_column) == set(columns)
    assert by_column["name"] == via
    if principal == "app_login":
        assert by_column["email"] == ("app_login",)
    assert all(a.privileges == {"SELECT"} for a in found)


@pytest.mark.parametrize(
    ("principal", "table", "reason", "bypasses"),
    [
        pytest.param("admin", "orders", "superuser", True, id="superuser-bypasses"),
        pytest.param("data_owner", "orders", "owner", True, id="owner-bypasses-unforced"),
        pytest.param("owner_member", "orders", "owner", True, id="inheriting-owner-bypasses"),
        pytest.param("app_login", "orders", "grant", False, id="grantee-subject-to-rls"),
        pytest.param("data_owner", "forced", "owner", False, id="owner-subject-when-forced"),
        pytest.param("etl", "forced", "grant", True, id="bypassrls-role"),
    ],
)
def test_row_level_security(principal: str, table: str, reason: str, bypasses: bool) -> None:
    access = accesses(CATALOG, table)[principal]
    assert access.reason == reason
    assert access.bypasses_rls is bypasses
    assert access.rls_enabled is True


def test_owner_and_superuser_hold_every_privilege() -> None:
    found = accesses(CATALOG, "locked")
    assert found["admin"].privileges == TABLE_PRIVILEGES
    assert found["data_owner"].privileges == TABLE_PRIVILEGES
    assert found["data_owner"].reason == "owner"


def test_privileges_are_grouped_per_chain() -> None:
    access = accesses(CATALOG, "orders")["app_login"]
    assert access.privileges == {"SELECT", "INSERT"}


@pytest.mark.parametrize(
    ("grant_inherit", "role_inherit", "holds"),
    [
        pytest.param(True, False, True, id="pg16-grant-inherits-despite-noinherit-role"),
        pytest.param(False, True, False, id="pg16-grant-noinherit"),
        pytest.param(None, True, True, id="pre16-role-inherits"),
        pytest.param(None, False, False, id="pre16-role-noinherit"),
    ],
)
def test_inherit_option_per_grant_or_per_role(
    grant_inherit: bool | None, role_inherit: bool, holds: bool
) -> None:
    catalog = Catalog(
        160000 if grant_inherit is not None else 150000,
        roles=(Role("login", can_login=True, inherit=role_inherit), Role("group")),
        memberships=(Membership("login", "group", inherit=grant_inherit, set=True),),
        schemas=(Schema("s", "group"),),
        tables=(Table("s", "t", "nobody"),),
        table_grants=(TableGrant("group", "s", "t", "SELECT"),),
    )
    assert ("login" in chains(catalog, "t")) is holds


def test_membership_cycles_end() -> None:
    cycle = (Membership("a", "b"), Membership("b", "c"), Membership("c", "a"))
    catalog = Catalog(
        160000,
        roles=(Role("a", can_login=True), Role("b"), Role("c")),
        memberships=(*cycle, Membership("a", "a")),
        schemas=(Schema("s", "c"),),
        tables=(Table("s", "t", "x"),),
        table_grants=(TableGrant("c", "s", "t", "SELECT"),),
    )
    assert inherited_roles("a", catalog) == {
        "a": ("a",),
        "b": ("a", "b"),
        "c": ("a", "b", "c"),
        PUBLIC: ("a", PUBLIC),
    }
    assert chains(catalog, "t") == {"a": ("a", "b", "c"), "b": ("b", "c"), "c": ("c",)}


def test_shortest_chain_wins_and_ties_break_by_name() -> None:
    catalog = Catalog(
        150000,
        roles=(Role("login", can_login=True), Role("zed"), Role("amy"), Role("mid")),
        memberships=(
            Membership("login", "zed"),
            Membership("login", "amy"),
            Membership("login", "mid"),
            Membership("mid", "target"),
        ),
        schemas=(Schema("s", "root"),),
        schema_grants=(SchemaGrant(PUBLIC, "s", "USAGE"),),
        tables=(Table("s", "t", "root"),),
        table_grants=(
            TableGrant("zed", "s", "t", "SELECT"),
            TableGrant("amy", "s", "t", "SELECT"),
            TableGrant("target", "s", "t", "SELECT"),
        ),
    )
    assert chains(catalog, "t")["login"] == ("login", "amy")


def test_schema_usage_through_inheritance() -> None:
    catalog = Catalog(
        150000,
        roles=(Role("login", can_login=True), Role("group")),
        memberships=(Membership("login", "group"),),
        schemas=(Schema("s", "root"),),
        schema_grants=(SchemaGrant("group", "s", "USAGE"), SchemaGrant("login", "s", "CREATE")),
        tables=(Table("s", "t", "root"),),
        table_grants=(TableGrant("login", "s", "t", "SELECT"),),
    )
    assert chains(catalog, "t") == {"login": ("login",)}
    without = replace(catalog, schema_grants=catalog.schema_grants[1:])
    assert chains(without, "t") == {}


def test_output_is_deterministic() -> None:
    assert effective_access(CATALOG) == effective_access(
        Catalog(150000, ROLES[::-1], MEMBERSHIPS[::-1], SCHEMAS, SCHEMA_GRANTS, TABLES, GRANTS)
    )


def test_access_of_chosen_principals_is_their_part_of_the_whole() -> None:
    everyone = effective_access(CATALOG)
    chosen = {everyone[0].principal, "PUBLIC"}
    assert effective_access(CATALOG, chosen) == [a for a in everyone if a.principal in chosen]


@pytest.mark.parametrize(
    ("data_role", "privilege", "table", "via"),
    [
        pytest.param(
            "pg_read_all_data", "SELECT", "secrets", ("login", "pg_read_all_data"), id="read-all"
        ),
        pytest.param("pg_read_all_data", "UPDATE", "secrets", None, id="read-all-does-not-write"),
        pytest.param(
            "pg_write_all_data", "UPDATE", "secrets", ("login", "pg_write_all_data"), id="write-all"
        ),
        pytest.param(
            "pg_read_all_data", "INSERT", "secrets", ("login",), id="gives-usage-to-own-grants"
        ),
        pytest.param("pg_monitor", "SELECT", "secrets", None, id="other-predefined-role"),
    ],
)
def test_predefined_data_roles(
    data_role: str, privilege: str, table: str, via: tuple[str, ...] | None
) -> None:
    catalog = Catalog(
        150000,
        roles=(Role("login", can_login=True), Role(data_role)),
        memberships=(Membership("login", data_role),),
        schemas=(Schema("vault", "root"),),
        tables=(Table("vault", "secrets", "root", rls_enabled=True),),
        table_grants=(TableGrant("login", "vault", "secrets", "INSERT"),),
    )
    found = accesses(catalog, table, privilege).get("login")
    assert (found.via if found else None) == via
    if found:
        assert found.bypasses_rls is False


def _random_catalog(rng: random.Random) -> Catalog:
    names = [f"r{i}" for i in range(12)]
    roles = tuple(
        Role(
            name,
            superuser=rng.random() < 0.05,
            can_login=rng.random() < 0.6,
            inherit=rng.random() < 0.85,
            bypass_rls=rng.random() < 0.05,
        )
        for name in names
    )
    pool = [*names, "pg_read_all_data", "pg_write_all_data"]
    memberships = tuple(
        Membership(member, rng.choice(pool), inherit=None)
        for member in names
        for _ in range(rng.randint(0, 2))
        if rng.random() < 0.5
    )
    schemas = tuple(Schema(f"s{i}", rng.choice(names)) for i in range(4))
    schema_grants = tuple(
        SchemaGrant(rng.choice([*names, PUBLIC]), schema.name, "USAGE")
        for schema in schemas
        for _ in range(rng.randint(0, 3))
    )
    tables = tuple(
        Table(schema.name, f"t{i}", rng.choice(names)) for schema in schemas for i in range(5)
    )
    privileges = sorted(TABLE_PRIVILEGES)
    table_grants = tuple(
        TableGrant(
            rng.choice([*names, PUBLIC]),
            table.schema,
            table.name,
            rng.choice(privileges),
            columns=None if rng.random() < 0.7 else ("a", "b")[: rng.randint(1, 2)],
        )
        for table in tables
        for _ in range(rng.randint(0, 4))
    )
    return Catalog(
        roles=roles,
        memberships=memberships,
        schemas=schemas,
        schema_grants=schema_grants,
        tables=tables,
        table_grants=table_grants,
    )


@pytest.mark.parametrize("seed", range(40))
def test_looking_only_at_reachable_tables_changes_nothing(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = _random_catalog(random.Random(seed))
    pruned = effective_access(catalog)
    monkeypatch.setattr(
        effective_module._Index,
        "reachable_tables",
        lambda self, catalog, chains, role: catalog.tables,
    )
    assert pruned == effective_access(catalog)
