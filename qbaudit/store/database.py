"""Where the audit record lives and how to open it: an embedded SQLite file in the user's data folder
by default (WAL mode), or any PostgreSQL server by URL (``--database``, ``QBAUDIT_DATABASE_URL`` or the
``database_url`` setting). Opening a store brings its schema up to date with the Alembic migrations
shipped in the package, so an installed qbaudit can migrate without an ``alembic.ini``.

Transactions are real on both backends. On SQLite the driver's own transaction handling is switched
off (it would run DDL outside any transaction and start a transaction only at the first write) and
qbaudit emits ``BEGIN`` itself: ``BEGIN IMMEDIATE`` for the connections of :func:`writer`, which
take the write lock before they read anything, so two writers never work from the same stale state.
The first creation of the schema and every migration run in one such transaction: a process killed
half-way leaves the store as it was before.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError

from qbaudit.errors import QbauditError
from qbaudit.i18n import tr

ENV_URL = "QBAUDIT_DATABASE_URL"
DATABASE_FILE = "audits.sqlite3"
WRITE_OPTION = "qbaudit_write"  # execution option of the engine from writer(): its transactions write
BUSY_SECONDS = 30  # how long a writer waits for another writer's lock before giving up
MIGRATION_LOCK = 0x71626175  # PostgreSQL advisory lock key held while migrating ("qbau")
_log = logging.getLogger(__name__)


class StoreError(QbauditError):
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
        engine = create_engine(url, connect_args={"timeout": BUSY_SECONDS})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend != "postgresql":
        raise StoreError(tr("store.unsupported", url=describe_url(url)))
    try:
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except (ArgumentError, ImportError) as exc:
        raise StoreError(tr("store.bad_url", url=describe_url(url))) from exc


def writer(engine: Engine) -> Engine:
    """``engine`` for transactions that write: on SQLite they begin with ``BEGIN IMMEDIATE`` (the write
    lock is taken first, waiting up to :data:`BUSY_SECONDS` for another writer); on PostgreSQL the
    callers lock the rows they change (``SELECT … FOR UPDATE``)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def reader(engine: Engine) -> Engine:
    """``engine`` for transactions that only read, each from one consistent snapshot (SQLite's read
    transactions are snapshots; PostgreSQL is asked for ``REPEATABLE READ``)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ")
    return engine


def _sqlite_connect(connection, _record) -> None:  # noqa: ANN001 - DBAPI connection
    # The driver's transaction handling off: qbaudit emits BEGIN itself (_sqlite_begin), so DDL is transactional.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={round(BUSY_SECONDS * 1000)}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _alembic_config(connection):  # noqa: ANN001, ANN202 - alembic types imported lazily
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("qbaudit.store") / "migrations"))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (creating it in an empty database).

    All of it in one write transaction (on PostgreSQL also under an advisory lock, so two programs
    opening a new database at once do not both create it): a kill leaves the old schema or the new.
    """
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    try:
        with reader(engine).connect() as connection:
            heads = set(ScriptDirectory.from_config(_alembic_config(connection)).get_heads())
            if _current_revision(connection) in heads:
                return
        with schema_transaction(engine) as connection:
            _drop_unfinished_schema(connection)
            command.upgrade(_alembic_config(connection), "head")
    except CommandError as exc:  # the database is at a migration this qbaudit does not know: a newer qbaudit made it
        _log.warning("store %s: migration refused: %s", describe_url(str(engine.url)), exc)
        raise StoreError(tr("store.too_new", where=_where(engine.url))) from exc
    except SQLAlchemyError as exc:
        raise StoreError(failure_message(engine.url, exc, action="open")) from exc


