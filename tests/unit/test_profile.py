"""Rule profiles: the bundled ones load; a malformed one is refused with the field named."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from qbaudit.analysis.profile import ProfileError, bundled_profiles, load_profile
from qbaudit.analysis.rules import rule_catalogue

ROOT = Path(__file__).resolve().parents[2]


def test_bundled_profiles_load():
    assert [pid for pid, _ in bundled_profiles()] == ["national-2024", "premium-2024"]
    national = load_profile()
    assert national.id == "national-2024"
    assert national.rule("R1")["min_points"] == 200
    assert national.rule("R2")["min_items_per_point"] == 5
    assert national.rule("R3")["min_items_per_level"] == 1000
    assert national.rule("R4")["min_key_share"] == 0.85
    assert national.key_importances == frozenset({"X"})
    assert "简答" in national.subjective_types and "单选" in national.objective_types
    premium = load_profile("premium-2024")
    assert premium.rule("R1")["min_points"] == 300
    assert premium.rule("R20")["min_points_per_weight_percent"] == 3.0
    assert premium.rule("R2") == national.rule("R2")  # inherited


def _profile(tmp_path, body: str):
    path = tmp_path / "p.toml"
    path.write_text('schema_version = 2\nid = "p"\nname = "测试"\nextends = "national-2024"\n' + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('[rules.R1]\nmin_points = "很多"\n', ["rules.R1.min_points", "整数"]),
        ('[rules.R4]\nmin_key_share = 1.5\n', ["rules.R4.min_key_share", "不能大于 1"]),
        ('[rules.R1]\nmin_point = 100\n', ["rules.R1.min_point", "不认识"]),
        ('[key_points]\nimportances = ["W"]\n', ["key_points.importances[0]", "X、Y、Z"]),
        ('[codes]\nscope_code_pattern = "[A-Z"\n', ["codes.scope_code_pattern", "正则表达式"]),
        ('[[waivers]]\nrule = "R1"\n', ["waivers[0].reason", "缺少字段"]),
        ('[[waivers]]\nrule = "R99"\nreason = "原因"\n', ["waivers[0].rule"]),
        ('[item_types]\nsubjective = ["问答题目"]\n', ["item_types.subjective", "问答题目"]),
        ('[difficulty]\ngrade_min = 5\ngrade_max = 1\n', ["difficulty.grade_min"]),
        ('[rules.R2\n', ["第 5 行"]),
    ],
)
def test_malformed_profile_names_the_field(tmp_path, body, words):
    with pytest.raises(ProfileError) as caught:
        load_profile(_profile(tmp_path, body))
    message = str(caught.value)
    assert "p.toml" in message
    for word in words:
        assert word in message, message


def test_missing_required_section(tmp_path):
    path = tmp_path / "bare.toml"
    path.write_text('schema_version = 1\nid = "bare"\nname = "缺节"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="缺少字段「key_points」"):
        load_profile(path)


def test_unknown_profile_name_lists_the_known_ones():
    with pytest.raises(ProfileError, match="national-2024"):
        load_profile("provincial-1999")


def test_extends_loop_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text('schema_version = 1\nid = "a"\nname = "a"\nextends = "b"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('schema_version = 1\nid = "b"\nname = "b"\nextends = "a"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="循环"):
        load_profile(tmp_path / "a.toml")


def test_waivers_are_not_inherited(tmp_path):
    parent = tmp_path / "parent.toml"
    parent.write_text('schema_version = 1\nid = "parent"\nname = "父"\nextends = "national-2024"\n'
                      '[[waivers]]\nrule = "R1"\nreason = "父配置的豁免"\n', encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text('schema_version = 1\nid = "child"\nname = "子"\nextends = "parent"\n', encoding="utf-8")
    assert load_profile(parent).waiver("R1", 4) is not None
    assert load_profile(child).waivers == ()


# --- the basis of every threshold ------------------------------------------------------------------------------

PROFILES = sorted((ROOT / "resources" / "profiles").glob("*.toml"))
# The settings outside [rules.Rn] that decide verdicts (the code patterns, the difficulty scale, the key points).
SECTION_THRESHOLDS = {"key_points": ["importances"], "difficulty": ["grade_min", "grade_max", "allow_proportion"],
                      "codes": ["scope_code_pattern", "point_code_pattern"]}


def _thresholds(document: dict):
    """(field, value, basis entry or None) of every threshold a profile file sets itself."""
    for section, names in SECTION_THRESHOLDS.items():
        table = document.get(section, {})
        for name in names:
            if name in table:
                yield f"{section}.{name}", table[name], table.get("basis", {}).get(name)
    for rule_id, table in document.get("rules", {}).items():
        for name, value in table.items():
            if name != "basis":
                yield f"rules.{rule_id}.{name}", value, table.get("basis", {}).get(name)


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.name)
def test_every_threshold_of_a_bundled_profile_states_its_basis(path):
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    found = list(_thresholds(document))
    assert found, path
    catalogue = rule_catalogue()
    for field, value, basis in found:
        assert basis is not None, f"{path.name}: {field} has no basis"
        assert basis["basis"] in ("regulation", "practice") and len(basis["clause"]) >= 2, field
        if basis["basis"] == "regulation":  # the text's own number, quoted
            rule_id, name = field.split(".")[1:]
            stated = catalogue[rule_id].numbers[name]
            assert stated.equals(value) and stated.quote.rstrip("。") in basis["clause"], field
            assert "binding" not in basis, field


def test_the_walk_finds_a_threshold_without_its_basis(tmp_path):
    """The test above can fail: a bundled profile with one basis taken out is caught by it, and refused on load."""
    text = (ROOT / "resources" / "profiles" / "national-2024.toml").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("seconds_per_item = { basis"))
    stripped = text.replace(line + "\n", "")
    missing = [f for f, _, basis in _thresholds(tomllib.loads(stripped)) if basis is None]
    assert missing == ["rules.R15.seconds_per_item"]
    path = tmp_path / "national-copy.toml"
    path.write_text(stripped.replace('id = "national-2024"', 'id = "copy"'), encoding="utf-8")
    with pytest.raises(ProfileError, match="national-copy.toml.*缺少字段「rules.R15.basis.seconds_per_item」"):
        load_profile(path)


def test_the_national_profile_says_which_numbers_are_the_tools():
    national = load_profile()
    practice = {s.key for s in national.settings() if s.basis.kind == "practice"}
    # The list: R15's seconds and ±25 %, R16's spread, R14's 12 months for 应及时更新, R6's 12 sessions and
    # 100 items per paper, R8's code patterns, R10's 一定数量 = 1, R11's 88/93.
    assert {"R15.seconds_per_item", "R15.duration_tolerance", "R16.max_mean_difficulty_spread",
            "R16.max_mean_proportion_spread", "R14.months_to_update_after_new_standard", "R6.update_cycle_sessions",
            "R6.paper_items", "codes.scope_code_pattern", "codes.point_code_pattern", "R10.min_subjective_items",
            "R11.near_duplicate_threshold", "R11.short_stem_threshold", "R19.min_x_share",
            "R20.min_points_per_weight_percent"} <= practice
    assert not any(national.bases[k].binding for k in practice)
    regulation = {s.key for s in national.settings() if s.basis.kind == "regulation"}
    assert regulation == {"R1.min_points", "R2.min_items_per_point", "R3.min_items_per_level", "R4.min_key_share",
                          "R5.min_key_share_per_paper", "R6.max_repeated_papers", "R7.required", "R9.tolerance",
                          "R9.total", "R10.levels", "R14.max_months_since_revision", "R14.full_update_years",
                          "R22.required_fields"}
    premium = load_profile("premium-2024")
    assert premium.basis("R1", "min_points").kind == "practice" and premium.basis("R1", "min_points").binding


@pytest.mark.parametrize(("body", "words"), [
    # A number said to be the text's must be the text's …
    ('[rules.R4]\nmin_key_share = 0.9\n[rules.R4.basis]\nmin_key_share = { basis = "regulation", clause = "不低于85%" }\n',
     ["rules.R4.min_key_share = 0.9", "更严", "依据请写 practice"]),
    # … never looser (only a waiver goes below it, where the text says 原则上) …
    ('[rules.R3]\nmin_items_per_level = 800\n[rules.R3.basis]\nmin_items_per_level = { basis = "practice", clause = "每个等级应不少于1000道题" }\n',
     ["rules.R3.min_items_per_level = 800", "更宽", "「每个等级应不少于1000道题」", "不能豁免"]),
    ('[rules.R6]\nmax_repeated_papers = 1\n[rules.R6.basis]\nmax_repeated_papers = { basis = "practice", clause = "不出现重复试卷" }\n',
     ["rules.R6.max_repeated_papers = 1", "「保证在一个更新周期内不出现重复试卷」"]),
    ('[rules.R1]\nmin_points = 150\n[rules.R1.basis]\nmin_points = { basis = "practice", clause = "不少于200个" }\n',
     ["rules.R1.min_points = 150", "更宽", "[[waivers]]"]),
    # … and a number the text does not state is not the regulation's.
    ('[rules.R16]\nmax_mean_difficulty_spread = 0.5\n[rules.R16.basis]\nmax_mean_difficulty_spread = { basis = "regulation", clause = "难度等值" }\n',
     ["rules.R16.max_mean_difficulty_spread", "文件没有给出这个数值"]),
    ('[rules.R4.basis]\nmin_key_share = { basis = "regulation", binding = true, clause = "不低于85%" }\n',
     ["rules.R4.basis.min_key_share", "binding 只用于"]),
    # A child that changes a number states what the new number rests on.
    ('[rules.R16]\nmax_mean_difficulty_spread = 0.5\n', ["rules.R16.max_mean_difficulty_spread", "没有写明依据"]),
])
def test_a_basis_that_does_not_hold_is_refused(tmp_path, body, words):
    with pytest.raises(ProfileError) as caught:
        load_profile(_profile(tmp_path, body.replace("schema_version = 1", "")))
    message = str(caught.value)
    assert "p.toml" in message
    for word in words:
        assert word in message, message


def test_a_stricter_number_of_the_tools_own_is_taken_and_can_bind(tmp_path):
    path = _profile(tmp_path, '[rules.R16]\nmax_mean_difficulty_spread = 0.2\n[rules.R16.basis]\n'
                              'max_mean_difficulty_spread = { basis = "practice", binding = true, clause = "难度等值" }\n')
    profile = load_profile(path)
    assert profile.rule("R16")["max_mean_difficulty_spread"] == 0.2
    assert profile.basis("R16", "max_mean_difficulty_spread").binding
    # the parent's note does not stick to the child's basis
    assert profile.basis("R16", "max_mean_difficulty_spread").note == ""


# --- waivers only where the text says 原则上 --------------------------------------------------------------------


@pytest.mark.parametrize(("waiver", "quote"), [
    ('rule = "R4"', "「重要考评点所占比重不低于85%」"),
    ('rule = "R5"', "「体现重要考评点的试题占比不低于85%」"),
    ('rule = "R6"', "「保证在一个更新周期内不出现重复试卷」"),
    ('rule = "R3"', "「每个等级应不少于1000道题」"),
    ('rule = "R16"', "「组卷规则设计合理，确保所有试卷内容均与考评蓝图一致，不同试卷之间难度等值，质量稳定」"),
    ('rule = "R14"\nsetting = "max_months_since_revision"', "「题库应每年进行修订」"),
])
def test_a_waiver_where_the_text_leaves_no_room_is_refused_with_its_words(tmp_path, waiver, quote):
    path = _profile(tmp_path, f'[[waivers]]\n{waiver}\nreason = "机构申请"\n')
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert "p.toml" in message and "waivers[0]" in message and quote in message, message
    assert "不能接受" in message


def test_a_waiver_of_r4_names_the_rules_that_can_be_waived(tmp_path):
    with pytest.raises(ProfileError) as caught:
        load_profile(_profile(tmp_path, '[[waivers]]\nrule = "R4"\nlevels = [3]\nreason = "X+Y 已达 94.7%"\n'))
    assert str(caught.value) == (
        "规则配置「" + str(tmp_path / "p.toml") + "」有误，未能使用：豁免 waivers[0]（R4 重要考评点所占比重）不能接受："
        "文件对这条规则没有“原则上”的余地——「重要考评点所占比重不低于85%」。只有文件写了“原则上”的规则可以豁免："
        "R1、R2、R10、R14（仅“原则上每3-5年更新一次”）。")


def test_waivers_where_the_text_says_in_principle_are_taken(tmp_path):
    path = _profile(tmp_path, '[[waivers]]\nrule = "R1"\nlevels = [5]\nmin_points = 150\nreason = "新职业"\n'
                              '[[waivers]]\nrule = "R2"\nreason = "新建题库"\n[[waivers]]\nrule = "R10"\nreason = "只考操作"\n'
                              '[[waivers]]\nrule = "R14"\nreason = "标准五年未改"\n')
    profile = load_profile(path)
    assert [w.rule for w in profile.waivers] == ["R1", "R2", "R10", "R14"]
    assert profile.waiver("R1", 5).value("min_points") == 150 and profile.waiver("R1", 4) is None


@pytest.mark.parametrize(("waiver", "words"), [
    ('rule = "R2"\nmin_points = 3', ["waivers[0]", "R2 的豁免不能另定 min_points"]),
    ('rule = "R1"\nmin_points = 250', ["waivers[0]", "min_points = 250 不低于配置中的 200"]),
])
def test_another_number_only_where_the_text_lets_it_be_set(tmp_path, waiver, words):
    with pytest.raises(ProfileError) as caught:
        load_profile(_profile(tmp_path, f'[[waivers]]\n{waiver}\nreason = "新职业"\n'))
    for word in words:
        assert word in str(caught.value), str(caught.value)


# --- profiles of schema version 1 -------------------------------------------------------------------------------


def test_a_version_1_profile_is_upgraded(tmp_path):
    """A full copy of the old national profile (no bases, R15 with the header fields) loads: the header fields move
    to R22, the national profile's numbers take its bases, a number of its own is the tool's and still binding."""
    text = (ROOT / "resources" / "profiles" / "national-2024.toml").read_text(encoding="utf-8")
    old = "\n".join(line for line in text.splitlines() if " = { basis = " not in line and "basis]" not in line)
    old = old.replace("schema_version = 2", "schema_version = 1").replace('id = "national-2024"', 'id = "old"')
    old = old.replace("[rules.R15]\n", '[rules.R15]\nrequired_fields = ["institution", "occupation", "level", "duration"]\n')
    old = old.replace("[rules.R22]\n# 试卷说明应写明的基本信息。\nrequired_fields = [\"institution\", \"occupation\", \"level\", \"duration\"]\n", "")
    old = old.replace("max_mean_proportion_spread = 0.075\n", "").replace("overlap_warn_jaccard = 0.8", "overlap_warn_jaccard = 0.7")
    path = tmp_path / "old.toml"
    path.write_text(old, encoding="utf-8")
    profile = load_profile(path)
    national = load_profile()
    assert profile.rule("R22") == national.rule("R22") and "required_fields" not in profile.rule("R15")
    assert profile.basis("R15", "seconds_per_item") == national.basis("R15", "seconds_per_item")
    assert profile.basis("R4", "min_key_share") == national.basis("R4", "min_key_share")
    assert profile.rule("R16")["max_mean_proportion_spread"] == 0.075  # added since version 1
    own = profile.basis("R6", "overlap_warn_jaccard")
    assert own.kind == "practice" and own.binding and "schema_version = 1" in own.note


def test_a_version_1_waiver_of_r4_is_refused_all_the_same(tmp_path):
    path = tmp_path / "old.toml"
    path.write_text('schema_version = 1\nid = "old"\nname = "旧"\nextends = "national-2024"\n'
                    '[[waivers]]\nrule = "R4"\nreason = "机构申请"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="不低于85%"):
        load_profile(path)
