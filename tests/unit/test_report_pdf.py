"""The report as a person sees it: converted to PDF by LibreOffice (once per session), its page count,
its page numbers and its Chinese text layer; the first pages are written as PNG under
``test-output/report-test/`` to look at.

``./dev test`` installs LibreOffice, poppler-utils and fonts-noto-cjk from Debian's packages. Without
them the tests are skipped, except under CI, where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "report-test"
PREVIEW_FONTS = ROOT / "scripts" / "preview-fonts.conf"
TOOLS = ("soffice", "pdfinfo", "pdftotext", "pdftoppm")
pytestmark = [pytest.mark.pdf, pytest.mark.slow]


def _tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"缺少 {'、'.join(missing)}（./dev test 会安装 libreoffice-writer-nogui、poppler-utils、fonts-noto-cjk）"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def report_pdf(report_files, tmp_path_factory) -> Path:
    """The signed defective sample's report as PDF, converted once."""
    _tools()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob("*"):
        old.unlink()
    source = report_files["defective"].path
    profile = tmp_path_factory.mktemp("libreoffice")
    environment = {**os.environ, "FONTCONFIG_FILE": str(PREVIEW_FONTS), "HOME": str(profile)}
    result = subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
                             "--outdir", str(OUTPUT), str(source)], capture_output=True, text=True, timeout=240,
                            env=environment)
    pdf = OUTPUT / f"{source.stem}.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "4", str(pdf), str(OUTPUT / "page")], check=True,
                   timeout=120)
    return pdf


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _text(pdf: Path, first: int, last: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_the_pdf_has_a_plausible_page_count_and_numbered_pages(report_pdf):
    pages = _pages(report_pdf)
    assert 12 <= pages <= 40, pages
    for page in (1, 2, pages):
        assert re.search(rf"[—–-]\s*{page}\s*[—–-]", _text(report_pdf, page, page)), page


def test_the_text_layer_holds_the_chinese_title_and_conclusion(report_pdf):
    first = _text(report_pdf, 1, 1)
    assert "焊工题库命题质量专项督导审核报告" in re.sub(r"\s+", "", first)
    assert "59.5" in first and "不合格" in first
    assert "某市职业技能等级认定中心" in re.sub(r"\s+", "", first)


def test_the_first_pages_are_written_as_png(report_pdf):
    pngs = sorted(OUTPUT.glob("page-*.png"))
    assert len(pngs) == 4
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 5000 for p in pngs)
