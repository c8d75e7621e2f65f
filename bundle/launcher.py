"""The frozen application's entry point: ``qbaudit-gui`` opens the window, ``qbaudit`` is the command line.

Both executables of the bundle run this one script (PyInstaller builds two launchers over the same
code); which one was started decides what it does.
"""

import sys
from pathlib import Path


def main() -> int:
    if Path(sys.executable).stem.lower().endswith("-gui"):
        from qbaudit.views.app import main as run
    else:
        from qbaudit.cli import main as run
    return run()


if __name__ == "__main__":
    sys.exit(main())
