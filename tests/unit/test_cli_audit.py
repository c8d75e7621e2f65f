"""``qbaudit audit``: the whole flow without the window, over a temporary store."""

from __future__ import annotations

import json

import pytest

from qbaudit import cli
from tests.conftest import sample_path


@pytest.fixture
def db(tmp_path):
    return ["--database", f"sqlite:///{tmp_path / 'audits.sqlite3'}"]


def _audit(*argv):
    return cli.main(["audit", *argv])


def _new(db):
    return _audit("new", *db, "--institution", "济南某职业技能等级认定中心", "--registration", "S370100123",
                  "--occupation", "焊工", "--levels", "四级,三级，二级", "--inspector", "张建国:组长:R3725A012",
                  "--inspector", "李秀英：组员")


def test_new_score_sign_then_a_later_change_opens_revision_2(db, capsys, tmp_path):
    assert _new(db) == 0
    assert "已建立审核 1：济南某职业技能等级认定中心 · 焊工 · 四级/中级工、三级/高级工、二级/技师" in capsys.readouterr().out
    files = ["--bank", str(sample_path("defective", "bank")), "--blueprint", str(sample_path("defective", "blueprint")),
             "--standard", str(sample_path("defective", "standard")), "--as-of", "2026-11-01"]
    assert _audit("score", "1", *db, *files, "--by", "张建国") == 0
    out = capsys.readouterr().out
    assert "检查结果已记入审核 1 第 1 版" in out and "基本符合 2.5" in out and "查阅材料" in out

    assert _audit("score", "1", *db, "--line", "要点数量充足", "--verdict", "符合", "--by", "张建国") == 3
    assert "必须写明理由" in capsys.readouterr().out
    assert _audit("score", "1", *db, "--line", "9", "--verdict", "符合", "--reason", "操作技能细目表另有考评点",
                  "--by", "R3725A012") == 0
    # The lines no data judges here (no papers given: R15, R16, R22 cannot judge theirs).
    for line in ("1", "2", "3", "4", "5", "6", "7", "14", "16", "17", "18", "19", "20", "21"):
        assert _audit("score", "1", *db, "--line", line, "--verdict", "符合", "--by", "李秀英") == 0
    capsys.readouterr()
    assert _audit("sign", "1", *db, "--by", "张建国") == 3
    assert "还有 9 行没有评定" in capsys.readouterr().out
    assert _audit("sign", "1", *db, "--by", "张建国", "--accept-suggestions") == 0
    out = capsys.readouterr().out
    # 59 on the documents lines + 4 (line 9) + the suggestions of the 9 other data lines: 试题数量充足 2.5
    # (R2 1 + R3 2 + R6 3 of 9 met), 内容有代表性 2.0 (R11 fail/warn/pass and warn across levels: 1 of the 2
    # counted, the warns not counted; R12's review list moves nothing; R5 cannot judge without papers, which
    # keeps no full marks but the failure stands), and 2.5 + 1.0 + 2.5 + 0 + 4.0 (试题内容正确: R13 2 of 3 and
    # R21 3 of 3) + 1.0 + 2.5 = 13.5 on the others → 81.
    assert "审核 1 第 1 版已由 张建国" in out and "签署：合格（总分 81）" in out

    assert _audit("score", "1", *db, "--veto", "V4", "--occurred", "--description", "当年试题泄露", "--by", "张建国") == 0
    out = capsys.readouterr().out
    assert "第 2 版" in out and "结论：不合格" in out

    signed_json, latest_json = tmp_path / "v1.json", tmp_path / "v2.json"
    assert _audit("show", "1", *db, "--revision", "1", "--json", str(signed_json)) == 0
    assert _audit("show", "1", *db, "--history", "--json", str(latest_json)) == 0
    out = capsys.readouterr().out
    assert "第 2 版，未签署（在已签署的第 1 版基础上修改）" in out and "当年试题泄露" in out
    assert "导出：第 1 版 → v1.json" in out
    signed, latest = (json.loads(p.read_text(encoding="utf-8")) for p in (signed_json, latest_json))
    assert (signed["total"], signed["grade"], signed["final"]) == (81.0, "合格", True)
    assert signed["revision"]["signed_sha256"] == signed["revision"]["content_sha256"]
    assert [v["occurred"] for v in signed["vetoes"]] == [None, None, None, None]
    assert latest["grade"] == "不合格" and latest["vetoes"][3]["occurred"] is True
    line9 = signed["lines"][8]
    assert line9["suggestion"]["verdict"] == "基本符合" and line9["suggestion"]["rules"] == ["R1", "R19", "R20", "R4"]
    assert (line9["decision"]["verdict"], line9["decision"]["by"]) == ("符合", "张建国")
    assert {f["sha256"] for f in signed["run"]["inputs"]} and "excerpt" not in json.dumps(signed["findings"])

    assert _audit("list", *db) == 0
    out = capsys.readouterr().out
    assert "未签署" in out and "合格" in out


