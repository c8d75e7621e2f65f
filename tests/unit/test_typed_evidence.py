"""Evidence columns declare their kind in one place; what leaves the item's view, where a row leads and how a
cell is written read the kind, not the column's name or label."""

from __future__ import annotations

from qbaudit.analysis.model import COLUMN_KINDS, ColumnKind, Evidence, column_kind
from qbaudit.i18n import tr
from qbaudit.store.records import _without_item_text


def test_kinds_come_from_the_one_table_and_a_table_may_declare_a_generic_column():
    evidence = Evidence.of("t", [("item_a", "甲"), ("code", tr("evidence.point_code")), ("excerpt_b", "乙"),
                                 ("row", "行"), ("problem", "问题")], [], kinds={"code": ColumnKind.POINT})
    assert evidence.kinds == (ColumnKind.ITEM, ColumnKind.POINT, ColumnKind.EXCERPT, ColumnKind.NUMBER,
                              ColumnKind.TEXT)
    assert evidence.keys_of(ColumnKind.ITEM) == ["item_a"] and evidence.keys_of(ColumnKind.POINT) == ["code"]
    undeclared = Evidence.of("t", [("code", tr("evidence.point_code"))], [])
    assert undeclared.kind("code") is ColumnKind.TEXT  # the label alone no longer makes a point code
    assert column_kind("excerpt_key", ColumnKind.TEXT) is ColumnKind.EXCERPT  # item text whatever is declared
    assert COLUMN_KINDS["point_code"] is ColumnKind.POINT


def test_the_record_drops_item_text_by_kind_and_reads_old_records_as_they_were_meant():
    stored = {"title": "t", "columns": [{"key": "item_id", "label": "编号", "kind": "item"},
                                        {"key": "quote", "label": "摘录", "kind": "excerpt"},
                                        {"key": "excerpt", "label": "题干"}],
              "rows": [{"item_id": "A1", "quote": "题干文字", "excerpt": "题干文字"}]}
    assert [c["key"] for c in _without_item_text(stored)["columns"]] == ["item_id"]
    assert _without_item_text(stored)["rows"] == [{"item_id": "A1"}]


def test_r8_evidence_of_the_sample_declares_its_point_codes(sample_imports):
    import datetime as dt

    from qbaudit.analysis.checks import AuditInput, run_checks
    from qbaudit.analysis.profile import load_profile

    imports = sample_imports["defective"]
    report = run_checks(AuditInput(imports["bank"].data, imports["blueprint"].data, as_of=dt.date(2026, 11, 1)),
                        profile=load_profile())
    point_code = tr("evidence.point_code")
    tables = [e for f in report.findings if f.rule in ("R2", "R8") for e in f.evidence
              if ("code", point_code) in e.columns]
    assert {f.rule for f in report.findings for e in f.evidence if e in tables} == {"R2", "R8"}
    assert all(e.kind("code") is ColumnKind.POINT for e in tables)
    # R8's table of blueprint codes holds scope and point codes alike: no jump is promised
    mixed = [e for f in report.findings if f.rule == "R8" for e in f.evidence if ("kind", tr("evidence.kind")) in e.columns]
    assert mixed and all(e.kind("code") is ColumnKind.TEXT for e in mixed)
