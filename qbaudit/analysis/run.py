"""One audit run as plain data: what was imported, the findings, and how both are written as JSON.

The run is made by the operations every door calls (:mod:`qbaudit.operations.check`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from qbaudit import __version__
from qbaudit.analysis.checks import CheckReport
from qbaudit.analysis.checks.context import excerpt
from qbaudit.analysis.importers import ImportResult
from qbaudit.analysis.model import Evidence, Finding, InputFile, ThresholdUse
from qbaudit.analysis.profile import Profile, Setting, Waiver
from qbaudit.analysis.rules import rule
from qbaudit.analysis.vocabulary import level_name


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
        "columns": [{"key": key, "label": label, "kind": kind.value}
                    for (key, label), kind in zip(evidence.columns, evidence.kinds, strict=True)],
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
