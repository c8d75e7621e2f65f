"""Scoring: suggestions from the sample banks' findings, decisions and overrides, totals, vetoes, grades."""

from __future__ import annotations

import pytest

from qbaudit.analysis.model import Finding, Status, ThresholdUse
from qbaudit.analysis.sheets import (
    Basis,
    Decision,
    DecisionError,
    Verdict,
    VetoDecision,
    load_sheet,
    make_decision,
    make_veto_decision,
    part_score,
    score_sheet,
    sheet_from_text,
    suggest,
)

# What the checks suggest for the defective sample, computed by hand from the statuses in its
# manifest: a line's share of met findings (pass and waived 1, fail 0) times its maximum, rounded down to
# the 0.5 step. Not counted: na and warn (提示) — they never lower a suggestion but hold back full marks —, the
# rules that judge only by the tool's own numbers (R15, R16, R18, R19, R20 with their national thresholds), and
# R12's review list. E.g. 要点数量充足: R1 and R4 are pass/fail/pass, 4 of 6 met → 4 × 4/6 = 2.67 → 2.5 (R19
# and R20 shown, not counted); 试题数量充足: R2 f/p/f, R3 p/p/f, R6 f/p/f → 4 of 9 → 1.78 → 1.5; 内容有代表性:
# R5 f/p/p, R11 f/w/p and w across levels (the warns not counted) → 3 of 5 → 2.4 → 2.0 (R12's warn moves
# nothing); 试卷编排规范: R22 f/p/p → 2 of 3 → 2.67 → 2.5; 试题内容正确: R13 pass/fail/pass and R21 (同题异答)
# pass ×3 → 5 of 6 → 5 × 5/6 = 4.17 → 4.0. 题量时长适宜 (R15) and 建库规则科学 (R16) rest on the tool's numbers
# alone and go to the documents.
DEFECTIVE = {
    "要点数量充足": (Verdict.PARTLY, 2.5),
    "试题数量充足": (Verdict.PARTLY, 1.5),
    "试题参数完备": (Verdict.PARTLY, 2.5),
    "代码设计合理": (Verdict.PARTLY, 1.0),
    "权重符合标准": (Verdict.PARTLY, 2.5),
    "题型方式恰当": (Verdict.FAILS, 0.0),
    "试题内容正确": (Verdict.PARTLY, 4.0),
    "更新频率适宜": (Verdict.PARTLY, 1.0),
    "考评可操作性": (Verdict.PARTLY, 2.5),
    "内容有代表性": (Verdict.PARTLY, 2.0),
    "试卷编排规范": (Verdict.PARTLY, 2.5),
}
DOCUMENT_LINES = {"管理职责明确", "制度建设完备", "安全保密严格", "设备场所合格", "专家队伍健全", "命题流程规范",
                  "考评内容完备", "试题表述准确", "反馈机制健全", "题库存储规范", "系统设计合理", "题量时长适宜",
                  "建库规则科学"}


@pytest.fixture(scope="module")
def sheet():
    return load_sheet("proposition-2024")


def _by_name(sheet, suggestions):
    return {sheet.line(line_id).name: s for line_id, s in suggestions.items()}


def test_defective_sample_gets_the_known_suggestions(sheet, sample_reports):
    suggestions = _by_name(sheet, suggest(sheet, sample_reports["defective"].findings))
    assert {name: (s.verdict, s.score) for name, s in suggestions.items() if s.basis is Basis.DATA} == DEFECTIVE
    assert {name for name, s in suggestions.items() if s.basis is Basis.DOCUMENTS} == DOCUMENT_LINES
    points = suggestions["要点数量充足"]
    assert {f.rule for f in points.findings} == {"R1", "R4", "R19", "R20"}
    assert "R1·三级/高级工" in points.explanation and "R4·三级/高级工" in points.explanation
    assert "符合 4 项" in points.explanation and "6 项检查" in points.explanation
    assert any(f.rule == "R1" and f.level == 3 and f.measured == 190 for f in points.findings)


def test_compliant_sample_meets_every_line_the_data_can_judge(sheet, sample_reports):
    suggestions = _by_name(sheet, suggest(sheet, sample_reports["compliant"].findings))
    data_lines = {name: (s.verdict, s.score) for name, s in suggestions.items() if s.basis is Basis.DATA}
    assert data_lines == {name: (Verdict.MEETS, sheet.find_line(name).max) for name in DEFECTIVE}


