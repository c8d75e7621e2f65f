"""The bundled sample banks as an audit: what the window's “示例审核” and the README's first command open.

The samples live in ``sample_banks/`` beside the package (an editable install, as ``./dev`` makes) or in
the folder named by ``QBAUDIT_SAMPLES``. Each has a manifest of its planted defects.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from qbaudit.analysis.progress import NullState, TaskState, checkpoint
from qbaudit.i18n import tr

ENV_SAMPLES = "QBAUDIT_SAMPLES"
INSTITUTION = "某市职业技能等级认定中心（示例）"
REGISTRATION = "S370100123"
INSPECTORS = (("张建国", "组长", "R3725A012"), ("李秀英", "组员", None))


def samples_folder() -> Path | None:
    """The folder holding the sample banks, or None when this installation has none."""
    named = os.environ.get(ENV_SAMPLES)
    candidates = [Path(named)] if named else []
    candidates.append(Path(__file__).resolve().parents[1] / "sample_banks")
    return next((c for c in candidates if (c / "defective" / "manifest.json").is_file()), None)


def manifest(name: str = "defective") -> dict[str, Any]:
    """The manifest of sample ``name`` (``defective`` or ``compliant``)."""
    folder = samples_folder()
    if folder is None:
        raise FileNotFoundError(tr("samples.missing"))
    return json.loads((folder / name / "manifest.json").read_text(encoding="utf-8"))


def sample_sources(name: str = "defective") -> list[tuple[str, list[Path]]]:
    """The inputs of a sample as ``(kind, paths)``, in the order the wizard takes them."""
    folder = samples_folder()
    if folder is None:
        raise FileNotFoundError(tr("samples.missing"))
    files = manifest(name)["files"]
    order = ("bank", "blueprint", "standard", "plan", "papers")
    out = []
    for kind in order:
        if kind in files:
            names = files[kind] if isinstance(files[kind], list) else [files[kind]]
            out.append((kind, [folder / name / n for n in names]))
    return out


def sample_institution(name: str = "defective") -> str:
    """The institution an audit of sample ``name`` is opened for (one per sample, so each is found again)."""
    return INSTITUTION if name == "defective" else f"{INSTITUTION[:-1]}，{name}）"


def find_sample_audit(store: Any, name: str = "defective") -> int | None:
    """The id of an unsigned audit of sample ``name`` already in ``store``, if any."""
    for summary in store.list_audits():
        if summary.institution == sample_institution(name) and not summary.signed:
            return summary.id
    return None


def open_sample_audit(store: Any, name: str = "defective", state: TaskState | None = None,
                      reuse: bool = True) -> Any:
    """Open (or create) an audit of sample ``name`` in ``store``, import its files and run the checks.

    Returns the :class:`~qbaudit.workbench.Workbench`, checked, its decisions left to the inspector.
    """
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.store import InspectorInput
    from qbaudit.workbench import Workbench

    state = state or NullState()
    info = manifest(name)
    as_of = dt.date.fromisoformat(info["as_of"])
    audit_id = find_sample_audit(store, name) if reuse else None
    if audit_id is None:
        audit_id = store.create_audit(institution=sample_institution(name), registration_number=None, occupation=info["occupation"],
                                      levels=list(info["levels"]),
                                      inspectors=[InspectorInput(*p) for p in INSPECTORS], sheet=load_sheet(),
                                      keep_item_text=True)
    bench = Workbench(store, audit_id, profile=info.get("profile"), as_of=as_of)
    sources = sample_sources(name)
    for index, (kind, paths) in enumerate(sources):
        checkpoint(state, 0.6 * index / len(sources), tr("inputs.reading", kind=tr(f"inputs.kind_{kind}")))
        result = bench.read(kind, paths)
        bench.accept(kind, paths, None, result)

    class _Rest:
        def set_progress(self, fraction: float, text: str = "") -> None:
            state.set_progress(0.6 + 0.4 * fraction, text)

        def is_cancelled(self) -> bool:
            return state.is_cancelled()

    bench.check(_Rest())
    return bench
