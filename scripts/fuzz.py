"""The long fuzzing run, by hand: mutants of the sample banks and of a small fixture of every format (see
``tests/fuzzing.py``), each imported in a worker process through the one door, some also checked.

    python scripts/fuzz.py --cases 10000 [--workers 2] [--timeout 120] [--check-every 5] [--seed 12] [--save DIR]

For every case it records the answer (imported, refused with a message, stopped by the budget), internal errors
(an exception other than the project's own, a failure the door had to turn into a message, a message not in the
UI language), silent drops (a row of a row-level mutant neither taken nor reported), hangs (no answer within
``--timeout`` seconds: the worker is killed and replaced) and the peak resident memory of the worker process
during the case (sampled every 20 ms, so the whole process — Python, polars, pandas — is counted). It prints the
totals and every defect, saves the defective inputs to ``--save`` (add the fixed ones to
``tests/fixtures/crashes``), and exits 1 when there was any defect.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import queue
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _worker(tasks: mp.Queue, results: mp.Queue, count: int, seed: int, check_every: int) -> None:
    sys.path.insert(0, str(ROOT))
    import psutil

    from tests import fuzzing

    make = fuzzing.cases(count, seed)
    process = psutil.Process()
    with tempfile.TemporaryDirectory(prefix="qbaudit-fuzz-") as folder:
        while True:
            number = tasks.get()
            if number is None:
                return
            results.put(("start", number, time.monotonic(), "?", "(making the case)", process.pid))
            try:
                case = make(number)
            except Exception as exc:  # noqa: BLE001 — a fault of the harness, not of qbaudit: said apart
                results.put(("done", number, "harness", [], [], f"harness: {type(exc).__name__}: {exc}"[:300],
                             0, 0, 0, False, 0.0, 0))
                continue
            results.put(("start", number, time.monotonic(), case.seed, case.mutation, process.pid))
            peak = [process.memory_info().rss]
            running = threading.Event()
            running.set()

            def sample(running: threading.Event = running, peak: list[int] = peak) -> None:
                while running.is_set():
                    peak[0] = max(peak[0], process.memory_info().rss)
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            started = time.perf_counter()
            place = Path(folder) / str(number)
            place.mkdir()
            try:
                verdict = fuzzing.run_case(case, place, check=check_every > 0 and number % check_every == 0)
            finally:
                running.clear()
                sampler.join()
            seconds = time.perf_counter() - started
            for child in place.iterdir():
                child.unlink()
            place.rmdir()
            results.put(("done", number, verdict.outcome, verdict.internal, verdict.dropped[:5], verdict.detail[:300],
                         verdict.rows_in, verdict.rows_taken, verdict.rows_reported, case.rows_checked, seconds,
                         peak[0]))


@dataclass
class _Tally:
    """What the cases answered so far, and the defects found."""

    outcomes: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    defects: list[str] = field(default_factory=list)
    hangs: list[int] = field(default_factory=list)
    internal: int = 0
    dropped: int = 0
    peak: tuple[int, int] = (0, -1)
    slowest: tuple[float, int] = (0.0, -1)
    done: int = 0

    def answer(self, args: argparse.Namespace, message: tuple, running: dict) -> None:
        """Count one case's answer (a worker's ``done`` message)."""
        (_, number, outcome, errors, lost, detail, rows_in, taken, reported, checked, seconds, rss) = message
        seed_name, mutation = running.pop(number, (0.0, "?", "?", 0))[1:3]
        if outcome == "harness":
            self.defects.append(f"case {number}: {detail}")
        self.done += 1
        self.outcomes[outcome] += 1
        if checked:
            self.rows.update({"cases": 1, "in": rows_in, "taken": taken, "reported": reported})
        self.peak = max(self.peak, (rss, number))
        self.slowest = max(self.slowest, (seconds, number))
        if errors or lost:
            self.internal += bool(errors)
            self.dropped += bool(lost)
            self.defects.append(f"case {number}: {seed_name} {mutation[:80]} → {errors or ''} {lost or ''} {detail}")
            _save(args, number)

    def lost(self, args: argparse.Namespace, number: int, seed_name: str, mutation: str, outcome: str,
             what: str) -> None:
        """A case that never answered: its worker died, or it hung."""
        self.defects.append(f"case {number}: {seed_name} {mutation[:80]} → {what}")
        self.done += 1
        self.outcomes[outcome] += 1
        _save(args, number)

    def print(self, args: argparse.Namespace, end: int, elapsed: float) -> None:
        """The totals and every defect."""
        rows = self.rows
        print(f"\nqbaudit fuzzing: {args.cases} cases (numbers {args.start}–{end - 1}, seed {args.seed}), "
              f"{args.workers} workers, {elapsed:.0f} s")
        print(f"  answers:          {dict(self.outcomes)}")
        print(f"  internal errors:  {self.internal}")
        print(f"  hangs (>{args.timeout:g} s): {len(self.hangs)}")
        print(f"  silent drops:     {self.dropped}")
        print(f"  row-level cases:  {rows['cases']}: rows in {rows['in']} = taken {rows['taken']} + reported "
              f"{rows['reported']}" + ("" if rows["in"] == rows["taken"] + rows["reported"] else "  (NOT EQUAL)"))
        print(f"  peak memory of one case (whole worker process): {self.peak[0] / (1 << 20):.0f} MiB (case {self.peak[1]})")
        print(f"  slowest case: {self.slowest[0]:.1f} s (case {self.slowest[1]})")
        for line in self.defects:
            print("  " + line)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--start", type=int, default=0, help="first case number")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds without an answer that count as a hang")
    parser.add_argument("--check-every", type=int, default=5, help="also run the checks on every n-th case (0: never)")
    parser.add_argument("--save", type=Path, help="folder for the inputs of defective cases")
    return parser.parse_args()


def main() -> int:
    """Run the cases and print the totals."""
    args = _arguments()
    sys.path.insert(0, str(ROOT))

    context = mp.get_context("spawn")
    tasks: mp.Queue = context.Queue()
    results: mp.Queue = context.Queue()
    end = args.start + args.cases
    for number in range(args.start, end):
        tasks.put(number)

    def spawn() -> mp.Process:
        process = context.Process(target=_worker, args=(tasks, results, end, args.seed, args.check_every), daemon=True)
        process.start()
        return process

    workers = [spawn() for _ in range(args.workers)]
    running: dict[int, tuple[float, str, str, int]] = {}  # case → (start, seed, mutation, worker pid)
    tally = _Tally()
    began = time.monotonic()
    while tally.done < args.cases:
        try:
            message = results.get(timeout=1.0)
        except queue.Empty:
            message = None
        if message is not None and message[0] == "start":
            running[message[1]] = (message[2], message[3], message[4], message[5])
        elif message is not None:
            tally.answer(args, message, running)
            if tally.done % 500 == 0:
                print(f"… {tally.done} cases, {time.monotonic() - began:.0f} s", flush=True)
        _replace_dead(args, workers, running, tally, spawn)
        _kill_hangs(args, workers, running, tally, spawn)
    for _ in workers:
        tasks.put(None)
    for worker in workers:
        worker.join(timeout=10)
        if worker.is_alive():
            worker.kill()
    tally.print(args, end, time.monotonic() - began)
    return 1 if tally.defects else 0


def _replace_dead(args: argparse.Namespace, workers: list, running: dict, tally: _Tally, spawn: Callable) -> None:
    """A worker that died (killed by the system …) is replaced; the case it ran counts as an internal error."""
    for index, worker in enumerate(workers):
        if worker.is_alive() or tally.done >= args.cases:
            continue
        for number, (_, seed_name, mutation, pid) in list(running.items()):
            if pid == worker.pid:  # it died running a case: an internal error of that case
                del running[number]
                tally.internal += 1
                tally.lost(args, number, seed_name, mutation, "worker died",
                           f"the worker process died (exit {worker.exitcode})")
        workers[index] = spawn()


def _kill_hangs(args: argparse.Namespace, workers: list, running: dict, tally: _Tally, spawn: Callable) -> None:
    """A case without an answer for ``--timeout`` seconds is a hang: its worker is killed and replaced."""
    now = time.monotonic()
    for number, (start, seed_name, mutation, pid) in list(running.items()):
        if now - start > args.timeout:
            tally.hangs.append(number)
            del running[number]
            tally.lost(args, number, seed_name, mutation, "hang", f"no answer in {args.timeout:g} s")
            for index, worker in enumerate(workers):
                if worker.pid == pid:
                    worker.kill()
                    worker.join(timeout=5)
                    workers[index] = spawn()


def _save(args: argparse.Namespace, number: int) -> None:
    if args.save is None:
        return
    from tests import fuzzing

    case = fuzzing.cases(args.start + args.cases, args.seed)(number)
    args.save.mkdir(parents=True, exist_ok=True)
    (args.save / f"case{number}_{case.name}").write_bytes(case.content)


if __name__ == "__main__":
    sys.exit(main())