def test_a_line_no_data_can_judge_gets_a_checklist_from_its_criterion(sheet, sample_reports):
    suggestion = _by_name(sheet, suggest(sheet, sample_reports["compliant"].findings))["安全保密严格"]
    assert suggestion.verdict is None and suggestion.score is None and not suggestion.findings
    assert suggestion.checklist[0] == "试题试卷的编制、存储、传输、发放、回收、销毁等环节符合有关保密要求。"
    assert "查阅：全部参与人员的保密承诺书或保密责任书" in suggestion.checklist
    assert "请按清单查阅材料" in suggestion.explanation


def _practice(setting: str, binding: bool = False) -> ThresholdUse:
    return ThresholdUse(setting, 1, "practice", "与考核时长相匹配", binding, breached=True)


def test_not_judged_and_practice_findings_are_shown_but_not_counted(sheet):
    findings = [Finding("R9", 4, Status.NA, "未提供标准权重表"),
                Finding("R19", 4, Status.WARN, "X 偏低", thresholds=(_practice("min_x_share"),), advisory=True),
                Finding("R1", 4, Status.PASS, "够"), Finding("R4", 4, Status.WAIVED, "豁免", waiver_reason="新职业")]
    suggestions = _by_name(sheet, suggest(sheet, findings))
    assert suggestions["权重符合标准"].basis is Basis.DOCUMENTS and len(suggestions["权重符合标准"].findings) == 1
    assert "未能从所给数据作出判断" in suggestions["权重符合标准"].explanation
    points = suggestions["要点数量充足"]
    assert (points.verdict, points.score) == (Verdict.MEETS, 4)
    # The waiver a 符合 rests on is said, with its reason; the tool's number is named, not counted.
    assert "按规则配置的豁免计为符合：R4·四级/中级工（理由：新职业）" in points.explanation
    assert "R19·四级/中级工（提示） 只按本工具的参考值判断" in points.explanation


def test_a_warning_never_lowers_but_holds_back_full_marks(sheet):
    line = "试题参数完备"
    mixed = [Finding("R7", 4, Status.WARN, "难度标注方式不统一"), Finding("R7", 3, Status.PASS, "齐全")]
    held = _by_name(sheet, suggest(sheet, mixed))[line]
    assert held.basis is Basis.DOCUMENTS and held.verdict is None and "R7·四级/中级工" in held.explanation
    with_failure = [*mixed, Finding("R7", 2, Status.FAIL, "缺难度")]
    standing = _by_name(sheet, suggest(sheet, with_failure))[line]
    assert (standing.verdict, standing.score) == (Verdict.PARTLY, 2.0)  # 1 of 2 counted; the warn neither way
    assert "R7·四级/中级工 是提示" in standing.explanation


def test_the_tools_numbers_count_once_a_profile_makes_them_binding(sheet):
    line = "题量时长适宜"
    advisory = [Finding("R15", 4, Status.WARN, "题量偏多", thresholds=(_practice("seconds_per_item"),), advisory=True),
                Finding("R15", 3, Status.PASS, "相称", thresholds=(_practice("seconds_per_item"),))]
    left = _by_name(sheet, suggest(sheet, advisory))[line]
    assert left.basis is Basis.DOCUMENTS and "只有本工具的参考值可依" in left.explanation
    binding = [Finding("R15", 4, Status.FAIL, "题量偏多", thresholds=(_practice("seconds_per_item", True),)),
               Finding("R15", 3, Status.PASS, "相称", thresholds=(_practice("seconds_per_item", True),))]
    counted = _by_name(sheet, suggest(sheet, binding))[line]
    assert (counted.verdict, counted.score) == (Verdict.PARTLY, 2.0)


def test_the_review_list_moves_no_suggestion(sheet):
    line = "内容有代表性"
    base = [Finding("R5", 4, Status.PASS, "够"), Finding("R11", 4, Status.FAIL, "重复")]
    without = _by_name(sheet, suggest(sheet, base))[line]
    flagged = _by_name(sheet, suggest(sheet, [*base, Finding("R12", 4, Status.WARN, "性别")]))[line]
    clean = _by_name(sheet, suggest(sheet, [*base, Finding("R12", 4, Status.PASS, "无")]))[line]
    assert (without.verdict, without.score) == (flagged.verdict, flagged.score) == (clean.verdict, clean.score) \
        == (Verdict.PARTLY, 2.0)
    assert "R12·四级/中级工 列出了待人工复核的试题" in flagged.explanation


