"""Tables created later in a schema holding sensitive data will be readable by every role."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

PUBLIC = "PUBLIC"


class PublicDefaultPrivilegesCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-009",
        title="Default privileges grant future tables in a sensitive schema to PUBLIC",
        severity=Severity.MEDIUM,
        layer=Layer.DATA_FOUNDATION,
        kinds=frozenset({AssetKind.DATA_STORE}),
        refs=(atlas("AML.T0036"), nist("MEASURE 2.10"), owasp_llm("LLM02")),
        rationale=(
            "ALTER DEFAULT PRIVILEGES ... GRANT ... TO PUBLIC makes every table the owner"
            " creates later in the schema readable or writable by every role in the database."
            " The schema already holds personal data or secrets, so the next table of the same"
            " kind (a new extract, a training snapshot, a copy made for a notebook) is exposed"
            " to every login the moment it is created, with no grant anyone reviewed."
        ),
        remediation=(
            "ALTER DEFAULT PRIVILEGES FOR ROLE <owner> IN SCHEMA <schema> REVOKE ALL ON TABLES"
            " FROM PUBLIC; grant future tables to a role for their readers instead"
            " (ALTER DEFAULT PRIVILEGES ... GRANT SELECT ON TABLES TO <role>)."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        grants = asset.prop("default_grants", ())
        if not isinstance(grants, (list, tuple)):
            return
        for grant in grants:
            if not isinstance(grant, Mapping) or grant.get("grantee") != PUBLIC:
                continue
            owner, schema = str(grant.get("owner")), str(grant.get("schema"))
            privileges = ", ".join(str(p) for p in grant.get("privileges", ()))
            scope = "every schema" if grant.get("scope") == "database" else f"schema {schema}"
            statement = f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner}"
            if grant.get("scope") != "database":
                statement += f" IN SCHEMA {schema}"
            statement += f" GRANT {privileges} ON TABLES TO PUBLIC"
            yield Violation(
                Evidence(
                    location=asset.source,
                    snippet=statement[:200],
                    key=f"default:{owner}:{schema}:{grant.get('scope')}",
                ),
                detail=(
                    f"Tables that {owner} creates in {scope} will grant {privileges} to PUBLIC;"
                    f" schema {schema} already holds sensitive tables"
                ),
                severity=Severity.HIGH if "SELECT" in privileges else Severity.MEDIUM,
            )
