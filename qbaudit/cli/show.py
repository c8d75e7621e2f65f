"""How the command line prints an audit's record: its header, the sheet's lines, the result, the history,
and the record as JSON (``qbaudit audit show``, and after each change ``audit score`` makes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qbaudit.i18n import tr


def local(moment: dt.datetime | None) -> str:
    """A moment in the local time zone, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def number(value: float | None) -> str:
    """A score as written on the sheet (no trailing zeros); empty for none."""
    return "" if value is None else f"{value:g}"


def print_notice(console: Any, decision: Any) -> None:
    """The notice's grounds and the consequences decided."""
    from qbaudit.report.notice import decided_consequences, grounds_catalogue

    if decision is None:
        return
    known = {g["id"]: g for g in grounds_catalogue()}
    console.print(tr("cli_audit.notice_grounds", count=len(decision.grounds)))
    for ground_id, note in decision.grounds:
        ground = known[ground_id]
        console.print(f"  {ground['number']}{ground['text']}" + (f"：{note}" if note else ""))
    decided = decided_consequences(decision)
    console.print(tr("cli_audit.notice_consequences",
                     text="、".join(decided) if decided else tr("cli_audit.notice_none_decided")))


def print_header(console: Any, view: Any) -> None:
    """The audit: institution, scope, inspectors, the revision's state, the run's inputs."""
    from qbaudit.analysis.inputs import kind_label
    from qbaudit.analysis.vocabulary import level_name
    from qbaudit.visible import styled

    console.print(styled(tr("cli_audit.show_title", id=view.id, sheet=view.sheet.name), style="bold"))
    console.print(tr("cli_audit.show_institution", institution=view.institution,
                     number=view.registration_number or tr("cli_audit.not_given")))
    console.print(tr("cli_audit.show_scope", occupation=view.occupation,
                     levels="、".join(level_name(lv) for lv in view.levels)))
    people = "、".join(f"{name}（{role}{'，' + code if code else ''}）" for name, role, code in view.inspectors)
    console.print(tr("cli_audit.show_inspectors", people=people))
    print_facts(console, view)
    revision = view.revision
    if revision.signed:
        console.print(tr("cli_audit.show_signed", number=revision.number, by=revision.signed_by,
                         at=local(revision.signed_at), sha=revision.signed_sha256[:16],
                         intact=tr("cli_audit.intact" if view.content_sha256 == revision.signed_sha256
                                   else "cli_audit.altered")))
    else:
        based = tr("cli_audit.based_on", number=revision.based_on) if revision.based_on else ""
        console.print(tr("cli_audit.show_draft", number=revision.number, based=based))
    if view.run is not None:
        console.print(tr("cli_audit.show_run", profile=view.run.profile_name, as_of=view.run.as_of.isoformat()))
        for f in view.run.inputs:
            console.print(styled(f"  {kind_label(f.kind)}  {f.name}  {tr('cli_audit.rows', rows=f.rows_taken)}  "
                               f"SHA-256 {f.sha256[:16]}…", style="dim"))


def print_facts(console: Any, view: Any) -> None:
    """The supervision's facts on one line."""
    from qbaudit.report.kinds import supervision_label

    facts = view.facts
    parts = [tr("cli_audit.show_supervision", kind=supervision_label(facts.kind or view.sheet.layout.supervision))]
    if facts.batch_number:
        parts.append(tr("cli_audit.show_batch", batch=facts.batch_number))
    if facts.date:
        parts.append(tr("cli_audit.show_date", date=facts.date.isoformat()))
    if facts.time:
        parts.append(tr("cli_audit.show_time", time=facts.time))
    if facts.place:
        parts.append(tr("cli_audit.show_place", place=facts.place))
    if facts.head_count is not None:
        parts.append(tr("cli_audit.show_head_count", count=facts.head_count))
    console.print("　".join(parts))


