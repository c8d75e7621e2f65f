"""Race the audit record as unlucky users would: decisions against a signature on one audit, and kills
during the first open of a new store. Prints the figures; exits 1 when any round went wrong.

    python scripts/race_store.py                       # 50 rounds on SQLite, 40 kills during the first open
    python scripts/race_store.py --postgres URL        # the same on PostgreSQL too (URL of a server whose
                                                       # user may create databases; QBAUDIT_TEST_POSTGRES_URL
                                                       # is taken when set)
    python scripts/race_store.py --rounds 50 --kills 40 --racers processes|threads|cli

Sign against decide: each round opens an audit on the 16-line daily review sheet, decides every line,
then starts three racers at the same moment, each with its own engine: one signs, two change a
decision (``processes``: worker processes started once; ``threads``: threads; ``cli``: the real
``qbaudit audit sign`` and ``qbaudit audit score --line`` commands). A round is right when the
signature and both decisions succeed or fail with a message of the store in Chinese (never a
constraint error or an internal error), every decision is found in the revision it reports, and
every signed revision's content fingerprint equals the one recorded at signing.

Kills during the first open: a child process opens a fresh store and is killed with SIGKILL either
just before a random statement of the schema's creation (the child waits before each statement, so
the kill lands exactly there) or after a random time. Right when the store was left empty or
complete (never half-built) and opens afterwards with exactly the models' schema.

The test suite runs a few rounds of both (tests/unit/test_store_races.py).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHEET = "shandong-daily-review-2022"  # 16 lines judged 是/否, no points: quick to decide
LEADER, MEMBER = ("张建国", "组长"), ("李秀英", "组员")
# What must never reach a user: the driver's words for a constraint or a lock, or Python's.
RAW = re.compile(r"UNIQUE|constraint|IntegrityError|duplicate key|OperationalError|Traceback|sqlite3|psycopg|"
                 r"database is locked|could not serialize|deadlock", re.IGNORECASE)
# The racers: one signature and two decisions changing 是 to 否 on two lines.
RACERS = (("sign", None), ("decide", "3"), ("decide", "7"))


# --- one racer's operation ------------------------------------------------------------------------

def _operate(store: Any, audit_id: int, action: str, line: str | None) -> tuple[str, Any]:
    """Run one racer's operation on ``store``: ``("ok", result)``, ``("refused", message)`` for a
    StoreError, ``("internal", text)`` for anything else."""
    from qbaudit.store import StoreError

    try:
        if action == "sign":
            info = store.sign(audit_id, by=LEADER[0])
            return "ok", (info.number, info.signed_sha256)
        number = store.decide(audit_id, line, "否", None, f"复核：第 {line} 行改判", by=MEMBER[0])
        return "ok", number
    except StoreError as exc:
        return "refused", str(exc)
    except Exception as exc:  # noqa: BLE001 - an internal error is a finding of this script
        return "internal", f"{type(exc).__name__}: {exc}"


def _cli(url: str, audit_id: int, action: str, line: str | None, go: float) -> tuple[str, Any]:
    """The racer as the real command line: ``qbaudit audit sign`` or ``qbaudit audit score --line``."""
    base = [sys.executable, "-m", "qbaudit", "audit"]
    if action == "sign":
        argv = [*base, "sign", str(audit_id), "--by", LEADER[0], "--database", url]
    else:
        argv = [*base, "score", str(audit_id), "--line", line, "--verdict", "否", "--reason", f"复核：第 {line} 行改判",
                "--by", MEMBER[0], "--database", url]
    time.sleep(max(0.0, go - time.monotonic()))
    done = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False,
                          env={**os.environ, "QBAUDIT_LANG": "zh_CN"})
    if done.returncode == 0:
        return "ok", done.stdout
    if done.returncode == 3:
        return "refused", done.stdout + done.stderr
    return "internal", f"exit {done.returncode}: {done.stdout}{done.stderr}"


def _worker(url: str, tasks: Any, results: Any, barrier: Any) -> None:
    """A racer process: opens its own store once, then runs one operation per round at the barrier."""
    from qbaudit.store import AuditStore

    with AuditStore(url) as store:
        while True:
            task = tasks.get()
            if task is None:
                return
            audit_id, action, line = task
            barrier.wait()
            results.put((action, line, _operate(store, audit_id, action, line)))


class _Racers:
    """Three racers, each with its own engine, started together once per round."""

    def __init__(self, url: str, kind: str) -> None:
        self.url, self.kind = url, kind
        self._stores: list[Any] = []
        self._processes: list[Any] = []
        if kind == "threads":
            from qbaudit.store import AuditStore

            self._stores = [AuditStore(url) for _ in RACERS]
        elif kind == "processes":
            context = multiprocessing.get_context("spawn")
            self._barrier = context.Barrier(len(RACERS))
            self._results = context.Queue()
            self._tasks = [context.Queue() for _ in RACERS]
            self._processes = [context.Process(target=_worker, args=(url, q, self._results, self._barrier), daemon=True)
                               for q in self._tasks]
            for process in self._processes:
                process.start()

    def race(self, audit_id: int) -> list[tuple[str, str | None, tuple[str, Any]]]:
        if self.kind == "processes":
            for queue, (action, line) in zip(self._tasks, RACERS, strict=True):
                queue.put((audit_id, action, line))
            return [self._results.get(timeout=300) for _ in RACERS]
        outcomes: list[Any] = [None] * len(RACERS)
        barrier = threading.Barrier(len(RACERS))
        go = time.monotonic() + 0.3

        def run(index: int) -> None:
            action, line = RACERS[index]
            if self.kind == "cli":
                outcomes[index] = (action, line, _cli(self.url, audit_id, action, line, go))
            else:
                barrier.wait()
                outcomes[index] = (action, line, _operate(self._stores[index], audit_id, action, line))

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(RACERS))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return outcomes

    def close(self) -> None:
        for store in self._stores:
            store.close()
        for queue in getattr(self, "_tasks", []):
            queue.put(None)
        for process in self._processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()


@dataclass
class RaceFigures:
    """What the sign-against-decide rounds came to."""

    backend: str
    rounds: int = 0
    wrong: list[str] = field(default_factory=list)  # one line per round that went wrong
    outcomes: Counter = field(default_factory=Counter)  # "decision before the signature" / "after" / "refused"
    signed_revisions: int = 0
    fingerprints_equal: int = 0

    def row(self) -> str:
        return (f"{self.backend:<11} {self.rounds:>6} {self.signed_revisions:>8} {self.fingerprints_equal:>12} "
                f"{self.outcomes['before']:>8} {self.outcomes['after']:>7} {self.outcomes['refused']:>8} "
                f"{len(self.wrong):>6}")


def race_sign_against_decide(url: str, rounds: int, racers: str = "processes", backend: str = "",
                             progress: Callable[[int], None] | None = None) -> RaceFigures:
    """``rounds`` rounds of one signature against two decisions on a fresh audit each."""
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.store import AuditStore, InspectorInput

    figures = RaceFigures(backend or url.split(":", 1)[0])
    sheet = load_sheet(SHEET)
    pool = _Racers(url, racers)
    try:
        with AuditStore(url) as store:
            for index in range(rounds):
                audit_id = store.create_audit(
                    institution=f"竞争测试机构{index}", registration_number=None, occupation="焊工", levels=[4],
                    inspectors=[InspectorInput(*LEADER), InspectorInput(*MEMBER)], sheet=sheet)
                for line in sheet.lines:
                    store.decide(audit_id, line.id, "是", None, "", by=LEADER[0])
                if sheet.layout.assessment:  # the form asks for an overall assessment before signing
                    store.set_assessment(audit_id, "督导过程规范。", by=LEADER[0])
                outcomes = pool.race(audit_id)
                figures.rounds += 1
                _judge(store, audit_id, outcomes, figures, index, racers)
                if progress:
                    progress(index + 1)
    finally:
        pool.close()
    return figures


def _judge(store: Any, audit_id: int, outcomes: list, figures: RaceFigures, index: int, racers: str) -> None:
    problems = []
    signed: tuple[int, str] | None = None
    for action, line, (kind, value) in outcomes:
        if kind == "internal" or (kind == "refused" and RAW.search(value)):
            problems.append(f"{action} {line or ''}: {value.strip()[:300]}")
        elif kind == "refused":
            figures.outcomes["refused"] += 1
        elif action == "sign" and racers != "cli":
            signed = value
    revisions = store.revisions(audit_id)
    for revision in revisions:
        if not revision.signed:
            continue
        figures.signed_revisions += 1
        view = store.load(audit_id, revision.number)
        if view.content_sha256 == revision.signed_sha256:
            figures.fingerprints_equal += 1
        else:
            problems.append(f"revision {revision.number}: fingerprint {view.content_sha256[:12]} ≠ signed "
                            f"{revision.signed_sha256[:12]}")
    if signed is not None:
        stored = next((r for r in revisions if r.number == signed[0]), None)
        if stored is None or stored.signed_sha256 != signed[1]:
            problems.append(f"revision {signed[0]}: the fingerprint returned at signing is not the one stored")
    signed_numbers = {r.number for r in revisions if r.signed}
    for action, line, (kind, _value) in outcomes:
        if action != "decide" or kind != "ok":
            continue
        landed = [r.number for r in revisions
                  if _decision(store, audit_id, r.number, line) == "no"]
        if not landed:
            problems.append(f"decide {line}: reported done but found in no revision")
            continue
        figures.outcomes["before" if landed[0] in signed_numbers else "after"] += 1
    if problems:
        figures.wrong.append(f"round {index + 1}, audit {audit_id}: " + "; ".join(problems))


def _decision(store: Any, audit_id: int, number: int, line: str) -> str | None:
    view = store.load(audit_id, number)
    row = next(r for r in view.result.lines if r.line.id == line)
    return row.decision.verdict.value if row.decision else None


# --- kills during the first open -----------------------------------------------------------------------

CHILD = r"""
import sys
url, mode = sys.argv[1], sys.argv[2]
from sqlalchemy import event
import qbaudit.store.database as database
from qbaudit.store import AuditStore
made = database.make_engine
count = 0
def instrumented(url):
    engine = made(url)
    def before(*_args):
        global count
        count += 1
        print(count, flush=True)
        if mode == "step":
            sys.stdin.readline()
    event.listen(engine, "before_cursor_execute", before)
    return engine