def test_a_shandong_record_from_the_terminal(db, capsys, tmp_path):
    assert _audit("new", *db, "--institution", "某培训学校", "--occupation", "电工", "--levels", "五级",
                  "--inspector", "王强:外督员:R37240015", "--sheet", "shandong-daily-theory-2022",
                  "--batch", "2026370100123", "--place", "济南市历下区某考点", "--head-count", "46",
                  "--date", "2026-11-20", "--time", "9:00—11:00") == 0
    for line in range(1, 24):
        assert _audit("score", "1", *db, "--line", str(line), "--verdict", "否" if line <= 5 else "是",
                      "--by", "王强") == 0
    out = capsys.readouterr().out
    assert "“否”共 5 项 / 23 项（21.7%；达到 20% 为不合格）" in out and "结论：不合格" in out
    assert "总体评价：尚未填写（签署前必填）" in out
    assert _audit("sign", "1", *db, "--by", "王强") == 3
    assert "填写“总体评价”" in capsys.readouterr().out
    assert _audit("score", "1", *db, "--assessment", "考前准备不足，否定项 5 项达 21.7%，评定为不合格。",
                  "--by", "王强") == 0
    assert _audit("sign", "1", *db, "--by", "王强") == 0
    assert "不合格（总分 —）" in capsys.readouterr().out
    assert _audit("notice", "1", *db, "--ground", "七:宣传单写有“包过”", "--ground", "8", "--suspend", "3", "--file",
                  "--no-publish", "--by", "王强") == 0
    out = capsys.readouterr().out
    assert "第二十二条所列行为）2 项" in out and "（七）进行评价“包过”“保过”等虚假宣传的：宣传单写有“包过”" in out
    assert "决定的处理：暂停评价活动并整改 3 个月、列入监管档案" in out
    assert _audit("notice", "1", *db, "--ground", "9", "--by", "王强") == 3
    assert "没有编号为「9」的整改通知书事由" in capsys.readouterr().out
    assert _audit("show", "1", *db) == 0
    out = capsys.readouterr().out
    assert "督导类型：日常督导　批次编号：2026370100123　督导日期：2026-11-20　时间：9:00—11:00" in out
    assert "督导地点：济南市历下区某考点　督导人数：46" in out
    assert "总体评价：考前准备不足" in out
    report, findings = str(tmp_path / "r.docx"), str(tmp_path / "f.xlsx")
    assert cli.main(["report", "1", *db, "--out", report, "--findings", findings]) == 3  # no checks, no findings
    assert "不审核题库数据，没有检查结论可以导出" in capsys.readouterr().out
    assert cli.main(["report", "1", *db, "--out", report, "--problems", str(tmp_path / "p.xlsx"),
                     "--notice", str(tmp_path / "n.docx"), "--by", "王强"]) == 0
    assert "已将 3 个文件记入审核记录第 1 号第 1 版的导出记录。" in capsys.readouterr().out
    from docx import Document

    notice = [p.text for p in Document(str(tmp_path / "n.docx")).paragraphs]
    assert any("（七）项所列行为" in p for p in notice) and any("限期3个月" in p for p in notice)


