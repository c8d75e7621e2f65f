"""The audit record under concurrent use and sudden death, on SQLite and on a real PostgreSQL server:
decisions racing a signature never change a signed revision, two decisions after a signature never
collide, a kill during the first open leaves no half-built store, and a store that cannot be opened
says why in Chinese. The full figures: ``python scripts/race_store.py`` (50 rounds, 40 kills)."""

from __future__ import annotations

import contextlib
import runpy
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, text

from qbaudit.analysis.sheets import load_sheet
from qbaudit.store import AuditStore, InspectorInput, StoreError
from qbaudit.store import database as store_database
from tests.conftest import _postgres_database

ROOT = Path(__file__).resolve().parents[2]
LEADER, MEMBER = InspectorInput("张建国", "组长"), InspectorInput("李秀英", "组员")


@pytest.fixture(scope="module")
def race() -> dict:
    """``scripts/race_store.py`` as a namespace: the suite runs a few rounds of what it runs in full."""
    return runpy.run_path(str(ROOT / "scripts" / "race_store.py"))


def _decided_audit(store: AuditStore) -> int:
    """An audit on the 16-line daily review sheet with every line decided 是 (ready to sign)."""
    audit_id = store.create_audit(institution="某中心", registration_number=None, occupation="焊工", levels=[4],
                                  inspectors=[LEADER, MEMBER], sheet=load_sheet("shandong-daily-review-2022"))
    for line in range(1, 17):
        store.decide(audit_id, str(line), "是", None, "", by=LEADER.name)
    store.set_assessment(audit_id, "督导过程规范。", by=LEADER.name)  # the form asks for a 总体评价
    return audit_id


@pytest.mark.slow
def test_decisions_racing_a_signature_never_change_the_signed_revision(database_url, race):
    figures = race["race_sign_against_decide"](database_url, rounds=10, racers="threads")
    assert figures.wrong == []
    assert figures.rounds == figures.signed_revisions == figures.fingerprints_equal == 10
    # Every decision was taken: into the signed revision before the signature, or into the next one after it.
    assert figures.outcomes["before"] + figures.outcomes["after"] == 20 and figures.outcomes["refused"] == 0


@pytest.mark.slow
def test_a_decision_waits_for_a_signature_in_progress_and_goes_into_the_next_revision(database_url):
    with AuditStore(database_url) as signer, AuditStore(database_url) as decider:
        audit_id = _decided_audit(signer)
        signing, release, results = threading.Event(), threading.Event(), {}

        def hold_the_commit(_connection) -> None:  # the signature is written but not yet committed
            signing.set()
            release.wait(60)

        event.listen(signer.engine, "commit", hold_the_commit)

        def sign() -> None:
            results["sign"] = signer.sign(audit_id, by=LEADER.name)

        def decide() -> None:
            try:
                results["decide"] = decider.decide(audit_id, "3", "否", None, "复核改判", by=MEMBER.name)
            except StoreError as exc:
                results["decide"] = str(exc)

        threads = [threading.Thread(target=sign)]
        threads[0].start()
        assert signing.wait(60)
        threads.append(threading.Thread(target=decide))
        threads[1].start()
        threads[1].join(0.5)
        waited = threads[1].is_alive()  # the decision waits on the audit's lock while the signature is open
        release.set()
        for thread in threads:
            thread.join(60)
        event.remove(signer.engine, "commit", hold_the_commit)
        assert waited
        assert results["sign"].number == 1 and results["decide"] == 2
        signed, latest = decider.load(audit_id, revision=1), decider.load(audit_id)
        assert signed.content_sha256 == signed.revision.signed_sha256 == results["sign"].signed_sha256
        assert [r.decision.verdict.value for r in signed.result.lines if r.line.id == "3"] == ["yes"]
        assert [r.decision.verdict.value for r in latest.result.lines if r.line.id == "3"] == ["no"]
        assert latest.revision.based_on == 1 and not latest.revision.signed


