"""The report's charts, drawn with matplotlib from the findings' evidence (the same data the record keeps).

matplotlib is imported only here and only when a chart is drawn; figures use the Agg canvas directly,
never pyplot, and every setting is scoped with ``rc_context``, so nothing leaks between calls. A CJK
font is looked for at run time (:func:`cjk_font`); without one the charts are drawn anyway and one
clear warning says so (matplotlib's own missing-glyph warnings are then silenced, and only then).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from qbaudit.analysis.model import Evidence, Finding
from qbaudit.analysis.progress import NullState, TaskState, checkpoint
from qbaudit.analysis.vocabulary import level_name
from qbaudit.i18n import tr

# Font families that hold Chinese glyphs, best first: Noto/Source Han (Linux), WenQuanYi, then Windows'.
PREFERRED_FONTS = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Serif CJK SC", "Source Han Serif SC",
    "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "SimSun", "DengXian",
    "FangSong", "KaiTi", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK JP", "Noto Sans CJK TC",
    "Droid Sans Fallback", "AR PL UMing CN", "AR PL UKai CN",
)
# File names of such fonts, for fonts installed after matplotlib built its font cache.
_FONT_FILES = re.compile(r"(notosanscjk|notoserifcjk|notosanssc|sourcehan|wqy|simsun|simhei|msyh|deng|simfang|"
                         r"simkai|droidsansfallback|uming|ukai)", re.IGNORECASE)
_PROBE = "题库考评点"  # glyphs a font must have to be taken
_GLYPH_WARNING = r"Glyph .* missing from font"
_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#a5a5a5", "#bf9000")
_FAIL_COLOUR, _OK_COLOUR, _LINE_COLOUR = "#c00000", "#2e75b6", "#404040"


@dataclass(frozen=True)
class Chart:
    """One chart: its key, caption and PNG; or no PNG and a note saying why it is left out."""

    key: str
    caption: str
    png: bytes | None
    note: str = ""


@dataclass
class ChartSet:
    """The charts of a report, the font they were drawn with, and warnings for the user."""

    charts: list[Chart]
    font: str | None
    warnings: list[str] = field(default_factory=list)


def _has_glyphs(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(ch) in charmap for ch in _PROBE)


def _pick(manager: Any) -> str | None:
    by_name: dict[str, str] = {}
    for entry in manager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    for name in PREFERRED_FONTS:
        if name in by_name and _has_glyphs(by_name[name]):
            return name
    return None


@cache
def cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs (see :data:`PREFERRED_FONTS`), or None."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    found = _pick(manager)
    if found is None:  # fonts installed after matplotlib cached its font list
        for path in font_manager.findSystemFonts():
            if _FONT_FILES.search(Path(path).name.replace("-", "").replace("_", "")):
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = _pick(manager)
    return found


# --- the data of each chart, from the findings ---------------------------------------------------------------


def _of(findings: Iterable[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule and f.level is not None]


def _table(finding: Finding, *keys: str) -> Evidence | None:
    """The finding's first evidence table that has all of ``keys``."""
    for evidence in finding.evidence:
        present = {key for key, _ in evidence.columns}
        if all(key in present for key in keys) and evidence.rows:
            return evidence
    return None


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def items_per_point_data(findings: Sequence[Finding]) -> tuple[dict[int, list[tuple[int, int]]], float | None]:
    """Per level, ``(items of a point, points)`` from R2's spread table; and R2's minimum."""
    data: dict[int, list[tuple[int, int]]] = {}
    minimum = None
    for finding in _of(findings, "R2"):
        table = _table(finding, "items", "points")
        if table is None:
            continue
        data[finding.level] = [(int(r["items"]), int(r["points"])) for r in table.rows]
        minimum = _number(finding.threshold)
    return data, minimum


