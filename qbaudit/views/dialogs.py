"""Small dialogs every page uses: errors that say what to do, and the About box."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from qbaudit import __version__
from qbaudit.i18n import tr


def log_path() -> str:
    """Where the window's log file is (shown in error details)."""
    from qbaudit.views.app import LOG_PATH

    return str(LOG_PATH) if LOG_PATH else tr("gui.no_log")


def show_error(parent: QWidget | None, message: str, details: str = "") -> QMessageBox:
    """A Chinese error dialog: the message says what happened and what to do; the technical details and
    the log file are in the expandable part. Returns the dialog (shown, not blocking: tests read it)."""
    box = QMessageBox(QMessageBox.Icon.Warning, tr("gui.error_title"), message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    extra = tr("gui.error_details", log=log_path())
    box.setDetailedText(f"{details}\n\n{extra}" if details else extra)
    box.open()
    return box


def show_about(parent: QWidget | None) -> QMessageBox:
    """The About box: what the program is, its version, the regulations it follows, confidentiality."""
    box = QMessageBox(parent)
    box.setObjectName("aboutDialog")
    box.setWindowTitle(tr("gui.about_title"))
    box.setIcon(QMessageBox.Icon.Information)
    box.setText(tr("gui.about_text", version=__version__))
    box.setInformativeText(tr("gui.about_more"))
    box.open()
    return box
