"""R11 and R12 against the defective sample's planted cases; dismissals in a check and in the record."""

from __future__ import annotations

import dataclasses

import pytest

from qbaudit.analysis.checks import run_checks
from qbaudit.analysis.model import Status
from qbaudit.analysis.profile import load_profile


def _pairs(finding, title: str) -> dict[frozenset, dict]:
    return {frozenset((r["item_a"], r["item_b"])): r for e in finding.evidence if title in e.title for r in e.rows}


def test_each_planted_duplicate_kind_is_found_and_classed(sample_reports, manifests):
    finding = sample_reports["defective"].get("R11", 4)
    found = _pairs(finding, "重复与近似")
    planted = manifests["defective"]["planted"]["4"]["R11_pairs"]
    assert set(found) == {frozenset((p["a"], p["b"])) for p in planted}
    labels = {"duplicate": "重复题", "near_duplicate": "疑似重复题"}
    for pair in planted:
        row = found[frozenset((pair["a"], pair["b"]))]
        assert row["kind"] == labels[pair["kind"]], pair
        assert (row["score"] == 100.0) == (pair["kind"] == "duplicate")
        assert len(row["excerpt_a"]) <= 30 and len(row["excerpt_b"]) <= 30
    edits = {p["edit"]: found[frozenset((p["a"], p["b"]))] for p in planted}
    assert set(edits) == {"exact", "format", "char", "number", "clauses"}
    assert edits["char"]["excerpt_difference"].count("→") == 1
    assert finding.status is Status.FAIL and finding.measured == len(planted)


def test_the_same_item_in_two_levels_is_reported_apart(sample_reports, manifests):
    across = sample_reports["defective"].get("R11", None)
    planted = manifests["defective"]["planted"]["across"]["R11_pairs"]
    assert across.status is Status.WARN
    pairs = _pairs(across, "不同等级")
    assert set(pairs) == {frozenset((p["a"], p["b"])) for p in planted}
    row = next(iter(pairs.values()))
    assert {row["level_a"], row["level_b"]} == {"四级/中级工", "三级/高级工"}


def test_a_look_alike_differing_by_a_term_is_classed_apart(sample_reports, manifests):
    finding = sample_reports["defective"].get("R11", 3)
    planted = manifests["defective"]["planted"]["3"]["R11_lookalike"]
    lookalikes = _pairs(finding, "相似题")
    assert set(lookalikes) == {frozenset((planted["a"], planted["b"]))}
    row = lookalikes[frozenset((planted["a"], planted["b"]))]
    assert row["kind"] == "相似题（关键词不同）"
    assert not _pairs(finding, "重复与近似") and finding.status is Status.WARN


def test_a_hint_is_listed_with_both_items(sample_reports, manifests):
    finding = sample_reports["defective"].get("R11", 3)
    planted = manifests["defective"]["planted"]["3"]["R11_hint"]
    hints = [r for e in finding.evidence if "提示" in e.title for r in e.rows]
    assert [(r["revealed"], r["revealing"]) for r in hints] == [(planted["revealed"], planted["revealing"])]
    assert len(hints[0]["excerpt_key"]) <= 30


def test_items_sharing_a_generic_stem_are_not_alike(sample_reports, manifests):
    generic = set(manifests["defective"]["planted"]["2"]["R11_generic_stem"])
    report = sample_reports["defective"]
    mentioned = {v for f in report.of("R11") for e in f.evidence for r in e.rows for k, v in r.items()
                 if k.startswith("item") or k.startswith("reveal")}
    assert not generic & mentioned
    assert report.get("R11", 2).status is Status.PASS


def test_discriminating_wording_is_flagged_for_review_and_a_lawful_mention_is_not(sample_reports, manifests):
    planted = manifests["defective"]["planted"]["3"]
    finding = sample_reports["defective"].get("R12", 3)
    flagged = {r["item_id"]: r for e in finding.evidence for r in e.rows}
    assert set(flagged) == set(planted["R12_flagged"]) and planted["R12_lawful"] not in flagged
    assert {r["category"] for r in flagged.values()} == {"性别", "地域"}
    assert finding.status is Status.WARN  # never a failure by itself
    assert all(len(r["excerpt"]) <= 30 for r in flagged.values())


def test_dismissed_pairs_no_longer_count(sample_imports, manifests, sample_reports):
    planted = manifests["defective"]["planted"]["4"]["R11_pairs"]
    imports = sample_imports["defective"]
    base = sample_reports["defective"]
    data = dataclasses.replace(_input(imports, manifests), dismissed_pairs=frozenset(
        tuple(sorted((p["a"], p["b"]))) for p in planted))
    finding = run_checks(data, load_profile(), rules=["R11"]).get("R11", 4)
    assert base.get("R11", 4).status is Status.FAIL
    assert finding.status is Status.PASS and finding.measured == 0
    assert "督导员已排除 5 对" in finding.message
    dismissed = _pairs(finding, "已排除")
    assert set(dismissed) == {frozenset((p["a"], p["b"])) for p in planted}
    assert all(r["kind"].endswith("（已排除）") for r in dismissed.values())


def _input(imports, manifests):
    import datetime as dt

    from qbaudit.analysis.checks.context import AuditInput

    return AuditInput(imports["bank"].data, imports["blueprint"].data, imports["standard"].data,
                      dt.date.fromisoformat(manifests["defective"]["as_of"]), papers=imports["papers"].data,
                      plan=imports["plan"].data)


def test_the_record_remembers_dismissals(tmp_path):
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.store import AuditStore, InspectorInput, StoreError

    with AuditStore(f"sqlite:///{tmp_path / 'a.sqlite3'}") as store:
        audit = store.create_audit(institution="某中心", registration_number=None, occupation="焊工", levels=[4],
                                   inspectors=[InspectorInput("张建国", "组长", None)], sheet=load_sheet())
        with pytest.raises(StoreError, match="理由"):
            store.dismiss_pair(audit, "HG4D0001", "HG400344", "  ", by="张建国")
        store.dismiss_pair(audit, "HG4D0001", "HG400344", "两题考查不同参数", by="张建国")
        with pytest.raises(StoreError, match="已经排除过"):
            store.dismiss_pair(audit, "HG400344", "HG4D0001", "再次", by="张建国")
        [standing] = store.dismissals(audit)
        assert (standing.first_item, standing.second_item, standing.reason, standing.by) == (
            "HG400344", "HG4D0001", "两题考查不同参数", "张建国")
        store.undo_dismissal(audit, "HG400344", "HG4D0001", by="张建国")
        assert store.dismissals(audit) == []
        [undone] = store.dismissals(audit, active_only=False)
        assert undone.undone_by == "张建国" and not undone.active