@pytest.mark.parametrize(("maximum", "share", "expected"), [
    (4, 2 / 3, 2.5), (4, 0.01, 0.5), (4, 0.99, 3.5), (5, 0.5, 2.5), (1, 0.5, 0.5), (3, 0.9, 2.5)])
def test_part_scores_stay_strictly_inside_the_line(maximum, share, expected):
    assert part_score(maximum, 0.5, share) == expected


# --- decisions -------------------------------------------------------------------------------

def _suggestion(sheet, sample_reports, name):
    line = sheet.find_line(name)
    return line, suggest(sheet, sample_reports["defective"].findings)[line.id]


def test_an_override_without_a_reason_is_refused(sheet, sample_reports):
    line, suggestion = _suggestion(sheet, sample_reports, "要点数量充足")
    with pytest.raises(DecisionError, match="建议是“基本符合 2.5”，评定为“符合 4”是提高了建议，必须写明理由"):
        make_decision(sheet, line.id, Verdict.MEETS, suggestion=suggestion)
    with pytest.raises(DecisionError, match="降低了建议"):
        make_decision(sheet, line.id, Verdict.PARTLY, 1.5, "  ", suggestion=suggestion)
    decided = make_decision(sheet, line.id, Verdict.MEETS, reason="操作技能细目表另有 60 个考评点，合计已足", suggestion=suggestion)
    assert (decided.verdict, decided.score) == (Verdict.MEETS, 4)
    accepted = make_decision(sheet, line.id, Verdict.PARTLY, 2.5, suggestion=suggestion)
    assert accepted.reason == ""


def test_a_line_judged_from_documents_needs_no_reason(sheet, sample_reports):
    line, suggestion = _suggestion(sheet, sample_reports, "专家队伍健全")
    assert make_decision(sheet, line.id, Verdict.PARTLY, 2, suggestion=suggestion).score == 2


@pytest.mark.parametrize(("verdict", "score", "words"), [
    (Verdict.PARTLY, None, "要给出分数"),
    (Verdict.PARTLY, 0, "应大于 0、小于 4"),
    (Verdict.PARTLY, 4, "应大于 0、小于 4"),
    (Verdict.PARTLY, 2.3, "以 0.5 分为单位"),
    (Verdict.MEETS, 3, "得满分 4 分"),
    (Verdict.FAILS, 1, "得 0 分"),
    (Verdict.YES, None, "只能评为：符合、基本符合、不符合"),
])
def test_scores_must_fit_the_verdict_and_the_line(sheet, verdict, score, words):
    with pytest.raises(DecisionError, match=words):
        make_decision(sheet, sheet.find_line("要点数量充足").id, verdict, score, reason="理由")


def test_a_veto_that_occurred_needs_a_description(sheet):
    with pytest.raises(DecisionError, match="必须填写情况说明"):
        make_veto_decision(sheet, "V3", True)
    with pytest.raises(DecisionError, match="没有不合格项「V9」"):
        make_veto_decision(sheet, "V9", True, "x")
    assert make_veto_decision(sheet, "2", True, "试题与新版标准严重不符").veto_id == "V2"


# --- totals and grades -------------------------------------------------------------------------

def _decisions_totalling(sheet, target: float) -> dict[str, Decision]:
    """Decisions that add up to ``target``: full marks while they fit, one part score, zeros after."""
    decisions, left = {}, target
    for line in sheet.lines:
        if line.max <= left:
            decisions[line.id] = Decision(line.id, Verdict.MEETS, line.max)
            left -= line.max
        elif left > 0:
            decisions[line.id] = Decision(line.id, Verdict.PARTLY, left)
            left = 0
        else:
            decisions[line.id] = Decision(line.id, Verdict.FAILS, 0.0)
    return decisions


@pytest.mark.parametrize(("total", "grade"), [(100, "优良"), (85, "优良"), (84.5, "合格"), (84, "合格"), (60, "合格"),
                                              (59.5, "不合格"), (59, "不合格"), (0, "不合格")])
def test_grade_bands_at_59_60_84_85(sheet, total, grade):
    result = score_sheet(sheet, {}, _decisions_totalling(sheet, total), {})
    assert result.total == total and result.grade == grade and result.final


