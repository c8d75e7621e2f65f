"""The 数据导入 page: the inputs of the audit with their status; the wizard opened from it; remove; running the
checks (F5) gives the defective sample's findings (R2 fails per the manifest); problems of a reopened audit.
"""

from __future__ import annotations

import datetime as dt

import pytest

from qbaudit.workbench import Changes
from tests.conftest import sample_path


@pytest.fixture
def fresh(ctx, manifests):
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.store import InspectorInput
    from qbaudit.workbench import Workbench

    audit_id = ctx.store.create_audit(institution="某市职业技能鉴定中心", registration_number=None, occupation="焊工",
                                      levels=[4, 3, 2], inspectors=[InspectorInput("张建国", "组长")],
                                      sheet=load_sheet())
    return Workbench(ctx.store, audit_id, as_of=dt.date.fromisoformat(manifests["defective"]["as_of"]))


def _page(qtbot, ctx):
    from qbaudit.views.pages.imports import ImportsPage

    page = ImportsPage(ctx)
    qtbot.addWidget(page)
    return page


def _cells(page, kind):
    from qbaudit.analysis.inputs import KINDS

    model = page.model
    row = KINDS.index(kind)
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_the_checked_sample_shows_every_input(qtbot, qtmodeltester, ctx, checked_bench):
    page = _page(qtbot, ctx)
    ctx.set_workbench(checked_bench)
    qtmodeltester.check(page.model)
    bank = _cells(page, "bank")
    assert bank[0] == "题库（必需）" and bank[1] == "bank.xlsx"
    assert bank[2] == checked_bench.imports["bank"].inputs[0].sha256[:12]
    assert bank[3] == str(len(checked_bench.bank.items)) and bank[5] == "已导入"
    assert _cells(page, "standard")[0] == "标准权重表"
    assert _cells(page, "responses")[5] == "未导入"
    assert page.findChild(type(page.check_button), "remove_bank") is not None
    assert page.findChild(type(page.check_button), "remove_responses") is None


def test_run_checks_names_the_missing_inputs(qtbot, ctx, fresh):
    page = _page(qtbot, ctx)
    ctx.set_workbench(fresh)
    assert "题库" in page.state_label.text()
    with qtbot.assertNotEmitted(ctx.changed):
        page.run_checks()
    assert ctx.errors_shown and "题库" in ctx.errors_shown[-1][0]
    assert "细目表" not in ctx.errors_shown[-1][0]  # a bank alone can be checked


def test_a_bank_alone_is_checked(qtbot, ctx, fresh):
    page = _page(qtbot, ctx)
    ctx.set_workbench(fresh)
    result = fresh.read("bank", [sample_path("defective", "bank")])
    fresh.accept("bank", [sample_path("defective", "bank")], None, result)
    ctx.apply(Changes(inputs=True))
    assert _cells(page, "blueprint")[0] == "细目表"  # no longer marked 必需
    with qtbot.waitSignal(ctx.changed) as changed:
        page.run_checks()
    assert changed.args[0] == Changes(run=True)
    statuses = {(f.rule, f.level): f.status.value for f in fresh.run.report.findings}
    assert statuses[("R11", 4)] == "fail" and statuses[("R3", 4)] == "pass"  # found without a blueprint
    assert statuses[("R2", 4)] == "na"  # needs the blueprint: cannot judge


def test_import_through_the_page_then_run_checks(qtbot, ctx, fresh, sample_imports, manifests):
    page = _page(qtbot, ctx)
    ctx.set_workbench(fresh)
    wizard = page.open_wizard("bank", [sample_path("defective", "bank")])
    assert wizard is not None and wizard.paths == [sample_path("defective", "bank")]
    wizard.next()
    wizard.next()
    wizard.accept()
    assert _cells(page, "bank")[5] == "已导入" and _cells(page, "bank")[3] == str(len(fresh.bank.items))
    for kind in ("blueprint", "standard", "plan", "papers"):  # the rest as the wizard would take them
        fresh.accept(kind, [sample_path("defective", kind)], None, sample_imports["defective"][kind])
    ctx.apply(Changes(inputs=True))
    assert "尚未重新检查" in page.state_label.text()
    with qtbot.waitSignal(ctx.changed) as changed:
        page.run_checks()
    assert changed.args[0] == Changes(run=True)
    findings = fresh.view.findings
    assert findings
    r2 = {f.status.value for f in fresh.run.report.findings if f.rule == "R2"}
    assert "fail" in r2 and manifests["defective"]["status"]["R2"]["4"] == "fail"
    assert page.state_label.text() == "检查结果与已导入的数据一致。"


def test_remove_forgets_the_input(qtbot, ctx, checked_bench):
    page = _page(qtbot, ctx)
    ctx.set_workbench(checked_bench)
    with qtbot.waitSignal(ctx.changed):
        page.remove("plan")
    assert "plan" not in checked_bench.imports and "plan" not in ctx.store.sources(checked_bench.audit_id)
    assert _cells(page, "plan")[5] == "未导入"


def test_reimport_reads_the_same_files_again(qtbot, ctx, checked_bench):
    page = _page(qtbot, ctx)
    ctx.set_workbench(checked_bench)
    before = checked_bench.imports["standard"]
    with qtbot.waitSignal(ctx.changed):
        page.reimport("standard")
    assert checked_bench.imports["standard"] is not before
    assert checked_bench.imports["standard"].rows_taken == before.rows_taken


def test_a_reopened_audit_shows_the_files_it_cannot_read(qtbot, ctx, fresh, tmp_path):
    ctx.store.set_source(fresh.audit_id, "bank", [str(sample_path("defective", "bank"))], {}, [])
    ctx.store.set_source(fresh.audit_id, "standard", [str(tmp_path / "已移走的权重表.xlsx")], {}, ["0" * 64])
    page = _page(qtbot, ctx)
    ctx.set_workbench(fresh)
    assert _cells(page, "standard")[5] == "需要重新读取"
    page.reopen()
    assert page.problems_label.isVisibleTo(page)
    assert "标准权重表" in page.problems_label.text() and "已移走的权重表.xlsx" in page.problems_label.text()
    assert _cells(page, "bank")[5] == "已导入"
    assert _cells(page, "standard")[5] == "需要重新读取"


def test_dropped_files_open_the_wizard_of_their_kind(qtbot, ctx, checked_bench, tmp_path):
    from qbaudit.views.pages.imports import guess_kind

    assert guess_kind("焊工题库2026.xlsx") == "bank"
    assert guess_kind("组卷计划书.xlsx") == "plan"
    assert guess_kind("焊工（四级）鉴定要素细目表.xlsx") == "blueprint"
    assert guess_kind("理论知识权重表.xlsx") == "standard"
    assert guess_kind("2026年第1期试卷.docx") == "papers"
    page = _page(qtbot, ctx)
    ctx.set_workbench(checked_bench)
    wizards = page.import_files([sample_path("defective", "blueprint"), tmp_path / "说明.xlsx"])
    assert [w.kind for w in wizards] == ["blueprint"]
    assert wizards[0].paths == [sample_path("defective", "blueprint")]
    assert ctx.errors_shown and "说明.xlsx" in ctx.errors_shown[-1][0]
    wizards[0].reject()


def test_the_page_lists_the_core_kinds_without_loading_polars():
    import subprocess
    import sys

    from qbaudit.analysis import inputs
    from qbaudit.views.pages import imports

    assert imports.KINDS == inputs.KINDS and imports.REQUIRED == inputs.REQUIRED
    code = ("import sys, qbaudit.views.wizard, qbaudit.views.pages.imports; "
            "print('polars' in sys.modules or 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
