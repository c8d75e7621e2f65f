"""The import wizard: the defective sample imported file by file into a fresh audit; rejected rows shown with
their row number and reason and exported; a re-mapped column changes what is imported; Cancel leaves the
audit as it was; papers ask for the bank first.

Known answers: the defective sample's bank has 3296 items (three rows not imported: the repeated header at 四级 row 204,
三级 rows 1100 and 1102);
``manifest.json`` lists its files.
"""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from tests.conftest import SAMPLES, paper_files, sample_path


@pytest.fixture
def fresh(ctx, manifests):
    """A new, empty audit open in ``ctx``."""
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.store import InspectorInput
    from qbaudit.workbench import Workbench

    audit_id = ctx.store.create_audit(institution="某市职业技能鉴定中心", registration_number=None, occupation="焊工",
                                      levels=[4, 3, 2], inspectors=[InspectorInput("张建国", "组长")],
                                      sheet=load_sheet())
    bench = Workbench(ctx.store, audit_id, as_of=dt.date.fromisoformat(manifests["defective"]["as_of"]))
    ctx.set_workbench(bench)
    return bench


def _wizard(qtbot, ctx, kind, paths=None):
    from qbaudit.views.wizard import ImportWizard

    wizard = ImportWizard(ctx, kind, paths)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _run_to_result(wizard):
    from qbaudit.views.wizard import RESULT

    for _ in range(3):
        if wizard.currentId() == RESULT:
            break
        assert wizard.currentPage().isComplete(), wizard.files_page.message.text()
        wizard.next()
    assert wizard.currentId() == RESULT