def test_the_supervision_facts_are_refused_where_the_sheet_has_no_place_for_them(db, capsys):
    assert _audit("new", *db, "--institution", "某中心", "--occupation", "焊工", "--levels", "四级",
                  "--inspector", "赵:组长", "--batch", "B-1") == 3
    assert "不针对评价批次" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        _audit("new", *db, "--institution", "某中心", "--occupation", "焊工", "--levels", "四级",
               "--inspector", "赵:组长", "--supervision", "每周")
    assert "督导类型「每周」不对" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "code", "words"), [
    (["new", "--institution", "x", "--occupation", "y", "--levels", "四级", "--inspector", "赵"], 2, "姓名:角色"),
    (["new", "--institution", "x", "--occupation", "y", "--levels", "十级", "--inspector", "赵:组长"], 2, "等级「十级」"),
    (["show", "7"], 3, "没有编号为 7 的审核"),
    (["score", "1", "--by", "x"], 3, "一次只做一件事"),
    (["new", "--institution", "x", "--occupation", "y", "--levels", "四级", "--inspector", "赵:组长",
      "--sheet", "nope"], 3, "没有名为「nope」的评分表"),
])
def test_mistakes_are_said_in_chinese(db, capsys, argv, code, words):
    argv = [argv[0], *db, *argv[1:]]
    if code == 2:
        with pytest.raises(SystemExit) as stopped:
            _audit(*argv)
        assert stopped.value.code == 2
        assert words in capsys.readouterr().err
        return
    assert _audit(*argv) == code
    assert words in capsys.readouterr().out


def test_the_store_location_comes_from_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QBAUDIT_DATABASE_URL", str(tmp_path / "env.sqlite3"))
    assert _audit("list") == 0 and "还没有审核" in capsys.readouterr().out
    assert (tmp_path / "env.sqlite3").is_file()


def test_a_dismissed_pair_is_remembered_and_applied_to_the_next_check(db, capsys, manifests, tmp_path):
    from tests.conftest import SAMPLES, paper_files

    assert _new(db) == 0
    pair = manifests["defective"]["planted"]["4"]["R11_pairs"][0]
    assert _audit("dismiss", "1", *db, "--pair", pair["a"], pair["b"], "--by", "张建国") == 3
    assert "必须写明理由" in capsys.readouterr().out
    assert _audit("dismiss", "1", *db, "--pair", pair["a"], pair["b"], "--reason", "现场核实为两道不同的题",
                  "--by", "张建国") == 0
    out = capsys.readouterr().out
    assert "已排除" in out and "共 1 对" in out and "现场核实为两道不同的题" in out
    files = ["--bank", str(sample_path("defective", "bank")), "--blueprint", str(sample_path("defective", "blueprint")),
             "--standard", str(sample_path("defective", "standard")), "--papers",
             *[str(p) for p in paper_files("defective")], "--plan", str(SAMPLES / "defective" / "plan.xlsx"),
             "--as-of", "2026-11-01"]
    assert _audit("score", "1", *db, *files, "--by", "张建国") == 0
    capsys.readouterr()
    out_json = tmp_path / "dismiss.json"
    assert _audit("show", "1", *db, "--json", str(out_json)) == 0
    r11 = next(f for f in json.loads(out_json.read_text(encoding="utf-8"))["findings"]
               if f["rule"] == "R11" and f["level"] == 4)
    assert "督导员已排除 1 对" in r11["message"] and r11["measured"] == 4
    assert _audit("dismiss", "1", *db, "--pair", pair["b"], pair["a"], "--undo", "--by", "张建国") == 0
    assert "共 0 对" in capsys.readouterr().out