def key_share_data(findings: Sequence[Finding]) -> tuple[dict[int, dict[str, float]], dict[int, float], float | None]:
    """Per level the share (%) of X, Y, Z (and unreadable) points, the key share R4 measured, and R4's minimum."""
    shares: dict[int, dict[str, float]] = {}
    measured: dict[int, float] = {}
    minimum = None
    for finding in _of(findings, "R4"):
        table = _table(finding, "importance", "share")
        if table is None:
            continue
        shares[finding.level] = {str(r["importance"]): float(r["share"] or 0) for r in table.rows}
        value = _number(finding.measured)
        if value is not None:
            measured[finding.level] = value
        minimum = _number(finding.threshold)
    return shares, measured, minimum


def weights_data(findings: Sequence[Finding]) -> dict[int, list[tuple[str, float | None, float | None, float | None]]]:
    """Per level, ``(scope, blueprint %, standard %, bank %)`` of the scopes the standard weighs (else the top tier)."""
    data = {}
    for finding in _of(findings, "R9"):
        table = _table(finding, "name", "blueprint", "standard", "bank")
        if table is None:
            continue
        rows = table.rows
        weighed = [r for r in rows if r.get("standard") is not None]
        if not weighed:
            weighed = [r for r in rows if r.get("tier") == 1]
        data[finding.level] = [(str(r["name"] or r.get("code") or ""), _number(r["blueprint"]), _number(r["standard"]),
                                _number(r["bank"])) for r in weighed]
    return {level: rows for level, rows in data.items() if rows}


def item_types_data(findings: Sequence[Finding]) -> dict[int, dict[str, int]]:
    """Per level, items per type from R3's table."""
    data = {}
    for finding in _of(findings, "R3"):
        table = _table(finding, "type", "items")
        if table is not None:
            data[finding.level] = {str(r["type"]): int(r["items"]) for r in table.rows}
    return data


def difficulty_data(findings: Sequence[Finding]) -> dict[int, list[tuple[str, int]]]:
    """Per level, ``(difficulty, items)`` from R7's spread table."""
    data = {}
    for finding in _of(findings, "R7"):
        table = _table(finding, "difficulty", "items")
        if table is not None:
            data[finding.level] = [(str(r["difficulty"]), int(r["items"])) for r in table.rows]
    return data


_PAIR = re.compile(r"^paper(_?(id)?_?)?(a|b|1|2|first|second|x|y)$|^(first|second)_paper$")
_OVERLAP_KEYS = ("jaccard", "overlap", "overlap_share", "share_shared", "similarity")


def paper_overlap_data(findings: Sequence[Finding]) -> tuple[list[tuple[str, float]], float | None]:
    """Pairs of papers and their overlap (0–1) from R6's evidence, highest first; and R6's threshold.

    R6's evidence is expected to hold a table of paper pairs: two columns whose keys name the papers
    (``paper_a``/``paper_b``, ``paper_1``/``paper_2``, ``first_paper``/``second_paper`` …) and one
    with their overlap, keyed ``jaccard`` or ``overlap`` (a share 0–1, or a percentage 0–100).
    """
    pairs: dict[tuple[str, str], float] = {}
    threshold = None
    for finding in (f for f in findings if f.rule == "R6"):
        for evidence in finding.evidence:
            keys = [key for key, _ in evidence.columns]
            papers = [key for key in keys if _PAIR.match(key)]
            overlap = next((key for key in _OVERLAP_KEYS if key in keys), None)
            if len(papers) < 2 or overlap is None:
                continue
            for row in evidence.rows:
                value = _number(row.get(overlap))
                if value is None:
                    continue
                value = value / 100 if value > 1 else value
                pair = tuple(sorted((str(row.get(papers[0], "")), str(row.get(papers[1], "")))))
                pairs[pair] = max(value, pairs.get(pair, 0.0))
        limit = _number(finding.threshold)
        if limit is not None and threshold is None:
            threshold = limit / 100 if limit > 1 else limit
    ranked = sorted(((f"{a} – {b}", v) for (a, b), v in pairs.items()), key=lambda p: (-p[1], p[0]))
    return ranked, threshold


# --- drawing --------------------------------------------------------------------------------------------------