def print_lines(console: Any, view: Any, details: bool) -> None:
    """The sheet's lines: suggested and decided, with the explanations when ``details``."""
    from rich.table import Table

    from qbaudit.analysis.sheets import Method
    from qbaudit.visible import styled

    sheet, points = view.sheet, view.sheet.method is Method.POINTS
    table = Table(title=tr("cli_audit.lines_title"), title_justify="left")
    columns = ["col_line", "col_group", "col_name"] + (["col_max"] if points else []) + ["col_suggested", "col_decided"]
    for key in columns:
        table.add_column(tr(f"cli_audit.{key}"))
    for row in view.result.lines:
        line, suggestion, decision = row.line, row.suggestion, row.decision
        suggested = ""
        if suggestion is not None and suggestion.verdict is not None:
            suggested = f"{sheet.label(suggestion.verdict)} {number(suggestion.score)}".strip()
        elif suggestion is not None:
            suggested = tr("cli_audit.from_documents")
        decided = f"{sheet.label(decision.verdict)} {number(decision.score)}".strip() if decision else ""
        cells = [line.id, sheet.group(line.group).name, line.name] + ([number(line.max)] if points else [])
        style = "" if decision else "yellow" if row.state == "suggested" else "dim"
        table.add_row(*cells, suggested, styled(decided or tr(f"cli_audit.state_{row.state}"), style=style))
    console.print(table)
    if not details:
        return
    for row in view.result.lines:
        if row.suggestion is None:
            continue
        console.print(styled(f"{row.line.id}. {row.line.name}", style="bold"))
        console.print(f"    {row.suggestion.explanation}")
        for finding in row.suggestion.findings:
            console.print(styled(f"    · {finding.message}", style="dim"))
        if row.suggestion.verdict is None:
            for point in row.suggestion.checklist:
                console.print(f"    □ {point}")
        if row.decision is not None and row.decision.reason:
            console.print(f"    {tr('cli_audit.reason', reason=row.decision.reason)}")


def print_result(console: Any, view: Any) -> None:
    """Vetoes, the total or the share of 不符合, the grade, the 总体评价 and the notice."""
    from qbaudit.visible import styled

    result, sheet = view.result, view.sheet
    for veto, decision in result.vetoes:
        if decision is not None and decision.occurred:
            console.print(styled(tr("cli_audit.veto_line", id=veto.id, text=veto.text, description=decision.description),
                               style="bold red"))
    if result.total is not None:
        console.print(tr("cli_audit.total", total=number(result.total), max=number(sheet.total)))
    else:
        share = f"{float(result.no_share) * 100:.1f}" if result.no_share is not None else "0"
        console.print(tr("cli_audit.no_share", count=result.no_count, lines=len(result.lines), share=share,
                         limit=f"{float(sheet.no_share_limit) * 100:g}"))
    if result.grade is not None:
        key = "cli_audit.grade_final" if result.final else "cli_audit.grade_provisional"
        console.print(styled(tr(key, grade=result.grade), style="bold"))
    else:
        console.print(tr("cli_audit.grade_open", open=len(result.open_lines), unconfirmed=len(result.unconfirmed)))
    label = sheet.layout.assessment or tr("cli_audit.assessment")
    if view.assessment:
        console.print(tr("cli_audit.show_assessment", label=label, text=view.assessment))
    elif sheet.layout.assessment:
        console.print(styled(tr("cli_audit.assessment_missing", label=label), "yellow"))
    print_notice(console, view.notice)


def print_history(console: Any, view: Any) -> None:
    """Every change of the revision, and the documents exported."""
    from rich.table import Table

    sheet = view.sheet
    table = Table(title=tr("cli_audit.history_title", number=view.revision.number), title_justify="left")
    for key in ("col_when", "col_who", "col_what", "col_old", "col_new", "col_reason"):
        table.add_column(tr(f"cli_audit.{key}"))

    def verdict(change_verdict: str | None, score: float | None, target: str) -> str:
        if change_verdict is None:
            return ""
        if target == "assessment":
            return tr(f"cli_audit.assessment_state_{change_verdict}")
        if target == "veto":
            return tr("cli_audit.veto_yes" if change_verdict == "yes" else "cli_audit.veto_no")
        from qbaudit.analysis.sheets import Verdict

        return f"{sheet.label(Verdict(change_verdict))} {number(score)}".strip()

    for c in view.changes:
        if c.target == "line":
            what = sheet.line_text(sheet.line(c.target_id))
        elif c.target == "assessment":
            what = sheet.layout.assessment or tr("cli_audit.assessment")
        else:
            what = c.target_id
        table.add_row(local(c.at), c.by, what, verdict(c.old_verdict, c.old_score, c.target),
                      verdict(c.new_verdict, c.new_score, c.target), c.reason)
    console.print(table)
    for export in view.exports:
        console.print(tr("cli_audit.export_line", revision=export.revision, file=export.file_name,
                         sha=export.sha256[:16], at=local(export.at)))


