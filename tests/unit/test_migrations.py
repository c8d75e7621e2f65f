"""The Alembic migrations build the schema from nothing, and it is exactly the models' schema."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

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


def test_0004_keeps_the_audits_recorded_before_it(database_url):
    """An audit stored at 0003 reads the same after 0004, with no supervision facts and the bundled sheet's layout."""
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.store import AuditStore

    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "0003")
        text_before = load_sheet("onsite-2024").text
        text_before = text_before[:text_before.index("[documents]")] + text_before[text_before.index("[verdicts]"):]
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO institutions (id, name, registration_number, created_at) "
                                       "VALUES (1, '某中心', NULL, '2026-01-05 08:00:00')")
            connection.execute(text("INSERT INTO audits (id, institution_id, occupation, sheet_id, sheet_name, "
                                    "sheet_sha256, sheet_text, keep_item_text, created_at) VALUES (1, 1, '焊工', "
                                    "'onsite-2024', '现场', 'x', :sheet, false, '2026-01-05 08:00:00')"),
                               {"sheet": text_before})
            connection.exec_driver_sql("INSERT INTO revisions (id, audit_id, number, created_at) "
                                       "VALUES (1, 1, 1, '2026-01-05 08:00:00')")
            connection.exec_driver_sql("INSERT INTO audit_levels (audit_id, level) VALUES (1, 4)")
        with AuditStore(database_url) as store:  # migrates to the head on open
            assert schema_revision(store.engine) == "0006"
            view = store.load(1)
            assert view.occupation == "焊工" and view.facts.kind is None and view.assessment == "" and view.notice is None
            assert view.sheet.layout.kind == "onsite" and view.sheet.text == text_before
    finally:
        engine.dispose()


def test_0005_reads_the_runs_recorded_before_it(tmp_path, sample_runs, sample_audit_module):
    """A run recorded before 0005 keeps no profile and no bases (NULL): it loads with its suggestions as recorded,
    and its report has no table of thresholds (it says they were not recorded) and lists the waivers that applied."""
    from qbaudit.report import report_from_view
    from qbaudit.store import AuditStore

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    with AuditStore(url) as store:
        audit_id = sample_audit_module["record_sample_audit"](store, "defective", run=sample_runs["defective"],
                                                              sign=False)
        kept = store.load(audit_id)
        assert kept.run.profile_document["id"] == "national-2024"
        assert next(f for f in kept.findings if f.rule == "R15" and f.level == 4).advisory
        with store.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE runs SET profile_document = NULL")
            connection.exec_driver_sql("UPDATE findings SET basis = NULL")
        old = store.load(audit_id)
    assert old.run.profile_document is None
    r15 = next(f for f in old.findings if f.rule == "R15" and f.level == 4)
    assert r15.thresholds == () and not r15.advisory and r15.status.value == "warn"
    assert old.result.total == kept.result.total  # the suggestions are as recorded, not worked out again
    data = report_from_view(old)
    assert data.thresholds == () and data.waivers == ()
