"""Supervisor card codes checked by Shandong's coding rules (鲁人社字〔2022〕68号 附件1), and only on the
sheets that name those rules: a national (Tianjin) audit records a code as written."""

from __future__ import annotations

import datetime as dt

import pytest

from qbaudit.analysis.cards import check_card_code

SERIAL = "001—999 依次取值，或由证卡颁发机构统筹赋码"
SERIAL_4 = "0001—9999 依次取值，或由证卡颁发机构统筹赋码"


@pytest.mark.parametrize(("code", "kind", "meanings"), [
    ("R37220A001", None, None),  # 10 characters: neither kind
    ("R3722A001", "external", ["外部质量督导员", "山东省", "公元纪年后两位", "济南市", SERIAL]),
    ("R37230015", "external", ["外部质量督导员", "山东省", "公元纪年后两位", "省直", SERIAL]),
    ("ｒ３７２４Ｒ９９９", "external", ["外部质量督导员", "山东省", "公元纪年后两位", "菏泽市", SERIAL]),
    ("R3722A000", "external", ["外部质量督导员", "山东省", "公元纪年后两位", "济南市", SERIAL]),  # 统筹研究确定并赋码
    ("S001234220001", "internal", ["社会培训评价组织", None, "公元纪年后两位", SERIAL_4]),
    ("Y370123239999", "internal", ["用人单位", None, "公元纪年后两位", SERIAL_4]),
    ("N370123220001", "internal", ["内部质量督导员", None, "公元纪年后两位", SERIAL_4]),  # the text's letter N
    ("H000123220000", "internal", ["行业部门", None, "公元纪年后两位", SERIAL_4]),
])
def test_valid_codes_are_read_part_by_part(code, kind, meanings):
    result = check_card_code(code)
    if kind is None:
        assert not result.ok and "有 10 位" in result.problem and "外督" in result.problem
        return
    assert result.ok, result.problem
    assert result.kind == kind
    assert [m for _, _, m in result.parts][0] == meanings[0]
    for (_, _, meaning), expected in zip(result.parts, meanings, strict=True):
        if expected is not None:
            assert meaning == expected


@pytest.mark.parametrize(("code", "words"), [
    ("X3722A001", "第 1 位「X」不是有效的证卡类别代码"),
    ("R1122A001", "第 2—3 位「11」不是有效的证卡颁发机构代码"),
    ("R37AAA001", "第 4—5 位「AA」不是有效的证卡核发年份代码"),
    ("R3722I001", "第 6 位「I」不是有效的证卡序列码（省直或设区市代码）"),
    ("R3722A00X", "第 7—9 位「00X」"),
    ("Z001234220001", "第 1 位「Z」"),
    ("S00123422000A", "第 10—13 位「000A」不是有效的证卡序列码"),
    ("S00123A220001", "第 2—7 位"),
])
def test_invalid_codes_name_the_position_and_the_rule(code, words):
    result = check_card_code(code)
    assert not result.ok and words in result.problem, result.problem
    assert "山东省技能人才评价质量督导员证卡编码规则" in result.problem


@pytest.mark.parametrize(("code", "year", "ok"), [
    ("R3726A001", 2026, True), ("R3727A001", 2026, False), ("R3799A001", 2026, False), ("R3722A001", 2022, True),
    ("N370123270001", 2026, False), ("N370123260001", 2026, True),
])
def test_the_year_of_issue_is_no_later_than_the_audits_year(code, year, ok):
    result = check_card_code(code, year=year)
    assert result.ok is ok, result.problem
    if not ok:
        assert "晚于本次督导的" in result.problem and f"{year} 年" in result.problem


# --- which audits check codes ---------------------------------------------------------------------------------


def _audit(store, sheet_id, code, date=dt.date(2026, 11, 20)):
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.store import InspectorInput, SupervisionFacts

    return store.create_audit(institution="某评价机构", registration_number=None, occupation="焊工", levels=[4],
                              inspectors=[InspectorInput("王五", "组长", code)], sheet=load_sheet(sheet_id),
                              facts=SupervisionFacts(date=date))


def test_a_tianjin_audit_accepts_a_code_shandongs_rules_refuse(tmp_path):
    from qbaudit.store import AuditStore, StoreError

    tianjin_code = "TJ2024-017"  # a Tianjin card: no national coding rule exists
    assert not check_card_code(tianjin_code).ok
    with AuditStore(f"sqlite:///{tmp_path / 'a.sqlite3'}") as store:
        audit_id = _audit(store, "proposition-2024", tianjin_code)
        assert store.load(audit_id).inspectors[0][2] == "TJ2024-017"
        onsite = _audit(store, "onsite-2024", "R3799A001")  # Shandong would refuse the year 2099
        assert store.load(onsite).inspectors[0][2] == "R3799A001"
        with pytest.raises(StoreError, match="王五.*证卡编码不对"):
            _audit(store, "shandong-daily-theory-2022", "TJ2024-018")


def test_a_shandong_audit_accepts_an_n_card_and_refuses_a_year_after_the_audit(tmp_path):
    from qbaudit.store import AuditStore, StoreError

    with AuditStore(f"sqlite:///{tmp_path / 'a.sqlite3'}") as store:
        audit_id = _audit(store, "shandong-daily-skill-2022", "N370123260001")
        assert store.load(audit_id).inspectors[0][2] == "N370123260001"
        with pytest.raises(StoreError, match="2027 年核发，晚于本次督导的 2026 年"):
            _audit(store, "shandong-daily-skill-2022", "R3727A001")
        assert _audit(store, "shandong-daily-skill-2022", "R3727A001", date=dt.date(2027, 1, 5))  # its own year
