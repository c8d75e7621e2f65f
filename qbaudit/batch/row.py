"""One row of a review: the one place the batch audits an institution's bank — everything else only schedules it.

The work is split where the machines split it:

* :func:`audit_row` runs where the row's files are read (a Dask worker, or the batch's own process with
  ``--workers 0``): it imports the inputs and runs the checks exactly as ``qbaudit check`` does
  (:func:`~qbaudit.operations.check_files`, as ``qbaudit check`` does), computes the bank's signature for the cross-institution duplicates
  there (the items never leave that machine but as the signature), and writes the institution's quick report
  and problem list into its folder. It returns the run without the bank (findings, fingerprints, row accounts).
* :func:`record_row` runs on the batch's driver, the one process that writes to the audit record: it opens the
  row's audit (kind 专项, the batch's name and date) or finds it from an earlier run, records the run with the
  row's fingerprint, and remembers where the inputs are so the window can read them again.

A row whose fingerprint (:func:`row_key`: its files' SHA-256, the profile, the sheet, the date and the tool's
version) equals the one recorded for it is not audited again: :func:`audit_row` then reads only its bank, for
the signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qbaudit import __version__
from qbaudit.batch.manifest import INPUT_KINDS, BatchRow, Inspector, batch_settings
from qbaudit.i18n import tr

if TYPE_CHECKING:
    from qbaudit.analysis.profile import Profile
    from qbaudit.analysis.run import AuditRun
    from qbaudit.analysis.sheets import Sheet

_log = logging.getLogger(__name__)
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class BatchPlan:
    """What every row of one review shares: its name and date, the profile and sheet chosen for it, the date the
    checks judge at, where the documents go, and the inspectors of rows that name none."""

    name: str
    date: dt.date
    profile: Profile
    sheet: Sheet
    as_of: dt.date
    out: Path
    inspectors: tuple[Inspector, ...] = ()
    documents: bool = True

    @property
    def settings_key(self) -> str:
        """The part of every row's fingerprint that the batch sets: profile as loaded, sheet, date, tool version."""
        profile = json.dumps(self.profile.data, ensure_ascii=False, sort_keys=True, default=str)
        content = [__version__, self.profile.id, hashlib.sha256(profile.encode("utf-8")).hexdigest(),
                   self.sheet.sha256, self.as_of.isoformat()]
        return hashlib.sha256(json.dumps(content).encode("utf-8")).hexdigest()


@dataclass
class RowOutcome:
    """What :func:`audit_row` gives back to the driver (no item beyond the findings' 30-character excerpts).

    ``status``: ``audited`` (run holds the checks' findings), ``unchanged`` (the fingerprint is the one recorded:
    nothing was checked again) or ``failed`` (``reason`` says why, in Chinese)."""

    number: int
    status: str
    key: str | None = None
    run: AuditRun | None = None
    reason: str = ""
    occupation: str | None = None
    levels: tuple[int, ...] = ()
    items: int = 0
    documents: tuple[Path, ...] = ()
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def _files_of(kind: str, paths: tuple[Path, ...]) -> list[Path]:
    from qbaudit.analysis.importers.inputfiles import folder_files
    from qbaudit.analysis.inputs import kind_suffixes

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(folder_files(path, kind_suffixes(kind))[0])
        else:
            files.append(path)
    return files


def row_key(row: BatchRow, plan: BatchPlan) -> str:
    """The row's fingerprint: the SHA-256 of each file it reads (folders listed as the importers list them), the
    levels given for them, what the manifest says of the row, and the batch's settings (:attr:`BatchPlan.settings_key`)."""
    from qbaudit.analysis.importers.inputfiles import file_sha256

    inputs = {kind: sorted([path.name, file_sha256(path) or "unreadable"] for path in _files_of(kind, paths))
              for kind, paths in sorted(row.inputs.items())}
    content = {"settings": plan.settings_key, "institution": [row.institution, row.registration],
               "occupation": row.occupation, "levels": list(row.levels), "inputs": inputs,
               "file_levels": sorted((Path(p).name, level) for p, level in row.file_levels.items())}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def safe_name(text: str) -> str:
    """``text`` as a file or folder name on any system (no separators, no reserved characters)."""
    cleaned = _UNSAFE.sub("_", text).strip(" .")
    return cleaned[:80] or "_"


