"""What an operation changed (Anki's ``OpChanges``), and where an input comes from."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from qbaudit.analysis.inputs import ImportOptions


@dataclass(frozen=True)
class Source:
    """Where an input comes from and how it is read."""

    paths: tuple[Path, ...]
    options: ImportOptions = field(default_factory=ImportOptions)


@dataclass(frozen=True)
class Changes:
    """What an operation changed (Anki's ``OpChanges``); each view refreshes what it shows of it.

    Attributes:
        inputs: inputs taken, dropped or read again (the bank browser, the inputs' table).
        run: a check run recorded (findings, the sheet's suggestions, the charts).
        decision: a line, a veto item or the 总体评价 of the sheet (a new revision may have opened).
        signed: a revision was signed.
        export: a document was written and recorded.
        info: the acting inspector, the rule profile or date of the next check, or the notice's grounds.
        dismissal: a similar pair was dismissed or counts again (from the next check).
        result: what the operation gives back besides (the run, how many lines were taken, the signed revision,
            the export's outcomes, the inputs that could not be read again).
    """

    inputs: bool = False
    run: bool = False
    decision: bool = False
    signed: bool = False
    export: bool = False
    info: bool = False
    dismissal: bool = False
    result: Any = field(default=None, compare=False)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The names of what changed (``("decision", "signed")``)."""
        return tuple(f.name for f in fields(self) if f.name != "result" and getattr(self, f.name))

    def touches(self, *kinds: str) -> bool:
        """True when any of ``kinds`` changed."""
        return any(getattr(self, kind) for kind in kinds)

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def __or__(self, other: Changes) -> Changes:
        both = {kind: True for kind in (*self.kinds, *other.kinds)}
        return Changes(**both, result=other.result if other.result is not None else self.result)