if mode != "time":
    database.make_engine = instrumented
    import qbaudit.store.audits
    qbaudit.store.audits.make_engine = instrumented
print("ready", flush=True)
AuditStore(url).close()
print("done", count, flush=True)
"""


@dataclass
class KillFigures:
    """What the kills during the first open came to."""

    backend: str
    kills: int = 0
    left_empty: int = 0
    left_complete: int = 0
    opened_after: int = 0
    statements: int = 0  # statements of an uninterrupted first open
    wrong: list[str] = field(default_factory=list)

    def row(self) -> str:
        return (f"{self.backend:<11} {self.kills:>6} {self.statements:>11} {self.left_empty:>7} "
                f"{self.left_complete:>9} {self.opened_after:>7} {len(self.wrong):>6}")


def _child(url: str, mode: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, url, mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _state(url: str) -> str:
    """"empty", "complete" or what is wrong with the store, read without migrating it."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from qbaudit.store.database import _alembic_config, make_engine
    from qbaudit.store.models import Base

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if not tables:
                return "empty"
            head = ScriptDirectory.from_config(_alembic_config(connection)).get_current_head()
            current = MigrationContext.configure(connection).get_current_revision() if "alembic_version" in tables \
                else None
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            if current == head and not compare_metadata(context, Base.metadata):
                return "complete"
            return f"half-built: version {current}, tables {sorted(tables)}"
    finally:
        engine.dispose()


