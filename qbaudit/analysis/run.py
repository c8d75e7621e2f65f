"""One audit run: import the inputs, run the checks, and describe it all as plain data.

The CLI and the window both call :func:`run_audit`; neither adds anything the core lacks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbaudit import __version__
from qbaudit.analysis.checks import CheckReport, run_checks
from qbaudit.analysis.checks.context import AuditInput, excerpt
from qbaudit.analysis.checks.independence import pair_key
from qbaudit.analysis.importers import ImportResult
from qbaudit.analysis.inputs import ImportOptions, import_input
from qbaudit.analysis.model import Blueprint, Evidence, Finding, InputFile, ThresholdUse
from qbaudit.analysis.profile import Profile, Setting, Waiver, load_profile
from qbaudit.analysis.progress import Budget, NullState, ScaledState, TaskState, checkpoint
from qbaudit.analysis.rules import rule
from qbaudit.analysis.vocabulary import level_name
from qbaudit.i18n import tr


@dataclass
class AuditRun:
    """Everything one run produced: the imports (with their row issues), the findings, or an error."""

    profile: Profile
    as_of: dt.date
    imports: dict[str, ImportResult] = field(default_factory=dict)
    report: CheckReport | None = None

    @property
    def errors(self) -> list[str]:
        """The messages of inputs that could not be imported at all."""
        return [result.error for result in self.imports.values() if result.error]

    @property
    def ok(self) -> bool:
        """True when every input was imported and the checks ran."""
        return not self.errors and self.report is not None

    @property
    def inputs(self) -> list[InputFile]:
        """Fingerprints of the inputs that were read."""
        return [f for result in self.imports.values() for f in result.inputs]

    @property
    def occupation(self) -> str | None:
        """The occupation named by the bank, if any."""
        bank = self.imports.get("bank")
        return bank.data.occupation if bank is not None and bank.data is not None else None

    def to_dict(self) -> dict[str, Any]:
        """The run as JSON-ready data (findings with evidence; no item text beyond short excerpts)."""
        return {
            "qbaudit_version": __version__,
            "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "as_of": self.as_of.isoformat(),
            "occupation": self.occupation,
            "profile": {
                "id": self.profile.id,
                "name": self.profile.name,
                "source": self.profile.source,
                "origin": self.profile.origin,
                "waivers": [waiver_to_dict(w) for w in self.profile.waivers],
                "thresholds": [setting_to_dict(s) for s in self.profile.settings()],
            },
            "inputs": [_input(f) for f in self.inputs],
            "errors": self.errors,
            "import_issues": [
                {"kind": kind, "file": i.file, "sheet": i.sheet, "row": i.row, "column": i.column,
                 "severity": i.severity.value, "reason": i.reason}
                for kind, result in self.imports.items()
                for i in result.issues
            ],
            "column_mapping": [
                {"kind": kind, "file": m.file, "sheet": m.sheet, "column": m.column, "header": excerpt(m.header),
                 "field": m.field, "label": m.label}
                for kind, result in self.imports.items()
                for m in result.mapping
            ],
            "levels": [{"level": level, "name": level_name(level)} for level in (self.report.levels if self.report else [])],
            "findings": [finding_to_dict(f) for f in (self.report.findings if self.report else [])],
        }


def _input(f: InputFile) -> dict[str, Any]:
    parts = f.accounting
    return {"name": f.name, "kind": f.kind, "sha256": f.sha256, "size": f.size, "rows_taken": f.rows_taken,
            "rows_rejected": f.rows_rejected, "encoding": f.encoding, "sheets": list(f.sheets),
            **({"parts": {"unit": parts.unit, "read": parts.read, "taken": parts.taken, "unread": list(parts.unread),
                          "blank": parts.blank}} if parts is not None else {})}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value


def evidence_to_dict(evidence: Evidence) -> dict[str, Any]:
    """An evidence table as JSON-ready data."""
    return {
        "title": evidence.title,
        "columns": [{"key": key, "label": label} for key, label in evidence.columns],
        "rows": [{k: _jsonable(v) for k, v in row.items()} for row in evidence.rows],
    }


def waiver_to_dict(waiver: Waiver) -> dict[str, Any]:
    """A waiver of a profile as JSON-ready data (with the numbers it sets, where the text lets it)."""
    return {"rule": waiver.rule, "levels": list(waiver.levels) if waiver.levels else None, "reason": waiver.reason,
            "setting": waiver.setting, "values": {name: _jsonable(value) for name, value in waiver.values}}


def setting_to_dict(setting: Setting) -> dict[str, Any]:
    """A threshold of a profile with its basis, as JSON-ready data."""
    return {"key": setting.key, "rule": setting.rule, "name": setting.name, "value": setting.value,
            "basis": setting.basis.kind, "clause": setting.basis.clause, "note": setting.basis.note,
            "binding": setting.basis.binding}


def threshold_use_to_dict(use: ThresholdUse) -> dict[str, Any]:
    """A threshold a finding applied, with its basis, as JSON-ready data."""
    return {"setting": use.setting, "value": _jsonable(use.value), "basis": use.basis, "clause": use.clause,
            "binding": use.binding, "note": use.note, "breached": use.breached}


def threshold_use_from_dict(data: dict[str, Any]) -> ThresholdUse:
    """The inverse of :func:`threshold_use_to_dict` (an audit record's findings)."""
    return ThresholdUse(data["setting"], data["value"], data["basis"], data["clause"], data["binding"],
                        data.get("note", ""), data.get("breached", False))


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding as JSON-ready data."""
    return {
        "rule": finding.rule,
        "rule_name": rule(finding.rule).name,
        "level": finding.level,
        "level_name": level_name(finding.level) if finding.level is not None else None,
        "status": finding.status.value,
        "message": finding.message,
        "measured": _jsonable(finding.measured),
        "threshold": _jsonable(finding.threshold),
        "comparator": finding.comparator,
        "unit": finding.unit,
        "sheet_line": finding.sheet_line,
        "clause": finding.clause,
        "source": finding.source,
        "waiver_reason": finding.waiver_reason,
        "waiver_values": {name: _jsonable(value) for name, value in finding.waiver_values},
        "advisory": finding.advisory,
        "thresholds": [threshold_use_to_dict(t) for t in finding.thresholds],
        "evidence": [evidence_to_dict(e) for e in finding.evidence],
    }


def run_audit(
    bank: str | Path | Sequence[str | Path],
    blueprint: str | Path | Sequence[str | Path] | None = None,
    profile: Profile | None = None,
    *,
    standard: str | Path | None = None,
    responses: str | Path | None = None,
    as_of: dt.date | None = None,
    default_level: int | None = None,
    occupation: str | None = None,
    bank_columns: Sequence[str | None] | None = None,
    bank_options: ImportOptions | None = None,
    papers: Sequence[str | Path] | None = None,
    plan: str | Path | None = None,
    dismissed: Iterable[tuple[str, str]] = (),
    state: TaskState | None = None,
) -> AuditRun:
    """Import the bank (one file, or several files and folders), the blueprint if given (one file, or one per
    level), and optionally the standard, the answer data, the papers and the paper plan, then run the checks.

    Without a blueprint the checks run on an empty one: the rules that need it say 无法判断 and what to supply.
    ``bank_options`` are the import options of the bank (levels per file, header row, columns mapped by header
    name; see :class:`~qbaudit.analysis.inputs.ImportOptions`); ``bank_columns`` maps the columns of a bank
    without a header row; ``dismissed`` lists similar item pairs the inspector dismissed (R11). Inputs that
    cannot be imported are reported in :attr:`AuditRun.errors`; the checks then do not run.
    """
    from dataclasses import replace

    state = state or NullState()
    run = AuditRun(profile=profile or load_profile(None), as_of=as_of or dt.date.today())
    options = bank_options or ImportOptions()
    if bank_columns is not None:
        options = replace(options, columns=tuple(bank_columns))
    if default_level is not None and options.default_level is None:
        options = replace(options, default_level=default_level)
    banks = [bank] if isinstance(bank, str | Path) else list(bank)
    blueprints = [blueprint] if isinstance(blueprint, str | Path) else list(blueprint or [])
    # The shares of the whole, roughly as the time goes on a large bank: reading the bank, the other
    # inputs (small), the checks.
    checkpoint(state, 0.0, tr("progress.import_bank"))
    run.imports["bank"] = import_input("bank", banks, options=options, occupation=occupation,
                                       state=ScaledState(state, 0.0, 0.4))
    steps: list[tuple[str, Any, Any, str]] = [
        ("blueprint", lambda p: import_input("blueprint", p, options=ImportOptions(default_level=default_level)),
         blueprints or None, tr("progress.import_blueprint")),
        ("standard", lambda p: import_input("standard", [p], options=ImportOptions(default_level=default_level)),
         standard, tr("progress.import_standard")),
        ("responses", lambda p: import_input("responses", [p]), responses, tr("responses.progress")),
    ]
    for index, (kind, importer, path, text) in enumerate(steps, start=1):
        if path is None:
            continue
        checkpoint(state, 0.4 + index * 0.02, text)
        run.imports[kind] = importer(path)
    if run.errors:
        return run
    if plan is not None:
        checkpoint(state, 0.46, tr("progress.import_plan"))
        run.imports["plan"] = import_input("plan", [plan], options=ImportOptions(default_level=default_level))
    if papers:
        checkpoint(state, 0.48, tr("progress.import_papers"))
        run.imports["papers"] = import_input("papers", list(papers), bank=run.imports["bank"].data,
                                             options=ImportOptions(default_level=default_level))
    if run.errors:
        return run
    return check_imports(run, dismissed, ScaledState(state, 0.5, 0.5))


def check_imports(run: AuditRun, dismissed: Iterable[tuple[str, str]] = (), state: TaskState | None = None) -> AuditRun:
    """Run the checks on the inputs already imported into ``run`` (a bank at least) and set its report; the
    window imports each input through its wizard and then calls this. Without a blueprint the checks get an
    empty one (the rules that need it say 无法判断)."""
    imports = run.imports
    data = AuditInput(
        bank=imports["bank"].data,
        blueprint=imports["blueprint"].data if "blueprint" in imports else Blueprint(scopes=[], points=[]),
        standard=imports["standard"].data if "standard" in imports else None,
        as_of=run.as_of,
        responses=imports["responses"].data if "responses" in imports else None,
        papers=imports["papers"].data if "papers" in imports else [],
        plan=imports["plan"].data if "plan" in imports else None,
        dismissed_pairs=frozenset(pair_key(a, b) for a, b in dismissed),
    )
    with Budget(state, "check").running() as budget:
        run.report = run_checks(data, profile=run.profile, state=budget)
    return run

