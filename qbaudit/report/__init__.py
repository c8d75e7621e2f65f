"""The documents that leave the inspector's desk: the Word report, the problem list, the rectification
notice and the findings export, with their charts. No Qt here; matplotlib is imported only when a
chart is drawn.

Both paths fill one model, :class:`ReportData` — a stored audit through :func:`report_from_view`, a
one-shot check through :func:`report_from_run` — and every document is rendered from it.
"""

from qbaudit.analysis.progress import NullState, TaskState, checkpoint
from qbaudit.report.export import write_findings_export
from qbaudit.report.model import ReportData, ReportKind, ReportOutcome, report_from_run, report_from_view
from qbaudit.report.notice import notice_refusal, write_notice
from qbaudit.report.problems import Problem, problems_of, write_problem_list
from qbaudit.report.word import write_report

DOCUMENTS = ("report", "problems", "notice", "findings")


def document_refusal(kind: str, data: ReportData) -> str | None:
    """Why document ``kind`` cannot be written from ``data`` (None when it can): a notice only where
    :func:`notice_refusal` allows; a findings export only where checks inform the sheet."""
    if kind == "notice":
        return notice_refusal(data)
    if kind == "findings":
        from qbaudit.analysis.sheets import uses_checks
        from qbaudit.i18n import tr

        return None if uses_checks(data.sheet) else tr("report.no_findings_export")
    return None


def write_document(kind: str, data: ReportData, path, *, authority: str | None = None,
                   state: TaskState | None = None) -> ReportOutcome:
    """Write one document of ``kind`` (see :data:`DOCUMENTS`) from ``data``; raises OSError when the file
    cannot be written. Whether it applies (:func:`document_refusal`) is for the caller to check first.

    The file is written whole or not at all (:mod:`qbaudit.atomic`); ``state`` takes the progress of the
    Word report's parts, and may stop it (:class:`~qbaudit.analysis.progress.Cancelled`) before it is written.
    """
    checkpoint(state or NullState(), 0.0, "")
    if kind == "report":
        return write_report(data, path, state=state)
    if kind == "problems":
        return write_problem_list(data, path)
    if kind == "findings":
        return write_findings_export(data, path)
    if kind == "notice":
        return write_notice(data, path, authority=authority)
    raise ValueError(f"unknown document kind {kind!r}")


__all__ = ["DOCUMENTS", "Problem", "document_refusal", "ReportData", "ReportKind", "ReportOutcome", "notice_refusal", "problems_of", "report_from_run",
           "report_from_view", "write_document", "write_findings_export", "write_notice", "write_problem_list", "write_report"]
