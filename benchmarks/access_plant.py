"""A PostgreSQL database shaped like a large analytics warehouse, for the access benchmark.

Roles come in tiers, as organisations build them: departments, teams inside them, projects
inside teams (NOLOGIN group roles, each a member of the tier above), and logins that are
members of one or two projects or teams; a few logins do not inherit, two are superusers.
Tables are spread over schemas; each is granted to a few groups, some also for writing, some
columns to single logins, a few to PUBLIC; schemas are usable by some groups, a few by
PUBLIC; some owners set default privileges. Seeded, so every run plants the same database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import psycopg
from psycopg import sql

SEED = 20261126


@dataclass(frozen=True, slots=True)
class Shape:
    roles: int = 1_000
    tables: int = 10_000
    schemas: int = 50

    @property
    def groups(self) -> int:
        return self.roles // 10

    @property
    def logins(self) -> int:
        return self.roles - self.groups


def plant(conn: psycopg.Connection[tuple[object, ...]], shape: Shape) -> dict[str, int]:
    """Create the roles, schemas, tables and grants (``conn`` is a superuser, autocommit off)."""
    rng = random.Random(SEED)
    departments = [f"bench_dept_{i}" for i in range(shape.groups // 10)]
    teams = [f"bench_team_{i}" for i in range(shape.groups * 3 // 10)]
    projects = [f"bench_proj_{i}" for i in range(shape.groups - len(departments) - len(teams))]
    groups = departments + teams + projects
    logins = [f"bench_login_{i}" for i in range(shape.logins)]
    statements: list[sql.Composable] = []
    ident = sql.Identifier

    def add(template: str, *names: str) -> None:
        statements.append(sql.SQL(template).format(*(ident(n) for n in names)))

    for name in groups:
        add("CREATE ROLE {} NOLOGIN", name)
    for i, name in enumerate(logins):
        inherit = "NOINHERIT" if i % 50 == 7 else "INHERIT"
        superuser = " SUPERUSER" if i < 2 else ""
        statements.append(
            sql.SQL("CREATE ROLE {} LOGIN " + inherit + superuser).format(ident(name))
        )
    for team in teams:
        add("GRANT {} TO {}", rng.choice(departments), team)
    for project in projects:
        add("GRANT {} TO {}", rng.choice(teams), project)
    for login in logins:
        for group in rng.sample(projects + teams, rng.choice((1, 1, 2))):
            add("GRANT {} TO {}", group, login)
    schemas = [f"bench_s{i}" for i in range(shape.schemas)]
    owners = rng.sample(logins[2:], 10)
    counts = {"roles": len(groups) + len(logins), "grants": 0, "tables": 0}
    for s_index, schema in enumerate(schemas):
        owner = owners[s_index % len(owners)]
        add("CREATE SCHEMA {} AUTHORIZATION {}", schema, owner)
        for group in rng.sample(groups, 10):
            add("GRANT USAGE ON SCHEMA {} TO {}", schema, group)
        if s_index % 10 == 3:
            add("GRANT USAGE ON SCHEMA {} TO PUBLIC", schema)
        if s_index % 7 == 0:
            statements.append(
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT SELECT ON TABLES TO {}"
                ).format(ident(owner), ident(schema), ident(rng.choice(groups)))
            )
    per_schema = shape.tables // shape.schemas
    for s_index, schema in enumerate(schemas):
        for t_index in range(per_schema):
            table = ident(schema, f"t{t_index}")
            statements.append(
                sql.SQL("CREATE TABLE {} (id int, email text, note text)").format(table)
            )
            counts["tables"] += 1
            for group in rng.sample(groups, rng.randint(2, 4)):
                statements.append(sql.SQL("GRANT SELECT ON {} TO {}").format(table, ident(group)))
                counts["grants"] += 1
            if rng.random() < 0.1:
                statements.append(
                    sql.SQL("GRANT INSERT, UPDATE ON {} TO {}").format(
                        table, ident(rng.choice(groups))
                    )
                )
                counts["grants"] += 1
            if rng.random() < 0.05:
                statements.append(
                    sql.SQL("GRANT SELECT (id, email) ON {} TO {}").format(
                        table, ident(rng.choice(logins))
                    )
                )
                counts["grants"] += 1
            if rng.random() < 0.02:
                statements.append(sql.SQL("GRANT SELECT ON {} TO PUBLIC").format(table))
                counts["grants"] += 1
            owner = owners[s_index % len(owners)]
            statements.append(sql.SQL("ALTER TABLE {} OWNER TO {}").format(table, ident(owner)))
    with conn.cursor() as cur:
        for start in range(0, len(statements), 2_000):
            batch = sql.SQL(";\n").join(statements[start : start + 2_000])
            cur.execute(batch)
            conn.commit()  # one transaction would run out of lock slots
    return counts
