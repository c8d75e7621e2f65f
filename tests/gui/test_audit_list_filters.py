"""The window's audit list filtered by special review (qbaudit batch) and by institution, with the institution's
history; the new-audit dialog says what the history says once, and a second OK creates the audit."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from qbaudit.analysis.sheets import load_sheet
from qbaudit.store import BatchMark, InspectorInput, SupervisionFacts

BATCH = BatchMark("2026年题库质量专项督导", dt.date(2026, 12, 10))


def _open(store, institution, *, batch=None, people=(("王五", "组长", None),)):
    return store.create_audit(institution=institution, registration_number=None, occupation="焊工", levels=[4],
                              inspectors=[InspectorInput(*p) for p in people], sheet=load_sheet("proposition-2024"),
                              facts=SupervisionFacts(kind="special"), batch=batch)


def test_the_list_filters_by_batch_and_by_institution(window, audit_store, qtbot):
    for name in ("甲职业学校", "乙培训中心"):
        _open(audit_store, name, batch=BATCH)
    page = window.start
    page.reload()
    assert page.model.rowCount() == 3  # the sample audit and the batch's two
    combo = page.batch_filter
    assert [combo.itemText(i) for i in range(combo.count())] == ["全部批次",
                                                                  "2026年题库质量专项督导（2026-12-10，2 个审核）"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # choose the batch
    assert combo.currentData() == BATCH.name
    assert sorted(s.institution for s in page.model.summaries) == ["乙培训中心", "甲职业学校"]
    assert page.model.index(0, page.model.COLUMNS.index("batch")).data() == BATCH.name
    page.institution_filter.setFocus()
    page.institution_filter.setText("甲职业学校")  # typed (QTest types no Chinese characters)
    qtbot.keyClick(page.institution_filter, Qt.Key.Key_Return)
    assert [s.institution for s in page.model.summaries] == ["甲职业学校"]
    assert page.history.isVisibleTo(page) and f"{dt.date.today().year} 年：审核 1 次，不合格 0 次" in page.history.text()
    page.institution_filter.setText("没有这个机构")
    qtbot.keyClick(page.institution_filter, Qt.Key.Key_Return)
    assert page.model.rowCount() == 0 and page.empty.text() == "审核记录中没有符合条件的审核。"
    page.institution_filter.clear()
    qtbot.keyClick(combo, Qt.Key.Key_Up)  # back to every batch
    assert combo.currentData() is None and page.model.rowCount() == 3


def test_the_new_audit_dialog_warns_of_the_same_supervisor_once(window, audit_store, qtbot):
    for _ in range(2):
        _open(audit_store, "丙技工学校", people=(("刘洋", "组长", None),))
    dialog = window.start.new_audit(exec_dialog=False)
    dialog.fill(institution="丙技工学校", occupation="焊工", levels=[4], inspectors=[("刘洋", "组长", "")])
    before = len(audit_store.list_audits())
    assert dialog.create() is None
    text = dialog.problem.text()
    assert "外督员 刘洋 参加了该机构此前连续 2 次督导" in text and "不得连续3次委派同一外督员" in text
    assert "再次点击“确定”" in text and len(audit_store.list_audits()) == before
    assert dialog.create() is not None and len(audit_store.list_audits()) == before + 1
