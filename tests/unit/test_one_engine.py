"""One engine for every door: ``check``, ``audit score`` and the window's Workbench give the same findings and
the same suggested scores on the sample bank (answer data included: R18 judged on a stored audit too)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from qbaudit import cli
from qbaudit.analysis.importers.outcome import ImportResult
from qbaudit.analysis.model import Status
from qbaudit.analysis.sheets import load_sheet
from qbaudit.store import AuditStore, InspectorInput
from tests.conftest import sample_path
from tests.helpers import write_xlsx

AS_OF = "2026-11-01"
INSPECTOR = "张建国"


@pytest.fixture
def answers(tmp_path):
    """Answer data for 40 candidates on 13 level-4 items of the defective sample, in the long shape: the planted
    pattern of tests/unit/test_stats.py laid on real item ids (so R18 has something to say)."""
    from qbaudit.analysis.importers import import_bank
    from tests.unit.test_stats import planted

    bank = import_bank(sample_path("defective", "bank")).data
    items = [item.item_id for item in bank if item.level == 4 and item.answer in ("A", "B", "C", "D")][:13]
    frame, _key = planted()
    rename = dict(zip(sorted(frame["item_id"].unique()), items, strict=True))
    rows = [["准考证号", "试题编号", "考生答案"],
            *[[c, rename[i], r] for c, i, r in frame.itertuples(index=False)]]
    return write_xlsx(tmp_path / "作答记录.xlsx", {"作答": rows})


def _files(answers):
    return {"bank": sample_path("defective", "bank"), "blueprint": sample_path("defective", "blueprint"),
            "standard": sample_path("defective", "standard"), "responses": answers}


def _value(value):
    """A measured value or threshold as the three doors carry it (the store keeps 100.0 as 100)."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else json.dumps(value)


def _findings(findings):
    """What a finding says, door-independent: rule, level, status, measured, threshold, message."""
    return sorted((f["rule"], f["level"] or 0, f["status"], repr(_value(f["measured"])), repr(_value(f["threshold"])),
                   f["message"]) for f in findings)


def _suggestions(lines):
    return {line["id"]: (None if line["suggestion"] is None else
                         (line["suggestion"]["basis"], line["suggestion"]["verdict"], line["suggestion"]["score"]))
            for line in lines}


def test_check_audit_score_and_the_workbench_agree(answers, tmp_path, monkeypatch, capsys):
    from qbaudit import operations
    from qbaudit.cli.show import view_to_dict
    from qbaudit.report import report_from_run

    files = _files(answers)
    # 1. qbaudit check (its run kept for the quick check's suggestions, as check --report uses them)
    runs = []
    check_files = operations.check_files
    monkeypatch.setattr(operations, "check_files", lambda *a, **k: runs.append(check_files(*a, **k)) or runs[-1])
    out = tmp_path / "check.json"
    assert cli.main(["check", *[a for kind, path in files.items() for a in (f"--{kind}", str(path))],
                     "--as-of", AS_OF, "--json", str(out)]) == 0
    by_check = json.loads(out.read_text(encoding="utf-8"))
    quick = report_from_run(runs[0])
    check_suggestions = {row.line.id: None if row.suggestion is None else
                         (row.suggestion.basis.value, quick.sheet.label(row.suggestion.verdict) or None,
                          row.suggestion.score) for row in quick.result.lines}

    # 2. qbaudit audit new + audit score --responses … (a stored audit)
    db = ["--database", f"sqlite:///{tmp_path / 'audits.sqlite3'}"]
    assert cli.main(["audit", "new", *db, "--institution", "某市职业技能等级认定中心", "--occupation", "焊工",
                     "--levels", "四级,三级,二级", "--inspector", f"{INSPECTOR}:组长"]) == 0
    assert cli.main(["audit", "score", "1", *db, *[a for kind, path in files.items() for a in (f"--{kind}", str(path))],
                     "--as-of", AS_OF, "--by", INSPECTOR]) == 0
    capsys.readouterr()

    # 3. the window's Workbench on a second audit in the same store
    from qbaudit.workbench import Workbench

    with AuditStore(db[1]) as store:
        by_score = view_to_dict(store.load(1))
        second = store.create_audit(institution="某市职业技能等级认定中心", registration_number=None, occupation="焊工",
                                    levels=[4, 3, 2], inspectors=[InspectorInput(INSPECTOR, "组长")], sheet=load_sheet())
        bench = Workbench(store, second, as_of=dt.date.fromisoformat(AS_OF))
        for kind, path in files.items():
            result = bench.read(kind, [path])
            assert isinstance(result, ImportResult) and result.ok, result.error
            bench.accept(kind, [path], None, result)
        assert bench.check().run
        by_window = view_to_dict(store.load(second))
        # audit score remembered its inputs as the window does: the window can read them again
        assert set(store.sources(1)) == set(store.sources(second)) == set(files)

    r18 = [f for f in by_check["findings"] if f["rule"] == "R18" and f["level"] == 4]
    assert r18 and r18[0]["status"] != Status.NA.value  # the answer data was read and judged
    assert _findings(by_check["findings"]) == _findings(by_score["findings"]) == _findings(by_window["findings"])
    assert len(by_check["findings"]) > 20
    assert _suggestions(by_score["lines"]) == _suggestions(by_window["lines"])
    assert {k: v for k, v in _suggestions(by_score["lines"]).items()} == check_suggestions
    assert any(v is not None and v[2] is not None for v in check_suggestions.values())
