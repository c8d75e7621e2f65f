"""Alembic migrations of the audit record, shipped with the package (see ``qbaudit.store.database.migrate``)."""
