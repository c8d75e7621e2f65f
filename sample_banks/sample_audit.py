"""A signed audit record of a sample bank, for the report's tests and previews (scripts/render_report).

    record_sample_audit(store, "defective")   # 59.5 points: 不合格 (a rectification notice applies)
    record_sample_audit(store, "compliant")   # 100 points: 优良

The checks run on the sample's files (bank, blueprint, standard, papers and paper plan) at its
manifest's date; the inspector accepts the data suggestions, decides the lines no data can judge as
below (with reasons where marks are lost), overrides one suggestion with a reason, clears the veto
items and signs. The totals are known answers: defective 22 (the 11 data suggestions, see
tests/unit/test_scoring.py) + 0.5 (override) + 32 (the 11 lines only documents can judge) + 5 (the two lines
whose checks rest on the tool's own numbers alone — 题量时长适宜 3, 建库规则科学 2 — decided from the 提示 and
the papers) = 59.5; compliant 100.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
INSTITUTION = "某市职业技能等级认定中心"
REGISTRATION = "S370100123"
INSPECTORS = (("张建国", "组长", "R3725A012"), ("李秀英", "组员", None))

# Lines no data can judge: line id → (verdict, score, reason). The defective bank's institution loses marks.
DOCUMENT_DECISIONS = {
    "defective": {
        "1": ("符合", None, ""),
        "2": ("基本符合", 2, "未见试题开发使用制度的执行记录"),
        "3": ("基本符合", 2, "题库使用记录不完整，两名命题人员未签署保密承诺书"),
        "4": ("符合", None, ""),
        "5": ("基本符合", 3, "缺少信息技术方面的命题专家"),
        "6": ("基本符合", 2, "命题过程记录不全，缺少审题环节的记录"),
        "7": ("基本符合", 3, "细目表未覆盖标准中“焊接质量检验”的部分内容"),
        "14": ("基本符合", 3, "抽查发现个别试题表述有歧义"),
        # The tool's numbers gave a 提示 here (R15, R16); the inspector looked at the papers and judged.
        "17": ("基本符合", 3, "四级试卷 HG4-26-03 共 100 题、考试时长 45 分钟，题量与时长不相匹配"),
        "18": ("不符合", None, "没有试题质量分析报告和修订记录"),
        "19": ("符合", None, ""),
        "20": ("基本符合", 3, "题库管理系统不能按组卷计划书自动抽题"),
        "21": ("基本符合", 2, "四级试卷 HG4-26-06 的试题难度明显高于其他试卷，组卷规则未控制难度"),
    },
}
# Suggestions the inspector overrides: line id → (verdict, score, reason).
OVERRIDES = {"defective": {"12": ("基本符合", 1.5, "细目表代码问题经现场核实已部分更正")}}
EXPECTED_TOTAL = {"defective": 59.5, "compliant": 100.0}
EXPECTED_GRADE = {"defective": "不合格", "compliant": "优良"}


def run_sample(sample: str) -> Any:
    """The checks of a sample bank at its manifest's date."""
    from qbaudit.analysis.profile import load_profile
    from qbaudit.operations import run_audit

    folder = HERE / sample
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return run_audit(folder / "bank.xlsx", [folder / "blueprint.xlsx"], load_profile(manifest["profile"]),
                     standard=folder / "standard.xlsx", as_of=dt.date.fromisoformat(manifest["as_of"]),
                     papers=[folder / name for name in manifest["files"]["papers"]], plan=folder / manifest["files"]["plan"])


def record_sample_audit(store: Any, sample: str = "defective", *, keep_item_text: bool = True, sign: bool = True,
                        run: Any = None) -> int:
    """Open, score, decide and (by default) sign an audit of ``sample`` in ``store``; returns its id."""
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.store import InspectorInput

    run = run or run_sample(sample)
    levels = list(run.report.levels)
    audit_id = store.create_audit(institution=INSTITUTION, registration_number=REGISTRATION, occupation="焊工",
                                  levels=levels, inspectors=[InspectorInput(*p) for p in INSPECTORS],
                                  sheet=load_sheet(), keep_item_text=keep_item_text)
    lead = INSPECTORS[0][0]
    store.record_run(audit_id, run, by=lead)
    for line, (verdict, score, reason) in OVERRIDES.get(sample, {}).items():
        store.decide(audit_id, line, verdict, score, reason, by=lead)
    documents = DOCUMENT_DECISIONS.get(sample)
    view = store.load(audit_id)
    for row in view.result.lines:
        if row.suggestion is not None and row.suggestion.verdict is None:
            verdict, score, reason = documents[row.line.id] if documents else ("符合", None, "")
            store.decide(audit_id, row.line.id, verdict, score, reason, by=INSPECTORS[1][0])
    for veto in view.sheet.vetoes:
        store.decide_veto(audit_id, veto.id, False, "", by=lead)
    if sign:
        store.sign(audit_id, by=lead, accept_suggestions=True)
    else:
        store.accept_suggestions(audit_id, by=lead)
    return audit_id


