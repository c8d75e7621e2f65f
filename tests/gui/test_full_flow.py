"""The whole flow in the real main window, offscreen, on the defective sample bank:

new audit → the bank, blueprint, standard, plan and papers through the import wizard → F5 runs the checks →
a failed finding opened and its item shown in the bank browser → a verdict changed with a reason → the
remaining lines decided → the report exported → signed. And Cancel during an import leaves the audit as it was.

Known answers (sample_banks/defective/manifest.json and sample_banks/sample_audit.py): 3296 items; the
findings' statuses per rule and level as in the manifest; 59.5 points, 不合格, after the same decisions.
"""

from __future__ import annotations

import datetime as dt
import runpy
from pathlib import Path

import docx

from tests.conftest import SAMPLES, paper_files, sample_path

SAMPLE_AUDIT = Path(__file__).resolve().parents[2] / "sample_banks" / "sample_audit.py"
INPUTS = [("bank", [sample_path("defective", "bank")]), ("blueprint", [sample_path("defective", "blueprint")]),
          ("standard", [sample_path("defective", "standard")]), ("plan", [SAMPLES / "defective" / "plan.xlsx"]),
          ("papers", paper_files("defective"))]


def _new_audit(window):
    dialog = window.start.new_audit(exec_dialog=False)
    dialog.fill(institution="某市职业技能等级认定中心", registration="S370100123", occupation="焊工", levels=[4, 3, 2],
                inspectors=[("张建国", "组长", "R3725A012"), ("李秀英", "组员", "")])
    audit_id = dialog.create()
    assert audit_id is not None, dialog.problem.text()
    return audit_id


def _import(window, qtbot, kind, paths):
    from qbaudit.views.wizard import RESULT

    wizard = window.pages["imports"].open_wizard(kind, paths)
    qtbot.addWidget(wizard)
    for _ in range(3):
        if wizard.currentId() == RESULT:
            break
        wizard.next()
    assert wizard.currentId() == RESULT and wizard.result is not None and wizard.result.ok, kind
    result = wizard.result
    wizard.accept()
    return result


def test_from_files_to_a_signed_report_in_one_window(window, qtbot, manifests, tmp_path):
    known = runpy.run_path(str(SAMPLE_AUDIT))
    manifest = manifests["defective"]

    # New audit: the workspace opens on it; the status bar names it and says it is a draft.
    audit_id = _new_audit(window)
    bench = window.ctx.workbench
    assert bench is not None and bench.audit_id == audit_id
    assert window.stack.currentWidget() is window.workspace
    assert "某市职业技能等级认定中心" in window.audit_label.text() and "草稿" in window.state_label.text()
    assert window.pages["info"].set_as_of(dt.date.fromisoformat(manifest["as_of"]))

    # Every input through the wizard.
    for kind, paths in INPUTS:
        result = _import(window, qtbot, kind, paths)
        assert bench.imports[kind] is result
    assert bench.imports["bank"].rows_taken == len(bench.bank.items) == 3296
    assert sorted(window.ctx.store.sources(audit_id)) == ["bank", "blueprint", "papers", "plan", "standard"]
    assert "题库" in window.inputs_label.text() and "试卷" in window.inputs_label.text()

    # F5: the checks run and their findings are in the record, as the manifest says.
    window.act_check.trigger()
    view = bench.view
    assert view.run is not None and not bench.stale
    status = {(f.rule, f.level): f.status.value for f in view.findings}
    for rule, levels in manifest["status"].items():
        for level, expected in levels.items():
            if level.isdigit():
                assert status[(rule, int(level))] == expected, (rule, level)

    # A failed finding (R11 四级: repeated items) opened, and its item shown in the bank browser.
    findings = window.show_page("findings")
    assert findings.select_finding("R11", 4)
    model = findings.evidence_model()
    assert model is not None and model.rowCount() > 0
    target = findings.activate_evidence_row(0)
    assert target is not None and target[0] == "item"
    bank = window.pages["bank"]
    assert window.current_page() is bank
    assert bank.current_item_id() == target[1]

    # A verdict changed: without a reason it is refused, with one it is stored and the total moves by 0.5.
    sheet = window.show_page("sheet")
    total_before = float(sheet.total_text())
    verdict, score, reason = known["OVERRIDES"]["defective"]["12"]
    assert sheet.select_line("12")
    sheet.set_verdict(verdict, score, "")
    assert not sheet.save_button.isEnabled()
    sheet.set_verdict(verdict, score, reason)
    assert sheet.save()
    change = bench.view.changes[-1]
    assert (change.target_id, change.new_verdict, change.new_score, change.reason) == ("12", "partly", score, reason)
    assert verdict == "基本符合"
    assert float(sheet.total_text()) == total_before + 0.5

    # The remaining lines as the sample's inspectors decided them; vetoes cleared: 59.5, 不合格.
    assert sheet.accept_all() > 0
    for line_id, (verdict, score, reason) in known["DOCUMENT_DECISIONS"]["defective"].items():
        assert sheet.select_line(line_id)
        sheet.set_verdict(verdict, score, reason)
        assert sheet.save(), line_id
    sheet.clear_vetoes()
    assert sheet.total_text() == "59.5" and sheet.grade_text() == "不合格"

    # Ctrl+E goes to the report page; the report is exported and recorded.
    report = window.show_page("report")
    out = tmp_path / "审核报告.docx"
    assert report.export("report", out)
    assert out.is_file()
    text = "\n".join(p.text for p in docx.Document(out).paragraphs)
    assert "59.5" in text and "不合格" in text and "某市职业技能等级认定中心" in text
    assert [e.kind for e in bench.view.exports] == ["report"]

    # Signed: the record's revision is frozen with the total; the window says so.
    window.show_page("sheet")
    assert sheet.sign(confirm=False)
    revision = window.ctx.store.load(audit_id).revision
    assert revision.signed and revision.signed_total == 59.5 and revision.signed_grade == "不合格"
    assert "已签署" in window.state_label.text()
    window.close_audit()
    assert window.start.model.index(0, 6).data().startswith("已签署")


def test_cancel_stops_an_import_and_leaves_the_audit_as_it_was(window, qtbot):
    from qbaudit.views.wizard import MAPPING

    audit_id = _new_audit(window)
    bench = window.ctx.workbench
    _import(window, qtbot, "bank", INPUTS[0][1])
    before_imports = dict(bench.imports)
    before_sources = window.ctx.store.sources(audit_id)

    # The user starts reading the blueprint and presses Cancel in the status bar while it runs.
    wizard = window.pages["imports"].open_wizard("blueprint", INPUTS[1][1])
    qtbot.addWidget(wizard)
    wizard.next()
    assert wizard.currentId() == MAPPING
    original = bench.read_job

    def read_until_cancelled(kind, paths, options=None):
        job = original(kind, paths, options)

        def cancelled_while_running(state):
            window.cancel_button.click()  # the task is running: its Cancel is the status bar's
            return job(state)

        return cancelled_while_running

    bench.read_job = read_until_cancelled
    wizard.next()
    bench.read_job = original
    assert wizard.result is None
    wizard.reject()
    assert bench.imports == before_imports and "blueprint" not in bench.imports
    assert window.ctx.store.sources(audit_id) == before_sources
    assert not window.tasks.busy and window.cancel_button.isHidden()
