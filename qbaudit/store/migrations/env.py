"""Alembic environment: migrations run on the connection :func:`qbaudit.store.database.migrate` passes in."""

from __future__ import annotations

from alembic import context

from qbaudit.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("qbaudit migrations run through qbaudit.store.database.migrate(engine)")
# transactional_ddl: migrate() runs everything in one transaction on both backends (on SQLite qbaudit emits BEGIN itself).
context.configure(connection=connection, target_metadata=Base.metadata, transactional_ddl=True,
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
