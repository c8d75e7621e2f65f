"""Item checks: parameters complete and valid (R7), subjective items at 技师 and above (R10),
objective items well formed (R13). Column-wise over the items table; Python only for flagged items."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from qbaudit.analysis.checks.context import CheckContext, excerpt, percent
from qbaudit.analysis.columns import OPTION_LETTERS
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.analysis.vocabulary import vocabulary
from qbaudit.i18n import tr


def _mask(series: pd.Series) -> np.ndarray:
    return series.fillna(False).astype(bool).to_numpy()


def _problems_table(title: str, items: pd.DataFrame, problems: dict[int, list[str]], with_excerpt: bool,
                    extra: list[tuple[str, str]] | None = None) -> Evidence:
    columns = [("item_id", tr("evidence.item_id")), ("type", tr("evidence.item_type"))]
    if with_excerpt:
        columns.append(("excerpt", tr("evidence.excerpt")))
    columns += [("problem", tr("evidence.problem")), ("sheet", tr("evidence.sheet")), ("row", tr("evidence.row"))]
    rows = []
    wanted = [C.ITEM_ID, C.ITEM_TYPE_RAW, C.SOURCE_SHEET, C.SOURCE_ROW] + ([C.STEM] if with_excerpt else [])
    # One gather of the flagged rows (a row-by-row iloc costs ~1 ms each on Arrow-backed columns).
    picked = items.iloc[np.fromiter(problems, dtype=np.int64, count=len(problems))][wanted].to_dict("records")
    for item, reasons in zip(picked, problems.values(), strict=True):
        row = {
            "item_id": item[C.ITEM_ID],
            "type": excerpt(item[C.ITEM_TYPE_RAW]) if pd.notna(item[C.ITEM_TYPE_RAW]) else "",
            "problem": "；".join(reasons),
            "sheet": item[C.SOURCE_SHEET] if pd.notna(item[C.SOURCE_SHEET]) else "",
            "row": int(item[C.SOURCE_ROW]),
        }
        if with_excerpt:
            row["excerpt"] = excerpt(item[C.STEM])
        rows.append(row)
    return Evidence.of(title, columns, rows)


def _collect(problems: dict[int, list[str]], mask: np.ndarray, reason: str | Callable[[int], str]) -> None:
    """Add ``reason`` (a text, or a function of the row position) to every flagged row."""
    for position in np.flatnonzero(mask):
        text = reason if isinstance(reason, str) else reason(int(position))
        problems.setdefault(int(position), []).append(text)


def _raw(items: pd.DataFrame, column: str, key: str, **params: object) -> Callable[[int], str]:
    """A reason naming the cell value of ``column`` at the flagged row (an excerpt: a shifted column
    may hold item text)."""
    values = items[column].to_numpy(dtype=object)
    return lambda position: tr(key, value=excerpt(values[position]), **params)


_PROPORTION_BINS = 10  # proportions (0–1) are counted in tenths


def difficulty_distribution(items: pd.DataFrame) -> Evidence:
    """How many items of each difficulty: grades as written (1 … 5), proportions in tenths, then the
    items whose difficulty is missing or unreadable. The report draws it."""
    value = items[C.DIFFICULTY].astype("float64").to_numpy(na_value=np.nan)
    kind = items[C.DIFFICULTY_KIND].to_numpy(dtype=object)
    grades: dict[float, int] = {}
    tenths = [0] * _PROPORTION_BINS
    unknown = 0
    for number, how in zip(value, kind, strict=True):
        if np.isnan(number):
            unknown += 1
        elif how == "proportion":
            tenths[min(int(number * _PROPORTION_BINS), _PROPORTION_BINS - 1)] += 1
        else:
            grades[float(number)] = grades.get(float(number), 0) + 1
    rows: list[dict[str, object]] = [{"difficulty": f"{g:g}", "items": n} for g, n in sorted(grades.items())]
    rows += [{"difficulty": f"{i / _PROPORTION_BINS:.1f}–{(i + 1) / _PROPORTION_BINS:.1f}", "items": n}
             for i, n in enumerate(tenths) if n]
    if unknown:
        rows.append({"difficulty": tr("distribution.difficulty_unknown"), "items": unknown})
    return Evidence.of(tr("distribution.difficulty"),
                       [("difficulty", tr("distribution.difficulty_value")), ("items", tr("evidence.items"))], rows)


def check_parameters(ctx: CheckContext) -> list[Finding]:
    """R7: every item has a valid content code, type and difficulty (the profile lists which)."""
    profile = ctx.profile
    required = set(profile.rule("R7")["required"])
    findings = []
    for level in ctx.levels:
        items = ctx.items(level).reset_index(drop=True)
        if items.empty:
            continue
        problems: dict[int, list[str]] = {}
        # Items flagged only against the tool's own numbers (the code pattern, the 1–5 grade scale): which ones.
        practice: list[tuple[tuple[str, ...], np.ndarray]] = []
        if "point_code" in required:
            missing = _mask(items[C.POINT_CODE].isna())
            _collect(problems, missing, tr("R7.code_missing"))
            malformed = ~missing & ~_mask(items[C.POINT_CODE].str.match(profile.point_code_pattern.pattern))
            _collect(problems, malformed, _raw(items, C.POINT_CODE_RAW, "R7.code_malformed"))
            practice.append((("codes.point_code_pattern",), malformed))
        if "item_type" in required:
            missing = _mask(items[C.ITEM_TYPE_RAW].isna())
            _collect(problems, missing, tr("R7.type_missing"))
            unknown = ~missing & _mask(items[C.ITEM_TYPE].isna())
            _collect(problems, unknown, _raw(items, C.ITEM_TYPE_RAW, "R7.type_unknown"))
        mixed = False
        if "difficulty" in required:
            raw_missing = _mask(items[C.DIFFICULTY_RAW].isna())
            _collect(problems, raw_missing, tr("R7.difficulty_missing"))
            value = items[C.DIFFICULTY].astype("float64").to_numpy(na_value=np.nan)
            unreadable = ~raw_missing & np.isnan(value)
            _collect(problems, unreadable, _raw(items, C.DIFFICULTY_RAW, "R7.difficulty_unreadable"))
            kind = items[C.DIFFICULTY_KIND]
            grade = _mask(kind == "grade")
            proportion = _mask(kind == "proportion")
            with np.errstate(invalid="ignore"):
                bad_grade = grade & ((value < profile.grade_min) | (value > profile.grade_max) | (value != np.round(value)))
            range_text = f"{profile.grade_min}–{profile.grade_max}"
            _collect(problems, bad_grade,
                     _raw(items, C.DIFFICULTY_RAW, "R7.difficulty_out_of_range", range=range_text))
            practice.append((("difficulty.grade_min", "difficulty.grade_max"), bad_grade))
            if not profile.allow_proportion:
                _collect(problems, proportion,
                         _raw(items, C.DIFFICULTY_RAW, "R7.difficulty_proportion", range=range_text))
                practice.append((("difficulty.allow_proportion",), proportion))
            mixed = bool(grade.any() and proportion.any()) and profile.allow_proportion
        total = len(items)
        bad = len(problems)
        share = (total - bad) / total
        breached: list[str | None] = [name for names, mask in practice if mask.any() for name in names]
        soft_reasons = {position: sum(int(mask[position]) for _, mask in practice) for position in problems}
        if any(len(found) > soft_reasons[position] for position, found in problems.items()):
            breached.append(None)  # a parameter missing or unreadable: what the text asks for itself
        evidence = [_problems_table(tr("evidence.parameter_problems"), items, problems, with_excerpt=False)] if problems else []
        evidence.append(difficulty_distribution(items))
        if bad:
            status, key = Status.FAIL, "R7.fail"
        elif mixed:
            status, key = Status.WARN, "R7.mixed"
        else:
            status, key = Status.PASS, "R7.pass"
        message = tr(key, level=ctx.level_label(level), total=total, bad=bad, share=percent(share))
        findings.append(
            ctx.finding("R7", level, status, message, measured=percent(share), threshold=100.0, comparator="=", unit="%",
                        evidence=evidence, breached=breached)
        )
    return findings


def check_subjective(ctx: CheckContext) -> list[Finding]:
    """R10: the levels the profile names (二级, 一级) contain subjective items."""
    settings = ctx.profile.rule("R10")
    subjective = set(ctx.profile.subjective_types)
    findings = []
    for level in ctx.levels:
        if level not in settings["levels"]:
            continue
        items = ctx.items(level)
        label = ctx.level_label(level)
        limits: dict[str, Any] = {"threshold": max(settings["min_subjective_items"], 1), "comparator": "≥", "unit": tr("unit.items")}
        if items.empty:
            findings.append(ctx.cannot_judge("R10", level, tr("checks.na.no_items", level=label),
                                             tr("checks.supply.bank_of_level", level=label), **limits))
            continue
        if items[C.ITEM_TYPE].isna().all():
            findings.append(ctx.cannot_judge("R10", level, tr("checks.na.no_types", level=label, count=len(items)),
                                             tr("checks.supply.types"), **limits))
            continue
        types = items[C.ITEM_TYPE].fillna(tr("evidence.type_unknown")).value_counts()
        count = int(sum(n for t, n in types.items() if t in subjective))
        minimum = settings["min_subjective_items"]
        ok = count >= minimum and count > 0
        evidence = Evidence.of(
            tr("evidence.items_by_type"),
            [("type", tr("evidence.item_type")), ("kind", tr("evidence.subjective")), ("items", tr("evidence.items"))],
            [{"type": str(t), "kind": tr("evidence.yes") if t in subjective else tr("evidence.no"), "items": int(n)}
             for t, n in types.items()],
        )
        present = "、".join(f"{t} {int(n)}" for t, n in types.items() if t in subjective)
        message = (tr("R10.pass", level=label, count=count, types=present) if ok
                   else tr("R10.fail", level=label, count=count, types="、".join(sorted(subjective))))
        untyped = int(items[C.ITEM_TYPE].isna().sum())
        if untyped and not ok:
            message += tr("checks.untyped_note", count=untyped)
        # None at all is short of 「一定数量」 by the text itself; fewer than the profile's number, by the tool's.
        breached = (None,) if count == 0 else ("min_subjective_items",)
        findings.append(ctx.finding("R10", level, Status.PASS if ok else Status.FAIL, message, measured=count,
                                    evidence=[evidence], breached=breached, **limits))
    return findings


def _too_few_options(option_count: np.ndarray, minimum: int, position: int) -> str:
    return tr("R13.too_few_options", count=int(option_count[position]), minimum=minimum)


def _folded_options(items: pd.DataFrame, used: list[int]) -> dict[int, np.ndarray]:
    """The options as R13 compares them (object arrays; None for an empty option): width, spaces and
    punctuation folded as the similarity checks fold them, letter case kept (``kHz`` is not ``KHz``); an
    option of punctuation only is compared as written."""
    import polars as pl

    from qbaudit.analysis.textnorm import clean

    columns = [C.OPTIONS[i] for i in used]
    frame = pl.from_pandas(items[columns]).with_columns([pl.col(c).cast(pl.String) for c in columns])
    folded = frame.select([
        pl.when(clean(pl.col(c)) != "").then(clean(pl.col(c)))
        .otherwise(pl.col(c).str.normalize("NFKC").str.replace_all(r"\s", "")).alias(c) for c in columns])
    return {i: folded.get_column(C.OPTIONS[i]).to_numpy().astype(object) for i in used}


def check_objective_items(ctx: CheckContext) -> list[Finding]:
    """R13: stems present; objective items have enough distinct options and one valid answer among them."""
    profile = ctx.profile
    min_options = profile.rule("R13")["min_options"]
    choice_types = {t: limits for t, limits in vocabulary().choice_types.items() if t in profile.objective_types}
    findings = []
    for level in ctx.levels:
        items = ctx.items(level).reset_index(drop=True)
        if items.empty:
            continue
        problems: dict[int, list[str]] = {}
        item_type = items[C.ITEM_TYPE]
        objective = _mask(item_type.isin(profile.objective_types))
        _collect(problems, _mask(items[C.STEM].isna()), tr("R13.stem_missing"))
        filled = np.column_stack([_mask(items[col].notna()) for col in C.OPTIONS])
        answer = items[C.ANSWER]
        answer_missing = _mask(answer.isna())
        # Choice items: options and answer letters.
        is_choice = _mask(item_type.isin(list(choice_types)))
        option_count = filled.sum(axis=1)
        _collect(problems, is_choice & (option_count < min_options),
                 partial(_too_few_options, option_count, min_options))
        # Two options still leave a choice: fewer than the profile's number but at least two is the tool's own call.
        few_by_practice = is_choice & (option_count >= 2) & (option_count < min_options)
        gaps = is_choice & (filled[:, 1:] & ~filled[:, :-1]).any(axis=1)
        _collect(problems, gaps, tr("R13.option_gap"))
        used = [i for i in range(len(C.OPTIONS)) if filled[is_choice, i].any()] if is_choice.any() else []
        folded = _folded_options(items, used) if used else {}
        for a in used:
            for b in used:
                if b <= a:
                    continue
                same = is_choice & filled[:, a] & filled[:, b] & (folded[a] == folded[b])
                for position in np.flatnonzero(same):
                    pair = tr("R13.duplicate_options", first=OPTION_LETTERS[a], second=OPTION_LETTERS[b])
                    problems.setdefault(int(position), []).append(pair)
        _collect(problems, is_choice & answer_missing, tr("R13.answer_missing"))
        letters_only = _mask(answer.str.fullmatch(r"[A-H]+"))
        _collect(problems, is_choice & ~answer_missing & ~letters_only,
                 _raw(items, C.ANSWER_RAW, "R13.answer_not_letters"))
        valid_letters = is_choice & letters_only
        has = np.column_stack([_mask(answer.str.contains(letter, regex=False)) for letter in OPTION_LETTERS])
        outside = valid_letters & (has & ~filled).any(axis=1)
        _collect(problems, outside, _raw(items, C.ANSWER_RAW, "R13.answer_not_in_options"))
        length = answer.str.len().fillna(0).astype(int).to_numpy()
        distinct = has.sum(axis=1)
        _collect(problems, valid_letters & (distinct != length), _raw(items, C.ANSWER_RAW, "R13.answer_repeated"))
        for type_name, (low, high) in choice_types.items():
            of_type = valid_letters & _mask(item_type == type_name)
            wrong = of_type & ((distinct < low) | (distinct > high))
            expected = tr("R13.one_answer") if low == high == 1 else tr("R13.answers_between", low=low, high=min(high, len(OPTION_LETTERS)))
            _collect(problems, wrong, _raw(items, C.ANSWER_RAW, "R13.answer_count", type=type_name, expected=expected))
        # True/false items: √ or ×, or a letter among their options when written as a two-option choice.
        is_judgement = _mask(item_type == "判断") & _mask(item_type.isin(profile.objective_types))
        _collect(problems, is_judgement & answer_missing, tr("R13.answer_missing"))
        judged = _mask(answer.isin(["√", "×"]))
        letter_ok = letters_only & (length == 1) & ~(has & ~filled).any(axis=1) & (option_count >= 2)
        _collect(problems, is_judgement & ~answer_missing & ~judged & ~letter_ok,
                 _raw(items, C.ANSWER_RAW, "R13.judgement_answer"))
        checked = objective | _mask(items[C.STEM].isna())
        total = int(objective.sum())
        bad_objective = sum(1 for p in problems if objective[p])
        evidence = [_problems_table(tr("evidence.item_problems"), items, problems, with_excerpt=True)] if problems else []
        untyped = int(_mask(item_type.isna()).sum())
        label = ctx.level_label(level)
        limits: dict[str, Any] = {"threshold": 100.0, "comparator": "=", "unit": "%"}
        if not total and not problems:
            # No objective item: never "0 道客观题……都完整规范". Without types nothing says which items need
            # options and a key (无法判断); items all typed subjective were checked for their stems only.
            if untyped:
                findings.append(ctx.cannot_judge(
                    "R13", level, tr("checks.na.no_objective_untyped", level=label, count=untyped, total=len(items)),
                    tr("checks.supply.types"), **limits))
            else:
                findings.append(ctx.finding("R13", level, Status.PASS, tr("checks.R13.pass_subjective", level=label,
                                                                          total=len(items)), **limits))
            continue
        share = (total - bad_objective) / total if total else 0.0
        ok = not problems
        message = tr("R13.pass" if ok else "R13.fail", level=label, total=total,
                     bad=len(problems), checked=int(checked.sum()))
        if untyped:
            message += tr("checks.untyped_note", count=untyped)
        breached: list[str | None] = ["min_options"] if few_by_practice.any() else []
        if any(len(found) > int(few_by_practice[position]) for position, found in problems.items()):
            breached.append(None)
        findings.append(ctx.finding("R13", level, Status.PASS if ok else Status.FAIL, message,
                                    measured=percent(share) if total else None, evidence=evidence,
                                    breached=breached, **limits))
    return findings
