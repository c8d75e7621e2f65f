"""``qbaudit batch``: a generated province of six institutions (one broken bank, two sharing copied items) audited
in this process and on a LocalCluster of two workers, resumed, and read back from the store and its documents."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
from docx import Document

from bench.province import write_province
from qbaudit import cli
from qbaudit.batch.manifest import read_folder, read_manifest, write_template
from qbaudit.store import AuditStore
from qbaudit.store.batches import batch_names
from tests.helpers import write_csv, write_xlsx

NAME = "2026年题库质量专项督导"
DATE = "2026-12-10"


def _batch(province, db, *extra):
    return cli.main(["batch", str(province.manifest), "--name", NAME, "--date", DATE, "--database", db,
                     "--out", str(province.folder / "结果"), *extra])


def _overview(path):
    """The summary workbook's first sheet as {(institution, level): row}, without this run's own columns."""
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    heading = rows.index(next(r for r in rows if r[0] == "机构名称"))
    head = rows[heading]
    keep = [i for i, h in enumerate(head) if h not in ("本次",)]
    return [head[i] for i in keep], {(r[0], r[3]): tuple(r[i] for i in keep) for r in rows[heading + 1:]}


@pytest.fixture(scope="module")
def province(tmp_path_factory, sample_audit_module):
    folder = tmp_path_factory.mktemp("province")
    made = write_province(folder, institutions=6, items=160, copied_pairs=((1, 2),), copies=10, broken=(3,),
                          known={0: (sample_audit_module["INSTITUTION"], sample_audit_module["REGISTRATION"])})
    db = f"sqlite:///{folder / 'audits.sqlite3'}"
    with AuditStore(db) as store:  # the first institution already failed three times this year on Shandong's sheet
        for _ in range(3):
            sample_audit_module["record_sheet_audit"](store, "shandong-daily-theory-2022")
    return made, db


@pytest.fixture(scope="module")
def in_process(province):
    made, db = province
    first = _batch(made, db, "--workers", "0")
    return made, db, first


def test_every_row_is_audited_or_reported_with_its_reason(in_process, capsys):
    made, db, code = in_process
    assert code == 3  # one row could not be read
    with AuditStore(db) as store:
        audits = store.list_audits(batch=NAME)
        assert sorted(a.institution for a in audits) == sorted(made.audited)
        assert all(a.supervision_kind == "special" and a.batch_date == dt.date(2026, 12, 10) for a in audits)
        assert {a.occupation for a in audits} == {"焊工"}
        assert batch_names(store) == [(NAME, dt.date(2026, 12, 10), 5)]
        assert len(store.list_audits(institution="S370100123")) == 4  # three earlier audits and the batch's
    head, overview = _overview(made.folder / "结果" / "汇总表.xlsx")
    assert {institution for institution, _level in overview} == set(made.audited)
    assert len(overview) == 5 * 3  # each institution's three levels
    items = head.index("题库题量")
    assert {row[items] for row in overview.values()} == {160}
    failed = head.index("不符合的规则")
    # 160 items, all at 四级 (the sample's first rows): R2 and R3 fail there; 三级 and 二级 have nothing to judge
    assert {(level, row[failed]) for (_name, level), row in overview.items()} == {
        ("四级/中级工", "R2、R3"), ("三级/高级工", None), ("二级/技师", None)}
    r3 = head.index("R3 实测")
    assert {row[r3] for (_name, level), row in overview.items() if level == "四级/中级工"} == {"160 道"}
    workbook = openpyxl.load_workbook(made.folder / "结果" / "汇总表.xlsx", read_only=True)
    assert {"R1", "R2", "R11", "未能审核", "跨机构重复", "机构历史", "说明"} <= set(workbook.sheetnames)
    problems = list(workbook["未能审核"].iter_rows(values_only=True))
    assert len(problems) == 2  # heading + the broken row
    where, institution, _occupation, reason = problems[1]
    assert institution == made.broken[0] and "第 6 行" in where and "题库.xlsx" in reason and "已损坏" in reason
    # each audited institution's quick report and problem list in its own folder
    for name, number in zip(made.institutions, made.registrations, strict=True):
        folder = made.folder / "结果" / "各机构" / f"{name}_{number}" / "焊工"
        assert (folder / "审核报告.docx").is_file() == (name in made.audited)
        assert (folder / "问题清单.xlsx").is_file() == (name in made.audited)


def test_the_summary_report_reopens_and_says_the_history(in_process):
    made, _db, _code = in_process
    document = Document(str(made.folder / "结果" / "汇总报告.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{NAME}汇总报告" in text
    assert "本批次清单共 6 行，涉及 6 个机构；其中 5 行本次审核，0 行输入与上次相同" in text
    assert "1 行无法审核" in text
    assert f"{made.institutions[0]}：该机构 2026 年已有 3 次督导结果为不合格" in text
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert made.broken[0] in cells and set(made.audited) <= cells
    assert len(document.inline_shapes) >= 2  # the charts


def test_a_second_run_skips_the_unchanged_rows_and_audits_a_changed_one(in_process, capsys):
    made, db, _code = in_process
    capsys.readouterr()
    assert _batch(made, db, "--workers", "0") == 3
    out = capsys.readouterr().out
    assert "共 6 行：审核 0 行，输入未变跳过 5 行，无法审核 1 行" in out
    changed = made.bank_files[made.audited[-1]]
    original = changed.read_bytes()
    try:
        changed.write_bytes(original.replace("焊".encode(), "烽".encode(), 1))
        assert _batch(made, db, "--workers", "0") == 3
        assert "共 6 行：审核 1 行，输入未变跳过 4 行，无法审核 1 行" in capsys.readouterr().out
    finally:
        changed.write_bytes(original)
    with AuditStore(db) as store:
        assert len(store.list_audits(batch=NAME)) == 5  # a changed row's audit gets a new run, not a new audit


@pytest.mark.slow
def test_a_local_cluster_of_two_workers_gives_the_same_results(in_process, tmp_path, capsys):
    made, _db, _code = in_process
    capsys.readouterr()
    cluster_db = f"sqlite:///{tmp_path / 'cluster.sqlite3'}"
    out_folder = made.folder / "结果"
    shutil.move(out_folder, tmp_path / "in-process")
    try:
        assert _batch(made, cluster_db, "--workers", "2") == 3
        out = capsys.readouterr().out
        assert "Dask 集群" in out and "2 个工作进程" in out
        assert "共 6 行：审核 5 行，输入未变跳过 0 行，无法审核 1 行" in out
        head, cluster = _overview(out_folder / "汇总表.xlsx")
        _head, here = _overview(tmp_path / "in-process" / "汇总表.xlsx")
        assert cluster == here
        with AuditStore(cluster_db) as store:
            assert sorted(a.institution for a in store.list_audits(batch=NAME)) == sorted(made.audited)
        assert _batch(made, cluster_db, "--workers", "2") == 3  # resumed on the cluster too
        assert "审核 0 行，输入未变跳过 5 行" in capsys.readouterr().out
    finally:
        shutil.rmtree(out_folder, ignore_errors=True)
        shutil.move(tmp_path / "in-process", out_folder)


def test_copied_items_are_found_across_institutions(in_process):
    made, _db, _code = in_process
    sheet = openpyxl.load_workbook(made.folder / "结果" / "汇总表.xlsx", read_only=True)["跨机构重复"]
    rows = list(sheet.iter_rows(values_only=True))
    found = {(r[5], str(r[6])) for r in rows[2:] if r[0] is not None}
    for a, id_a, b, id_b in made.copies:
        assert (a, id_a) in found and (b, id_b) in found


def test_the_template_is_a_manifest_the_reader_knows(tmp_path):
    path = write_template(tmp_path / "清单.xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:6] == ("机构名称", "机构备案号", "职业（工种）", "等级", "题库", "细目表")
    sheet.append(["甲学校", "S0001", "焊工", "四级、三级", "甲/题库.csv"])
    (tmp_path / "甲").mkdir()
    write_csv(tmp_path / "甲" / "题库.csv", [["试题编号"]])
    openpyxl.Workbook.save(sheet.parent, path)
    manifest = read_manifest(path)
    assert manifest.rows_read == 1 and len(manifest.rows) == 1 and manifest.accounted
    row = manifest.rows[0]
    assert (row.institution, row.registration, row.occupation, row.levels) == ("甲学校", "S0001", "焊工", (4, 3))
    assert row.inputs == {"bank": (tmp_path / "甲" / "题库.csv",)}
    assert cli.main(["batch", "--template", str(tmp_path / "模板.xlsx")]) == 0


def test_a_hand_made_manifest_takes_or_reports_every_row(tmp_path):
    (tmp_path / "乙").mkdir()
    for name in ("题库-四级.csv", "题库-三级.csv", "细目表.xlsx"):
        write_csv(tmp_path / "乙" / name, [["试题编号"]])
    rows = [
        ["二〇二六年专项督导清单（市鉴定中心）"],
        ["被督导机构", "备案号", "工种", "级别", "题库文件", "考评要素细目表", "外督员"],
        ["乙职校", "S0002", "焊工", "四级，三级", "乙/题库-四级.csv::四级；乙/题库-三级.csv::三级", "乙/细目表.xlsx",
         "张三:组长:R3725A012、李四"],
        ["", "", "", "", "", "", ""],  # blank: not a row
        ["丙职校", "", "电工", "", "丙/没有.csv", "", ""],
        ["", "S0004", "焊工", "", "乙/题库-四级.csv", "", ""],
        ["丁职校", "", "焊工", "九级", "乙/题库-四级.csv", "", ""],
        ["戊职校", "", "焊工", "", "", "", ""],
    ]
    write_xlsx(tmp_path / "清单.xlsx", {"督导": rows}, merges={"督导": ["A1:G1"]})
    manifest = read_manifest(tmp_path / "清单.xlsx")
    assert manifest.accounted and manifest.rows_read == 5
    [taken] = manifest.rows
    assert taken.levels == (4, 3) and len(taken.inputs["bank"]) == 2
    assert set(taken.file_levels.values()) == {4, 3}
    assert [p.name for p in taken.inspectors] == ["张三", "李四"] and taken.inspectors[0].card_code == "R3725A012"
    reasons = {p.where.split("第 ")[1].split(" 行")[0]: p.reason for p in manifest.problems}
    assert reasons == {"5": "题库「" + str(tmp_path / "丙" / "没有.csv") + "」不存在。请检查清单中的路径（相对路径以清单所在文件夹为准）。",
                       "6": "未填写机构名称。", "7": "等级“九级”无法识别（可写“四级”“三级/高级工”或 1–5）。",
                       "8": "未填写题库的路径。"}


def test_a_folder_per_institution_gives_the_same_rows(tmp_path):
    one = tmp_path / "省" / "甲学校（S0001）"
    one.mkdir(parents=True)
    write_csv(one / "题库.csv", [["试题编号"]])
    write_csv(one / "细目表.csv", [["考评点代码"]])
    (one / "~$题库.xlsx").write_bytes(b"lock")
    two = tmp_path / "省" / "乙学校_S0002"
    for occupation in ("焊工", "电工"):
        (two / occupation / "试卷").mkdir(parents=True)
        write_csv(two / occupation / f"{occupation}题库.csv", [["试题编号"]])
        write_csv(two / occupation / "试卷" / "A卷.csv", [["试题编号"]])
    (tmp_path / "省" / "丙学校").mkdir()
    (tmp_path / "省" / "丙学校" / "说明.pdf").write_bytes(b"%PDF")
    (tmp_path / "省" / "汇总.txt").write_text("x", encoding="utf-8")
    manifest = read_folder(tmp_path / "省")
    assert manifest.accounted and manifest.rows_read == 4
    got = {(r.institution, r.registration, r.occupation): sorted(r.inputs) for r in manifest.rows}
    assert got == {("甲学校", "S0001", None): ["bank", "blueprint"], ("乙学校", "S0002", "焊工"): ["bank", "papers"],
                   ("乙学校", "S0002", "电工"): ["bank", "papers"]}
    [problem] = manifest.problems
    assert problem.institution == "丙学校" and "没有题库文件" in problem.reason
    assert any("汇总.txt" in note for note in manifest.notes) and any("说明.pdf" in note for note in manifest.notes)


class _StopAfter:
    """A counted progress task whose Ctrl+C comes after ``rows`` rows (what the console's first press does)."""

    def __init__(self, rows):
        self.rows, self.done = rows, 0

    def advance(self, count=1, text=""):
        self.done += count

    def set_progress(self, fraction, text=""):
        pass

    def is_cancelled(self):
        return self.done >= self.rows


def test_ctrl_c_stops_between_rows_and_the_next_run_resumes(province, tmp_path):
    from qbaudit.analysis.profile import load_profile
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.batch.manifest import Inspector
    from qbaudit.batch.row import BatchPlan
    from qbaudit.batch.runner import run_rows

    made, _db = province
    manifest = read_manifest(made.manifest)
    date = dt.date(2026, 12, 10)
    plan = BatchPlan("中断的批次", date, load_profile(None), load_sheet(None), date, tmp_path / "out",
                     (Inspector("王建华", "组长"),), documents=False)
    with AuditStore(f"sqlite:///{tmp_path / 'stopped.sqlite3'}") as store:
        stopped = run_rows(manifest, plan, store, client=None, task=_StopAfter(2))
        assert stopped.cancelled and [d.row.number for d in stopped.done] == [1, 2]
        assert len(store.list_audits(batch="中断的批次")) == 2  # what was done is recorded, nothing half-done
        resumed = run_rows(manifest, plan, store, client=None, task=_StopAfter(99))
        assert not resumed.cancelled and resumed.counts() == (3, 2, 1)  # audited, unchanged, reported
        assert {d.row.number for d in resumed.done if d.status == "unchanged"} == {1, 2}
        assert len(store.list_audits(batch="中断的批次")) == 5