# --- an audit on each of the other sheets ---------------------------------------------------------------------
# The on-site sheet and Shandong's daily records check no bank: the inspector judges every line on site. Each
# audit below is one supervision as written on its form, with a veto or the 20 % line reached, so each gives a
# notice. Known answers (counted by hand from the decisions):
#   onsite-2024                  90 points (考前 24, 考中 46, 考后 20), veto V1 occurred → 不合格
#   shandong-daily-theory-2022   5 of 23 “否” = 21.7 % ≥ 20 % → 不合格
#   shandong-daily-skill-2022    2 of 22 “否” = 9.1 %, veto V2 occurred → 不合格
#   shandong-daily-review-2022   4 of 16 “否” = 25 % ≥ 20 % → 不合格
SUPERVISION = {"batch_number": "2026370100123", "place": "济南市历下区某职业技能等级认定考点", "head_count": 46,
               "date": dt.date(2026, 11, 20), "time": "8:30—11:30"}
SHANDONG_INSPECTORS = (("王强", "组长", "R3726A015"), ("赵敏", "组员", "N370100260002"))
# line id → (verdict, score, reason); lines not listed are 符合 / 是.
SHEET_DECISIONS: dict[str, dict[str, tuple[str, float | None, str]]] = {
    "onsite-2024": {
        "1": ("基本符合", 0.5, "组织机构代码证已过期，未见换发材料"),
        "2": ("基本符合", 0.5, "2025 年有一项税务行政处罚，已整改"),
        "11": ("不符合", None, "投诉登记簿无受理和处理记录"),
        "18": ("基本符合", 3, "抽查 20 人中 2 人工作年限证明不全"),
        "26": ("基本符合", 2, "考场内有考生使用手机未被及时制止"),
        "33": ("不符合", None, "部分考生的操作技能评分表仅有 2 名考评员签字"),
    },
    "shandong-daily-theory-2022": {line: ("否", None, reason) for line, reason in (
        ("2", "抽查 10 份申报材料，3 份工作年限证明不全"), ("6", "考核系统两次中断，无备用方案"),
        ("10", "考场未张贴《违纪违规行为处理工作指引》"), ("14", "监考人员未逐一核验身份证件"),
        ("18", "第 3 考场监控录像缺 20 分钟"))},
    "shandong-daily-skill-2022": {line: ("否", None, reason) for line, reason in (
        ("3", "焊机 2 台故障，无备用设备"), ("15", "考评员评分后未在评分表上签名"))},
    "shandong-daily-review-2022": {line: ("否", None, reason) for line, reason in (
        ("2", "评审方案未明确评审流程"), ("7", "评审试题未经评审组讨论"), ("12", "表决未按规定程序进行"),
        ("16", "评审中专家回避问题未按规定处理"))},
}
SHEET_VETOES = {
    "onsite-2024": {"V1": "考评员代替考生完成操作技能考核，属人社厅发〔2024〕27号明确的严重违纪违规行为"},
    "shandong-daily-skill-2022": {"V2": "考评员在他人评分表上代签，影响评分公正"},
}
ASSESSMENTS = {
    "shandong-daily-theory-2022": "考前资格审核和考场公示不到位，考中身份核验和监控不严，否定项 5 项，占 21.7%，评定为不合格。",
    "shandong-daily-skill-2022": "考评员代签评分表，属一票否决情形，评定为不合格。",
    "shandong-daily-review-2022": "评审方案、试题讨论和表决程序不规范，否定项 4 项，占 25%，评定为不合格。",
}


def record_sheet_audit(store: Any, sheet_id: str, *, sign: bool = True) -> int:
    """Open, judge and (by default) sign the audit of ``sheet_id`` described above; returns its id."""
    from qbaudit.analysis.sheets import Method, load_sheet
    from qbaudit.store import InspectorInput, SupervisionFacts

    sheet = load_sheet(sheet_id)
    people = SHANDONG_INSPECTORS if sheet.card_rules else INSPECTORS
    facts = SupervisionFacts(**{**SUPERVISION, "batch_number": SUPERVISION["batch_number"] if sheet.layout.batch else None})
    audit_id = store.create_audit(institution=INSTITUTION, registration_number=REGISTRATION, occupation="焊工",
                                  levels=[4, 3], inspectors=[InspectorInput(*p) for p in people], sheet=sheet,
                                  facts=facts)
    lead = people[0][0]
    decisions = SHEET_DECISIONS[sheet_id]
    for line in sheet.lines:
        default = ("符合", None, "") if sheet.method is Method.POINTS else ("是", None, "")
        verdict, score, reason = decisions.get(line.id, default)
        store.decide(audit_id, line.id, verdict, score, reason, by=lead)
    for veto in sheet.vetoes:
        description = SHEET_VETOES.get(sheet_id, {}).get(veto.id, "")
        store.decide_veto(audit_id, veto.id, bool(description), description, by=lead)
    if sheet_id in ASSESSMENTS:
        store.set_assessment(audit_id, ASSESSMENTS[sheet_id], by=lead)
    if sign:
        store.sign(audit_id, by=lead)
    return audit_id
