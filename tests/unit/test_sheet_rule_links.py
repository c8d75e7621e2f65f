"""Sheet lines name the rules that inform them by rule id: renaming a line keeps its data suggestions; a sheet
text recorded before lines named their rules (an old audit) reads as it did; an unknown rule is refused."""

from __future__ import annotations

import re

import pytest

from qbaudit.analysis.sheets import SheetError, load_sheet, rules_of, sheet_from_text, uses_checks


def _text() -> str:
    return load_sheet().text


def test_renaming_a_line_keeps_its_rules():
    renamed = sheet_from_text(_text().replace('name = "要点数量充足"', 'name = "考评点数量足够"'), "custom")
    line = next(line for line in renamed.lines if line.id == "9")
    assert line.name == "考评点数量足够" and rules_of(line) == ["R1", "R4", "R19", "R20"]


def test_a_sheet_recorded_before_lines_named_their_rules_reads_as_it_did():
    old = re.sub(r"^rules = \[.*\]\n", "", _text(), flags=re.M)
    assert "rules = [" not in old
    before, now = sheet_from_text(old, "recorded"), load_sheet()
    assert [rules_of(line) for line in before.lines] == [rules_of(line) for line in now.lines]
    assert uses_checks(before) and sum(bool(rules_of(line)) for line in before.lines) == 14


def test_a_line_naming_an_unknown_rule_is_refused():
    with pytest.raises(SheetError, match="R99"):
        sheet_from_text(_text().replace('rules = ["R10"]', 'rules = ["R99"]'), "custom")


def test_the_sheets_no_check_informs_name_no_rule():
    for name in ("onsite-2024", "shandong-daily-theory-2022"):
        assert not uses_checks(load_sheet(name))
