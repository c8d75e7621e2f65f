"""The charts: drawn from the findings with a CJK font (a missing glyph fails the test), their data against
the manifests, the warning when no CJK font is installed, and the paper-overlap chart from R6's evidence."""

from __future__ import annotations

import warnings

import pytest

from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.report import charts

PNG = b"\x89PNG\r\n\x1a\n"


def _glyph_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_charts_draw_chinese_labels_with_a_cjk_font(sample_runs):
    findings = sample_runs["defective"].report.findings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = charts.render_charts(findings)
    assert _glyph_warnings(caught) == []
    assert drawn.font is not None and drawn.warnings == []
    assert [c.key for c in drawn.charts] == ["items_per_point", "key_share", "weights", "item_types", "difficulty",
                                             "paper_overlap"]
    assert all(c.png.startswith(PNG) for c in drawn.charts)  # the sample papers give the overlap chart too


def test_a_font_without_chinese_glyphs_is_caught(sample_runs):
    """The check above can fail: drawing with a Latin-only font raises matplotlib's missing-glyph warning."""
    findings = sample_runs["defective"].report.findings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.render_charts(findings, font="DejaVu Sans")
    assert _glyph_warnings(caught)


def test_without_a_cjk_font_the_charts_come_with_one_clear_warning(sample_runs):
    findings = sample_runs["defective"].report.findings
    drawn = charts.render_charts(findings, font="")  # as on a machine without any CJK font
    assert drawn.font is None
    assert len(drawn.warnings) == 1 and "没有找到中文字体" in drawn.warnings[0] and "fonts-noto-cjk" in drawn.warnings[0]
    assert all(c.png.startswith(PNG) for c in drawn.charts[:5])


def test_the_cjk_font_is_one_of_the_preferred_families():
    assert charts.cjk_font() in charts.PREFERRED_FONTS


def test_chart_data_agree_with_the_manifest(sample_runs, manifests):
    findings = sample_runs["defective"].report.findings
    expected = manifests["defective"]["expected"]
    spread, minimum = charts.items_per_point_data(findings)
    assert minimum == 5
    assert sum(points for items, points in spread[2] if items < 5) == len(expected["2"]["points_short_of_items"])
    shares, measured, required = charts.key_share_data(findings)
    assert measured[3] == 80.0 and required == 85.0
    assert shares[3] == {"X": 80.0, "Y": 14.7, "Z": 5.3}
    types = charts.item_types_data(findings)
    assert {level: sum(counts.values()) for level, counts in types.items()} == {
        int(level): values["items"] for level, values in expected.items()}
    difficulty = charts.difficulty_data(findings)
    assert {level: sum(n for _, n in rows) for level, rows in difficulty.items()} == {
        int(level): values["items"] for level, values in expected.items()}
    weights = charts.weights_data(findings)
    inspection = dict((name, (blueprint, standard)) for name, blueprint, standard, _ in weights[4])
    assert inspection["焊接质量检验"] == (10.0, 15.0)  # the planted R9 mismatch


def _r6(rows, threshold=0.6) -> Finding:
    return Finding("R6", 4, Status.FAIL, "两份试卷高度重合。", measured=0.9, threshold=threshold, evidence=(
        Evidence.of("试卷重合度", [("paper_a", "试卷"), ("paper_b", "试卷"), ("shared", "相同试题"), ("jaccard", "重合度")],
                    rows),))


def test_paper_overlap_is_drawn_from_r6_evidence():
    finding = _r6([{"paper_a": "2025-A", "paper_b": "2025-B", "shared": 90, "jaccard": 0.9},
                   {"paper_a": "2025-C", "paper_b": "2025-A", "shared": 30, "jaccard": 30.0},  # a percentage
                   {"paper_a": "2025-B", "paper_b": "2025-A", "shared": 88, "jaccard": 0.88}])  # the same pair
    pairs, threshold = charts.paper_overlap_data([finding])
    assert pairs == [("2025-A – 2025-B", 0.9), ("2025-A – 2025-C", 0.3)] and threshold == 0.6
    drawn = charts.render_charts([finding])
    overlap = drawn.charts[-1]
    assert overlap.key == "paper_overlap" and overlap.png.startswith(PNG)


def test_paper_overlap_without_pairs_is_left_out_with_a_note():
    drawn = charts.render_charts([_r6([])])
    assert drawn.charts[-1].png is None and "没有可以作图的试卷对" in drawn.charts[-1].note
    assert all(c.png is None and c.note for c in drawn.charts[:5])  # no data for the others either


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_captions_follow_the_interface_language(language):
    from qbaudit.i18n import set_language

    set_language(language)
    drawn = charts.render_charts([])
    caption = drawn.charts[0].caption
    assert caption.startswith("各等级" if language == "zh_CN" else "Items per assessment point")
