"""The operations every door calls — the command line, the window (through its Workbench) and the batch.

Like Anki's ``CollectionOp``: each user action is one function over the audit's store (or over the inputs,
for a check without a record), Qt-free, that reports progress through a
:class:`~qbaudit.analysis.progress.TaskState`, stops with :class:`~qbaudit.analysis.progress.Cancelled` when
asked, raises a :class:`~qbaudit.errors.QbauditError` for what it refuses, and returns
:class:`Changes` — what it changed, so that each view refreshes what it shows of that.

    inputs.py   read an input; take it into an audit; forget it          (one implementation of importing)
    check.py    run the checks; on files; record a run; score from files (one implementation of checking)
    sheet.py    decide a line, a veto, the 总体评价, the notice; dismiss a pair; can-sign; sign
    export.py   write the documents of an audit and record them
"""

from qbaudit.operations.changes import Changes, Source
from qbaudit.operations.check import (
    check_audit,
    check_files,
    file_sources,
    record_check,
    run_audit,
    run_checks,
    score_from_files,
)
from qbaudit.operations.export import ExportError, export_documents, export_refusal, write_documents
from qbaudit.operations.inputs import InputError, forget_input, read_input, read_inputs, take_input

__all__ = [
    "Changes", "ExportError", "InputError", "Source", "check_audit", "check_files", "export_documents",
    "export_refusal", "file_sources", "forget_input", "read_input", "read_inputs", "record_check", "run_audit", "run_checks",
    "score_from_files", "take_input", "write_documents",
]