@contextmanager
def schema_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction for changing the schema, committed only when all of it went through.

    PostgreSQL: under an advisory lock, so two programs opening a new database at once do not both
    create it. SQLite: foreign keys are switched off for the connection before ``BEGIN`` (they cannot be
    switched inside a transaction) so that a batch migration may rebuild a table others refer to, as
    SQLite's documentation prescribes; ``PRAGMA foreign_key_check`` must then find nothing before the
    commit, and the connection gets its foreign keys back afterwards.
    """
    with writer(engine).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if not sqlite:
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise IntegrityError("PRAGMA foreign_key_check", None,
                                             Exception(f"{len(broken)} rows break a foreign key, first {broken[0]}"))
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def _current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return MigrationContext.configure(connection).get_current_revision()


def _drop_unfinished_schema(connection: Connection) -> None:
    """Clear what a qbaudit older than transactional schema creation left when it was killed during the
    first open of a SQLite file: the version table with no version, some of qbaudit's tables, all empty.
    Nothing is dropped when any of them holds a row."""
    from qbaudit.store.models import Base

    if connection.dialect.name != "sqlite":
        return  # PostgreSQL's DDL was always transactional: no half-built schema there
    names = set(inspect(connection).get_table_names())
    if "alembic_version" not in names or _current_revision(connection) is not None:
        return
    ours = [table for table in reversed(Base.metadata.sorted_tables) if table.name in names]
    if not ours or any(connection.execute(select(func.count()).select_from(table)).scalar() for table in ours):
        return
    _log.warning("store %s: dropping an unfinished, empty schema (%d tables) to build it again",
                 describe_url(str(connection.engine.url)), len(ours))
    for table in ours:
        table.drop(connection)


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return _current_revision(connection)


def _reason(exc: BaseException) -> str:
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _where(url: str | URL) -> str:
    """How a message names the store: the file of a SQLite store, the URL (without password) of a server."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        return tr("store.where_file", path=parsed.database or ":memory:")
    return tr("store.where_server", url=parsed.render_as_string(hide_password=True))


# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF) and what they mean to a user.
_SQLITE_CAUSES = {5: "busy", 6: "busy", 8: "readonly", 3: "readonly", 23: "readonly", 14: "cantopen", 26: "notadb",
                  11: "notadb", 13: "full", 10: "ioerror"}
# PostgreSQL's SQLSTATEs (and classes) and what they mean to a user.
_POSTGRES_CAUSES = {"28P01": "login", "28000": "login", "3D000": "no_database", "42501": "privilege",
                    "53100": "full", "57P03": "unreachable", "40001": "conflict", "40P01": "conflict"}


def failure_message(url: str | URL, exc: SQLAlchemyError, *, action: str = "write") -> str:
    """What went wrong with the store while it was opened, read or written (``action``) and what to do, in the
    UI language (the driver's own English text goes to the log only)."""
    parsed = make_url(url) if isinstance(url, str) else url
    _log.warning("store %s: %s: %s", parsed.render_as_string(hide_password=True), type(exc).__name__, _reason(exc))
    where = _where(parsed)
    cause = _cause(parsed.get_backend_name(), exc)
    if cause == "unknown":
        return tr({"open": "store.cannot_open", "read": "store.read_failed"}.get(action, "store.failed"), where=where)
    return tr(f"store.cause_{cause}", where=where, database=parsed.database or "", seconds=f"{BUSY_SECONDS:g}")


def _cause(backend: str, exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    if isinstance(exc, IntegrityError):
        return "conflict"  # a row another writer made meanwhile (the locks make this rare)
    if backend == "sqlite":
        code = getattr(original, "sqlite_errorcode", None)
        if code is not None:
            return _SQLITE_CAUSES.get(code & 0xFF, "unknown")
        return "busy" if "locked" in _reason(exc) else "unknown"
    state = getattr(original, "sqlstate", None)
    if state is None:
        # No SQLSTATE: the server was never reached (refused, timed out, name not found).
        return "unreachable" if isinstance(exc, OperationalError) else "unknown"
    return _POSTGRES_CAUSES.get(state, "unknown")
