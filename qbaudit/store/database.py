"""Where the audit record lives and how to open it: an embedded SQLite file in the user's data folder
by default (WAL mode), or any PostgreSQL server by URL (``--database``, ``QBAUDIT_DATABASE_URL`` or the
``database_url`` setting). Opening a store brings its schema up to date with the Alembic migrations
shipped in the package, so an installed qbaudit can migrate without an ``alembic.ini``.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from qbaudit.i18n import tr

ENV_URL = "QBAUDIT_DATABASE_URL"
DATABASE_FILE = "audits.sqlite3"


class StoreError(Exception):
    """The audit record cannot be used or refuses a change; ``str()`` says why and what to do, in Chinese."""


def default_url() -> str:
    """The SQLite file in the user's data folder."""
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('qbaudit', appauthor=False)) / DATABASE_FILE}"


def resolve_url(explicit: str | None = None, setting: str | None = None) -> str:
    """The database URL: the one given, else ``QBAUDIT_DATABASE_URL``, else the setting, else the default file."""
    for candidate in (explicit, os.environ.get(ENV_URL), setting):
        if candidate and candidate.strip():
            return normalise_url(candidate.strip())
    return default_url()


def normalise_url(url: str) -> str:
    """A URL SQLAlchemy opens with the drivers qbaudit ships: PostgreSQL through psycopg 3; a bare path is SQLite."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets its folder created, WAL journaling and enforced foreign keys."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(tr("store.bad_url", url=url)) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(tr("store.cannot_create", path=parsed.database, reason=exc.strerror or str(exc))) from exc
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend != "postgresql":
        raise StoreError(tr("store.unsupported", url=describe_url(url)))
    try:
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except (ArgumentError, ImportError) as exc:
        raise StoreError(tr("store.bad_url", url=describe_url(url))) from exc


def _sqlite_pragmas(connection, _record) -> None:  # noqa: ANN001 - DBAPI connection
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _alembic_config(connection):  # noqa: ANN001, ANN202 - alembic types imported lazily
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("qbaudit.store") / "migrations"))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (creating it in an empty database)."""
    from alembic import command

    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
    except SQLAlchemyError as exc:
        raise StoreError(tr("store.unreachable", url=describe_url(str(engine.url)), reason=_reason(exc))) from exc


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        if "alembic_version" not in inspect(connection).get_table_names():
            return None
        return MigrationContext.configure(connection).get_current_revision()


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
