"""Item text leaves the item's own view only as excerpts of at most 30 characters: in the console, the
JSON, the findings, the import messages and the log (qbaudit.analysis.excerpts holds the one limit)."""

from __future__ import annotations

import json
import logging
import shutil

import openpyxl
import polars as pl
import pytest

from qbaudit import cli, plumbing
from qbaudit.analysis.excerpts import EXCERPT_CHARS, ExcerptFormatter, clip_quoted, excerpt
from qbaudit.analysis.importers import RowIssue, Severity, import_bank
from tests.conftest import SAMPLES, paper_files, sample_path

LONG = "焊接结构在承受动载荷时，其疲劳强度主要取决于接头处的应力集中程度以及焊缝表面的成形质量和残余应力的分布"


def test_the_limit_is_thirty_characters_in_one_place():
    from qbaudit.analysis.checks import context

    assert EXCERPT_CHARS == context.EXCERPT_CHARS == 30 and context.excerpt is excerpt
    assert len(excerpt(LONG)) == 30 and excerpt(LONG).endswith("…") and excerpt("短文本") == "短文本"


def test_an_import_message_quotes_at_most_an_excerpt_of_a_cell():
    issue = RowIssue("题库.csv", None, 7, "等级（B列）", f"等级「{LONG}」无法识别，这一行未导入。", Severity.REJECTED)
    assert issue.reason == f"等级「{excerpt(LONG)}」无法识别，这一行未导入。"
    assert LONG[:31] not in str(issue)
    assert clip_quoted(f"这一段（“{LONG}”）不属于任何试题") == f"这一段（“{excerpt(LONG)}”）不属于任何试题"


def test_the_log_holds_no_more_than_an_excerpt(tmp_path):
    handler = logging.FileHandler(tmp_path / "x.log", encoding="utf-8")
    handler.setFormatter(ExcerptFormatter("%(levelname)s %(message)s"))
    log = logging.getLogger("qbaudit.test_excerpts")
    log.addHandler(handler)
    try:
        try:
            float(LONG)
        except ValueError:
            log.exception("reading %s", "题库.xlsx")
        log.warning("cell %r and %s", LONG, LONG)
    finally:
        log.removeHandler(handler)
        handler.close()
    text = (tmp_path / "x.log").read_text(encoding="utf-8")
    assert "ValueError" in text and "reading 题库.xlsx" in text
    assert LONG[:EXCERPT_CHARS + 1] not in text and LONG[:20] in text


# --- the sample audit, and the sample with cells that hold item text where they should not ------------------------

HOSTILE_TEXTS = {
    "answer": "这一格本应是答案字母却填入了一整句题干文字用来检验摘录长度的限制是否在证据中生效甲",
    "difficulty": "这一格本应是难度却填入了一整句题干文字用来检验摘录长度的限制是否在证据中生效乙",
    "type": "这一格本应是题型却填入了一整句题干文字用来检验摘录长度的限制是否在证据中生效丙",
    "level": "这一格本应是等级却填入了一整句题干文字用来检验摘录长度的限制是否在导入说明中生效丁",
    "revised": "这一格本应是修订时间却填入了一整句题干文字用来检验摘录长度的限制是否在导入说明中生效戊",
    "code": "这一格本应是鉴定点代码却填入了一整句题干文字用来检验摘录长度的限制是否在证据中生效己",
    "clause_a": "在多层多道焊时每焊完一道都应仔细清除焊渣并检查有无缺陷发现缺陷应及时处理后再焊下一道",
    "clause_b": "对于厚板的打底焊道应当采用较小直径的焊条和较小的焊接电流以保证根部熔透同时避免烧穿现象",
}
_BODY = ("焊接工艺评定是保证焊接质量的重要手段，在焊接生产之前必须按照相关标准的规定进行焊接工艺评定，"
         "评定合格的焊接工艺才能用于指导生产，评定时应记录焊接材料、焊接方法、预热温度、层间温度、焊后热处理等参数，"
         "并对试件进行外观检查、无损检测和力学性能试验，全部合格后方可编制焊接工艺规程用于产品的焊接，"
         "焊工应按焊接工艺规程施焊，不得随意改变焊接参数，焊接过程中应做好施工记录，发现问题及时报告技术负责人，"
         "焊接完成后应按规定进行自检、互检和专检，并填写焊接检验记录，检验不合格的焊缝应按返修工艺进行返修，"
         "同一部位的返修次数不宜超过两次，超过两次的返修应经技术负责人批准并制定专门的返修方案后方可实施，"
         "所有焊接记录和检验报告应归档保存，以便日后查阅和追溯焊接质量问题的原因，")


