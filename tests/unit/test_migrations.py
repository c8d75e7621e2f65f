"""The Alembic migrations build the schema from nothing, and it is exactly the models' schema."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from qbaudit.store.database import _alembic_config, make_engine, migrate, schema_revision
from qbaudit.store.models import Base


def test_migrations_create_the_models_schema_from_nothing(database_url):
    engine = make_engine(database_url)
    try:
        assert schema_revision(engine) is None
        migrate(engine)
        with engine.connect() as connection:
            head = ScriptDirectory.from_config(_alembic_config(connection)).get_heads()
            assert schema_revision(engine) == head[0] and len(head) == 1
            tables = set(inspect(connection).get_table_names())
            assert tables == set(Base.metadata.tables) | {"alembic_version"}
            context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
            assert compare_metadata(context, Base.metadata) == []
        migrate(engine)  # a second run finds nothing to do
        assert schema_revision(engine) == head[0]
    finally:
        engine.dispose()


def test_migrations_go_down_to_nothing_and_up_again(database_url):
    engine = make_engine(database_url)
    try:
        migrate(engine)
        with engine.begin() as connection:
            command.downgrade(_alembic_config(connection), "base")
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
        migrate(engine)
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) >= set(Base.metadata.tables)
    finally:
        engine.dispose()
