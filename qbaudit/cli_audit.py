"""``qbaudit audit``: the audit record from a terminal — open an audit, score it, show it, sign it.

    qbaudit audit new --institution 机构 --occupation 焊工 --levels 四级,三级 --inspector 张三:组长[:证卡编码]
                      [--sheet 评分表] [--supervision 日常|专项] [--batch 批次编号] [--place 地点] [--head-count N]
                      [--date YYYY-MM-DD] [--time 9:00—11:30]
    qbaudit audit score 1 --bank 题库.xlsx --blueprint 细目表.xlsx --by 张三       (run the checks)
    qbaudit audit score 1 --line 要点数量充足 --verdict 基本符合 --score 3 --reason … --by 张三
    qbaudit audit score 1 --veto V2 --occurred --description … --by 张三
    qbaudit audit score 1 --assessment "总体评价……" --by 张三
    qbaudit audit notice 1 [--ground 7[:说明] …] [--suspend 月数|--no-suspend] [--file|--no-file]
                         [--publish|--no-publish] --by 张三      (第二十二条所列行为和处理)
    qbaudit audit show 1 [--revision 1] [--details] [--history] [--json 审核.json]
    qbaudit audit sign 1 --by 张三 [--accept-suggestions]
    qbaudit audit list

The store is the one the window uses: ``--database``, else ``QBAUDIT_DATABASE_URL``, else the
``database_url`` setting, else the SQLite file in the user's data folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from qbaudit.cli_inputs import GivenOnce, add_bank_arguments
from qbaudit.i18n import tr

EXIT_OK, EXIT_INPUT = 0, 3
_SEPARATORS = re.compile(r"[,，、;；\s]+")


def _levels(text: str) -> list[int]:
    from qbaudit.analysis.vocabulary import parse_level

    levels = []
    for part in filter(None, _SEPARATORS.split(text)):
        level = parse_level(part)
        if level is None:
            raise argparse.ArgumentTypeError(tr("cli.bad_level", value=part))
        levels.append(level)
    if not levels:
        raise argparse.ArgumentTypeError(tr("cli_audit.no_levels"))
    return levels


def _inspector(text: str):  # noqa: ANN202 - InspectorInput, imported lazily
    from qbaudit.store import InspectorInput

    parts = [p.strip() for p in re.split(r"[:：]", text)]
    if len(parts) not in (2, 3) or not all(parts[:2]):
        raise argparse.ArgumentTypeError(tr("cli_audit.bad_inspector", value=text))
    return InspectorInput(parts[0], parts[1], parts[2] if len(parts) == 3 and parts[2] else None)


def _supervision(text: str) -> str:
    from qbaudit.analysis.sheets import SUPERVISION_KINDS

    value = text.strip()
    aliases = {"日常": "daily", "日常督导": "daily", "专项": "special", "专项督导": "special"}
    value = aliases.get(value, value)
    if value not in SUPERVISION_KINDS:
        raise argparse.ArgumentTypeError(tr("cli_audit.bad_supervision", value=text))
    return value


def _count(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(tr("cli_audit.bad_count", value=text)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(tr("cli_audit.bad_count", value=text))
    return value


def _ground(text: str) -> tuple[str, str]:
    """``7`` or ``7:说明`` (the item of 第二十二条, 1–8 or （七）, and a note)."""
    parts = re.split(r"[:：]", text, maxsplit=1)
    number, note = parts[0].strip().strip("（）()"), parts[1] if len(parts) > 1 else ""
    numerals = "一二三四五六七八"
    if number in numerals:
        number = str(numerals.index(number) + 1)
    return number, note.strip()


def _score_value(text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(tr("cli_audit.bad_score", value=text)) from None


def add_audit_commands(commands: Any, parser_class: type, date_type: Any, level_type: Any) -> None:
    """Add ``audit new|list|show|score|sign`` to the subcommands of ``qbaudit``."""
    audit = commands.add_parser("audit", help=tr("cli_audit.help"), description=tr("cli_audit.description"))
    actions = audit.add_subparsers(dest="audit_command", title=tr("cli.commands"), metavar=tr("cli.command_metavar"),
                                   parser_class=parser_class)
    audit.set_defaults(func=lambda args: _usage(audit))

    def command(name: str, func: Any) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=tr(f"cli_audit.help_{name}"), description=tr(f"cli_audit.help_{name}"))
        sub.add_argument("--database", metavar="URL", help=tr("cli_audit.help_database"))
        sub.set_defaults(func=func)
        return sub

    new = command("new", _cmd_new)
    new.add_argument("--institution", required=True, metavar=tr("cli_audit.metavar_name"),
                     help=tr("cli_audit.help_institution"))
    new.add_argument("--registration", metavar=tr("cli_audit.metavar_number"), help=tr("cli_audit.help_registration"))
    new.add_argument("--occupation", required=True, metavar=tr("cli.metavar_occupation"), help=tr("cli_audit.help_occupation"))
    new.add_argument("--levels", required=True, type=_levels, metavar=tr("cli.metavar_level"), help=tr("cli_audit.help_levels"))
    new.add_argument("--inspector", required=True, action="append", type=_inspector, metavar=tr("cli_audit.metavar_inspector"),
                     help=tr("cli_audit.help_inspector"))
    new.add_argument("--sheet", metavar=tr("cli_audit.metavar_sheet"), help=tr("cli_audit.help_sheet"))
    new.add_argument("--keep-item-text", action="store_true", default=None, help=tr("cli_audit.help_keep_item_text"))
    new.add_argument("--supervision", type=_supervision, metavar=tr("cli_audit.metavar_supervision"),
                     help=tr("cli_audit.help_supervision"))
    new.add_argument("--batch", metavar=tr("cli_audit.metavar_batch"), help=tr("cli_audit.help_batch"))
    new.add_argument("--place", metavar=tr("cli_audit.metavar_text"), help=tr("cli_audit.help_place"))
    new.add_argument("--head-count", type=_count, metavar="N", help=tr("cli_audit.help_head_count"))
    new.add_argument("--date", type=date_type, metavar="YYYY-MM-DD", help=tr("cli_audit.help_date"))
    new.add_argument("--time", metavar=tr("cli_audit.metavar_text"), help=tr("cli_audit.help_time"))

    listing = command("list", _cmd_list)
    listing.add_argument("--batch", metavar=tr("history.metavar_batch"), help=tr("history.help_list_batch"))
    listing.add_argument("--institution", metavar=tr("cli_audit.metavar_name"), help=tr("history.help_list_institution"))

    show = command("show", _cmd_show)
    show.add_argument("audit_id", type=int, metavar=tr("cli_audit.metavar_id"), help=tr("cli_audit.help_id"))
    show.add_argument("--revision", type=int, metavar="N", help=tr("cli_audit.help_revision"))
    show.add_argument("--details", action="store_true", help=tr("cli_audit.help_show_details"))
    show.add_argument("--history", action="store_true", help=tr("cli_audit.help_history"))
    show.add_argument("--json", type=Path, metavar=tr("cli.metavar_file"), help=tr("cli_audit.help_json"))

    score = command("score", _cmd_score)
    score.add_argument("audit_id", type=int, metavar=tr("cli_audit.metavar_id"), help=tr("cli_audit.help_id"))
    score.add_argument("--by", required=True, metavar=tr("cli_audit.metavar_name"), help=tr("cli_audit.help_by"))
    add_bank_arguments(score, required=False)
    score.add_argument("--blueprint", type=Path, nargs="+", action="extend", metavar=tr("cli.metavar_file"),
                       help=tr("cli_inputs.help_blueprint"))
    score.add_argument("--standard", type=Path, action=GivenOnce, metavar=tr("cli.metavar_file"),
                       help=tr("cli.help_standard"))
    score.add_argument("--papers", type=Path, nargs="+", action="extend", metavar=tr("cli.metavar_file"),
                       help=tr("cli.help_papers"))
    score.add_argument("--plan", type=Path, action=GivenOnce, metavar=tr("cli.metavar_file"), help=tr("cli.help_plan"))
    score.add_argument("--profile", metavar=tr("cli.metavar_profile"), help=tr("cli.help_profile"))
    score.add_argument("--as-of", type=date_type, metavar="YYYY-MM-DD", help=tr("cli.help_as_of"))
    score.add_argument("--level", type=level_type, action=GivenOnce, metavar=tr("cli.metavar_level"),
                       help=tr("cli_inputs.help_level"))
    score.add_argument("--line", metavar=tr("cli_audit.metavar_line"), help=tr("cli_audit.help_line"))
    score.add_argument("--verdict", metavar=tr("cli_audit.metavar_verdict"), help=tr("cli_audit.help_verdict"))
    score.add_argument("--score", type=_score_value, metavar=tr("cli_audit.metavar_score"), help=tr("cli_audit.help_score_value"))
    score.add_argument("--reason", default="", metavar=tr("cli_audit.metavar_text"), help=tr("cli_audit.help_reason"))
    score.add_argument("--veto", metavar="V1", help=tr("cli_audit.help_veto"))
    occurred = score.add_mutually_exclusive_group()
    occurred.add_argument("--occurred", action="store_true", default=None, help=tr("cli_audit.help_occurred"))
    occurred.add_argument("--cleared", dest="occurred", action="store_false", help=tr("cli_audit.help_cleared"))
    score.add_argument("--description", default="", metavar=tr("cli_audit.metavar_text"),
                       help=tr("cli_audit.help_description"))
    score.add_argument("--accept-suggestions", action="store_true", help=tr("cli_audit.help_accept"))
    score.add_argument("--assessment", metavar=tr("cli_audit.metavar_text"), help=tr("cli_audit.help_assessment"))

    notice = command("notice", _cmd_notice)
    notice.add_argument("audit_id", type=int, metavar=tr("cli_audit.metavar_id"), help=tr("cli_audit.help_id"))
    notice.add_argument("--by", required=True, metavar=tr("cli_audit.metavar_name"), help=tr("cli_audit.help_by"))
    notice.add_argument("--ground", action="append", type=_ground, default=[], metavar=tr("cli_audit.metavar_ground"),
                        help=tr("cli_audit.help_ground"))
    suspend = notice.add_mutually_exclusive_group()
    suspend.add_argument("--suspend", type=_count, metavar=tr("cli_audit.metavar_months"), help=tr("cli_audit.help_suspend"))
    suspend.add_argument("--no-suspend", action="store_true", help=tr("cli_audit.help_no_suspend"))
    notice.add_argument("--file", action=argparse.BooleanOptionalAction, default=None, help=tr("cli_audit.help_file"))
    notice.add_argument("--publish", action=argparse.BooleanOptionalAction, default=None,
                        help=tr("cli_audit.help_publish"))

    dismiss = command("dismiss", _cmd_dismiss)
    dismiss.add_argument("audit_id", type=int, metavar=tr("cli_audit.metavar_id"), help=tr("cli_audit.help_id"))
    dismiss.add_argument("--by", required=True, metavar=tr("cli_audit.metavar_name"), help=tr("cli_audit.help_by"))
    dismiss.add_argument("--pair", nargs=2, metavar=(tr("cli_audit.metavar_item"), tr("cli_audit.metavar_item")),
                         help=tr("cli_audit.help_pair"))
    dismiss.add_argument("--reason", default="", metavar=tr("cli_audit.metavar_text"), help=tr("cli_audit.help_dismiss_reason"))
    dismiss.add_argument("--undo", action="store_true", help=tr("cli_audit.help_undo"))

    sign = command("sign", _cmd_sign)
    sign.add_argument("audit_id", type=int, metavar=tr("cli_audit.metavar_id"), help=tr("cli_audit.help_id"))
    sign.add_argument("--by", required=True, metavar=tr("cli_audit.metavar_name"), help=tr("cli_audit.help_by"))
    sign.add_argument("--accept-suggestions", action="store_true", help=tr("cli_audit.help_accept"))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _console():  # noqa: ANN202
    from qbaudit.cli import _console as console

    return console()


def _failed(console: Any, message: str) -> int:
    from qbaudit.visible import styled

    console.print(styled(message, style="red"), soft_wrap=True)
    return EXIT_INPUT


def _store(args: argparse.Namespace):  # noqa: ANN202 - AuditStore, imported lazily
    from qbaudit.settings import load_settings
    from qbaudit.store import AuditStore

    return AuditStore.open(args.database, load_settings().database_url)


def _expected_errors() -> tuple[type[Exception], ...]:
    from qbaudit.analysis.importers.headernames import HeaderNameError
    from qbaudit.analysis.profile import ProfileError
    from qbaudit.analysis.sheets import SheetError
    from qbaudit.settings import SettingsError
    from qbaudit.store import StoreError

    return StoreError, SheetError, ProfileError, SettingsError, HeaderNameError


def _guarded(run: Any) -> Any:
    """Run a command; the expected failures become a red Chinese message and exit status 3."""
    def wrapper(args: argparse.Namespace) -> int:
        console = _console()
        try:
            return run(args, console)
        except _expected_errors() as exc:
            return _failed(console, str(exc))
    return wrapper


@_guarded
def _cmd_new(args: argparse.Namespace, console: Any) -> int:
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.analysis.vocabulary import level_name
    from qbaudit.settings import load_settings
    from qbaudit.store import SupervisionFacts

    sheet = load_sheet(args.sheet)
    keep = args.keep_item_text if args.keep_item_text is not None else load_settings().keep_item_text
    facts = SupervisionFacts(args.supervision, args.batch, args.place, args.head_count, args.date, args.time)
    from qbaudit.store.history import history_warnings
    from qbaudit.visible import styled

    with _store(args) as store:
        warnings = history_warnings(store, institution=args.institution, registration_number=args.registration,
                                    supervisors=[(p.name, p.card_code) for p in args.inspector], sheet=sheet,
                                    date=args.date)
        audit_id = store.create_audit(institution=args.institution, registration_number=args.registration,
                                      occupation=args.occupation, levels=args.levels, inspectors=args.inspector,
                                      sheet=sheet, keep_item_text=keep, facts=facts)
    console.print(tr("cli_audit.created", id=audit_id, institution=args.institution, occupation=args.occupation,
                     levels="、".join(level_name(lv) for lv in sorted(set(args.levels), reverse=True)), sheet=sheet.name))
    if keep:
        console.print(tr("cli_audit.keeps_item_text"))
    for warning in warnings:  # three 不合格 in a year, the same external supervisor a third time in a row
        console.print(styled(tr("history.warning_line", text=str(warning)), "yellow"), soft_wrap=True)
    return EXIT_OK


@_guarded
def _cmd_list(args: argparse.Namespace, console: Any) -> int:
    from rich.table import Table

    from qbaudit.analysis.vocabulary import level_name
    from qbaudit.store.history import history_lines, institution_history

    with _store(args) as store:
        audits = store.list_audits(batch=args.batch, institution=args.institution)
        first = audits[0] if audits and args.institution else None
        history = institution_history(store, first.institution, first.registration_number) if first else None
    if not audits:
        console.print(tr("history.no_match") if args.batch or args.institution else tr("cli_audit.none_yet"))
        return EXIT_OK
    table = Table(title=tr("cli_audit.list_title"), title_justify="left")
    for key in ("col_id", "col_institution", "col_occupation", "col_levels", "col_sheet", "col_revision", "col_state",
                "col_grade", "col_created"):
        table.add_column(tr(f"cli_audit.{key}"))
    batches = any(a.batch_name for a in audits)  # the review's column only where some audit belongs to one
    if batches:
        table.add_column(tr("history.col_batch"))
    for a in audits:
        failing = a.fails and tr("history.failing") not in (a.grade or "")  # a failing grade not named 不合格
        grade = tr("history.grade_fails", grade=a.grade) if failing else a.grade or ""
        table.add_row(str(a.id), a.institution, a.occupation, "、".join(level_name(lv) for lv in a.levels), a.sheet_name,
                      str(a.revision), tr("cli_audit.signed" if a.signed else "cli_audit.draft"), grade,
                      _local(a.created_at), *([a.batch_name or ""] if batches else []))
    console.print(table)
    for line in history_lines(history or []):  # an institution's audits by year, and what its history says
        console.print(line, soft_wrap=True)
    return EXIT_OK


def _local(moment: dt.datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@_guarded
def _cmd_score(args: argparse.Namespace, console: Any) -> int:
    modes = [args.bank is not None or args.blueprint is not None, args.line is not None, args.veto is not None,
             args.accept_suggestions, args.assessment is not None]
    if sum(modes) != 1:
        return _failed(console, tr("cli_audit.score_one_thing"))
    with _store(args) as store:
        if modes[4]:
            number = store.set_assessment(args.audit_id, args.assessment, by=args.by)
            console.print(tr("cli_audit.assessment_written", revision=number))
        elif modes[0]:
            return _score_from_files(args, console, store)
        before = store.revisions(args.audit_id)[-1]
        if modes[1]:
            if not args.verdict:
                return _failed(console, tr("cli_audit.verdict_needed"))
            number = store.decide(args.audit_id, args.line, args.verdict, args.score, args.reason, by=args.by)
            console.print(tr("cli_audit.decided", line=args.line, verdict=args.verdict, revision=number))
        elif modes[2]:
            if args.occurred is None:
                return _failed(console, tr("cli_audit.occurred_needed"))
            number = store.decide_veto(args.audit_id, args.veto, args.occurred, args.description, by=args.by)
            key = "cli_audit.veto_occurred" if args.occurred else "cli_audit.veto_cleared"
            console.print(tr(key, veto=args.veto, revision=number))
        else:
            taken = store.accept_suggestions(args.audit_id, by=args.by)
            console.print(tr("cli_audit.accepted", count=taken))
        view = store.load(args.audit_id)
        if view.revision.number != before.number:  # the change opened a new revision: say that the signed one stays
            signed = view.revisions[before.number - 1]
            console.print(tr("cli_audit.new_revision", id=args.audit_id, number=signed.number, by=signed.signed_by,
                             at=_local(signed.signed_at), new=view.revision.number))
        _print_result(console, view)
    return EXIT_OK


@_guarded
def _cmd_notice(args: argparse.Namespace, console: Any) -> int:
    suspend = None if args.suspend is None and not args.no_suspend else bool(args.suspend)
    with _store(args) as store:
        decision = store.decide_notice(args.audit_id, grounds=args.ground, suspend=suspend,
                                       suspension_months=args.suspend or None, supervision_file=args.file,
                                       publish=args.publish, by=args.by)
    _print_notice(console, decision)
    return EXIT_OK


def _print_notice(console: Any, decision: Any) -> None:
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


@_guarded
def _cmd_dismiss(args: argparse.Namespace, console: Any) -> int:
    with _store(args) as store:
        if args.pair:
            first, second = args.pair
            if args.undo:
                store.undo_dismissal(args.audit_id, first, second, by=args.by)
                console.print(tr("cli_audit.undismissed", first=first, second=second))
            else:
                store.dismiss_pair(args.audit_id, first, second, args.reason, by=args.by)
                console.print(tr("cli_audit.dismissed", first=first, second=second))
        standing = store.dismissals(args.audit_id)
        console.print(tr("cli_audit.dismissals", count=len(standing)))
        for d in standing:
            console.print(f"  {d.first_item} ～ {d.second_item}：{d.reason}（{d.by}，{d.at:%Y-%m-%d %H:%M}）")
        if args.pair:
            console.print(tr("cli_audit.dismiss_rerun"))
    return EXIT_OK


def _score_from_files(args: argparse.Namespace, console: Any, store: Any) -> int:
    from qbaudit.analysis.profile import load_profile
    from qbaudit.analysis.run import run_audit
    from qbaudit.cli_inputs import bank_options, bank_paths
    from qbaudit.cli_output import print_run

    if not args.bank:
        return _failed(console, tr("cli_inputs.bank_needed"))
    from qbaudit.analysis.progress import ScaledState, checkpoint
    from qbaudit.console_progress import ConsoleProgress

    view = store.load(args.audit_id)
    profile = load_profile(args.profile)
    dismissed = [(d.first_item, d.second_item) for d in store.dismissals(args.audit_id)]
    with ConsoleProgress() as progress:
        task = progress.task(tr("console_progress.score"))
        run = run_audit(bank_paths(args), args.blueprint or None, profile, standard=args.standard, as_of=args.as_of,
                        default_level=args.level, occupation=view.occupation, papers=args.papers, plan=args.plan,
                        dismissed=dismissed, bank_options=bank_options(args), state=ScaledState(task, 0.0, 0.95))
        if run.ok:
            checkpoint(task, 0.95, tr("console_progress.recording"))  # the last moment to stop: nothing recorded
            number = store.record_run(args.audit_id, run, by=args.by)  # one transaction: all of it or nothing
    if not run.ok:
        print_run(console, run)
        return EXIT_INPUT
    console.print(tr("cli_audit.run_recorded", id=args.audit_id, revision=number, findings=len(run.report.findings)))
    _print_lines(console, store.load(args.audit_id), details=False)
    return EXIT_OK


@_guarded
def _cmd_sign(args: argparse.Namespace, console: Any) -> int:
    with _store(args) as store:
        info = store.sign(args.audit_id, by=args.by, accept_suggestions=args.accept_suggestions)
        console.print(tr("cli_audit.signed_line", id=args.audit_id, revision=info.number, by=info.signed_by,
                         at=_local(info.signed_at), grade=info.signed_grade or "",
                         total=_number(info.signed_total) or "—", sha=info.signed_sha256[:16]))
    return EXIT_OK


@_guarded
def _cmd_show(args: argparse.Namespace, console: Any) -> int:
    with _store(args) as store:
        view = store.load(args.audit_id, args.revision)
        _print_header(console, view)
        _print_lines(console, view, details=args.details)
        _print_result(console, view)
        if args.history:
            _print_history(console, view)
        if args.json is not None:
            from qbaudit.atomic import write_text

            try:
                write_text(args.json, json.dumps(view_to_dict(view), ensure_ascii=False, indent=1))
            except OSError as exc:
                return _failed(console, tr("cli.json_failed", file=str(args.json), reason=exc.strerror or str(exc)))
            store.record_export(view.id, args.json, "json", revision=view.revision.number)
            console.print(tr("cli.json_written", file=str(args.json)))
    return EXIT_OK


def _print_header(console: Any, view: Any) -> None:
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
    _print_facts(console, view)
    revision = view.revision
    if revision.signed:
        console.print(tr("cli_audit.show_signed", number=revision.number, by=revision.signed_by,
                         at=_local(revision.signed_at), sha=revision.signed_sha256[:16],
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


def _print_facts(console: Any, view: Any) -> None:
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


def _print_lines(console: Any, view: Any, details: bool) -> None:
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
            suggested = f"{sheet.label(suggestion.verdict)} {_number(suggestion.score)}".strip()
        elif suggestion is not None:
            suggested = tr("cli_audit.from_documents")
        decided = f"{sheet.label(decision.verdict)} {_number(decision.score)}".strip() if decision else ""
        cells = [line.id, sheet.group(line.group).name, line.name] + ([_number(line.max)] if points else [])
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


def _print_result(console: Any, view: Any) -> None:
    from qbaudit.visible import styled

    result, sheet = view.result, view.sheet
    for veto, decision in result.vetoes:
        if decision is not None and decision.occurred:
            console.print(styled(tr("cli_audit.veto_line", id=veto.id, text=veto.text, description=decision.description),
                               style="bold red"))
    if result.total is not None:
        console.print(tr("cli_audit.total", total=_number(result.total), max=_number(sheet.total)))
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
    _print_notice(console, view.notice)


def _print_history(console: Any, view: Any) -> None:
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

        return f"{sheet.label(Verdict(change_verdict))} {_number(score)}".strip()

    for c in view.changes:
        if c.target == "line":
            what = sheet.line_text(sheet.line(c.target_id))
        elif c.target == "assessment":
            what = sheet.layout.assessment or tr("cli_audit.assessment")
        else:
            what = c.target_id
        table.add_row(_local(c.at), c.by, what, verdict(c.old_verdict, c.old_score, c.target),
                      verdict(c.new_verdict, c.new_score, c.target), c.reason)
    console.print(table)
    for export in view.exports:
        console.print(tr("cli_audit.export_line", revision=export.revision, file=export.file_name,
                         sha=export.sha256[:16], at=_local(export.at)))


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
