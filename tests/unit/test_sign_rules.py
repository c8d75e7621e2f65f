"""The two rules every door applies the same way: whether a grade fails, and whether a revision can be signed
(:func:`~qbaudit.analysis.sheets.grade_fails`, :func:`~qbaudit.analysis.sheets.sign_refusal`) — on the
proposition sheet (points, bands 优良/合格/不合格) and Shandong's yes/no record (不合格 from 20 % 否, a 总体评价)."""

from __future__ import annotations

import pytest

from qbaudit.analysis.sheets import Decision, Verdict, grade_fails, load_sheet, score_sheet, sign_refusal


@pytest.fixture(scope="module")
def proposition():
    return load_sheet("proposition-2024")


@pytest.fixture(scope="module")
def shandong():
    return load_sheet("shandong-daily-theory-2022")


@pytest.mark.parametrize(("grade", "fails"), [("优良", False), ("合格", False), ("不合格", True), (None, False)])
def test_the_lowest_band_and_the_veto_grade_fail_a_points_sheet(proposition, grade, fails):
    assert grade_fails(proposition, grade) is fails


@pytest.mark.parametrize(("grade", "fails"), [("合格", False), ("不合格", True), ("优良", False)])
def test_the_fail_grade_fails_a_yes_no_sheet(shandong, grade, fails):
    assert grade_fails(shandong, grade) is fails


def _meets(sheet):
    return {line.id: Decision(line.id, Verdict.MEETS, line.max) for line in sheet.lines}


def test_a_signed_revision_cannot_be_signed_again(proposition):
    result = score_sheet(proposition, {}, _meets(proposition), {})
    assert sign_refusal(result, signed=True, checked=True, assessment="").reason == "signed"


def test_a_sheet_the_checks_inform_needs_a_run_first(proposition, shandong):
    result = score_sheet(proposition, {}, _meets(proposition), {})
    assert sign_refusal(result, signed=False, checked=False, assessment="").reason == "no_run"
    assert sign_refusal(result, signed=False, checked=True, assessment="") is None
    record = score_sheet(shandong, {}, _meets(shandong), {})  # judged by the inspector alone: no run needed
    assert sign_refusal(record, signed=False, checked=False, assessment="现场考务规范。") is None


def test_every_line_must_be_decided_and_the_refusal_names_them(proposition):
    decisions = _meets(proposition)
    left_open = [proposition.lines[3].id, proposition.lines[7].id]
    for line_id in left_open:
        del decisions[line_id]
    refusal = sign_refusal(score_sheet(proposition, {}, decisions, {}), signed=False, checked=True, assessment="")
    assert refusal.reason == "undecided" and [line.id for line in refusal.lines] == left_open


def test_a_sheet_that_asks_for_a_total_assessment_needs_it(shandong):
    result = score_sheet(shandong, {}, _meets(shandong), {})
    refusal = sign_refusal(result, signed=False, checked=True, assessment="  ")
    assert refusal.reason == "assessment" and refusal.label == "总体评价"
    assert sign_refusal(result, signed=False, checked=True, assessment="考务组织规范，未发现问题。") is None
