"""Rule profiles: the bundled ones load; a malformed one is refused with the field named."""

from __future__ import annotations

import pytest

from qbaudit.analysis.profile import ProfileError, bundled_profiles, load_profile


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
    path.write_text('schema_version = 1\nid = "p"\nname = "测试"\nextends = "national-2024"\n' + body, encoding="utf-8")
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