def test_two_decisions_after_a_signature_share_the_next_revision(database_url):
    with AuditStore(database_url) as first, AuditStore(database_url) as second:
        audit_id = _decided_audit(first)
        first.sign(audit_id, by=LEADER.name)
        barrier, numbers = threading.Barrier(2), []

        def decide(store: AuditStore, line: str) -> None:
            barrier.wait()
            numbers.append(store.decide(audit_id, line, "否", None, "复核改判", by=MEMBER.name))

        threads = [threading.Thread(target=decide, args=(store, line)) for store, line in ((first, "3"), (second, "7"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert numbers == [2, 2]
        assert [r.number for r in first.revisions(audit_id)] == [1, 2]
        assert first.load(audit_id).result.no_count == 2


@contextlib.contextmanager
def _fresh_sqlite(folder: Path):
    yield f"sqlite:///{folder / f'audits-{len(list(folder.iterdir()))}.sqlite3'}"


@pytest.mark.slow
@pytest.mark.parametrize("backend,kills", [("sqlite", 6), ("postgresql", 2)])
def test_a_kill_during_the_first_open_leaves_no_half_built_store(backend, kills, race, tmp_path):
    fresh = (lambda: _fresh_sqlite(tmp_path)) if backend == "sqlite" else \
        (lambda: contextlib.contextmanager(_postgres_database)())
    figures = race["kill_during_first_open"](fresh, kills, seed=7, backend=backend)
    assert figures.wrong == []
    assert figures.kills == figures.opened_after == kills and figures.left_empty + figures.left_complete == kills
    assert figures.left_empty >= kills // 2  # the kills before a statement all land inside the schema's creation


def test_a_store_half_built_by_an_older_qbaudit_is_built_again(tmp_path):
    """What a kill during the first open left before the schema was made in one transaction."""
    path = tmp_path / "audits.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);"
                                 "CREATE TABLE institutions (id INTEGER PRIMARY KEY, name VARCHAR(200));"
                                 "CREATE TABLE inspectors (id INTEGER PRIMARY KEY);")
    with AuditStore(f"sqlite:///{path}") as store:
        assert _decided_audit(store) == 1
    with sqlite3.connect(path) as connection:  # with a row in it, nothing is dropped: refused, said in Chinese
        connection.executescript("DROP TABLE revisions; DELETE FROM alembic_version;")
    with pytest.raises(StoreError) as refused:
        AuditStore(f"sqlite:///{path}")
    message = str(refused.value)
    assert message.startswith(f"无法打开审核记录文件「{path}」，详细原因已写入日志") and "服务器" not in message
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT name FROM institutions").fetchall() == [("某中心",)]


def test_a_file_that_is_not_an_audit_record_is_said_so(tmp_path):
    path = tmp_path / "笔记.sqlite3"
    path.write_bytes("这不是数据库，只是一份笔记。".encode() * 200)
    with pytest.raises(StoreError) as refused:
        AuditStore(f"sqlite:///{path}")
    message = str(refused.value)
    assert f"审核记录文件「{path}」不是 qbaudit 的审核记录，或已经损坏" in message and "改名" in message
    assert "服务器" not in message and "密码" not in message and "file is not a database" not in message


def test_a_store_from_a_newer_qbaudit_is_left_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'audits.sqlite3'}"
    AuditStore(url).close()
    with sqlite3.connect(tmp_path / "audits.sqlite3") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="由更新版本的 qbaudit 建立.*请升级 qbaudit"):
        AuditStore(url)


def test_a_writer_that_waits_too_long_is_told_who_holds_the_store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'audits.sqlite3'}"
    with AuditStore(url) as store:
        audit_id = _decided_audit(store)
    monkeypatch.setattr(store_database, "BUSY_SECONDS", 0.2)
    with AuditStore(url) as store:
        with store_database.writer(store.engine).begin() as other:  # another program is writing
            other.execute(text("UPDATE institutions SET name = name"))
            with pytest.raises(StoreError) as refused:
                store.decide(audit_id, "3", "否", None, "复核改判", by=MEMBER.name)
        assert str(refused.value) == (f"审核记录文件「{tmp_path / 'audits.sqlite3'}」正被另一个 qbaudit（窗口或命令）写入，"
                                      "等了 0.2 秒仍未轮到。请等它完成后重试。")
        assert store.load(audit_id).revision.number == 1  # reading is not blocked, and nothing was written


def test_a_migration_may_rebuild_a_referenced_table_and_one_that_breaks_a_reference_is_undone(tmp_path):
    """SQLite: the schema transaction has foreign keys off (as SQLite prescribes for such changes) and checks them
    all before committing; the connection has them back afterwards."""
    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    with AuditStore(f"sqlite:///{tmp_path / 'audits.sqlite3'}") as store:
        audit_id = _decided_audit(store)
        with store_database.schema_transaction(store.engine) as connection, \
                Operations(MigrationContext.configure(connection)).batch_alter_table("audits", recreate="always") as op:
            op.add_column(sa.Column("note", sa.String(20), nullable=True))
        assert store.load(audit_id).institution == "某中心"
        with pytest.raises(sa.exc.IntegrityError, match="rows break a foreign key, first \\('\\w+', 1, 'audits'"), \
                store_database.schema_transaction(store.engine) as connection:
            connection.exec_driver_sql("DELETE FROM audits")
        assert store.load(audit_id).result.final
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
