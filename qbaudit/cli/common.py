"""What the command line's commands share: the store they open, a refusal printed in red, the console."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from qbaudit import plumbing
from qbaudit.plumbing import EXIT_INPUT


def failed(console: Any, message: str) -> int:
    """Print ``message`` (a refusal or an unusable input) in red and return the input-error exit status."""
    from qbaudit.visible import styled

    console.print(styled(message, style="red"), soft_wrap=True)
    return EXIT_INPUT


def open_store(args: argparse.Namespace) -> Any:
    """The audit store ``--database`` names, else the one the window uses (settings, then the default)."""
    from qbaudit.settings import load_settings
    from qbaudit.store import AuditStore

    return AuditStore.open(args.database, load_settings().database_url)


def with_console(run: Callable[[argparse.Namespace, Any], int]) -> Callable[[argparse.Namespace], int]:
    """A command ``run(args, console)`` as an argparse ``func(args)``; its expected failures (any
    :class:`~qbaudit.errors.QbauditError`) reach :func:`qbaudit.cli.main.main`, which shows them."""
    def command(args: argparse.Namespace) -> int:
        return run(args, plumbing.console())

    command.__doc__ = run.__doc__
    return command
