"""From a finding's evidence to the bank browser in the real window: R8 lists items whose point code the
blueprint lacks, with the code as the institution typed it — in full width here (``Ａ－Ｂ－９０１``, typed with
a Chinese input method). A double-click on that code shows the point's items with the row's item chosen; a
double-click elsewhere on the row shows the item."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from tests.conftest import sample_path

FULL_WIDTH = "Ａ－Ｂ－９０１"  # A-B-901: no such point in the sample's blueprint
RETYPED = ("HG400003", "HG400005")  # the two 四级 items given that code, in the file's order


@pytest.fixture
def audit(window, tmp_path, manifests):
    """An audit of the defective sample whose bank has two 四级 items coded ``Ａ－Ｂ－９０１``, checked and opened
    in the window (its inputs read again from the files, as when an inspector reopens an audit)."""
    import openpyxl

    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.store import InspectorInput
    from qbaudit.workbench import Workbench

    book = openpyxl.load_workbook(sample_path("defective", "bank"))
    sheet = book["四级（中级工）"]
    header = [cell.value for cell in sheet[3]]
    id_column, code_column = header.index("试题代码") + 1, header.index("鉴定点代码") + 1
    retyped = 0
    for row in range(4, sheet.max_row + 1):
        if sheet.cell(row, id_column).value in RETYPED:
            sheet.cell(row, code_column).value = FULL_WIDTH
            retyped += 1
    assert retyped == 2
    bank = tmp_path / "焊工题库.xlsx"
    book.save(bank)

    store = window.ctx.store
    audit_id = store.create_audit(institution="某市职业技能等级认定中心", registration_number=None, occupation="焊工",
                                  levels=[4, 3, 2], inspectors=[InspectorInput("张建国", "组长")], sheet=load_sheet())
    bench = Workbench(store, audit_id, as_of=dt.date.fromisoformat(manifests["defective"]["as_of"]))
    for kind, path in (("bank", bank), ("blueprint", sample_path("defective", "blueprint")),
                       ("standard", sample_path("defective", "standard"))):
        bench.accept(kind, [path], None, bench.read(kind, [path]))
    bench.check()
    window.open_audit(audit_id)
    assert window.ctx.workbench.audit_id == audit_id and "bank" in window.ctx.workbench.imports
    return audit_id


def _unresolved_items_table(window, qtbot):
    """The findings page on R8 四级, its table of items whose code the blueprint lacks chosen by clicking its tab."""
    from qbaudit.i18n import tr

    findings = window.show_page("findings")
    assert findings.select_finding("R8", 4)
    titles = [model.title for model in findings.evidence_models()]
    tab = titles.index(tr("evidence.unresolved_items"))
    bar = findings.evidence_tabs
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tab).center())
    model = findings.evidence_model()
    assert model.title == tr("evidence.unresolved_items")
    return findings, model


def _double_click(qtbot, view, index):
    view.scrollTo(index)
    point = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_a_full_width_code_in_r8_evidence_jumps_to_its_item(window, audit, qtbot):
    findings, model = _unresolved_items_table(window, qtbot)
    rows = {model.row_values(r)["item_id"]: r for r in range(model.rowCount())}
    assert set(RETYPED) <= set(rows)
    row = rows[RETYPED[1]]
    assert model.row_values(row)["code"] == FULL_WIDTH  # shown as the institution typed it

    _double_click(qtbot, findings.evidence_view, model.index(row, model.keys.index("code")))

    bank = window.pages["bank"]
    assert window.current_page() is bank
    assert bank.point_combo.currentData() == "A-B-901"  # the code as the checks compare it
    assert [bank.model.item_id(r) for r in range(bank.model.rowCount())] == list(RETYPED)
    assert bank.current_item_id() == RETYPED[1]  # the row's item, chosen among the point's
    assert "A-B-901" in bank.detail_text() and FULL_WIDTH in bank.detail_text()


def test_a_double_click_elsewhere_on_the_row_shows_the_item(window, audit, qtbot):
    findings, model = _unresolved_items_table(window, qtbot)
    row = next(r for r in range(model.rowCount()) if model.row_values(r)["item_id"] == RETYPED[0])
    bank = window.pages["bank"]
    bank.level_combo.setCurrentIndex(bank.level_combo.findData(3))  # a filter that hides the item

    _double_click(qtbot, findings.evidence_view, model.index(row, model.keys.index("problem")))

    assert window.current_page() is bank
    assert bank.current_item_id() == RETYPED[0]
    assert bank.level_combo.currentData() is None and bank.model.rowCount() == bank.model.total
