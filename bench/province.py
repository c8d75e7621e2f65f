"""A generated province for ``qbaudit batch``: one folder per institution, a manifest, planted copies across
institutions and a broken bank — with the known answers beside them.

Each institution's bank keeps the structure of the compliant sample bank (levels, points, difficulties, dates:
the rules have real work) and gets its own texts from :mod:`bench.itemgen` (seeded per institution), written
as institutions send them: CSV in UTF-8 with a BOM, one in GBK, one as a workbook. A pair of institutions
shares ``copies`` items verbatim (the second took them from the first). One institution's bank can be broken
(a "workbook" that is not one).

    truth = write_province(folder, institutions=6, items=300, copied_pairs=[(1, 2)], copies=12, broken=[3])
"""

from __future__ import annotations

import csv
import random
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.itemgen import make_item  # noqa: E402 - after the path is set

SAMPLE = ROOT / "sample_banks" / "compliant"
HEADER = ["试题编号", "等级", "考评点代码", "题型", "难度", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "修订日期"]
MANIFEST_HEADER = ["序号", "机构名称", "备案号", "职业（工种）", "等级", "题库", "细目表", "标准权重表", "督导员"]


@dataclass
class Province:
    """What was written and the known answers."""

    folder: Path
    manifest: Path
    institutions: list[str]
    registrations: list[str]
    items: dict[str, int]  # institution → items written
    broken: list[str]  # institutions whose bank cannot be read
    copies: list[tuple[str, str, str, str]] = field(default_factory=list)  # (institution a, id a, institution b, id b)
    bank_files: dict[str, Path] = field(default_factory=dict)

    @property
    def audited(self) -> list[str]:
        """The institutions whose row can be audited."""
        return [name for name in self.institutions if name not in self.broken]


@cache
def sample_rows() -> tuple[tuple, ...]:
    """The compliant sample bank's rows (level, point, difficulty, date): the structure every bank keeps."""
    import openpyxl

    workbook = openpyxl.load_workbook(SAMPLE / "bank.xlsx", read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))[1:]
    workbook.close()
    return tuple((r[1], r[2], r[4], r[13].date().isoformat() if hasattr(r[13], "date") else str(r[13]))
                 for r in rows if r[0])


def bank_rows(index: int, count: int, seed: int) -> list[list[str]]:
    """``count`` items for institution ``index``: the sample's structure (cycled), the texts its own."""
    rng = random.Random(seed * 100_003 + index)
    structure = sample_rows()
    rows = []
    for n in range(count):
        level, point, difficulty, date = structure[n % len(structure)]
        item = make_item(rng, f"J{index:03d}{n:05d}")
        options = (item.options + ["", "", "", ""])[:4]
        rows.append([item.item_id, level, point, item.item_type, str(difficulty), item.stem, *options, item.answer, date])
    return rows


def _write_bank(path: Path, rows: list[list[str]], encoding: str) -> None:
    if path.suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("题库")
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        workbook.save(path)
        return
    with path.open("w", encoding=encoding, newline="", errors="strict") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def write_province(folder: str | Path, *, institutions: int = 6, items: int = 300, copied_pairs: tuple = ((1, 2),),
                   copies: int = 12, broken: tuple = (3,), seed: int = 1, inspector: str = "王建华:组长",
                   known: dict[int, tuple[str, str]] | None = None) -> Province:
    """Write a province under ``folder`` (see the module's text); institutions are numbered from 0. ``known``
    gives some institutions a name and registration number of one's choosing (an institution with a history)."""
    import shutil

    import openpyxl

    folder = Path(folder)
    shared = folder / "共用"
    shared.mkdir(parents=True, exist_ok=True)
    for name in ("blueprint.xlsx", "standard.xlsx"):
        shutil.copyfile(SAMPLE / name, shared / name)
    names = [f"第{i + 1:03d}职业技能等级认定中心" for i in range(institutions)]
    numbers = [f"S37{i + 1:05d}" for i in range(institutions)]
    for i, (name, number) in (known or {}).items():
        names[i], numbers[i] = name, number
    banks = {i: bank_rows(i, items, seed) for i in range(institutions) if i not in broken}
    province = Province(folder, folder / "清单.xlsx", names, numbers, {}, [names[i] for i in broken])
    rng = random.Random(seed)
    for a, b in copied_pairs:  # b took `copies` of a's items verbatim, under its own numbers
        for position in rng.sample(range(items), copies):
            source, target = banks[a][position], banks[b][position]
            banks[b][position] = [target[0], *source[1:]]
            province.copies.append((names[a], source[0], names[b], target[0]))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "清单"
    sheet.append(["2026年度题库质量专项督导清单"])
    sheet.append(MANIFEST_HEADER)
    for i, name in enumerate(names):
        own = folder / f"{name}（{numbers[i]}）"
        own.mkdir(exist_ok=True)
        if i in broken:
            bank = own / "题库.xlsx"
            bank.write_bytes(b"PK\x03\x04 this is not a workbook")
        else:
            suffix, encoding = (".xlsx", "") if i % 5 == 4 else (".csv", "gbk" if i % 5 == 2 else "utf-8-sig")
            bank = own / f"题库{suffix}"
            _write_bank(bank, banks[i], encoding)
            province.items[name] = len(banks[i])
        province.bank_files[name] = bank
        sheet.append([i + 1, name, numbers[i], "焊工", "", str(bank.relative_to(folder)), "共用/blueprint.xlsx",
                      "共用/standard.xlsx", inspector])
    workbook.save(province.manifest)
    return province