def _opens(url: str) -> str | None:
    """None when the store opens, takes an audit and has exactly the models' schema; else what failed."""
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.store import AuditStore, InspectorInput, StoreError

    try:
        with AuditStore(url) as store:
            audit_id = store.create_audit(institution="某中心", registration_number=None, occupation="焊工", levels=[4],
                                          inspectors=[InspectorInput(*LEADER)], sheet=load_sheet(SHEET))
            store.load(audit_id)
    except StoreError as exc:
        return str(exc)
    return None if _state(url) == "complete" else _state(url)


def count_statements(url: str) -> tuple[int, float]:
    """Statements of an uninterrupted first open of the fresh store at ``url``, and its seconds (from the
    child's imports done to the store open)."""
    child = _child(url, "count")
    ready = child.stdout.readline().strip()
    started = time.monotonic()
    out, err = child.communicate(timeout=300)
    duration = time.monotonic() - started
    done = [line for line in out.splitlines() if line.startswith("done ")]
    if ready != "ready" or child.returncode != 0 or not done:
        raise RuntimeError(f"the first open failed: {err.strip()[-500:]}")
    return int(done[0].split()[1]), duration


def kill_during_first_open(fresh_url: Callable[[], Any], kills: int, seed: int = 12, backend: str = "",
                           progress: Callable[[int], None] | None = None) -> KillFigures:
    """``kills`` kills of a child opening a fresh store (from the context manager ``fresh_url``): every
    other one just before a random statement, the others after a random time up to an uninterrupted
    open's duration."""
    chooser = random.Random(seed)
    figures = KillFigures(backend)
    with fresh_url() as url:
        figures.statements, duration = count_statements(url)
    for index in range(kills):
        with fresh_url() as url:
            child = _child(url, "step" if index % 2 == 0 else "time")
            if index % 2 == 0:
                stop_at = chooser.randint(1, figures.statements)
                where = f"before statement {stop_at}"
                for line in child.stdout:
                    if line.strip() == str(stop_at):
                        break
                    if line.strip().isdigit():
                        child.stdin.write("\n")
                        child.stdin.flush()
            else:
                if child.stdout.readline().strip() != "ready":
                    figures.wrong.append(f"kill {index + 1}: the child did not start: {child.stderr.read()[-300:]}")
                    continue
                delay = chooser.uniform(0, duration)
                where = f"after {delay * 1000:.0f} ms"
                time.sleep(delay)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=60)
            for stream in (child.stdin, child.stdout, child.stderr):
                stream.close()
            figures.kills += 1
            state = _state(url)
            if state == "empty":
                figures.left_empty += 1
            elif state == "complete":
                figures.left_complete += 1
            else:
                figures.wrong.append(f"kill {index + 1} ({where}): {state}")
            failure = _opens(url)
            if failure is None:
                figures.opened_after += 1
            else:
                figures.wrong.append(f"kill {index + 1} ({where}): does not open: {failure}")
        if progress:
            progress(index + 1)
    return figures


