"""A signed audit record of a sample bank, for the report's tests and previews (scripts/render_report).

    record_sample_audit(store, "defective")   # 59.5 points: 不合格 (a rectification notice applies)
    record_sample_audit(store, "compliant")   # 100 points: 优良

The checks run on the sample's files (bank, blueprint, standard, papers and paper plan) at its
manifest's date; the inspector accepts the data suggestions, decides the lines no data can judge as
below (with reasons where marks are lost), overrides one suggestion with a reason, clears the veto
items and signs. The totals are known answers: defective 27 (the 13 data suggestions, see
tests/unit/test_scoring.py) + 0.5 (override) + 32 (the 11 document lines) = 59.5; compliant 100.
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
        "18": ("不符合", None, "没有试题质量分析报告和修订记录"),
        "19": ("符合", None, ""),
        "20": ("基本符合", 3, "题库管理系统不能按组卷计划书自动抽题"),
    },
}
# Suggestions the inspector overrides: line id → (verdict, score, reason).
OVERRIDES = {"defective": {"12": ("基本符合", 1.5, "细目表代码问题经现场核实已部分更正")}}
EXPECTED_TOTAL = {"defective": 59.5, "compliant": 100.0}
EXPECTED_GRADE = {"defective": "不合格", "compliant": "优良"}


def run_sample(sample: str) -> Any:
    """The checks of a sample bank at its manifest's date."""
    from qbaudit.analysis.profile import load_profile
    from qbaudit.analysis.run import run_audit

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
