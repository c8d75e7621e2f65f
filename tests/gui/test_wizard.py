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

from qbaudit.workbench import Changes
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
        assert changed.args[0] == Changes(inputs=True)
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

SPLIT = SAMPLES.parent / "tests" / "fixtures" / "split_bank"


def test_two_bank_files_added_with_the_button_are_imported_as_one_bank(qtbot, ctx, fresh, monkeypatch, tmp_path):
    """The bank split across a workbook of level sheets and a CSV named by level (known counts in
    tests/fixtures/split_bank/expected.toml): both files through the 添加文件… button, each with its level."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    files = [SPLIT / "题库.xlsx", SPLIT / "电工_理论题库_三级.csv"]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(f) for f in files], ""))
    wizard = _wizard(qtbot, ctx, "bank")
    qtbot.mouseClick(wizard.files_page.add_button, Qt.MouseButton.LeftButton)
    assert wizard.paths == files and wizard.files_ready()
    model = wizard.files_page.list.model()
    assert model.columnCount() == 2 and model.rowCount() == 2
    assert model.index(0, 1).data() == "按文件中的等级"  # sheets 四级 and 二级
    assert model.index(1, 1).data() == "三级/高级工（按文件名）"

    qtbot.mouseClick(wizard.files_page.add_button, Qt.MouseButton.LeftButton)  # the same two again
    assert wizard.paths == files
    assert "已经在列表中" in wizard.files_page.message.text()  # said, not dropped silently

    _run_to_result(wizard)
    result = wizard.result
    assert result.ok and result.rows_taken == 35 and len(result.inputs) == 2
    summary = wizard.result_page.summary.text()
    assert "「题库.xlsx」：导入 20 行，未导入 0 行（四级/中级工 12 道、二级/技师 8 道）" in summary
    assert "「电工_理论题库_三级.csv」：导入 15 行，未导入 1 行（三级/高级工 15 道）" in summary
    with qtbot.waitSignal(ctx.changed):
        qtbot.mouseClick(wizard.button(wizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert len(fresh.bank) == 35 and sorted(fresh.bank.levels) == [2, 3, 4]
    assert ctx.store.sources(fresh.audit_id)["bank"].paths == tuple(str(f) for f in files)


def test_a_file_naming_no_level_gets_one_in_the_files_list(qtbot, ctx, fresh, tmp_path):
    import shutil

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox

    bank = tmp_path / "电工题库.csv"
    shutil.copy(SPLIT / "电工_理论题库_三级.csv", bank)
    wizard = _wizard(qtbot, ctx, "bank", [bank])
    view = wizard.files_page.list
    level = view.model().index(0, 1)
    assert level.data() == "未写明，请选择"
    view.edit(level)
    combo = view.findChild(QComboBox, "levelCombo")
    assert combo is not None
    combo.setCurrentIndex(combo.findText("二级/技师"))
    view.commitData(combo)
    assert level.data() == "二级/技师（指定）" and wizard.levels == {bank: 2}
    _run_to_result(wizard)
    assert wizard.result.ok and set(wizard.result.data.items["level"]) == {2}
    with qtbot.waitSignal(ctx.changed):
        qtbot.mouseClick(wizard.button(wizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert ctx.store.sources(fresh.audit_id)["bank"].options["file_levels"] == {str(bank): 2}
    reopened = fresh.reopen()
    assert not reopened.result and set(fresh.bank.items["level"]) == {2}  # read again with the level chosen


def test_a_copy_of_a_listed_file_stops_the_wizard_with_a_message(qtbot, ctx, fresh, tmp_path):
    import shutil

    copy = tmp_path / "题库（副本）.xlsx"
    shutil.copy(SPLIT / "题库.xlsx", copy)
    wizard = _wizard(qtbot, ctx, "bank", [SPLIT / "题库.xlsx", copy])
    assert not wizard.files_ready() and not wizard.files_page.isComplete()
    assert "内容完全相同" in wizard.files_page.message.text()
    wizard.remove_file(1)
    assert wizard.files_ready()


def test_a_folder_adds_its_bank_files(qtbot, ctx, fresh, tmp_path):
    import shutil

    folder = tmp_path / "题库"
    folder.mkdir()
    for name in ("题库.xlsx", "电工_理论题库_三级.csv"):
        shutil.copy(SPLIT / name, folder / name)
    (folder / "说明.pdf").write_bytes(b"%PDF")
    wizard = _wizard(qtbot, ctx, "bank")
    wizard.add_files([folder])
    assert [p.name for p in wizard.paths] == sorted(["题库.xlsx", "电工_理论题库_三级.csv"])  # in name order
    assert "说明.pdf" in wizard.files_page.message.text() and wizard.files_ready()


def test_columns_mapped_by_hand_are_saved_as_a_template_the_command_line_uses(qtbot, ctx, fresh, monkeypatch,
                                                                               tmp_path, capsys):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QInputDialog

    from qbaudit import cli
    from qbaudit.analysis.importers.templates import find_template

    csv_path = SPLIT / "电工_理论题库_三级.csv"  # 题目序号 holds the point code, 难易程度 the difficulty
    wizard = _wizard(qtbot, ctx, "bank", [csv_path])
    wizard.next()
    assert wizard.mapping("")["2"] is None and wizard.mapping("")["4"] is None  # headers nobody planned for
    wizard.set_field("", "2", "point_code")
    wizard.set_field("", "4", "difficulty")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("电工导出", True))
    qtbot.mouseClick(wizard.mapping_page.save_template_button, Qt.MouseButton.LeftButton)
    assert find_template("电工导出").headers == {"题目序号": "point_code", "难易程度": "difficulty"}

    out_json = tmp_path / "r.json"
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # the command line's log file
    assert cli.main(["check", "--bank", str(csv_path), "--template", "电工导出", "--json", str(out_json)]) == 0
    capsys.readouterr()
    import json

    mapping = {m["header"]: m["field"] for m in json.loads(out_json.read_text(encoding="utf-8"))["column_mapping"]}
    assert mapping["题目序号"] == "point_code" and mapping["难易程度"] == "difficulty"

    again = _wizard(qtbot, ctx, "bank", [csv_path])
    again.next()
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("电工导出", True))
    qtbot.mouseClick(again.mapping_page.apply_template_button, Qt.MouseButton.LeftButton)
    assert again.mapping("")["2"] == "point_code" and again.mapping("")["4"] == "difficulty"
    again.next()
    items = again.result.data.items.set_index("item_id")
    assert items.loc["1", "point_code"] == "A-A-001" and items.loc["2", "difficulty"] == 1
