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


def main() -> int:
    """Run the cases and print the totals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--start", type=int, default=0, help="first case number")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds without an answer that count as a hang")
    parser.add_argument("--check-every", type=int, default=5, help="also run the checks on every n-th case (0: never)")
    parser.add_argument("--save", type=Path, help="folder for the inputs of defective cases")
    args = parser.parse_args()
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
    outcomes: Counter[str] = Counter()
    rows: Counter[str] = Counter()
    defects: list[str] = []
    hangs: list[int] = []
    internal = dropped = 0
    peak = (0, -1)
    slowest = (0.0, -1)
    done = 0
    began = time.monotonic()
    while done < args.cases:
        try:
            message = results.get(timeout=1.0)
        except queue.Empty:
            message = None
        if message is not None and message[0] == "start":
            running[message[1]] = (message[2], message[3], message[4], message[5])
        elif message is not None:
            (_, number, outcome, errors, lost, detail, rows_in, taken, reported, checked, seconds, rss) = message
            seed_name, mutation = running.pop(number, (0.0, "?", "?", 0))[1:3]
            if outcome == "harness":
                defects.append(f"case {number}: {detail}")
            done += 1
            outcomes[outcome] += 1
            if checked:
                rows.update({"cases": 1, "in": rows_in, "taken": taken, "reported": reported})
            peak = max(peak, (rss, number))
            slowest = max(slowest, (seconds, number))
            if errors or lost:
                internal += bool(errors)
                dropped += bool(lost)
                defects.append(f"case {number}: {seed_name} {mutation[:80]} → {errors or ''} {lost or ''} {detail}")
                _save(args, number)
            if done % 500 == 0:
                print(f"… {done} cases, {time.monotonic() - began:.0f} s", flush=True)
        now = time.monotonic()
        for index, worker in enumerate(workers):  # a worker that died (killed by the system …) is replaced
            if worker.is_alive() or done >= args.cases:
                continue
            for number, (_, seed_name, mutation, pid) in list(running.items()):
                if pid == worker.pid:  # it died running a case: an internal error of that case
                    del running[number]
                    done += 1
                    internal += 1
                    outcomes["worker died"] += 1
                    defects.append(f"case {number}: {seed_name} {mutation[:80]} → the worker process died "
                                   f"(exit {worker.exitcode})")
                    _save(args, number)
            workers[index] = spawn()
        for number, (start, seed_name, mutation, pid) in list(running.items()):
            if now - start > args.timeout:  # a hang: its worker is killed and replaced
                hangs.append(number)
                defects.append(f"case {number}: {seed_name} {mutation[:80]} → no answer in {args.timeout:g} s")
                del running[number]
                done += 1
                outcomes["hang"] += 1
                _save(args, number)
                for index, worker in enumerate(workers):
                    if worker.pid == pid:
                        worker.kill()
                        worker.join(timeout=5)
                        workers[index] = spawn()
    for _ in workers:
        tasks.put(None)
    for worker in workers:
        worker.join(timeout=10)
        if worker.is_alive():
            worker.kill()
    elapsed = time.monotonic() - began
    print(f"\nqbaudit fuzzing: {args.cases} cases (numbers {args.start}–{end - 1}, seed {args.seed}), "
          f"{args.workers} workers, {elapsed:.0f} s")
    print(f"  answers:          {dict(outcomes)}")
    print(f"  internal errors:  {internal}")
    print(f"  hangs (>{args.timeout:g} s): {len(hangs)}")
    print(f"  silent drops:     {dropped}")
    print(f"  row-level cases:  {rows['cases']}: rows in {rows['in']} = taken {rows['taken']} + reported "
          f"{rows['reported']}" + ("" if rows["in"] == rows["taken"] + rows["reported"] else "  (NOT EQUAL)"))
    print(f"  peak memory of one case (whole worker process): {peak[0] / (1 << 20):.0f} MiB (case {peak[1]})")
    print(f"  slowest case: {slowest[0]:.1f} s (case {slowest[1]})")
    for line in defects:
        print("  " + line)
    return 1 if defects else 0


def _save(args: argparse.Namespace, number: int) -> None:
    if args.save is None:
        return
    from tests import fuzzing

    case = fuzzing.cases(args.start + args.cases, args.seed)(number)
    args.save.mkdir(parents=True, exist_ok=True)
    (args.save / f"case{number}_{case.name}").write_bytes(case.content)


if __name__ == "__main__":
    sys.exit(main())