def row_folder(row: BatchRow, plan: BatchPlan, occupation: str | None) -> Path:
    """``out/各机构/机构名称_备案号/职业/``: where the row's quick report and problem list go."""
    names = batch_settings()["documents"]
    institution = safe_name(row.institution + (f"_{row.registration}" if row.registration else ""))
    return plan.out / names["institutions_folder"] / institution / safe_name(occupation or tr("batch.no_occupation"))


def _import_options(row: BatchRow) -> Any:
    from qbaudit.analysis.inputs import ImportOptions

    return ImportOptions(file_levels=dict(row.file_levels))


def audit_row(row: BatchRow, plan: BatchPlan, recorded_key: str | None = None,
              state: Any = None) -> tuple[RowOutcome, Any]:
    """Audit one row where its files are (see the module's text); returns its outcome and its bank's signature
    (None when the bank could not be read). Never raises for a bad input: the outcome says why. ``state`` is the
    batch's own :class:`~qbaudit.analysis.progress.TaskState` when the row runs in the batch's process
    (Ctrl+C stops it at its next checkpoint); a worker runs it to the end."""
    from qbaudit.operations import Source, check_files, file_sources, read_input

    started = time.perf_counter()
    key = row_key(row, plan)
    if key == recorded_key:  # nothing changed: only the bank again, for the cross-institution signature
        outcome = RowOutcome(row.number, "unchanged", key, occupation=row.occupation)
        source = Source(tuple(Path(p) for p in row.inputs["bank"]), _import_options(row))
        bank = read_input("bank", source, occupation=row.occupation, state=state)
        signature = _signature(row, plan, bank.data, outcome) if bank.ok else None
        outcome.seconds = time.perf_counter() - started
        return outcome, signature
    one = {kind: (row.inputs[kind][0] if kind in row.inputs else None) for kind in ("standard", "plan", "responses")}
    sources = file_sources(list(row.inputs["bank"]), list(row.inputs.get("blueprint", ())) or None,
                           standard=one["standard"], responses=one["responses"], bank_options=_import_options(row),
                           papers=list(row.inputs.get("papers", ())) or None, plan=one["plan"])
    run = check_files(sources, plan.profile, as_of=plan.as_of, occupation=row.occupation, state=state)
    bank = run.imports["bank"].data if "bank" in run.imports else None
    outcome = RowOutcome(row.number, "audited" if run.ok else "failed", key,
                         occupation=row.occupation or (bank.occupation if bank is not None else None))
    signature = _signature(row, plan, bank, outcome) if bank is not None else None
    if not run.ok:
        outcome.reason = "；".join(run.errors) or tr("batch.not_checked")
        outcome.run = slim_run(run)
        outcome.seconds = time.perf_counter() - started
        return outcome, signature
    outcome.items = len(bank) if bank is not None else 0
    outcome.levels = row.levels or tuple(run.report.levels)
    missing = [level for level in row.levels if level not in run.report.levels]
    if missing:
        from qbaudit.analysis.vocabulary import level_name

        outcome.warnings.append(tr("batch.level_not_in_bank", levels="、".join(level_name(lv) for lv in missing)))
    if plan.documents:
        outcome.documents = write_row_documents(row, plan, run, outcome.occupation)
    outcome.run = slim_run(run)
    outcome.seconds = time.perf_counter() - started
    return outcome, signature


def _signature(row: BatchRow, plan: BatchPlan, bank: Any, outcome: RowOutcome) -> Any:
    """The bank's signature for the cross-institution duplicates, made here where the bank was read."""
    from qbaudit.batch import crossdup

    return crossdup.bank_signature(bank, institution=row.institution_key, profile=plan.profile)


def slim_run(run: AuditRun) -> AuditRun:
    """``run`` without the imported data (the bank's items stay where they were read): the fingerprints, the row
    accounts, the errors and the findings the record keeps."""
    from qbaudit.analysis.importers.outcome import ImportResult
    from qbaudit.analysis.run import AuditRun

    imports = {kind: ImportResult(data=None, error=result.error, issues=result.issues, mapping=result.mapping,
                                  inputs=result.inputs, rows_taken=result.rows_taken)
               for kind, result in run.imports.items()}
    return AuditRun(profile=run.profile, as_of=run.as_of, imports=imports, report=run.report)


