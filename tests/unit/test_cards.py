"""Supervisor card codes checked by Shandong's coding rules (鲁人社字〔2022〕68号 附件1)."""

from __future__ import annotations

import pytest

from qbaudit.analysis.cards import check_card_code


@pytest.mark.parametrize(("code", "kind", "meanings"), [
    ("R37220A001", None, None),  # 10 characters: neither kind
    ("R3722A001", "external", ["外部质量督导员", "山东省", "公元纪年后两位", "济南市", "001—999"]),
    ("R37230015", "external", ["外部质量督导员", "山东省", "公元纪年后两位", "省直", "001—999"]),
    ("ｒ３７２４Ｒ９９９", "external", ["外部质量督导员", "山东省", "公元纪年后两位", "菏泽市", "001—999"]),
    ("S001234220001", "internal", ["社会培训评价组织", None, "公元纪年后两位", "0001—9999"]),
    ("Y370123239999", "internal", ["用人单位", None, "公元纪年后两位", "0001—9999"]),
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
    ("R3722A000", "第 7—9 位「000」"),
    ("N001234220001", "第 1 位「N」"),
    ("S001234220000", "第 10—13 位「0000」不是有效的证卡序列码"),
    ("S00123A220001", "第 2—7 位"),
])
def test_invalid_codes_name_the_position_and_the_rule(code, words):
    result = check_card_code(code)
    assert not result.ok and words in result.problem, result.problem
    assert "山东省技能人才评价质量督导员证卡编码规则" in result.problem
