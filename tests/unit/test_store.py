"""The audit record, on SQLite and on a real PostgreSQL server: fingerprints without item texts,
suggestions and decisions, history of every change, sign-off that freezes a revision, exports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import select, text

from qbaudit.analysis.run import AuditRun
from qbaudit.analysis.sheets import Verdict, load_sheet
from qbaudit.store import AuditStore, InspectorInput, StoreError, default_url, normalise_url, resolve_url
from qbaudit.store.models import DecisionRecord, FindingRecord, Revision
from tests.conftest import sample_path

LEADER = InspectorInput("张建国", "组长", "R3725A012")
MEMBER = InspectorInput("李秀英", "组员")


@pytest.fixture
def store(database_url):
    with AuditStore(database_url) as opened:
        yield opened


def _open_audit(store, keep_item_text=False, sheet="proposition-2024"):
    return store.create_audit(institution="济南某职业技能等级认定中心", registration_number="S370100123",
                              occupation="焊工", levels=[4, 3, 2], inspectors=[LEADER, MEMBER],
                              sheet=load_sheet(sheet), keep_item_text=keep_item_text)


def _run(sample_imports, sample_reports, manifests, name="defective"):
    report = sample_reports[name]
    return AuditRun(profile=report.profile, as_of=dt.date.fromisoformat(manifests[name]["as_of"]),
                    imports=sample_imports[name], report=report)


def _excerpts(report):
    return [row["excerpt"] for f in report.findings for e in f.evidence for row in e.rows if row.get("excerpt")]


def test_a_run_is_stored_by_fingerprint_without_item_texts(store, sample_imports, sample_reports, manifests):
    audit_id = _open_audit(store)
    assert store.record_run(audit_id, _run(sample_imports, sample_reports, manifests), by="张建国") == 1
    view = store.load(audit_id)
    inputs = {i.kind: i for i in view.run.inputs}
    for kind in ("bank", "blueprint", "standard"):
        assert inputs[kind].sha256 == hashlib.sha256(sample_path("defective", kind).read_bytes()).hexdigest()
    assert inputs["bank"].rows_taken == sum(manifests["defective"]["expected"][lv]["items"] for lv in ("4", "3", "2"))
    assert len(view.findings) == len(sample_reports["defective"].findings)
    with store._sessions() as session:
        stored = json.dumps([r.evidence for r in session.scalars(select(FindingRecord))], ensure_ascii=False)
    excerpts = _excerpts(sample_reports["defective"])
    assert excerpts, "the sample's R13 evidence quotes item excerpts"
    assert not any(excerpt in stored for excerpt in excerpts) and '"excerpt"' not in stored
    r13 = next(f for f in view.findings if f.rule == "R13" and f.level == 3)
    assert r13.evidence and all(key != "excerpt" for key, _ in r13.evidence[0].columns)


def test_item_excerpts_are_kept_only_when_the_user_chooses(store, sample_imports, sample_reports, manifests):
    audit_id = _open_audit(store, keep_item_text=True)
    store.record_run(audit_id, _run(sample_imports, sample_reports, manifests), by="张建国")
    with store._sessions() as session:
        stored = json.dumps([r.evidence for r in session.scalars(select(FindingRecord))], ensure_ascii=False)
    assert all(excerpt in stored for excerpt in _excerpts(sample_reports["defective"]))


def test_suggestions_decisions_history_and_sign_off(store, sample_imports, sample_reports, manifests, tmp_path):
    audit_id = _open_audit(store)
    store.record_run(audit_id, _run(sample_imports, sample_reports, manifests), by="张建国")
    sheet = load_sheet()
    view = store.load(audit_id)
    suggestion = view.suggestions[sheet.find_line("要点数量充足").id]
    assert (suggestion.verdict, suggestion.score) == (Verdict.PARTLY, 2.5)
    assert {f.rule for f in suggestion.findings} == {"R1", "R4", "R19", "R20"}
    # Open: the 11 lines no data can judge (管理职责明确 … 系统设计合理); the papers make 内容有代表性,
    # 试卷编排规范, 题量时长适宜 and 建库规则科学 data lines.
    assert view.result.grade is None and len(view.result.open_lines) == 11

    with pytest.raises(StoreError, match="必须写明理由"):
        store.decide(audit_id, "要点数量充足", "符合", None, "", by="张建国")
    with pytest.raises(StoreError, match="不是审核 .* 的督导员"):
        store.decide(audit_id, "要点数量充足", "符合", None, "理由", by="王五")
    store.decide(audit_id, "要点数量充足", "基本符合", 3, "操作技能细目表另有考评点", by="李秀英")
    store.decide(audit_id, "要点数量充足", "符合", None, "复核：三级考评点已补足", by="R3725A012")
    for line in sheet.lines:
        if view.suggestions[line.id].verdict is None:
            store.decide(audit_id, line.id, "符合", None, "", by="张建国")
    with pytest.raises(StoreError, match="还有 12 行没有评定"):
        store.sign(audit_id, by="张建国")
    signed = store.sign(audit_id, by="张建国", accept_suggestions=True)
    # The 11 document lines are worth 47 (100 − 13 data lines × their maxima 53), 要点数量充足 decided at 4,
    # and the suggestions of the 12 other data lines (hand-computed in test_scoring.DEFECTIVE).
    expected_total = 47 + 4 + sum([1.5, 2.5, 1.0, 2.5, 0.0, 4.0, 1.0, 2.5, 2.5, 2.5, 2.5, 2.0])
    assert (signed.number, signed.signed_total, signed.signed_grade, signed.signed_by) == (
        1, expected_total, "合格", "张建国")

    before = store.load(audit_id, revision=1)
    assert before.revision.signed and before.content_sha256 == before.revision.signed_sha256
    points = sheet.find_line("要点数量充足").id
    history = [c for c in before.changes if c.target_id == points]
    assert [(c.old_verdict, c.old_score, c.new_verdict, c.new_score, c.by) for c in history] == [
        (None, None, "partly", 3.0, "李秀英"), ("partly", 3.0, "meets", 4.0, "张建国")]
    assert history[1].reason == "复核：三级考评点已补足" and history[1].at >= history[0].at
    accepted = [c for c in before.changes if c.reason == "采纳检查建议"]
    assert len(accepted) == 12  # the data lines other than 要点数量充足, taken as suggested

    export = tmp_path / "报告.json"
    export.write_text("{}", encoding="utf-8")
    assert store.record_export(audit_id, export, "json", by="张建国").revision == 1

    # A later change opens revision 2; the signed revision 1 stays as it was.
    assert store.decide(audit_id, "题型方式恰当", "基本符合", 2, "二级另有论述题 12 道（操作技能）", by="张建国") == 2
    after = store.load(audit_id, revision=1)
    assert dataclasses.replace(after, exports=before.exports, revisions=before.revisions) == before
    assert after.content_sha256 == after.revision.signed_sha256 and after.result.total == expected_total
    assert after.exports[0].sha256 == hashlib.sha256(b"{}").hexdigest()
    latest = store.load(audit_id)
    assert latest.revision.number == 2 and latest.revision.based_on == 1 and not latest.revision.signed
    assert latest.result.total == expected_total + 2
    assert [(c.target_id, c.old_verdict, c.new_verdict, c.reason) for c in latest.changes] == [
        (sheet.find_line("题型方式恰当").id, "fails", "partly", "二级另有论述题 12 道（操作技能）")]
    summary = store.list_audits()[0]
    assert (summary.id, summary.revision, summary.signed, summary.grade) == (audit_id, 2, False, "合格")


def test_a_signed_revision_cannot_be_altered_behind_the_store(store):
    audit_id = _open_audit(store, sheet="shandong-daily-review-2022")
    for number in range(1, 17):
        store.decide(audit_id, str(number), "是" if number > 3 else "否", None, "", by="张建国")
    with pytest.raises(StoreError, match="填写“总体评价”"):  # the form's 意见 comes before the signature
        store.sign(audit_id, by="张建国")
    store.set_assessment(audit_id, "评审组织基本规范，三项“否”已当场指出；评定为合格。", by="张建国")
    signed = store.sign(audit_id, by="张建国")
    assert (signed.signed_grade, signed.signed_total) == ("合格", None)  # 3 of 16 "no" is under 20 %
    with pytest.raises(StoreError, match="第 1 版已签署"), store._sessions.begin() as session:
        session.scalars(select(DecisionRecord)).first().verdict = "yes"
    with pytest.raises(StoreError, match="第 1 版已签署"), store._sessions.begin() as session:
        session.scalars(select(Revision)).first().signed_grade = "不合格"
    assert store.load(audit_id).result.grade == "合格"
    with pytest.raises(StoreError, match="已签署，没有待签署的修改"):
        store.sign(audit_id, by="张建国")


def test_vetoes_are_decisions_with_history(store):
    audit_id = _open_audit(store, sheet="shandong-daily-skill-2022")
    with pytest.raises(StoreError, match="必须填写情况说明"):
        store.decide_veto(audit_id, "V1", True, "", by="张建国")
    store.decide_veto(audit_id, "V1", True, "在备案考点外的某培训中心组织考核", by="张建国")
    store.decide_veto(audit_id, "1", False, "复核：该中心为备案考点", by="李秀英")
    view = store.load(audit_id)
    assert [(c.target, c.old_verdict, c.new_verdict, c.by) for c in view.changes] == [
        ("veto", None, "yes", "张建国"), ("veto", "yes", "no", "李秀英")]
    assert not view.result.vetoed


def test_opening_an_audit_checks_the_people_and_the_institution(store):
    with pytest.raises(StoreError, match="证卡编码不对.*第 6 位「I」"):  # Shandong's sheets check Shandong's rules
        store.create_audit(institution="某机构", registration_number=None, occupation="焊工", levels=[4],
                           inspectors=[InspectorInput("赵六", "组长", "R3722I001")],
                           sheet=load_sheet("shandong-daily-theory-2022"))
    with pytest.raises(StoreError, match="至少填写一名督导员"):
        store.create_audit(institution="某机构", registration_number=None, occupation="焊工", levels=[4],
                           inspectors=[], sheet=load_sheet())
    first = _open_audit(store)
    with pytest.raises(StoreError, match="已登记为「济南某职业技能等级认定中心」"):
        store.create_audit(institution="另一个机构", registration_number="S370100123", occupation="电工", levels=[4],
                           inspectors=[MEMBER], sheet=load_sheet())
    second = _open_audit(store)
    assert second == first + 1 and [a.id for a in store.list_audits()] == [second, first]
    view = store.load(first)
    assert view.inspectors == (("张建国", "组长", "R3725A012"), ("李秀英", "组员", None))
    assert view.levels == (4, 3, 2) and view.sheet.id == "proposition-2024"
    with pytest.raises(StoreError, match="没有编号为 99 的审核"):
        store.load(99)


def test_sqlite_is_the_default_in_the_user_data_folder_in_wal_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'qbaudit' / 'audits.sqlite3'}"
    assert resolve_url() == default_url()
    assert resolve_url(setting="postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("QBAUDIT_DATABASE_URL", "postgres://env@h/db")
    assert resolve_url(setting="postgresql://u@h/db") == "postgresql+psycopg://env@h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    assert normalise_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    with AuditStore(default_url()) as store, store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "data" / "qbaudit" / "audits.sqlite3").is_file()


def test_an_unreachable_server_is_said_in_chinese():
    with pytest.raises(StoreError, match="无法连接数据库服务器 postgresql\\+psycopg://qbaudit:\\*\\*\\*@127.0.0.1:9/x。"
                                         "请确认数据库服务器在运行") as refused:
        AuditStore("postgresql://qbaudit:secret@127.0.0.1:9/x")
    assert "secret" not in str(refused.value) and "refused" not in str(refused.value)
    with pytest.raises(StoreError, match="只能用 SQLite 或 PostgreSQL"):
        AuditStore("mysql://u@h/db")


def test_input_sources_are_remembered_per_audit_and_survive_signing(store, sample_imports, sample_reports, manifests):
    audit_id = _open_audit(store)
    other = store.create_audit(institution="另一机构", registration_number=None, occupation="电工", levels=[5],
                               inspectors=[LEADER], sheet=load_sheet())
    assert store.sources(audit_id) == {}
    store.set_source(audit_id, "bank", ["/数据/题库.xlsx"], {"sheets": ["四级"]}, ["a" * 64])
    store.set_source(audit_id, "papers", ["/数据/卷1.docx", "/数据/卷2.docx"])
    store.set_source(audit_id, "bank", ["/数据/题库-修订.xlsx"], {"header_rows": {"四级": 2}})
    sources = store.sources(audit_id)
    assert sorted(sources) == ["bank", "papers"]
    assert sources["bank"].paths == ("/数据/题库-修订.xlsx",)
    assert sources["bank"].options == {"header_rows": {"四级": 2}}
    assert sources["bank"].sha256 == ()
    assert sources["papers"].paths == ("/数据/卷1.docx", "/数据/卷2.docx")
    assert store.sources(other) == {}
    for line in store.load(audit_id).sheet.lines:
        store.decide(audit_id, line.id, "符合", None, "", by=LEADER.name)
    with pytest.raises(StoreError, match="还没有运行检查"):  # the proposition sheet is informed by the checks
        store.sign(audit_id, by=LEADER.name)
    store.record_run(audit_id, _run(sample_imports, sample_reports, manifests), by=LEADER.name)
    store.sign(audit_id, by=LEADER.name, accept_suggestions=True)
    store.remove_source(audit_id, "papers")
    assert sorted(store.sources(audit_id)) == ["bank"]