def write_row_documents(row: BatchRow, plan: BatchPlan, run: AuditRun, occupation: str | None) -> tuple[Path, ...]:
    """The row's quick report (.docx) and problem list (.xlsx) in its folder, each written whole or not at all."""
    from qbaudit.report import report_from_run, write_document

    names = batch_settings()["documents"]
    folder = row_folder(row, plan, occupation)
    folder.mkdir(parents=True, exist_ok=True)
    data = report_from_run(run, sheet=plan.sheet, institution=row.institution, registration_number=row.registration)
    written = []
    for kind, name in (("report", names["report"]), ("problems", names["problems"])):
        write_document(kind, data, folder / name)  # whole or not at all (qbaudit.atomic)
        written.append(folder / name)
    return tuple(written)


# --- the driver's half: the audit record -------------------------------------------------------------------------


def row_inspectors(row: BatchRow, plan: BatchPlan) -> list[Any]:
    """The row's inspectors, else the batch's, as the store takes them."""
    from qbaudit.store import InspectorInput

    return [InspectorInput(p.name, p.role, p.card_code) for p in (row.inspectors or plan.inspectors)]


def find_row_audit(store: Any, plan: BatchPlan, row: BatchRow, occupation: str | None) -> tuple[int, str | None] | None:
    """The audit an earlier run of this batch opened for the row (same institution and occupation), with the
    fingerprint its run was recorded with (None: opened, no run recorded yet)."""
    from qbaudit.store.batches import batch_audits

    wanted = occupation or row.occupation
    found = []
    for audit in batch_audits(store, plan.name):
        same_place = (audit.registration == row.registration if row.registration
                      else audit.registration is None and audit.institution == row.institution)
        if same_place and (wanted is None or audit.occupation == wanted):
            found.append((audit.id, audit.key))
    # a row that names no occupation is its institution's one row (the bank named the occupation)
    return found[0] if len(found) == 1 or (found and wanted is not None) else None


def record_row(store: Any, plan: BatchPlan, row: BatchRow, outcome: RowOutcome) -> tuple[int, list[Any]]:
    """Record an audited row on the driver: its audit (opened now, or the one an earlier run opened), the run with
    the row's fingerprint, and where its inputs are. Returns the audit's id and what the institution's history
    says about it (:func:`~qbaudit.store.history.history_warnings`). Raises StoreError when the record refuses."""
    from qbaudit.store import BatchMark, SupervisionFacts
    from qbaudit.store.history import history_warnings

    assert outcome.run is not None and outcome.status == "audited"
    occupation = outcome.occupation or row.occupation
    people = row_inspectors(row, plan)
    if not people:
        from qbaudit.store import StoreError

        raise StoreError(tr("batch.no_inspectors"))
    found = find_row_audit(store, plan, row, occupation)
    warnings = history_warnings(store, institution=row.institution, registration_number=row.registration,
                                supervisors=[(p.name, p.card_code) for p in people], sheet=plan.sheet,
                                date=plan.date, exclude=found[0] if found else None)
    if found is None:
        audit_id = store.create_audit(
            institution=row.institution, registration_number=row.registration, occupation=occupation or "",
            levels=list(outcome.levels), inspectors=people, sheet=plan.sheet,
            facts=SupervisionFacts(kind="special", date=plan.date), batch=BatchMark(plan.name, plan.date))
    else:
        audit_id = found[0]
    from qbaudit.analysis.inputs import ImportOptions
    from qbaudit.operations import Source, record_check, take_input

    record_check(store, audit_id, outcome.run, people[0].name, batch_key=outcome.key)
    for kind in INPUT_KINDS:
        if kind in row.inputs and kind in outcome.run.imports:
            source = Source(tuple(Path(p) for p in row.inputs[kind]),
                            _import_options(row) if kind == "bank" else ImportOptions())
            take_input(store, audit_id, kind, source, outcome.run.imports[kind])
    return audit_id, warnings

