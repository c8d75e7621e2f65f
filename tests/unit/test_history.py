"""An institution's history (store/history.py): three 不合格 in one year and the same external supervisor a
third time in a row, said by ``audit new``, ``audit list --institution`` and the window's new-audit dialog."""

from __future__ import annotations

import datetime as dt

import pytest

from qbaudit import cli
from qbaudit.analysis.sheets import load_sheet
from qbaudit.store import AuditStore
from qbaudit.store.history import history_lines, history_warnings, institution_history

SHANDONG = "shandong-daily-theory-2022"


@pytest.fixture
def failing_three(tmp_path, sample_audit_module):
    """A store where the sample institution has three signed 不合格 on Shandong's theory sheet (2026-11-20),
    each led by 王强 (R3726A015)."""
    url = f"sqlite:///{tmp_path / 'audits.sqlite3'}"
    with AuditStore(url) as store:
        ids = [sample_audit_module["record_sheet_audit"](store, SHANDONG) for _ in range(3)]
    return url, ids, sample_audit_module


def _warnings(store, module, sheet_id=SHANDONG, date=dt.date(2026, 12, 1), supervisor=("王强", "R3726A015")):
    return history_warnings(store, institution=module["INSTITUTION"], registration_number=module["REGISTRATION"],
                            supervisors=[supervisor], sheet=load_sheet(sheet_id), date=date)


def test_three_failing_results_in_a_year_are_said_with_shandongs_rule(failing_three):
    url, ids, module = failing_three
    with AuditStore(url) as store:
        history = institution_history(store, module["INSTITUTION"], module["REGISTRATION"])
        assert [a.id for a in history] == ids and all(a.fails and a.grade == "不合格" for a in history)
        warnings = {w.kind: w for w in _warnings(store, module)}
    failures = warnings["failures"]
    assert failures.audits == tuple(ids)
    assert "该机构 2026 年已有 3 次督导结果为不合格" in failures.text
    assert "第二十三条第（十）项" in failures.rule and "撤销备案回执" in failures.rule
    same = warnings["same_supervisor"]
    assert same.audits == tuple(ids[-2:])  # the two last audits before this one
    assert "外督员 王强" in same.text and "不得连续3次委派同一外督员" in same.rule


def test_two_are_not_three_and_another_supervisor_is_not_the_same(tmp_path, sample_audit_module):
    with AuditStore(f"sqlite:///{tmp_path / 'a.sqlite3'}") as store:
        for _ in range(2):
            sample_audit_module["record_sheet_audit"](store, SHANDONG)
        kinds = [w.kind for w in _warnings(store, sample_audit_module)]
        assert kinds == ["same_supervisor"]
        assert _warnings(store, sample_audit_module, supervisor=("刘洋", "R3726A099")) == []
        # more than a year after the earlier audit: the same supervisor may be sent again
        assert _warnings(store, sample_audit_module, date=dt.date(2027, 12, 1)) == []


def test_a_national_sheet_states_the_facts_and_cites_shandong_only_for_reference(failing_three):
    url, _ids, module = failing_three
    with AuditStore(url) as store:
        warnings = {w.kind: w for w in _warnings(store, module, sheet_id="proposition-2024")}
    assert warnings["failures"].rule == ""  # no region's rule quoted as if it applied
    assert "供参考" in warnings["same_supervisor"].rule


def test_an_unsigned_draft_is_no_result(tmp_path, sample_audit_module):
    with AuditStore(f"sqlite:///{tmp_path / 'a.sqlite3'}") as store:
        for _ in range(2):
            sample_audit_module["record_sheet_audit"](store, SHANDONG)
        sample_audit_module["record_sheet_audit"](store, SHANDONG, sign=False)
        history = institution_history(store, sample_audit_module["INSTITUTION"], sample_audit_module["REGISTRATION"])
        assert [a.fails for a in history] == [True, True, False]
        assert "failures" not in {w.kind for w in _warnings(store, sample_audit_module)}
        assert history_lines(history, dt.date(2026, 12, 1)) == ["2026 年：审核 3 次，不合格 2 次"]


def test_the_command_line_says_it(failing_three, capsys):
    url, _ids, module = failing_three
    db = ["--database", url]
    assert cli.main(["audit", "list", *db, "--institution", module["REGISTRATION"]]) == 0
    out = capsys.readouterr().out
    assert "2026 年：审核 3 次，不合格 3 次" in out and "不合格（不合格）" not in out
    assert cli.main(["audit", "new", *db, "--institution", module["INSTITUTION"], "--registration",
                     module["REGISTRATION"], "--occupation", "焊工", "--levels", "四级", "--sheet", SHANDONG,
                     "--inspector", "王强:组长:R3726A015", "--date", "2026-12-01"]) == 0
    out = capsys.readouterr().out.replace("\n", "")
    assert "已建立审核 4" in out
    assert "历史提示：该机构 2026 年已有 3 次督导结果为不合格" in out and "撤销备案回执" in out
    assert "不得连续3次委派同一外督员" in out
    assert cli.main(["audit", "list", *db, "--institution", "没有这个机构"]) == 0
    assert "没有符合条件的审核" in capsys.readouterr().out
