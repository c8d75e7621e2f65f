"""The command line: a thin door onto :mod:`qbaudit.operations` (``qbaudit check|audit|report|…``).

    main.py     the parser, ``check``, ``profiles``, ``templates``, ``gui`` and :func:`main` (the entry point)
    audit.py    ``qbaudit audit new|list|show|score|notice|dismiss|sign``
    show.py     how an audit's record is printed (``audit show``, after ``audit score``)
    report.py   ``qbaudit report`` and the document options of ``check``
    inputs.py   the input arguments ``check`` and ``audit score`` share
    output.py   how a check run is printed
    common.py   what the commands share (the store, a refusal in red)

Nothing here is imported by the window (``qbaudit.views``); both doors share :mod:`qbaudit.plumbing`.
"""

from qbaudit.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
