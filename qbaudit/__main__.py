"""``python -m qbaudit``: the command line."""

import sys

from qbaudit.cli import main

sys.exit(main())