def _hostile_rows() -> list[list]:
    t = HOSTILE_TEXTS
    row = ["", "四级", "A-A-001", "单选", 3, "", "甲", "乙", "丙", "丁", None, "A", None, "2026-06-01", "焊工"]

    def item(number, **cells):
        values = list(row)
        values[0] = f"HGX{number:05d}"
        values[5] = cells.pop("stem", f"第{number}道植入试题：下列说法正确的是（　　）。")
        for index, value in cells.items():
            values[int(index[1:])] = value
        return values

    return [
        item(1, c11=t["answer"]),  # R13: the answer is no letter
        item(2, c4=t["difficulty"]),  # R7: difficulty unreadable
        item(3, c3=t["type"]),  # R7: type unknown
        item(4, c1=t["level"]),  # import: level unknown, row not taken
        item(5, c13=t["revised"]),  # import: date unreadable
        item(6, c2=t["code"]),  # R7 and R8: a code that is no code
        item(7, stem=_BODY + t["clause_a"] + "（　　）。"),  # R11: a near duplicate whose difference is
        item(8, stem=_BODY + t["clause_b"] + "（　　）。"),  # a long clause
    ]


def _secret_windows(bank_path, extra: list[str]) -> list[str]:
    """Every 31-character run of every stem (as written and with whitespace collapsed) and of ``extra``."""
    stems = import_bank(bank_path).data.items["stem"].dropna().tolist()
    windows = set()
    for text in [*stems, *extra]:
        for form in {text, " ".join(text.split())}:
            windows.update(form[i:i + EXCERPT_CHARS + 1] for i in range(len(form) - EXCERPT_CHARS))
    return sorted(windows)


def _leaks(text: str, windows: list[str]) -> list[str]:
    return sorted(set(pl.Series([text]).str.extract_many(windows)[0].to_list() or []))


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("hostile", [False, True], ids=["sample", "sample-with-item-text-in-other-cells"])
def test_the_sample_audit_shows_no_stem_longer_than_an_excerpt(hostile, tmp_path, monkeypatch, capsys):
    from rich.console import Console

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # A console wide enough that no line is wrapped (a wrap would hide a leak from this test).
    monkeypatch.setattr(plumbing, "console", lambda: Console(highlight=False, width=100_000))
    bank = sample_path("defective", "bank")
    if hostile:
        bank = shutil.copy(bank, tmp_path / "bank.xlsx")
        workbook = openpyxl.load_workbook(bank)
        for row in _hostile_rows():
            workbook["四级（中级工）"].append(row)
        workbook.save(bank)
    out_json = tmp_path / "audit.json"
    args = ["check", "--bank", str(bank), "--blueprint", str(sample_path("defective", "blueprint")),
            "--standard", str(sample_path("defective", "standard")),
            "--papers", *[str(p) for p in paper_files("defective")], "--plan", str(SAMPLES / "defective" / "plan.xlsx"),
            "--as-of", "2026-11-01", "--json", str(out_json), "--details"]
    try:
        assert cli.main(args) == 0
        logging.getLogger("qbaudit.test_excerpts").warning("a cell %r", HOSTILE_TEXTS["answer"])  # in the log too
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if isinstance(h, logging.FileHandler)]:
            root.removeHandler(handler)
            handler.close()
    console = capsys.readouterr().out
    data = json.loads(out_json.read_text(encoding="utf-8"))
    log_file = tmp_path / "state" / "qbaudit" / "log" / "qbaudit.log"
    log = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    windows = _secret_windows(bank, list(HOSTILE_TEXTS.values()) if hostile else [])
    if hostile:  # the planted cells did reach every output, as excerpts
        assert "HGX00001" in console and "答案「这一格本应是答案字母" in console
        assert "等级「这一格本应是等级" in console and "HGX00007" in console
        findings = {(f["rule"], f["level"]): f for f in data["findings"]}
        rows = [r for e in findings[("R11", 4)]["evidence"] for r in e["rows"] if r.get("item_a") == "HGX00007"]
        assert rows and 0 < len(rows[0]["excerpt_difference"]) <= EXCERPT_CHARS
        assert "a cell" in log
    assert _leaks(console, windows) == []
    assert _leaks("\n".join(_strings(data)), windows) == []
    assert _leaks(log, windows) == []
    assert "题干摘录" in console  # the evidence was printed (--details)
