"""What a sheet's method asks of its file: a points sheet's fields, sums and grade bands; a 是/否 sheet's fields."""

from __future__ import annotations

from typing import Any

from qbaudit.i18n import tr


def _number(value: float) -> str:
    return f"{value:g}"


def points_problems(data: dict[str, Any]) -> list[str]:
    """What is wrong with a points sheet (empty when nothing)."""
    problems = _points_fields_missing(data)
    if problems:
        return problems
    return _points_sums_problems(data) + _points_bands_problems(data)


def _points_fields_missing(data: dict[str, Any]) -> list[str]:
    """The fields a points sheet must have."""
    problems: list[str] = []
    for key in ("total",):
        if key not in data:
            problems.append(tr("sheet.needed_for_points", field=key))
    for key in ("meets", "partly", "fails"):
        if key not in data["verdicts"]:
            problems.append(tr("sheet.needed_for_points", field=f"verdicts.{key}"))
    if "scoring" not in data:
        problems.append(tr("sheet.needed_for_points", field="scoring.part_step"))
    if "bands" not in data["grading"]:
        problems.append(tr("sheet.needed_for_points", field="grading.bands"))
    for index, line in enumerate(data["lines"]):
        if "max" not in line:
            problems.append(tr("sheet.needed_for_points", field=f"lines[{index}].max"))
    return problems


def _points_sums_problems(data: dict[str, Any]) -> list[str]:
    """The lines' points against the sheet's total and each group's points, and against the part step."""
    problems: list[str] = []
    lines_total = sum(line["max"] for line in data["lines"])
    if abs(lines_total - data["total"]) > 1e-9:
        problems.append(tr("sheet.total_mismatch", field="total", total=_number(data["total"]),
                           sum=_number(lines_total)))
    groups = {g["id"]: g for g in data["groups"]}
    for index, group in enumerate(data["groups"]):
        if "points" not in group:
            continue
        inside = sum(line["max"] for line in data["lines"] if _inside(line["group"], group["id"], groups))
        if abs(inside - group["points"]) > 1e-9:
            problems.append(tr("sheet.group_mismatch", field=f"groups[{index}].points", name=group.get("name", group["id"]),
                               points=_number(group["points"]), sum=_number(inside)))
    step = data["scoring"]["part_step"]
    for index, line in enumerate(data["lines"]):
        if line["max"] <= step:
            problems.append(tr("sheet.max_below_step", field=f"lines[{index}].max", value=_number(line["max"]),
                               step=_number(step)))
    return problems


def _points_bands_problems(data: dict[str, Any]) -> list[str]:
    """The grade bands: falling minimums down to 0, the first within the total."""
    problems: list[str] = []
    bands = data["grading"]["bands"]
    for index in range(1, len(bands)):
        if bands[index]["min"] >= bands[index - 1]["min"]:
            problems.append(tr("sheet.bands_order", field=f"grading.bands[{index}].min"))
    if bands[-1]["min"] != 0:
        problems.append(tr("sheet.bands_floor", field=f"grading.bands[{len(bands) - 1}].min"))
    if bands[0]["min"] > data["total"]:
        problems.append(tr("sheet.bands_ceiling", field="grading.bands[0].min", total=_number(data["total"])))
    return problems


def _inside(group_id: str, ancestor: str, groups: dict[str, dict[str, Any]]) -> bool:
    current: str | None = group_id
    while current is not None:
        if current == ancestor:
            return True
        current = groups[current].get("parent")
    return False


def yes_no_problems(data: dict[str, Any]) -> list[str]:
    """What is wrong with a 是/否 sheet (empty when nothing)."""
    problems: list[str] = []
    for key in ("yes", "no"):
        if key not in data["verdicts"]:
            problems.append(tr("sheet.needed_for_yes_no", field=f"verdicts.{key}"))
    for key in ("no_share_limit", "pass_grade", "fail_grade"):
        if key not in data["grading"]:
            problems.append(tr("sheet.needed_for_yes_no", field=f"grading.{key}"))
    if "total" in data:
        problems.append(tr("sheet.not_for_yes_no", field="total"))
    for index, line in enumerate(data["lines"]):
        if "max" in line:
            problems.append(tr("sheet.not_for_yes_no", field=f"lines[{index}].max"))
    return problems


def rule_problems(data: dict[str, Any]) -> list[str]:
    """Rules a line names (``rules``) that the rule catalogue does not have."""
    from qbaudit.analysis.rules import rule_catalogue

    known = rule_catalogue()
    return [tr("sheet.unknown_rule", field=f"lines[{index}].rules", value=rule_id, last=len(known))
            for index, line in enumerate(data["lines"]) for rule_id in line.get("rules", ()) if rule_id not in known]
