"""The 报告 page on the defective sample: the report and the problem list are written and recorded; the
rectification notice is offered only once the audit is signed as 不合格 (59.5 points, see
``sample_banks/sample_audit.py``)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from qbaudit.workbench import Changes

SAMPLE_AUDIT = Path(__file__).resolve().parents[2] / "sample_banks" / "sample_audit.py"


@pytest.fixture(scope="module")
def known():
    return runpy.run_path(str(SAMPLE_AUDIT))


@pytest.fixture
def page(qtbot, ctx, checked_bench):
    from qbaudit.views.pages.report import ReportPage

    widget = ReportPage(ctx)
    qtbot.addWidget(widget)
    ctx.set_workbench(checked_bench)
    return widget


def _decide_and_sign(bench, known):
    """As sample_audit.record_sample_audit: override, accept, the document lines, no veto, sign."""
    for line, (verdict, score, reason) in known["OVERRIDES"]["defective"].items():
        bench.decide(line, verdict, score, reason)
    bench.accept_suggestions()
    for line, (verdict, score, reason) in known["DOCUMENT_DECISIONS"]["defective"].items():
        bench.decide(line, verdict, score, reason)
    for veto in bench.view.sheet.vetoes:
        bench.decide_veto(veto.id, False, "")
    return bench.sign().result


def _docx_text(path):
    import docx

    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return document.core_properties.title, "\n".join([p.text for p in document.paragraphs] + cells)


def test_report_and_problem_list_are_written_and_recorded(page, ctx, checked_bench, known, tmp_path, qtbot):
    import openpyxl

    _decide_and_sign(checked_bench, known)
    ctx.apply(Changes(signed=True))
    with qtbot.waitSignal(ctx.changed) as signal:
        assert page.export("report", tmp_path / "报告.docx")
    assert signal.args[0] == Changes(export=True)
    assert page.last_outcome is not None and page.last_outcome.path.is_file()
    title, text = _docx_text(page.last_outcome.path)
    assert "题库命题质量专项督导审核报告" in title
    assert "59.5" in text and "不合格" in text

    assert page.export("problems", tmp_path / "问题清单.xlsx")
    book = openpyxl.load_workbook(page.last_outcome.path, read_only=True)
    first = book.worksheets[0]
    assert book.sheetnames[0] == "问题清单"
    assert "问题清单" in str(next(first.iter_rows(max_row=1, values_only=True))[0])
    book.close()

    exports = checked_bench.view.exports
    assert [(e.kind, e.file_name) for e in exports] == [("report", "报告.docx"), ("problems", "问题清单.xlsx")]
    assert page.exports_model.rowCount() == 2
    assert page.exports_model.index(0, 2).data() == "问题清单.xlsx"  # newest first
    assert page.exports_model.index(0, 3).data() == exports[1].sha256[:12]
    assert page.exports_model.index(0, 1).data() == "问题清单"
    assert not page.exports_empty.isVisibleTo(page)
    assert ctx.settings.last_folder == str(tmp_path)


def test_the_notice_is_offered_only_for_a_signed_unqualified_audit(page, ctx, checked_bench, known, tmp_path):
    assert not page.buttons["notice"].isEnabled()
    assert "签署" in page.buttons["notice"].toolTip()
    assert page.export("notice", tmp_path / "n.docx") is False
    assert ctx.errors_shown and not (tmp_path / "n.docx").exists()
    assert page.buttons["report"].isEnabled()

    info = _decide_and_sign(checked_bench, known)
    assert info.signed_grade == "不合格"
    ctx.apply(Changes(signed=True))
    assert page.buttons["notice"].isEnabled()
    assert "已由 张建国 签署" in page.state_label.text() and "59.5" in page.state_label.text()
    assert page.export("notice", tmp_path / "整改通知书.docx")
    title, text = _docx_text(page.last_outcome.path)
    assert title == "整改通知书" and "某市职业技能等级认定中心" in text
    assert checked_bench.view.exports[-1].kind == "notice"


def test_a_file_that_cannot_be_written_is_a_message(page, ctx, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert page.export("findings", blocker / "检查结论.xlsx")  # started; fails in the task
    assert page.last_outcome is None and page.last_error
    assert ctx.errors_shown and ctx.errors_shown[-1][0] == page.last_error
    assert page.buttons["findings"].isEnabled()  # the page is usable again


def test_the_save_dialog_suggests_a_name_and_adds_the_suffix(page, checked_bench, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    page.ctx.settings.last_folder = str(tmp_path)
    asked = []

    def fake_dialog(parent, caption, suggested, filters):
        asked.append((suggested, filters))
        return str(tmp_path / "我的结论"), "Excel 工作簿 (*.xlsx)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
    page.buttons["findings"].click()
    suggested, filters = asked[0]
    assert Path(suggested).parent == tmp_path
    assert Path(suggested).name.startswith("检查结论-某市职业技能等级认定中心（示例）-") and suggested.endswith(".xlsx")
    assert page.last_outcome.path == tmp_path / "我的结论.xlsx" and page.last_outcome.path.is_file()


def test_open_folder_opens_the_export_folder(page, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    assert page.export("findings", tmp_path / "f.xlsx")
    page.exports_table.selectRow(0)
    assert page.open_folder() == tmp_path
    assert opened == [str(tmp_path)]


def test_exports_model_passes_the_model_tester(qtmodeltester, page, tmp_path):
    assert page.export("findings", tmp_path / "f.xlsx")
    qtmodeltester.check(page.exports_model)
    from qbaudit.views.pages.report import ExportsModel

    empty = ExportsModel()
    qtmodeltester.check(empty)


def test_no_audit_disables_every_export(qtbot, ctx):
    from qbaudit.views.pages.report import ReportPage

    page = ReportPage(ctx)
    qtbot.addWidget(page)
    assert not any(button.isEnabled() for button in page.buttons.values())
    assert page.export("report", "x.docx") is False


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_page_catalogues_do_not_override_the_core_wording(language):
    """``zh_CN/report.toml`` is merged into the keys ``report.…`` the Word report uses: none may be replaced
    (hence the page's title key ``report.page_title``, not ``report.title``)."""
    from qbaudit.bundled import load_toml
    from qbaudit.i18n import _flatten

    core = _flatten(load_toml(f"i18n/{language}.toml"))
    for area in ("sheet", "charts", "report", "info"):
        page = _flatten(load_toml(f"i18n/{language}/{area}.toml"), f"{area}.")
        assert not set(page) & set(core), (area, set(page) & set(core))
