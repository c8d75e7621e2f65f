"""Cross-institution duplicates: known answers on four small banks, counted by hand; the cluster gives the same.

The banks (occupation 焊工, level 4 unless said; texts are stems without options unless said):

* 甲 A1 / 乙 B1: the same item, B1 typed with full-width letters, other spacing and punctuation and its options
  in another order: identical once normalised → one exact group, score 100.
* 甲 A2 / 丙 C1: a 40-character stem, one character changed: Indel distance 2 over 80 → 97.5, near.
* 甲 A3 / 丁 D1: a 25-character stem (not short), three adjacent characters changed: 6 over 50 → exactly
  88.0, at the threshold: near, score 88.
* 甲 A3 / 丙 C3: four characters changed: 8 over 50 → 84 < 88: no group (C3 and D1 differ in 7: 72).
* 甲 A4 / 甲 A5: the same item twice in one bank: R11's business, not a cross group.
* 乙 B2 / 丁 D2: a 20-character stem (short: < 25), two characters changed: 4 over 40 → 90 < 93: no group.
* 乙 B3 / 丙 C2: ``5mA`` against ``5MA`` (letter case is meaning): no group.
* 丁 D3: A1's item, but at level 3, where no other institution has items: no group.

Expected: three groups, [{甲 A1, 乙 B1} exact 100], [{甲 A2, 丙 C1} near 97.5], [{甲 A3, 丁 D1} near 88].
"""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import Bank
from qbaudit.analysis.profile import load_profile
from qbaudit.analysis.progress import Cancelled
from qbaudit.batch.crossdup import BankSignature, CrossMember, bank_signature, cross_duplicates, cross_evidence

BASE25 = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水"  # 25 distinct characters
BASE20 = "春夏秋冬东南西北上下左右前后天地山川江河"  # 20 distinct characters
LONG40 = "焊接低合金高强钢厚板时为防止冷裂纹应当采取预热措施并控制层间温度及焊后缓冷的工艺"[:40]
EXACT = "焊接低碳钢时应当选用哪一种焊条才能保证焊缝的力学性能满足设计要求"
CASE = "电流表量程为5mA时读数应当乘以规定的系数进行换算才能得到实际的电流数值"


def _sub(text: str, start: int, new: str) -> str:
    return text[:start] + new + text[start + len(new):]


def _bank(rows: list[tuple], occupation: str = "焊工") -> Bank:
    """Rows of (item id, stem, [options], level)."""
    records = []
    for item_id, stem, options, level in rows:
        record = {C.ITEM_ID: item_id, C.STEM: stem, C.LEVEL: level, C.OCCUPATION: occupation}
        for index, column in enumerate(C.OPTIONS):
            record[column] = options[index] if index < len(options) else None
        records.append(record)
    return Bank(pd.DataFrame(records), occupation)


BANKS = {
    "甲": _bank([("A1", EXACT, ["酸性焊条", "碱性焊条"], 4), ("A2", LONG40, [], 4), ("A3", BASE25, [], 4),
               ("A4", "安全帽的帽壳与帽衬之间应当留有一定的空间以便缓冲冲击力量", [], 4),
               ("A5", "安全帽的帽壳与帽衬之间应当留有一定的空间以便缓冲冲击力量", [], 4)]),
    "乙": _bank([("B1", " 焊接低碳钢时，应当选用哪一种焊条 才能保证焊缝的力学性能满足设计要求？（ ）", ["碱性焊条 ", "酸性焊条"], 4),
               ("B2", BASE20, [], 4), ("B3", CASE, [], 4)]),
    "丙": _bank([("C1", _sub(LONG40, 20, "火"), [], 4), ("C2", CASE.replace("mA", "MA"), [], 4),
               ("C3", _sub(BASE25, 0, "风雨雷电"), [], 4)]),
    "丁": _bank([("D1", _sub(BASE25, 15, "火土日"), [], 4), ("D2", _sub(BASE20, 5, "风雨"), [], 4),
               ("D3", EXACT, ["酸性焊条", "碱性焊条"], 3)]),
}
EXPECTED = [
    ("exact", 100.0, {("甲", "A1"), ("乙", "B1")}),
    ("near", 97.5, {("甲", "A2"), ("丙", "C1")}),
    ("near", 88.0, {("甲", "A3"), ("丁", "D1")}),
]


@pytest.fixture(scope="module")
def profile():
    return load_profile(None)


@pytest.fixture(scope="module")
def signatures(profile):
    return [bank_signature(bank, institution=name, profile=profile) for name, bank in BANKS.items()]


def _summary(groups):
    return [(g.kind, round(g.score, 4), {(m.institution, m.item_id) for m in g.members}) for g in groups]