# --- where the stores live ------------------------------------------------------------------------------

@contextmanager
def sqlite_store(folder: Path) -> Iterator[str]:
    """A fresh SQLite file in ``folder``."""
    yield f"sqlite:///{folder / f'audits-{uuid.uuid4().hex[:8]}.sqlite3'}"


@contextmanager
def postgres_store(admin_url: str) -> Iterator[str]:
    """A fresh database on the PostgreSQL server of ``admin_url``; dropped afterwards."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from qbaudit.store.database import normalise_url

    admin_url = normalise_url(admin_url)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"qbaudit_race_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=50, help="sign-against-decide rounds per backend")
    parser.add_argument("--kills", type=int, default=40, help="kills during the first open per backend")
    parser.add_argument("--racers", choices=("processes", "threads", "cli"), default="processes")
    parser.add_argument("--postgres", default=os.environ.get("QBAUDIT_TEST_POSTGRES_URL"),
                        help="a PostgreSQL server URL (default QBAUDIT_TEST_POSTGRES_URL); SQLite only without")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    def tick(label: str) -> Callable[[int], None]:
        return lambda done: print(f"\r  {label} {done}", end="", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="qbaudit-race-") as folder:
        backends: list[tuple[str, Callable[[], Any]]] = [("sqlite", lambda: sqlite_store(Path(folder)))]
        if args.postgres:
            backends.append(("postgresql", lambda: postgres_store(args.postgres)))
        races, kills = [], []
        for name, fresh in backends:
            started = time.monotonic()
            with fresh() as url:
                races.append(race_sign_against_decide(url, args.rounds, args.racers, name, tick(f"{name} rounds")))
            print(f"\r  {name}: {args.rounds} rounds in {time.monotonic() - started:.0f} s", file=sys.stderr)
            started = time.monotonic()
            kills.append(kill_during_first_open(fresh, args.kills, args.seed, name, tick(f"{name} kills")))
            print(f"\r  {name}: {args.kills} kills in {time.monotonic() - started:.0f} s", file=sys.stderr)
    print(f"\nSign against decide ({args.racers}: 1 signature + 2 decisions per round, each racer its own engine)")
    print(f"{'backend':<11} {'rounds':>6} {'signed':>8} {'fingerprint=':>12} {'before':>8} {'after':>7} "
          f"{'refused':>8} {'wrong':>6}")
    for figures in races:
        print(figures.row())
    print("  signed: signed revisions; fingerprint=: of them, content fingerprint equal to the one recorded at "
          "signing;\n  before/after: decisions that went into the signed revision before the signature / into the "
          "next one after it")
    print("\nKill -9 during the first open (half before a random statement, half after a random time)")
    print(f"{'backend':<11} {'kills':>6} {'statements':>11} {'empty':>7} {'complete':>9} {'opened':>7} {'wrong':>6}")
    for kill in kills:
        print(kill.row())
    wrong = [line for figures in (*races, *kills) for line in figures.wrong]
    for line in wrong:
        print("  WRONG", line)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
