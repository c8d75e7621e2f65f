"""A Word document in the form of a Chinese official document (GB/T 9704—2012), with python-docx.

Page, fonts and sizes come from ``resources/report/style.toml``. East Asian font names are written
into ``w:eastAsia`` of each style's ``rFonts`` so Word on Windows uses 仿宋, 黑体 and the rest (the font
table names what to try where one is missing: :mod:`qbaudit.report.fonttable`);
where they are missing (LibreOffice on Linux) a CJK font of the system stands in. Styles carry the
fonts, so runs stay bare and a large table is written quickly.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from qbaudit.bundled import load_toml
from qbaudit.report.fonttable import declare_fonts

LEFT, CENTER, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)


@cache
def style_sheet() -> dict[str, Any]:
    """The layout of the documents (``resources/report/style.toml``)."""
    return load_toml("report/style.toml")


@dataclass(frozen=True)
class Column:
    """A table column: its heading, width in millimetres and alignment."""

    heading: str
    width_mm: float
    align: Any = LEFT


def _set_east_asian(element: Any, east_asian: str, latin: str) -> None:
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)


class OfficialDocument:
    """A document with the official page, the styles of the official form and page numbers."""

    def __init__(self, *, landscape: bool = False, page_numbers: bool = True) -> None:
        self.layout = style_sheet()
        self.doc = Document()
        self._setup_page(landscape)
        self._setup_styles()
        declare_fonts(self.doc, self.layout)  # each font with the ones Word tries where it is missing
        if page_numbers:
            self._page_numbers()

    # --- set-up -----------------------------------------------------------------------------------------

    def _setup_page(self, landscape: bool) -> None:
        page = self.layout["page"]
        section = self.doc.sections[0]
        width, height = Mm(page["width_mm"]), Mm(page["height_mm"])
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            width, height = height, width
        section.page_width, section.page_height = width, height
        section.top_margin, section.bottom_margin = Mm(page["top_mm"]), Mm(page["bottom_mm"])
        section.left_margin, section.right_margin = Mm(page["left_mm"]), Mm(page["right_mm"])
        if landscape:  # the binding edge stays on the long side: margins turn with the page
            section.top_margin, section.left_margin = Mm(page["left_mm"]), Mm(page["top_mm"])
            section.bottom_margin, section.right_margin = Mm(page["right_mm"]), Mm(page["bottom_mm"])
        section.footer_distance = Mm(page["footer_mm"] if not landscape else 15)
        section.header_distance = Mm(15)
        self.text_width_mm = (section.page_width - section.left_margin - section.right_margin) / Mm(1)

    def _style(self, name: str, font: str, size: float, *, bold: bool = False, align: Any = None,
               line: float | None = None, exact: bool = False, indent_chars: float = 0, before: float = 0,
               after: float = 0, keep_with_next: bool = False, latin: str | None = None) -> Any:
        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.doc.styles["Normal"]
        style.quick_style = True
        latin = latin or self.layout["fonts"]["latin"]
        style.font.name = latin
        style.font.size = Pt(size)
        style.font.bold = bold
        _set_east_asian(style.element, font, latin)
        fmt = style.paragraph_format
        if align is not None:
            fmt.alignment = align
        if line is not None:
            if exact:
                fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                fmt.line_spacing = Pt(line)
            else:
                fmt.line_spacing = line
        fmt.first_line_indent = Pt(size * indent_chars) if indent_chars else None
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.keep_with_next = keep_with_next
        fmt.widow_control = True
        return style

    def _setup_styles(self) -> None:
        fonts, sizes, spacing = self.layout["fonts"], self.layout["sizes"], self.layout["spacing"]
        body_line = spacing["body_line_pt"]
        normal = self.doc.styles["Normal"]
        normal.font.name = fonts["latin"]
        normal.font.size = Pt(sizes["body"])
        _set_east_asian(normal.element, fonts["body"], fonts["latin"])
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                lang = rpr.find(qn("w:lang"))
                if lang is None:
                    lang = OxmlElement("w:lang")
                    rpr.append(lang)
                lang.set(qn("w:eastAsia"), "zh-CN")
        self.title_style = self._style("QB Title", fonts["title"], sizes["title"], align=CENTER, line=body_line * 1.2,
                                       exact=True, after=body_line * 0.5)
        self.subtitle_style = self._style("QB Subtitle", fonts["heading2"], sizes["body"], align=CENTER, line=body_line,
                                          exact=True, after=body_line * 0.5)
        self.h1_style = self._style("QB Heading 1", fonts["heading1"], sizes["heading"], line=body_line, exact=True,
                                    indent_chars=2, keep_with_next=True, before=6)
        self.h2_style = self._style("QB Heading 2", fonts["heading2"], sizes["heading"], line=body_line, exact=True,
                                    indent_chars=2, keep_with_next=True, before=6)
        self.body_style = self._style("QB Body", fonts["body"], sizes["body"], align=JUSTIFY, line=body_line,
                                      exact=True, indent_chars=2)
        self.plain_style = self._style("QB Plain", fonts["body"], sizes["body"], align=LEFT, line=body_line, exact=True)
        self.caption_style = self._style("QB Caption", fonts["heading1"], sizes["caption"], align=CENTER, line=1.2,
                                         before=6, after=3, keep_with_next=True)
        self.figure_style = self._style("QB Figure", fonts["body"], sizes["caption"], align=CENTER, line=1.0,
                                        before=6, keep_with_next=True)
        self.note_style = self._style("QB Note", fonts["body"], sizes["caption"], align=JUSTIFY, line=1.2, after=6)
        line = spacing["table_line"]
        self.cell_style = self._style("QB Cell", fonts["table"], sizes["table"], line=line)
        self.small_cell_style = self._style("QB Small Cell", fonts["table"], sizes["small_table"], line=line)
        self.head_style = self._style("QB Cell Head", fonts["table_head"], sizes["table"], align=CENTER, line=line)
        self.small_head_style = self._style("QB Small Cell Head", fonts["table_head"], sizes["small_table"],
                                            align=CENTER, line=line)
        self.fingerprint_style = self._style("QB Fingerprint", fonts["table"], sizes["fingerprint"], line=1.0,
                                             latin=fonts["fingerprint"])
        self._grid = self.doc.styles["Table Grid"]
        self.page_number_style = self._style("QB Page Number", fonts["page_number"], sizes["page_number"], line=1.0,
                                             latin=fonts["page_number"])

    def _page_numbers(self) -> None:
        """“— 1 —” in 4号 宋体: odd pages on the right, even pages on the left, one character in."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        size = Pt(self.layout["sizes"]["page_number"])
        for footer, align in ((section.footer, RIGHT), (section.even_page_footer, LEFT)):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = self.page_number_style
            paragraph.alignment = align
            if align is RIGHT:
                paragraph.paragraph_format.right_indent = size
            else:
                paragraph.paragraph_format.left_indent = size
            paragraph.add_run("— ")
            _field(paragraph.add_run(), "PAGE")
            paragraph.add_run(" —")

    # --- content ------------------------------------------------------------------------------------------

    def paragraph(self, text: str = "", style: Any = None, *, align: Any = None, bold: bool = False) -> Any:
        """Add a paragraph (body style by default)."""
        paragraph = self.doc.add_paragraph()
        set_style(paragraph, style or self.body_style)
        if align is not None:
            paragraph.alignment = align
        if text:
            run = paragraph.add_run(text)
            if bold:
                run.bold = True
        return paragraph

    def runs(self, parts: Sequence[tuple[str, bool]], style: Any = None) -> Any:
        """A paragraph of runs, each ``(text, bold)``."""
        paragraph = self.paragraph(style=style)
        for text, bold in parts:
            run = paragraph.add_run(text)
            run.bold = bold or None
        return paragraph

    def title(self, text: str) -> Any:
        """The document's title (2号 小标宋, centred)."""
        return self.paragraph(text, self.title_style)

    def heading(self, text: str, level: int = 1) -> Any:
        """一、… (黑体) or （一）… (楷体)."""
        return self.paragraph(text, self.h1_style if level == 1 else self.h2_style)

    def caption(self, text: str) -> Any:
        """A table's caption, above it."""
        return self.paragraph(text, self.caption_style)

    def note(self, text: str) -> Any:
        """A small note (小四)."""
        return self.paragraph(text, self.note_style)

    def picture(self, png: bytes, width_mm: float, caption: str) -> None:
        """A figure, centred, with its caption below."""
        paragraph = self.paragraph(style=self.figure_style)
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(min(width_mm, self.text_width_mm)))
        self.paragraph(caption, self.caption_style).paragraph_format.keep_with_next = False

    def page_break(self) -> None:
        """Start a new page."""
        self.paragraph(style=self.plain_style).add_run().add_break(WD_BREAK.PAGE)

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, small: bool = False,
              header: bool = True, styles: Sequence[Any] | None = None, fill: bool = True) -> Any:
        """A bordered table, centred, its heading row repeated on every page.

        The widths are scaled to the text block (``fill``), or kept as given when they fit in it;
        ``styles`` gives a paragraph style per column (default: the table style).
        """
        widths = [c.width_mm for c in columns]
        if fill or sum(widths) > self.text_width_mm:
            widths = _fit(widths, self.text_width_mm)
        table = self.doc.add_table(rows=len(rows) + (1 if header else 0), cols=len(columns))
        table.style = self._grid
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _fixed_layout(table, narrow=small)
        for index, width in enumerate(widths):
            table.columns[index].width = Mm(width)
        cell_style = self.small_cell_style if small else self.cell_style
        head_style = self.small_head_style if small else self.head_style
        body_rows = table.rows[1:] if header else table.rows
        if header:
            head = table.rows[0]
            _repeat_header(head)
            for cell, column, width in zip(head.cells, columns, widths, strict=True):
                _fill(cell, column.heading, head_style, CENTER, width)
        for row, values in zip(body_rows, rows, strict=True):
            _keep_row(row)
            for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                style = styles[index] if styles and styles[index] is not None else cell_style
                _fill(cell, value, style, columns[index].align, widths[index])
        return table

    def save(self, path: str | Path) -> Path:
        """Write the document (whole or not at all: see :mod:`qbaudit.atomic`)."""
        from qbaudit.atomic import into_place

        path = Path(path)
        with into_place(path) as temporary:
            self.doc.save(str(temporary))
        return path


