"""``qbaudit audit``: the audit record from a terminal — open an audit, score it, show it, sign it.

    qbaudit audit new --institution 机构 --occupation 焊工 --levels 四级,三级 --inspector 张三:组长[:证卡编码]
                      [--sheet 评分表] [--supervision 日常|专项] [--batch 批次编号] [--place 地点] [--head-count N]
                      [--date YYYY-MM-DD] [--time 9:00—11:30]
    qbaudit audit score 1 --bank 题库.xlsx --blueprint 细目表.xlsx [--responses 作答.xlsx …] --by 张三
                                                            (run the checks: every input ``check`` takes)
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

from qbaudit.cli.common import failed as _failed
from qbaudit.cli.common import open_store as _store
from qbaudit.cli.common import with_console as _guarded
from qbaudit.cli.inputs import add_input_arguments, parse_date
from qbaudit.cli.show import (
    local,
    print_header,
    print_history,
    print_lines,
    print_notice,
    print_result,
    view_to_dict,
)
from qbaudit.cli.show import (
    number as score_text,
)
from qbaudit.i18n import tr
from qbaudit.plumbing import EXIT_INPUT, EXIT_OK, EXIT_USAGE

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


def add_audit_commands(commands: Any, parser_class: type) -> None:
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
    new.add_argument("--date", type=parse_date, metavar="YYYY-MM-DD", help=tr("cli_audit.help_date"))
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
    add_input_arguments(score, bank_required=False)
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
    return EXIT_USAGE


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
                      local(a.created_at), *([a.batch_name or ""] if batches else []))
    console.print(table)
    for line in history_lines(history or []):  # an institution's audits by year, and what its history says
        console.print(line, soft_wrap=True)
    return EXIT_OK


_INPUTS = ("bank", "blueprint", "standard", "responses", "papers", "plan", "dismissed")


@_guarded
def _cmd_score(args: argparse.Namespace, console: Any) -> int:
    from qbaudit.operations import sheet as ops

    modes = [any(getattr(args, name) is not None for name in _INPUTS), args.line is not None, args.veto is not None,
             args.accept_suggestions, args.assessment is not None]
    if sum(modes) != 1:
        return _failed(console, tr("cli_audit.score_one_thing"))
    with _store(args) as store:
        if modes[0]:
            return _score_from_files(args, console, store)
        before = store.revisions(args.audit_id)[-1]
        if modes[4]:
            number = ops.set_assessment(store, args.audit_id, args.assessment, args.by).result
            console.print(tr("cli_audit.assessment_written", revision=number))
        elif modes[1]:
            if not args.verdict:
                return _failed(console, tr("cli_audit.verdict_needed"))
            number = ops.decide(store, args.audit_id, args.line, args.verdict, args.score, args.reason, args.by).result
            console.print(tr("cli_audit.decided", line=args.line, verdict=args.verdict, revision=number))
        elif modes[2]:
            if args.occurred is None:
                return _failed(console, tr("cli_audit.occurred_needed"))
            number = ops.decide_veto(store, args.audit_id, args.veto, args.occurred, args.description, args.by).result
            key = "cli_audit.veto_occurred" if args.occurred else "cli_audit.veto_cleared"
            console.print(tr(key, veto=args.veto, revision=number))
        else:
            taken = ops.accept_suggestions(store, args.audit_id, args.by).result
            console.print(tr("cli_audit.accepted", count=taken))
        view = store.load(args.audit_id)
        if view.revision.number != before.number:  # the change opened a new revision: say that the signed one stays
            signed = view.revisions[before.number - 1]
            console.print(tr("cli_audit.new_revision", id=args.audit_id, number=signed.number, by=signed.signed_by,
                             at=local(signed.signed_at), new=view.revision.number))
        print_result(console, view)
    return EXIT_OK


@_guarded
def _cmd_notice(args: argparse.Namespace, console: Any) -> int:
    from qbaudit.operations import sheet as ops

    suspend = None if args.suspend is None and not args.no_suspend else bool(args.suspend)
    with _store(args) as store:
        changes = ops.decide_notice(store, args.audit_id, grounds=args.ground, suspend=suspend,
                                    suspension_months=args.suspend or None, supervision_file=args.file,
                                    publish=args.publish, by=args.by)
    print_notice(console, changes.result)
    return EXIT_OK


@_guarded
def _cmd_dismiss(args: argparse.Namespace, console: Any) -> int:
    from qbaudit.operations import sheet as ops

    with _store(args) as store:
        if args.pair:
            first, second = args.pair
            if args.undo:
                ops.undo_dismissal(store, args.audit_id, first, second, args.by)
                console.print(tr("cli_audit.undismissed", first=first, second=second))
            else:
                ops.dismiss_pair(store, args.audit_id, first, second, args.reason, args.by)
                console.print(tr("cli_audit.dismissed", first=first, second=second))
        standing = store.dismissals(args.audit_id)
        console.print(tr("cli_audit.dismissals", count=len(standing)))
        for d in standing:
            console.print(f"  {d.first_item} ～ {d.second_item}：{d.reason}（{d.by}，{d.at:%Y-%m-%d %H:%M}）")
        if args.pair:
            console.print(tr("cli_audit.dismiss_rerun"))
    return EXIT_OK


def _score_from_files(args: argparse.Namespace, console: Any, store: Any) -> int:
    """``audit score --bank … [--responses …]``: the same inputs as ``check``, read into the audit, checked and
    recorded (pairs listed in ``--dismissed`` are dismissed in the audit first)."""
    from qbaudit.analysis.profile import load_profile
    from qbaudit.cli.inputs import dismissed_pairs, input_sources
    from qbaudit.cli.output import print_run
    from qbaudit.console_progress import ConsoleProgress
    from qbaudit.operations import score_from_files
    from qbaudit.operations import sheet as ops

    if not args.bank:
        return _failed(console, tr("cli_inputs.bank_needed"))
    profile = load_profile(args.profile)
    sources = input_sources(args, console)
    standing = {(d.first_item, d.second_item) for d in store.dismissals(args.audit_id)}
    for first, second in dismissed_pairs(args):
        if tuple(sorted((first, second))) not in standing:
            ops.dismiss_pair(store, args.audit_id, first, second,
                             tr("cli_audit.dismissed_from_file", file=args.dismissed.name), args.by)
    with ConsoleProgress() as progress:
        changes = score_from_files(store, args.audit_id, sources, profile, args.as_of or dt.date.today(), args.by,
                                   state=progress.task(tr("console_progress.score")))
    run = changes.result
    if not changes.run:  # an input could not be read: nothing recorded
        print_run(console, run)
        return EXIT_INPUT
    number = store.revisions(args.audit_id)[-1].number
    console.print(tr("cli_audit.run_recorded", id=args.audit_id, revision=number, findings=len(run.report.findings)))
    print_lines(console, store.load(args.audit_id), details=False)
    return EXIT_OK


@_guarded
def _cmd_sign(args: argparse.Namespace, console: Any) -> int:
    from qbaudit.operations import sheet as ops

    with _store(args) as store:
        info = ops.sign(store, args.audit_id, args.by, accept_suggestions=args.accept_suggestions).result
        console.print(tr("cli_audit.signed_line", id=args.audit_id, revision=info.number, by=info.signed_by,
                         at=local(info.signed_at), grade=info.signed_grade or "",
                         total=score_text(info.signed_total) or "—", sha=info.signed_sha256[:16]))
    return EXIT_OK


@_guarded
def _cmd_show(args: argparse.Namespace, console: Any) -> int:
    with _store(args) as store:
        view = store.load(args.audit_id, args.revision)
        print_header(console, view)
        print_lines(console, view, details=args.details)
        print_result(console, view)
        if args.history:
            print_history(console, view)
        if args.json is not None:
            from qbaudit.atomic import write_text

            try:
                write_text(args.json, json.dumps(view_to_dict(view), ensure_ascii=False, indent=1))
            except OSError as exc:
                return _failed(console, tr("cli.json_failed", file=str(args.json), reason=exc.strerror or str(exc)))
            store.record_export(view.id, args.json, "json", revision=view.revision.number)
            console.print(tr("cli.json_written", file=str(args.json)))
    return EXIT_OK