def test_a_veto_forces_unqualified_whatever_the_total(sheet):
    decisions = _decisions_totalling(sheet, 100)
    result = score_sheet(sheet, {}, decisions, {"V4": VetoDecision("V4", True, "当年试题泄露")})
    assert result.total == 100 and result.grade == "不合格" and [v.id for v, _ in result.vetoed] == ["V4"]
    cleared = score_sheet(sheet, {}, decisions, {"V4": VetoDecision("V4", False)})
    assert cleared.grade == "优良"


def test_open_lines_leave_the_grade_open_but_a_veto_does_not_wait(sheet, sample_reports):
    suggestions = suggest(sheet, sample_reports["defective"].findings)
    result = score_sheet(sheet, suggestions, {}, {})
    assert result.grade is None
    assert len(result.open_lines) == len(DOCUMENT_LINES) and len(result.unconfirmed) == len(DEFECTIVE)
    assert result.total == sum(score for _, score in DEFECTIVE.values())
    assert result.group_totals["2"] == 2.5 + 2.5 + 0 + 2.5 + 1.0
    vetoed = score_sheet(sheet, suggestions, {}, {"V1": VetoDecision("V1", True, "无标准开展命题")})
    assert vetoed.grade == "不合格" and not vetoed.final


def test_decisions_count_before_suggestions(sheet, sample_reports):
    suggestions = suggest(sheet, sample_reports["defective"].findings)
    line = sheet.find_line("题型方式恰当")
    decision = make_decision(sheet, line.id, Verdict.PARTLY, 2, reason="操作技能考核含论述", suggestion=suggestions[line.id])
    result = score_sheet(sheet, suggestions, {line.id: decision}, {})
    row = next(r for r in result.lines if r.line.id == line.id)
    assert (row.state, row.verdict, row.score) == ("decided", Verdict.PARTLY, 2)
    assert result.total == sum(score for _, score in DEFECTIVE.values()) + 2


# --- the 20 % rule on Shandong's tables ----------------------------------------------------------

def _yes_no(sheet, noes: int) -> dict[str, Decision]:
    return {line.id: Decision(line.id, Verdict.NO if index < noes else Verdict.YES, None)
            for index, line in enumerate(sheet.lines)}


@pytest.mark.parametrize(("sheet_id", "noes", "grade"), [
    ("shandong-daily-theory-2022", 0, "合格"),
    ("shandong-daily-theory-2022", 4, "合格"),  # 4 / 23 = 17.4 %
    ("shandong-daily-theory-2022", 5, "不合格"),  # 5 / 23 = 21.7 %
    ("shandong-daily-skill-2022", 4, "合格"),  # 4 / 22 = 18.2 %
    ("shandong-daily-skill-2022", 5, "不合格"),
    ("shandong-daily-review-2022", 3, "合格"),  # 3 / 16 = 18.75 %
    ("shandong-daily-review-2022", 4, "不合格"),  # 4 / 16 = 25 %
])
def test_no_reaching_20_percent_is_unqualified(sheet_id, noes, grade):
    table = load_sheet(sheet_id)
    result = score_sheet(table, {}, _yes_no(table, noes), {})
    assert result.no_count == noes and result.grade == grade and result.total is None


def test_exactly_20_percent_reaches_the_limit():
    table = load_sheet("shandong-daily-theory-2022")
    text = table.text
    for number in range(21, 24):  # keep 20 lines: 4 "no" are exactly 20 %
        start = text.index(f'[[lines]]\nid = "{number}"\n')
        end = text.find("[[lines]]", start + 1)
        text = text[:start] + (text[end:] if end != -1 else "")
    shortened = sheet_from_text(text, "20 行")
    assert len(shortened.lines) == 20
    assert score_sheet(shortened, {}, _yes_no(shortened, 4), {}).grade == "不合格"
    assert score_sheet(shortened, {}, _yes_no(shortened, 3), {}).grade == "合格"


def test_a_shandong_veto_is_unqualified_with_every_line_yes():
    table = load_sheet("shandong-daily-skill-2022")
    veto = make_veto_decision(table, "V1", True, "在备案考点外的某培训中心组织考核")
    assert score_sheet(table, {}, _yes_no(table, 0), {veto.veto_id: veto}).grade == "不合格"


def test_yes_no_lines_take_no_score():
    table = load_sheet("shandong-daily-review-2022")
    with pytest.raises(DecisionError, match="不计分"):
        make_decision(table, "1", Verdict.NO, 1)
    assert make_decision(table, "1", Verdict.NO).score is None
    assert table.parse_verdict("否") is Verdict.NO and table.parse_verdict("符合") is None
