"""The short fuzzing run (a few hundred cases, fixed seed): mutants of the sample banks and of a small fixture of
every format, imported through the one door; no internal error, no message outside the UI language, and for
row-level mutants every row taken or reported. The long run is ``scripts/fuzz.py --cases 10000``
(see ``tests/fuzzing.py`` for the mutations)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzzing

SEEDS = fuzzing.seeds()


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(index=st.integers(min_value=0, max_value=len(SEEDS) - 1), rng=st.randoms(use_true_random=False),
       check=st.integers(min_value=0, max_value=9))
def test_mutants_give_an_answer_and_account_for_every_row(index, rng, check):
    case = fuzzing.make_case(SEEDS[index], rng)
    with tempfile.TemporaryDirectory() as folder:
        verdict = fuzzing.run_case(case, Path(folder), check=check == 0)
    assert not verdict.internal, (case.seed, case.mutation, verdict.detail)
    assert not verdict.dropped, (case.seed, case.mutation, verdict.dropped[:10])
    if case.rows_checked:
        assert verdict.rows_in == verdict.rows_taken + verdict.rows_reported


def test_every_format_is_seeded():
    suffixes = {Path(seed.name.replace("(60)", "")).suffix for seed in SEEDS}
    assert {".xlsx", ".csv", ".docx", ".xml", ".gift", ".txt", ".json", ".jsonl", ".zip"} <= suffixes
    assert {seed.kind for seed in SEEDS} == {"bank", "blueprint", "standard", "papers", "plan"}
