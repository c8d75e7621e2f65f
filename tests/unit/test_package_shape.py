"""The joins between the parts: the doors do not import each other, and every failure a user reads derives
from the one error base."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import qbaudit
from qbaudit.errors import QbauditError

PACKAGE = Path(qbaudit.__file__).parent

# Exceptions defined in qbaudit that are not failures a user reads, each with the reason.
CONTROL_FLOW = {
    "qbaudit.analysis.progress.Cancelled": "the user asked to stop: every door handles it as a cancel, not an error",
}


def test_importing_the_command_line_imports_no_window_module():
    code = ("import sys, qbaudit.cli, qbaudit.cli.main, qbaudit.cli.audit, qbaudit.cli.report, qbaudit.plumbing\n"
            "print(sorted(m for m in sys.modules if m.startswith('qbaudit.views') or m.startswith('PySide6')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent)
    assert done.stdout.strip() == "[]"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_window_module_imports_the_command_line():
    offenders = {str(path.relative_to(PACKAGE)): sorted(n for n in _imports(path)
                                                        if n == "qbaudit.cli" or n.startswith("qbaudit.cli."))
                 for path in (PACKAGE / "views").rglob("*.py")}
    assert {path: names for path, names in offenders.items() if names} == {}
    assert "qbaudit.cli" in _imports(PACKAGE / "__main__.py")  # the walk sees such an import where there is one


def test_each_layer_imports_only_the_layers_below_it():
    doors = ("qbaudit.cli", "qbaudit.views", "qbaudit.batch", "qbaudit.workbench", "PySide6")
    above = {"analysis": (*doors, "qbaudit.operations", "qbaudit.store", "qbaudit.report"),
             "store": (*doors, "qbaudit.operations", "qbaudit.report"),
             "report": (*doors, "qbaudit.operations"),
             "operations": doors}
    for layer, forbidden in above.items():
        for path in (PACKAGE / layer).rglob("*.py"):
            found = sorted(n for n in _imports(path) if n.startswith(forbidden))
            assert not found, (path, found)


def _exception_classes() -> dict[str, type[BaseException]]:
    found = {}
    for module in pkgutil.walk_packages([str(PACKAGE)], prefix="qbaudit."):
        if module.name.startswith(("qbaudit.views", "qbaudit.store.migrations", "qbaudit.__main__")):
            continue  # the window's modules (checked below by source), Alembic's scripts, the program itself
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if (inspect.isclass(value) and issubclass(value, BaseException)
                    and value.__module__ == module.name):
                found[f"{module.name}.{name}"] = value
    return found


def test_every_error_a_user_reads_derives_from_the_one_base():
    classes = _exception_classes()
    assert "qbaudit.store.database.StoreError" in classes and "qbaudit.analysis.progress.BudgetExceeded" in classes
    outside = sorted(name for name, cls in classes.items() if not issubclass(cls, QbauditError))
    assert outside == sorted(CONTROL_FLOW)
    assert len(classes) >= 15


def test_the_window_defines_no_error_outside_the_tree():
    for path in (PACKAGE / "views").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b) for b in node.bases}
                assert not bases & {"Exception", "ValueError", "RuntimeError", "BaseException"}, (path, node.name)