def _bank_file(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "四级"
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a text that looks like a formula, as a user may type it
    book.save(path)
    return path


def test_the_defective_sample_imported_through_the_wizard(qtbot, qtmodeltester, ctx, fresh, manifests):
    from qbaudit.views.wizard import MAPPING

    files = manifests["defective"]["files"]
    order = [("bank", [sample_path("defective", "bank")]), ("blueprint", [sample_path("defective", "blueprint")]),
             ("standard", [sample_path("defective", "standard")]), ("plan", [SAMPLES / "defective" / files["plan"]]),
             ("papers", paper_files("defective"))]
    for kind, paths in order:
        wizard = _wizard(qtbot, ctx, kind)
        wizard.set_files(paths)
        assert wizard.files_ready()
        wizard.next()
        assert wizard.currentId() == MAPPING  # every sample file is a workbook
        qtmodeltester.check(wizard.preview_model)
        qtmodeltester.check(wizard.sheets_model)
        wizard.next()
        result = wizard.result
        assert result is not None and result.ok, wizard.result_page.summary.text()
        assert wizard.result_page.isComplete()
        qtmodeltester.check(wizard.issues_model)
        if kind == "bank":
            assert result.rows_taken == len(result.data.items) == 3296
            assert "3296" in wizard.result_page.summary.text()
        with qtbot.waitSignal(ctx.changed) as changed:
            wizard.accept()
        assert changed.args == ["inputs"]
        assert fresh.imports[kind] is result
    assert fresh.imports["bank"].rows_taken == len(fresh.bank.items)
    sources = ctx.store.sources(fresh.audit_id)
    assert sorted(sources) == ["bank", "blueprint", "papers", "plan", "standard"]
    assert sources["bank"].paths == (str(sample_path("defective", "bank")),)
    assert sources["bank"].sha256 == tuple(f.sha256 for f in fresh.imports["bank"].inputs)


def test_a_rejected_row_is_shown_with_its_row_and_reason_and_exported(qtbot, qtmodeltester, ctx, fresh, tmp_path):
    path = _bank_file(tmp_path / "题库.xlsx", [
        ["试题编号", "等级", "题型", "题干", "答案"],
        ["Q1", "四级", "单选", "焊接电流过大会导致（  ）。", "A"],
        ["Q2", "四级", "判断", "焊条使用前应烘干。", "√"],
        [None, "四级", None, None, "=1+1"],
    ])
    wizard = _wizard(qtbot, ctx, "bank", [path])
    _run_to_result(wizard)
    result = wizard.result
    assert result.ok and result.rows_taken == 2
    model = wizard.issues_model
    qtmodeltester.check(model)
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first[:5] == ["题库.xlsx", "四级", "4", "", "未导入"]
    assert "不像一道试题" in first[5]
    assert wizard.result_page.export_button.isVisibleTo(wizard)

    wizard.export_rejected(tmp_path / "未导入.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "未导入.xlsx").active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["文件", "工作表", "行", "列", "原因"]
    assert rows[1][:3] == ["题库.xlsx", "四级", 4] and "不像一道试题" in rows[1][4]
    formula_cell = next(c for c in sheet[2] if c.value == "=1+1")
    assert formula_cell.data_type == "s"  # written as text, never as a formula

    wizard.export_rejected(tmp_path / "未导入.csv")
    with (tmp_path / "未导入.csv").open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[1][:3] == ["题库.xlsx", "四级", "4"]
    assert "'=1+1" in lines[1] and "=1+1" not in lines[1]


def test_remapping_a_column_changes_what_is_imported(qtbot, ctx, fresh, tmp_path):
    path = _bank_file(tmp_path / "题库.xlsx", [
        ["试题编号", "等级", "题干", "备注", "答案"],
        ["Q1", "四级", "短题干", "焊接电流过大会导致焊缝咬边。", "A"],
    ])
    wizard = _wizard(qtbot, ctx, "bank", [path])
    wizard.next()
    assert wizard.mapping("四级")["C"] == "stem" and wizard.mapping("四级")["D"] is None
    wizard.set_field("四级", "D", "stem")
    assert wizard.mapping("四级")["C"] is None  # one column per field
    assert wizard.preview_model.index(0, 3).data() == "题干"
    options = wizard.options()
    assert options.fields == {"四级": {"C": None, "D": "stem"}}
    wizard.next()
    assert wizard.result.ok
    assert wizard.result.data.items["stem"].iloc[0] == "焊接电流过大会导致焊缝咬边。"
    wizard.accept()
    assert ctx.store.sources(fresh.audit_id)["bank"].options["fields"] == {"四级": {"C": None, "D": "stem"}}
    assert fresh.bank.items["stem"].iloc[0] == "焊接电流过大会导致焊缝咬边。"


def test_unmapping_a_required_field_names_it_and_back_fixes_it(qtbot, ctx, fresh, tmp_path):
    from qbaudit.views.wizard import MAPPING

    path = _bank_file(tmp_path / "题库.xlsx", [
        ["试题编号", "等级", "题干", "答案"],
        ["Q1", "四级", "焊接电流过大会导致（  ）。", "A"],
    ])
    wizard = _wizard(qtbot, ctx, "bank", [path])
    wizard.next()
    wizard.set_field("四级", "C", None)
    assert "题干" in wizard.mapping_page.missing.text()
    wizard.next()
    assert not wizard.result.ok and "缺少" in wizard.result_page.summary.text()
    assert not wizard.result_page.isComplete()
    wizard.back()
    assert wizard.currentId() == MAPPING and wizard.result is None
    wizard.set_field("四级", "C", "stem")
    assert wizard.mapping_page.missing.text() == ""
    wizard.next()
    assert wizard.result.ok and wizard.result.rows_taken == 1


def test_a_header_row_chosen_in_the_wizard_is_used(qtbot, ctx, fresh, tmp_path):
    path = _bank_file(tmp_path / "题库.xlsx", [
        ["题干", "答案", "题型", "难度"],
        [None, None, None, None],
        ["试题编号", "题干", "答案", "题型"],
        ["Q1", "焊接电流过大会导致（  ）。", "A", "单选"],
    ])
    wizard = _wizard(qtbot, ctx, "bank", [path])
    wizard.next()
    assert wizard.header_row("四级") == 1
    wizard.set_header_row("四级", 3)
    assert wizard.mapping("四级") == {"A": "item_id", "B": "stem", "C": "answer", "D": "item_type"}
    assert wizard.mapping_page.header_spin.value() == 3
    assert wizard.options().header_rows == {"四级": 3}
    fresh.view = fresh.refresh()
    wizard.next()
    assert wizard.result.ok and list(wizard.result.data.items["item_id"]) == ["Q1"]


def test_cancel_stops_an_import_and_leaves_the_audit_as_it_was(qtbot, ctx, fresh):
    wizard = _wizard(qtbot, ctx, "bank", [sample_path("defective", "bank")])
    wizard.next()

    def cancel_at_start(_title):
        ctx.tasks.cancel()  # the user presses Cancel before the read gets going

    ctx.tasks.started.connect(cancel_at_start)
    try:
        wizard.next()
    finally:
        ctx.tasks.started.disconnect(cancel_at_start)
    assert wizard.result is None and not wizard.running
    assert "取消" in wizard.result_page.summary.text()
    assert not wizard.result_page.isComplete()
    assert wizard.result_page.retry_button.isVisibleTo(wizard)
    assert fresh.imports == {} and ctx.store.sources(fresh.audit_id) == {}
    wizard.reject()
    assert fresh.imports == {} and ctx.store.sources(fresh.audit_id) == {}


def test_cancel_after_reading_takes_nothing(qtbot, ctx, fresh):
    wizard = _wizard(qtbot, ctx, "standard", [sample_path("defective", "standard")])
    _run_to_result(wizard)
    assert wizard.result.ok
    with qtbot.assertNotEmitted(ctx.changed):
        wizard.reject()
    assert fresh.imports == {} and ctx.store.sources(fresh.audit_id) == {}


def test_papers_need_the_bank_first(qtbot, ctx, fresh):
    wizard = _wizard(qtbot, ctx, "papers", paper_files("defective"))
    _run_to_result(wizard)
    assert not wizard.result.ok
    assert "题库" in wizard.result_page.summary.text()
    assert not wizard.result_page.isComplete()


def test_a_file_without_columns_skips_the_mapping_step(qtbot, ctx, fresh, tmp_path):
    from qbaudit.views.wizard import RESULT

    path = tmp_path / "题库.gift"
    path.write_text("::Q1:: 焊接电流过大会导致什么？ {=咬边 ~未焊透 ~气孔}\n", encoding="utf-8")
    wizard = _wizard(qtbot, ctx, "bank", [path])
    assert wizard.files_ready() and not wizard.has_columns()
    assert "不需要设置列对应" in wizard.previews[path].note
    wizard.next()
    assert wizard.currentId() == RESULT


def test_an_unusable_file_is_named_on_the_first_step(qtbot, ctx, fresh, tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    wizard = _wizard(qtbot, ctx, "blueprint", [path])
    assert not wizard.files_ready() and not wizard.files_page.isComplete()
    assert "空.xlsx" in wizard.files_page.message.text()
    wizard.remove_file(0)
    wizard.add_files([sample_path("defective", "blueprint")])
    assert wizard.files_ready()


@pytest.mark.parametrize(("name", "unit"), [("维修电工_括号选项与答案.docx", "段"), ("考试系统导出.json", "条")])
def test_a_word_or_json_bank_shows_its_accounting_in_the_result(qtbot, ctx, fresh, name, unit):
    from tests.unit.test_real_shapes import FOLDER, KNOWN

    wizard = _wizard(qtbot, ctx, "bank", [FOLDER / name])
    _run_to_result(wizard)
    parts = KNOWN[name]["parts"]
    assert wizard.result.rows_taken == KNOWN[name]["items"]
    text = wizard.result_page.summary.text()
    assert (f"有内容的 {parts['read']} {unit}中，{parts['taken']} {unit}计入试题或标题，"
            f"{len(parts['unread'])} {unit}未读") in text
    assert f"未读的是第 {'、'.join(map(str, parts['unread']))} {unit}" in text
