"""Fonts the Windows way: the report names fonts a Chinese Windows has (or tells Word what to use instead),
and the charts find Microsoft YaHei / SimHei on Windows as they find Noto CJK on Linux."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import pytest
from lxml import etree

from qbaudit.report.official import OfficialDocument, style_sheet

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The Chinese fonts every Chinese Windows (Vista on) has, by their Chinese and English names.
WINDOWS_FONTS = {"宋体", "SimSun", "黑体", "SimHei", "仿宋", "FangSong", "楷体", "KaiTi", "微软雅黑", "Microsoft YaHei"}
LATIN = ("latin", "fingerprint")


def _east_asian_fonts() -> dict[str, str]:
    return {role: name for role, name in style_sheet()["fonts"].items() if role not in LATIN}


def test_every_report_font_is_on_a_chinese_windows_or_has_an_alternate_that_is():
    alternates = style_sheet()["font_alternates"]
    for role, name in _east_asian_fonts().items():
        assert name in WINDOWS_FONTS or WINDOWS_FONTS & set(alternates.get(name, [])), (role, name)
    assert _east_asian_fonts()["body"] == "仿宋" and _east_asian_fonts()["title"] == "方正小标宋简体"
    assert "宋体" in alternates["方正小标宋简体"]  # 小标宋 is not on Windows: Word falls back to 宋体 at worst


def test_the_documents_font_table_names_the_alternates_in_the_gb2312_character_set():
    document = OfficialDocument()
    buffer = io.BytesIO()
    document.doc.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        table = etree.fromstring(zf.read("word/fontTable.xml"))
        styles = zf.read("word/styles.xml").decode("utf-8")
    declared = {font.get(W + "name"): font for font in table.findall(W + "font")}
    alternates = style_sheet()["font_alternates"]
    for name in set(_east_asian_fonts().values()):
        font = declared[name]
        assert font.find(W + "altName").get(W + "val").split(",") == alternates[name]
        assert font.find(W + "charset").get(W + "val") == "86"
        assert f'w:eastAsia="{name}"' in styles
    assert list(declared).count("仿宋") == 1  # declared once, however many styles use it


@pytest.fixture
def cjk_font_file():
    from matplotlib import font_manager

    for path in font_manager.findSystemFonts():
        if "NotoSansCJK" in path.replace("-", ""):
            return path
    pytest.skip("no Noto CJK font here (./dev test installs fonts-noto-cjk)")


def test_charts_take_microsoft_yahei_or_simhei_as_windows_names_them(cjk_font_file):
    from qbaudit.report.charts import _FONT_FILES, _pick

    windows = SimpleNamespace(ttflist=[SimpleNamespace(name="Arial", fname=cjk_font_file),
                                       SimpleNamespace(name="SimHei", fname=cjk_font_file),
                                       SimpleNamespace(name="Microsoft YaHei", fname=cjk_font_file)])
    assert _pick(windows) == "Microsoft YaHei"
    windows.ttflist = windows.ttflist[:2]
    assert _pick(windows) == "SimHei"
    linux = SimpleNamespace(ttflist=[SimpleNamespace(name="Noto Sans CJK SC", fname=cjk_font_file),
                                     SimpleNamespace(name="SimHei", fname=cjk_font_file)])
    assert _pick(linux) == "Noto Sans CJK SC"
    for file_name in ("msyh.ttc", "msyhbd.ttc", "simhei.ttf", "simsun.ttc", "simfang.ttf", "NotoSansCJK-Regular.ttc"):
        assert _FONT_FILES.search(file_name.replace("-", "").replace("_", "")), file_name


def test_a_font_without_chinese_glyphs_is_never_taken(cjk_font_file):
    from matplotlib import font_manager

    from qbaudit.report.charts import _pick

    dejavu = font_manager.findfont("DejaVu Sans")
    fake = SimpleNamespace(ttflist=[SimpleNamespace(name="Microsoft YaHei", fname=dejavu)])
    assert _pick(fake) is None
