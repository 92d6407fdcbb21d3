"""Dataset keys: one canonical URI for the same data, whoever found it.

The data collector names a table by its store, an OpenLineage producer by a namespace and a
name, dbt by database, schema and alias. Joining them needs one spelling, built here:

- S3: ``s3://<bucket>/<key or prefix>`` (no trailing slash; a bucket is ``s3://<bucket>``)
- PostgreSQL: ``postgresql://<host>:<port>/<database>/<schema>.<table>`` (lower-case host,
  the default port 5432 written out)
- a local file: ``file://<absolute path>``
- anything else: the OpenLineage ``namespace`` + ``/`` + ``name``.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

POSTGRES_DEFAULT_PORT = 5432
_S3_SCHEMES = ("s3", "s3a", "s3n")
_POSTGRES_SCHEMES = ("postgres", "postgresql")
_LOCAL_HOSTS = ("", "localhost")


def dataset_key_for_s3(bucket: str, key: str = "") -> str:
    """``s3://bucket/key``; a bucket alone (empty key) is ``s3://bucket``."""
    clean = key.strip("/")
    return f"s3://{bucket}/{clean}" if clean else f"s3://{bucket}"


def dataset_key_for_postgres(
    host: str,
    port: int | str | None,
    database: str,
    schema: str | None = None,
    table: str | None = None,
) -> str:
    """A table (schema and table given) or a whole database (neither given)."""
    base = f"postgresql://{(host or 'localhost').lower()}:{port or POSTGRES_DEFAULT_PORT}"
    base = f"{base}/{database}"
    if schema and table:
        return f"{base}/{schema}.{table}"
    return base


def dataset_key_for_postgres_dsn(
    dsn: str, schema: str | None = None, table: str | None = None
) -> str | None:
    """The key of the database a libpq connection string names (None if it cannot be parsed).

    Parsed with psycopg's own conninfo parser, so URIs and ``key=value`` strings both work;
    the password is never read into the key. No host (or a socket directory) is
    ``localhost``; no port is 5432; no database name is the user name, as for libpq.
    """
    from psycopg import conninfo

    try:
        params = conninfo.conninfo_to_dict(dsn)
    except Exception:  # psycopg raises ProgrammingError and others for a bad string
        return None
    host = str(params.get("host") or "localhost").split(",")[0]
    if host.startswith("/") or not host:
        host = "localhost"
    port = str(params.get("port") or POSTGRES_DEFAULT_PORT).split(",")[0]
    database = str(params.get("dbname") or params.get("user") or "postgres")
    return dataset_key_for_postgres(host, port, database, schema, table)


def dataset_key_for_path(path: str | os.PathLike[str]) -> str:
    """``file://`` and the absolute, normalised path (symbolic links are not resolved)."""
    absolute = os.path.normpath(Path(path).absolute())
    return f"file://{Path(absolute).as_posix()}"


def normalise_dataset_key(uri: str) -> str:
    """The canonical spelling of a dataset URI; unknown schemes are returned stripped."""
    uri = uri.strip()
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme in _S3_SCHEMES and parts.netloc:
        return dataset_key_for_s3(parts.netloc, parts.path)
    if scheme in _POSTGRES_SCHEMES and parts.netloc:
        return _normalise_postgres(uri)
    if scheme == "file":
        path = parts.path or "/"
        if parts.netloc not in _LOCAL_HOSTS:
            return f"file://{parts.netloc}{_clean_path(path)}"
        return f"file://{_clean_path(path)}"
    return uri.rstrip("/") if "://" in uri and not uri.endswith("://") else uri


def dataset_key_from_openlineage(namespace: str, name: str) -> str:
    """The key of an OpenLineage dataset, following the OpenLineage naming spec.

    ``postgres://host:port`` + ``db.schema.table``; ``s3://bucket`` + ``path``;
    ``file`` or ``file://host`` + ``/abs/path``; other platforms (``gs://``, ``abfss://``,
    ``bigquery``, ``snowflake://``, …) keep ``namespace/name``.
    """
    namespace = namespace.strip()
    name = name.strip()
    parts = urlsplit(namespace)
    scheme = parts.scheme.lower()
    if scheme in _S3_SCHEMES and parts.netloc:
        return dataset_key_for_s3(parts.netloc, posixpath.join(parts.path, name.lstrip("/")))
    if scheme in _POSTGRES_SCHEMES and parts.netloc:
        pieces = name.split(".")
        server = _normalise_postgres(namespace)
        if len(pieces) == 3 and all(pieces):
            return f"{server}/{pieces[0]}/{pieces[1]}.{pieces[2]}"
        return f"{server}/{name}"
    if namespace == "file" or scheme == "file":
        host = parts.netloc if scheme == "file" else ""
        path = _clean_path(name if name.startswith("/") else f"/{name}")
        return f"file://{path}" if host in _LOCAL_HOSTS else f"file://{host}{path}"
    return f"{namespace.rstrip('/')}/{name.lstrip('/')}"


def is_relative_file_name(namespace: str, name: str) -> bool:
    """An OpenLineage dataset in the ``file`` namespace named by a relative path.

    The spec names local files by their absolute path, which is what producers write. A
    relative name (``datasets/customers.csv``) is accepted for lineage kept in a repository
    next to the data it describes, whose absolute location is not known when it is written.
    """
    return namespace.strip() == "file" and not name.strip().startswith("/")


def dataset_key_for_relative_file(name: str, base: str | os.PathLike[str]) -> str:
    """The key of a relative ``file`` name, resolved against ``base`` (the directory of the
    event file that holds it), as relative paths in ``stackward.yaml`` are resolved against
    the config file."""
    return dataset_key_for_path(Path(base) / name.strip())


def _normalise_postgres(uri: str) -> str:
    parts = urlsplit(uri)
    host = (parts.hostname or "localhost").lower()
    try:
        port = parts.port or POSTGRES_DEFAULT_PORT
    except ValueError:
        port = POSTGRES_DEFAULT_PORT
    path = parts.path.strip("/")
    return f"postgresql://{host}:{port}/{path}" if path else f"postgresql://{host}:{port}"


def _clean_path(path: str) -> str:
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned != "/" else "/"


def is_under(key: str, prefix: str) -> bool:
    """``key`` equals ``prefix`` or lies under it on a path boundary.

    ``s3://bucket-ab/x`` is not under ``s3://bucket-a``; ``file:///data/a.csv`` is under
    ``file:///data``.
    """
    if key == prefix:
        return True
    if not prefix.startswith(("s3://", "file://")):
        return False
    return key.startswith(prefix.rstrip("/") + "/")