def view_to_dict(view: Any) -> dict[str, Any]:
    """An audit revision as JSON-ready data (findings with evidence as stored: no item text unless kept)."""
    from qbaudit.analysis.run import finding_to_dict

    sheet, result = view.sheet, view.result

    def moment(value: dt.datetime | None) -> str | None:
        return value.isoformat(timespec="seconds") if value else None

    return {
        "audit": view.id, "institution": view.institution, "registration_number": view.registration_number,
        "occupation": view.occupation, "levels": list(view.levels),
        "inspectors": [{"name": n, "role": r, "card_code": c} for n, r, c in view.inspectors],
        "sheet": {"id": sheet.id, "name": sheet.name, "source": sheet.source, "sha256": sheet.sha256},
        "revision": {"number": view.revision.number, "based_on": view.revision.based_on,
                     "signed_at": moment(view.revision.signed_at), "signed_by": view.revision.signed_by,
                     "signed_sha256": view.revision.signed_sha256, "content_sha256": view.content_sha256},
        "run": None if view.run is None else {
            "profile": view.run.profile_id, "as_of": view.run.as_of.isoformat(),
            "inputs": [{"kind": i.kind, "name": i.name, "sha256": i.sha256, "size": i.size, "rows_taken": i.rows_taken,
                        "rows_rejected": i.rows_rejected} for i in view.run.inputs]},
        "lines": [{
            "id": r.line.id, "group": sheet.group(r.line.group).name, "name": r.line.name, "max": r.line.max,
            "criterion": r.line.criterion, "indicator": r.line.indicator,
            "suggestion": None if r.suggestion is None else {
                "basis": r.suggestion.basis.value, "verdict": sheet.label(r.suggestion.verdict) or None,
                "score": r.suggestion.score, "explanation": r.suggestion.explanation,
                "rules": sorted({f.rule for f in r.suggestion.findings}), "checklist": list(r.suggestion.checklist)},
            "decision": None if r.decision is None else {
                "verdict": sheet.label(r.decision.verdict), "score": r.decision.score, "reason": r.decision.reason,
                "by": view.decided_by[r.line.id][0], "at": moment(view.decided_by[r.line.id][1])},
            "state": r.state} for r in result.lines],
        "vetoes": [{"id": v.id, "text": v.text, "occurred": d.occurred if d else None,
                    "description": d.description if d else ""} for v, d in result.vetoes],
        "total": result.total, "no_count": result.no_count, "grade": result.grade, "final": result.final,
        "supervision": {"kind": view.facts.kind, "batch_number": view.facts.batch_number, "place": view.facts.place,
                        "head_count": view.facts.head_count,
                        "date": view.facts.date.isoformat() if view.facts.date else None, "time": view.facts.time},
        "assessment": view.assessment,
        "notice": None if view.notice is None else {
            "grounds": [{"id": g, "note": n} for g, n in view.notice.grounds], "suspend": view.notice.suspend,
            "suspension_months": view.notice.suspension_months, "supervision_file": view.notice.supervision_file,
            "publish": view.notice.publish, "by": view.notice.by, "at": moment(view.notice.at)},
        "changes": [{"target": c.target, "id": c.target_id, "old_verdict": c.old_verdict, "old_score": c.old_score,
                     "new_verdict": c.new_verdict, "new_score": c.new_score, "reason": c.reason, "by": c.by,
                     "at": moment(c.at)} for c in view.changes],
        "findings": [finding_to_dict(f) for f in view.findings],
    }