class _Painter:
    """Draws figures on the Agg canvas with the chosen font, inside a scoped rc_context.

    Margins are set by hand (in inches, so they hold whatever the figure's size): a layout engine
    would double the drawing time, and the report must be quick.
    """

    def __init__(self, font: str | None, width_mm: float, dpi: int) -> None:
        self.font, self.width_in, self.dpi = font, width_mm / 25.4, dpi

    def rc(self) -> dict[str, Any]:
        families = ([self.font] if self.font else []) + ["DejaVu Sans"]
        return {"font.family": "sans-serif", "font.sans-serif": families, "axes.unicode_minus": False,
                "font.size": 8.5, "axes.titlesize": 9, "axes.labelsize": 8.5, "legend.fontsize": 7.5,
                "xtick.labelsize": 7.5, "ytick.labelsize": 7.5, "axes.spines.top": False,
                "axes.spines.right": False}

    def figure(self, height_in: float, rows: int = 1, cols: int = 1, *, left: float = 0.6, right: float = 0.15,
               top: float = 0.3, bottom: float = 0.5, wspace: float = 0.15, hspace: float = 0.5,
               **kwargs: Any) -> tuple[Any, Any]:
        """A figure ``height_in`` tall with ``rows`` × ``cols`` axes and margins in inches."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(self.width_in, height_in), dpi=self.dpi)
        FigureCanvasAgg(figure)
        axes = figure.subplots(rows, cols, squeeze=False, **kwargs)
        figure.subplots_adjust(left=left / self.width_in, right=1 - right / self.width_in, top=1 - top / height_in,
                               bottom=bottom / height_in, wspace=wspace, hspace=hspace)
        return figure, axes

    def png(self, figure: Any) -> bytes:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=self.dpi, facecolor="white", pil_kwargs={"compress_level": 3})
        return buffer.getvalue()


def _integer_ticks(ax: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _items_per_point(p: _Painter, findings: Sequence[Finding]) -> bytes | None:
    data, minimum = items_per_point_data(findings)
    if not data:
        return None
    levels = sorted(data, reverse=True)
    figure, axes = p.figure(2.5, 1, len(levels), sharey=True, top=0.55, bottom=0.45, left=0.55)
    for ax, level in zip(axes[0], levels, strict=True):
        counts = data[level]
        colours = [_FAIL_COLOUR if minimum is not None and n < minimum else _OK_COLOUR for n, _ in counts]
        ax.bar([n for n, _ in counts], [c for _, c in counts], color=colours, width=0.8)
        if minimum is not None:
            ax.axvline(minimum - 0.5, color=_LINE_COLOUR, linestyle="--", linewidth=1,
                       label=tr("charts.minimum", value=f"{minimum:g}"))
        _integer_ticks(ax)
        ax.set_title(level_name(level))
        ax.set_xlabel(tr("charts.items_of_a_point"))
    axes[0][0].set_ylabel(tr("charts.points"))
    if minimum is not None:
        figure.legend(*axes[0][0].get_legend_handles_labels(), loc="upper right", frameon=False)
    return p.png(figure)


def _key_share(p: _Painter, findings: Sequence[Finding]) -> bytes | None:
    shares, measured, minimum = key_share_data(findings)
    if not shares:
        return None
    levels = sorted(shares, reverse=True)
    names = [level_name(level) for level in levels]
    figure, axes = p.figure(2.6, right=1.45, top=0.15)
    ax = axes[0][0]
    bottoms = [0.0] * len(levels)
    labels = sorted({name for s in shares.values() for name in s}, key=lambda n: ("XYZ".find(n) % 10, n))
    for index, name in enumerate(labels):
        values = [shares[level].get(name, 0.0) for level in levels]
        ax.bar(names, values, bottom=bottoms, width=0.5, color=_COLOURS[index % len(_COLOURS)], label=name)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    shown = [i for i, level in enumerate(levels) if level in measured]
    ax.scatter(shown, [measured[levels[i]] for i in shown], marker="D", s=18, color="black", zorder=3,
               label=tr("charts.key_share"))
    for i in shown:
        ax.annotate(f"{measured[levels[i]]:g}%", (i, measured[levels[i]]), textcoords="offset points", xytext=(8, 4),
                    fontsize=7, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
    if minimum is not None:
        ax.axhline(minimum, color=_FAIL_COLOUR, linestyle="--", linewidth=1,
                   label=tr("charts.minimum_share", value=f"{minimum:g}"))
    ax.set_ylim(0, 105)
    ax.set_ylabel(tr("charts.share_of_points"))
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
    return p.png(figure)


_MAX_FIGURE_IN = 7.6  # a figure and its caption fit on one page of the text block (225 mm)


def _weights(p: _Painter, findings: Sequence[Finding]) -> bytes | None:
    data = weights_data(findings)
    if not data:
        return None
    levels = sorted(data, reverse=True)
    rows = sum(len(data[level]) for level in levels)
    gap = 0.5  # between levels: a level's title and the axis above it
    row_in = min(0.3, (_MAX_FIGURE_IN - 0.9 - gap * (len(levels) - 1)) / max(rows, 1))
    heights = [len(data[level]) * row_in for level in levels]
    longest = max(len(_short(r[0], 12)) for level in levels for r in data[level])
    figure, axes = p.figure(sum(heights) + gap * (len(levels) - 1) + 0.9, len(levels), 1,
                            gridspec_kw={"height_ratios": heights}, left=0.25 + longest * 0.11, top=0.45, bottom=0.45,
                            hspace=gap / (sum(heights) / len(levels)))
    series = ((1, tr("charts.weight_blueprint")), (2, tr("charts.weight_standard")), (3, tr("charts.weight_bank")))
    for ax, level in zip(axes[:, 0], levels, strict=True):
        rows_of = data[level]
        positions = list(range(len(rows_of)))
        for offset, (column, label) in enumerate(series):
            values = [r[column] if r[column] is not None else 0.0 for r in rows_of]
            ax.barh([y + (offset - 1) * 0.27 for y in positions], values, height=0.26, label=label,
                    color=_COLOURS[offset])
        ax.set_yticks(positions, [_short(r[0], 12) for r in rows_of])
        ax.invert_yaxis()
        ax.set_title(level_name(level), loc="left")
    axes[-1][0].set_xlabel(tr("charts.weight_percent"))
    figure.legend(*axes[0][0].get_legend_handles_labels(), loc="upper right", ncols=3, frameon=False)
    return p.png(figure)


def _item_types(p: _Painter, findings: Sequence[Finding]) -> bytes | None:
    data = item_types_data(findings)
    if not data:
        return None
    levels = sorted(data, reverse=True)
    names = [level_name(level) for level in levels]
    types = _in_order(data[level] for level in levels)
    figure, axes = p.figure(2.6, right=1.6, top=0.15)
    ax = axes[0][0]
    bottoms = [0] * len(levels)
    for index, name in enumerate(types):
        values = [data[level].get(name, 0) for level in levels]
        ax.bar(names, values, bottom=bottoms, width=0.5, label=_short(name, 12), color=_COLOURS[index % len(_COLOURS)])
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    for i, total in enumerate(bottoms):
        ax.annotate(str(total), (i, total), textcoords="offset points", xytext=(0, 2), ha="center", fontsize=7)
    ax.set_ylabel(tr("charts.items"))
    ax.set_ylim(0, max(bottoms) * 1.1 if bottoms and max(bottoms) else 1)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
    return p.png(figure)


def _difficulty(p: _Painter, findings: Sequence[Finding]) -> bytes | None:
    data = difficulty_data(findings)
    if not data:
        return None
    levels = sorted(data, reverse=True)
    values = _in_order([value for value, _ in data[level]] for level in levels)
    figure, axes = p.figure(2.5, right=1.2, top=0.15)
    ax = axes[0][0]
    width = 0.8 / len(levels)
    for index, level in enumerate(levels):
        counts = dict(data[level])
        ax.bar([i + (index - (len(levels) - 1) / 2) * width for i in range(len(values))],
               [counts.get(v, 0) for v in values], width=width * 0.95, label=level_name(level),
               color=_COLOURS[index % len(_COLOURS)])
    unknown = tr("distribution.difficulty_unknown")
    ax.set_xticks(range(len(values)), [tr("charts.difficulty_unknown") if v == unknown else _short(v, 8) for v in values])
    ax.set_xlabel(tr("charts.difficulty"))
    ax.set_ylabel(tr("charts.items"))
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
    return p.png(figure)


def paper_overlap_chart(p: _Painter, findings: Sequence[Finding], top: int = 15) -> tuple[bytes | None, str]:
    """The most overlapping pairs of papers from R6's evidence, or no chart and a note saying why."""
    pairs, threshold = paper_overlap_data(findings)
    if not any(f.rule == "R6" for f in findings):
        return None, tr("charts.overlap_no_papers")
    if not pairs:
        return None, tr("charts.overlap_no_pairs")
    shown = pairs[:top]
    longest = max(len(label) for label, _ in shown)
    figure, axes = p.figure(0.28 * len(shown) + 0.8, left=0.25 + longest * 0.07, top=0.15)
    ax = axes[0][0]
    colours = [_FAIL_COLOUR if threshold is not None and v >= threshold else _OK_COLOUR for _, v in shown]
    ax.barh(range(len(shown)), [v * 100 for _, v in shown], color=colours, height=0.6)
    ax.set_yticks(range(len(shown)), [label for label, _ in shown])
    ax.invert_yaxis()
    if threshold is not None:
        ax.axvline(threshold * 100, color=_LINE_COLOUR, linestyle="--", linewidth=1)
    ax.set_xlim(0, 100)
    ax.set_xlabel(tr("charts.overlap_percent"))
    note = tr("charts.overlap_more", shown=len(shown), total=len(pairs)) if len(pairs) > len(shown) else ""
    return p.png(figure), note