def test_signatures_per_occupation_and_level(signatures):
    levels = {s.level: len(s) for s in signatures[3]}
    assert levels == {"3": 1, "4": 2}
    a = signatures[0][0]
    assert isinstance(a, BankSignature) and (a.occupation, a.level) == ("焊工", "4")
    assert a.item_ids == ["A1", "A2", "A3", "A4", "A5"]
    assert len(a.texts) == 4  # A4 and A5 are one entry
    assert a.entry_of_item.tolist() == [0, 1, 2, 3, 3]
    assert all(len(e) <= 30 for s in signatures for sig in s for e in sig.excerpts)


def test_known_groups_in_process(signatures, profile):
    groups = cross_duplicates(signatures, profile)
    assert _summary(groups) == EXPECTED
    assert all((g.occupation, g.level) == ("焊工", "4") for g in groups)
    assert groups[0].members[0] == CrossMember("乙", "B1", groups[0].members[0].excerpt)
    assert groups[2].score >= 88.0 - 1e-6  # exactly at the threshold counts


def test_flat_list_and_order_do_not_matter(signatures, profile):
    flat = [s for bank in reversed(signatures) for s in bank]
    def canonical(summary):  # a set's repr follows the hash seed: compare sorted members
        return sorted((kind, score, sorted(members)) for kind, score, members in summary)

    assert canonical(_summary(cross_duplicates(flat, profile))) == canonical(EXPECTED)


def test_evidence_table(signatures, profile):
    evidence = cross_evidence(cross_duplicates(signatures, profile), profile)
    assert "待核查（泄露风险）" in evidence.title and "不合格" in evidence.title  # "这不是……不合格项"
    assert len(evidence.rows) == 6
    assert [r["group"] for r in evidence.rows] == [1, 1, 2, 2, 3, 3]
    assert {r["review"] for r in evidence.rows} == {"待核查（泄露风险）"}
    assert all(len(r["excerpt"]) <= 30 for r in evidence.rows)
    assert evidence.rows[0]["excerpt"].endswith("…")  # B1's stem is longer than 30 characters
    assert cross_evidence([], profile).rows == ()


def test_no_item_text_in_logs(signatures, profile, caplog):
    caplog.set_level(logging.DEBUG)
    cross_duplicates(signatures, profile)
    for text in (EXACT, LONG40, BASE25, CASE):
        assert text[:12] not in caplog.text


class _Cancelling:
    def __init__(self) -> None:
        self.steps: list[tuple[float, str]] = []

    def set_progress(self, fraction: float, text: str = "") -> None:
        self.steps.append((fraction, text))

    def is_cancelled(self) -> bool:
        return len(self.steps) >= 2


def test_progress_and_cancel(signatures, profile):
    state = _Cancelling()
    with pytest.raises(Cancelled):
        cross_duplicates(signatures, profile, state=state)
    assert state.steps[0][0] == 0.0 and "4" in state.steps[0][1]  # four banks' signatures


@pytest.mark.slow
def test_cluster_gives_the_same_groups(signatures, profile):
    from distributed import Client, LocalCluster

    # dashboard_address=None would mean the default, :8787 on every interface; the web server stays on loopback
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0") as cluster, \
            Client(cluster) as client:
        assert {s.getsockname()[0] for s in cluster.scheduler.http_server._sockets.values()} == {"127.0.0.1"}
        futures = [client.submit(bank_signature, bank, institution=name, profile=profile)
                   for name, bank in BANKS.items()]
        from_futures = cross_duplicates(futures, profile, client=client)
        from_objects = cross_duplicates(signatures, profile, client=client)
    local = cross_duplicates(signatures, profile)
    assert from_futures == local
    assert from_objects == local
    assert _summary(local) == EXPECTED


def test_an_institutions_own_copies_stand_in_the_group(profile):
    """甲 holds X twice (its own duplicate, R11's), 乙 once: one exact group of three items, both of 甲's in it;
    甲's other item stands in no other bank and is in no group."""
    x = "焊接结构的装配顺序应当遵循先小件后大件先内后外的原则以减少焊接变形"
    first = _bank([("X1", x, [], 4), ("X2", x.replace("原则", "原则。"), [], 4), ("Y1", BASE25, [], 4)])
    second = _bank([("Z1", x, [], 4)])
    groups = cross_duplicates([bank_signature(first, institution="甲", profile=profile),
                               bank_signature(second, institution="乙", profile=profile)], profile)
    assert _summary(groups) == [("exact", 100.0, {("甲", "X1"), ("甲", "X2"), ("乙", "Z1")})]


def test_the_kernels_are_called_with_the_types_they_were_compiled_for(signatures, profile):
    """The band search joins the banks' arrays; they must reach the compiled kernel in its types and layout
    (C order), or numba compiles a second, silent version (and a slow one)."""
    from qbaudit.analysis import kernel_cache

    kernels = kernel_cache.load_kernels()
    cross_duplicates(signatures, profile)
    assert {name: len(getattr(kernels, name).signatures) for name in kernel_cache.KERNELS} == \
        dict.fromkeys(kernel_cache.KERNELS, 1)
