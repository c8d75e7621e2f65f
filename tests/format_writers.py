"""Writers of test banks in the formats without columns: a Word bank with real automatic numbering,
a QTI content package, zips that must be refused, and a real BIFF8 ``.xls`` workbook."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
# A 1×1 PNG, to put a picture into a Word item.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _numbering(document: Any) -> dict[str, str]:
    """Add two lists to the document's numbering part: items (1. 2. …) with options (A. B. …) below,
    and section headings (一、二、 …). Returns their numIds."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    lists = {
        "items": ("901", [("decimal", "%1."), ("upperLetter", "%2.")]),
        "sections": ("902", [("chineseCounting", "%1、")]),
    }
    ids = {}
    for key, (number, levels) in lists.items():
        lvls = "".join(
            f'<w:lvl w:ilvl="{index}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
            for index, (fmt, text) in enumerate(levels)
        )
        numbering.insert(0, parse_xml(f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="{number}">{lvls}</w:abstractNum>'))
        numbering.append(parse_xml(f'<w:num xmlns:w="{W}" w:numId="{number}"><w:abstractNumId w:val="{number}"/></w:num>'))
        ids[key] = number
    return ids


def _numbered(paragraph: Any, num_id: str, level: int) -> Any:
    from docx.oxml import parse_xml

    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def write_docx_bank(path: Path) -> Path:
    """The four reference items as a Word bank, in every style the importer must read.

    Paragraphs (numbers are what the importer reports):
      1 title naming the level        2 a stray option (rejected)       3 section 一 (auto-numbered)
      4 item, auto-numbered, answer and code in the stem                5–8 options, auto letters
      9 section 二 (typed)            10 item, typed number              11 options on one line
      12 answer line                  13 code line                       14 picture (attachment)
      15 section 三                   16 item with (√) in its brackets
      17 section 四                   18 item                            19 answer line
      20 an item with no stem (rejected)
    """
    import docx

    document = docx.Document()
    ids = _numbering(document)
    document.add_paragraph("焊工（四级）理论知识题库")
    document.add_paragraph("A. 没有题干的选项")
    _numbered(document.add_paragraph("单项选择题（每题1分）"), ids["sections"], 0)
    _numbered(document.add_paragraph("焊接电弧的温度最高可达（ B ）。【A-B-001】"), ids["items"], 0)
    for option in ("3000℃", "6000℃", "1000℃", "500℃"):
        _numbered(document.add_paragraph(option), ids["items"], 1)
    document.add_paragraph("二、多项选择题")
    document.add_paragraph("2. 常用的焊接方法有（　　）。")
    document.add_paragraph("A.焊条电弧焊  B.气体保护焊  C.铸造  D.埋弧焊")
    document.add_paragraph("答案：ABD")
    document.add_paragraph("考评点代码：A-B-002")
    document.add_paragraph().add_run().add_picture(io.BytesIO(PNG))
    document.add_paragraph("三、判断题")
    document.add_paragraph("3．焊接时必须佩戴防护面罩。（√）【A-C-001】")
    document.add_paragraph("四、简答题")
    document.add_paragraph("4、简述焊前预热的目的。【A-C-002】")
    document.add_paragraph("参考答案：减少淬硬倾向，防止冷裂纹。")
    document.add_paragraph("5.")
    document.save(path)
    return path


def write_qti_package(path: Path) -> Path:
    """The QTI fixture folder as a content package."""
    folder = FIXTURES / "qti"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return path


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A zip with the given member names and contents (names are written as given, ``../`` too)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_xls(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A real BIFF8 workbook (Excel 97–2003) written by xlwt."""
    import xlwt

    workbook = xlwt.Workbook(encoding="cp936")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    workbook.save(str(path))
    return path
