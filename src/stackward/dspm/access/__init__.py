"""Who can read a PostgreSQL table: the catalog as data, and effective access computed from it.

:func:`read_catalog` collects roles, memberships, grants, owners and row-level security from
``pg_catalog`` in one read-only transaction; :func:`effective_access` is a pure function that
applies PostgreSQL's rules to that catalog and says, for every role, which privileges it holds
on which table and through which chain of roles.
"""

from __future__ import annotations

from stackward.dspm.access.effective import Access, effective_access
from stackward.dspm.access.model import (
    Catalog,
    DefaultPrivilege,
    Membership,
    Policy,
    Role,
    Schema,
    SchemaGrant,
    Table,
    TableGrant,
)
from stackward.dspm.access.postgres import read_catalog

__all__ = [
    "Access",
    "Catalog",
    "DefaultPrivilege",
    "Membership",
    "Policy",
    "Role",
    "Schema",
    "SchemaGrant",
    "Table",
    "TableGrant",
    "effective_access",
    "read_catalog",
]