def set_style(paragraph: Any, style: Any) -> None:
    """Give ``paragraph`` a style by its id (python-docx's own setter looks the style up every time: slow)."""
    paragraph._p.style = style.style_id


def _fit(widths: Sequence[float], total: float) -> list[float]:
    """Column widths scaled to fill the text block."""
    scale = total / sum(widths)
    return [w * scale for w in widths]


def _fill(cell: Any, text: str, style: Any, align: Any, width_mm: float) -> None:
    cell.width = Mm(width_mm)
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    lines = str(text).split("\n") if text else [""]
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        set_style(paragraph, style)
        paragraph.alignment = align
        if line:
            paragraph.add_run(line)


def merge_text(cell: Any, text: str, style: Any, align: Any = CENTER) -> None:
    """Put ``text`` into a merged cell (the merge keeps the paragraphs of every part; keep the first)."""
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    paragraph = cell.paragraphs[0]
    for run in paragraph.runs:
        run._element.getparent().remove(run._element)
    set_style(paragraph, style)
    paragraph.alignment = align
    if text:
        paragraph.add_run(text)
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER


CELL_MARGIN_NARROW = 57  # twips (1 mm): small tables keep more room for text


def _fixed_layout(table: Any, narrow: bool) -> None:
    """Fixed column widths (python-docx writes ``w:tblLayout``); narrow cell margins for small tables."""
    table.autofit = False
    if not narrow:
        return
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_NARROW))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    # schema order: … tblLayout, tblCellMar, tblLook …
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _repeat_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _keep_row(row: Any) -> None:
    """A row is not split across pages."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _field(run: Any, instruction: str) -> None:
    """A field (PAGE, NUMPAGES …) in ``run``."""
    begin, text, separate, value, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar"),
                                         OxmlElement("w:t"), OxmlElement("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate.set(qn("w:fldCharType"), "separate")
    value.text = "1"
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, value, end):
        run._r.append(element)