def _in_order(groups: Iterable[Iterable[str]]) -> list[str]:
    """The distinct names of all groups, in the order they first appear (the levels' categories, merged)."""
    return list(dict.fromkeys(name for group in groups for name in group))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_charts(findings: Sequence[Finding], *, width_mm: float = 150, dpi: int = 150,
                  font: str | None = None, state: TaskState | None = None) -> ChartSet:
    """Every chart of the report from ``findings``; a chart without data is left out with a note.

    ``font`` overrides the CJK font found at run time (tests use it to draw without one); ``state`` takes
    the progress, chart by chart.
    """
    import matplotlib

    state = state or NullState()
    chosen = font if font is not None else cjk_font()
    if chosen == "":
        chosen = None
    charts = ChartSet([], chosen)
    painter = _Painter(chosen, width_mm, dpi)
    drawings = (
        ("items_per_point", _items_per_point), ("key_share", _key_share), ("weights", _weights),
        ("item_types", _item_types), ("difficulty", _difficulty),
    )
    with matplotlib.rc_context(painter.rc()), warnings.catch_warnings():
        if chosen is None:
            # No CJK font: one clear warning of ours instead of one of matplotlib's per missing glyph.
            warnings.filterwarnings("ignore", message=_GLYPH_WARNING)
            charts.warnings.append(tr("charts.no_cjk_font"))
        for index, (key, draw) in enumerate(drawings):
            checkpoint(state, index / (len(drawings) + 1), tr("charts.progress", chart=tr(f"charts.caption_{key}"),
                                                                index=index + 1, total=len(drawings) + 1))
            png = draw(painter, findings)
            charts.charts.append(Chart(key, tr(f"charts.caption_{key}"), png,
                                       "" if png is not None else tr("charts.no_data")))
        checkpoint(state, len(drawings) / (len(drawings) + 1),
                   tr("charts.progress", chart=tr("charts.caption_paper_overlap"), index=len(drawings) + 1,
                      total=len(drawings) + 1))
        png, note = paper_overlap_chart(painter, findings)
        charts.charts.append(Chart("paper_overlap", tr("charts.caption_paper_overlap"), png, note))
    return charts
