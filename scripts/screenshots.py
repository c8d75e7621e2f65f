"""The window's pages as PNG files, to look at: see scripts/screenshots.

Runs the real main window offscreen on a fresh store in a temporary folder (settings and QSettings there
too, so the user's own are neither read nor changed), opens the sample audit and grabs every page and a few
dialogs in a fixed order. Prints a table: file, what it shows, size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_banks" / "defective"
WIDTH, HEIGHT = 1440, 900


def cjk_families() -> list[str]:
    """The Chinese font families fontconfig knows (empty when none, or no fc-list)."""
    if shutil.which("fc-list") is None:
        return []
    listing = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    families = []
    for line in listing.splitlines():
        for name in line.split(","):
            name = name.strip()
            if name and name not in families:
                families.append(name)
    return families


def pick_family(families: list[str]) -> str:
    """A Simplified Chinese sans-serif family if there is one (Noto Sans CJK SC), else the first."""
    for wanted in ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Noto Sans SC"):
        if wanted in families:
            return wanted
    sans = [f for f in families if "Sans" in f or "Hei" in f]
    return (sans or families)[0]


class Shooter:
    """Grabs widgets into ``out`` and remembers what each file shows."""

    def __init__(self, app: Any, out: Path) -> None:
        self.app = app
        self.out = out
        self.rows: list[tuple[str, str, str]] = []

    def settle(self) -> None:
        for _ in range(2):
            self.app.processEvents()

    def grab(self, widget: Any, name: str, what: str) -> None:
        self.settle()
        path = self.out / name
        pixmap = widget.grab()
        if not pixmap.save(str(path)):
            raise SystemExit(f"错误：无法保存 {path}")
        kb = path.stat().st_size / 1024
        self.rows.append((name, what, f"{pixmap.width()}×{pixmap.height()}，{kb:.0f} KB"))

    def table(self) -> str:
        width = max(len(r[0]) for r in self.rows)
        return "\n".join(f"{name.ljust(width)}  {what}（{size}）" for name, what, size in self.rows)


def shoot(out: Path, tmp: Path) -> str:
    """Render every page and dialog into ``out``."""
    os.environ["QBAUDIT_CONFIG_DIR"] = str(tmp / "config")
    os.environ["QBAUDIT_LANG"] = "zh_CN"
    from PySide6.QtCore import QSettings, qInstallMessageHandler
    from PySide6.QtGui import QFont

    def quiet(_kind: Any, _context: Any, message: str) -> None:
        if "propagateSizeHints" not in message:  # the offscreen plugin says this for every dialog
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)

    from qbaudit.views.app import create_app

    app = create_app([sys.argv[0], "-platform", "offscreen"])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qsettings"))
    font = QFont(app.font())
    font.setFamily(pick_family(cjk_families()))
    app.setFont(font)

    from qbaudit.store import AuditStore
    from qbaudit.views.dialogs import show_error
    from qbaudit.views.main_window import MainWindow
    from qbaudit.views.workers import InlinePool

    store = AuditStore(f"sqlite:///{tmp}/audits.db")
    window = MainWindow(store=store, pool=InlinePool())
    window.resize(WIDTH, HEIGHT)
    window.show()
    shot = Shooter(app, out)

    shot.grab(window, "01-start-empty.png", "审核列表（还没有审核）")
    dialog = window.start.new_audit(exec_dialog=False)
    dialog.fill(institution="某市职业技能鉴定中心", occupation="焊工", levels=[4, 3, 2],
                inspectors=[("张三", "组长", ""), ("李四", "组员", "")], registration="S370100001")
    dialog.show()
    shot.grab(dialog, "02-new-audit.png", "新建审核对话框（已填写）")
    dialog.reject()

    window.open_sample()  # InlinePool: imported and checked before this returns
    shot.settle()
    if window.ctx.workbench is None:
        raise SystemExit("错误：示例审核没有打开（见上面的错误信息）")
    pages = [("info", "基本信息页"), ("imports", "数据导入页"), ("findings", "检查结果页"), ("bank", "题库浏览页"),
             ("sheet", "评分表页"), ("charts", "图表页"), ("report", "报告页")]
    for number, (key, what) in enumerate(pages, start=3):
        window.show_page(key)
        shot.grab(window, f"{number:02d}-{key}.png", what)

    findings = window.show_page("findings")
    item_id = None
    if findings.select_finding("R11", 4):
        shot.settle()
        pair = findings.show_pair_row(0)
        item_id = pair[0] if pair else None
    shot.grab(window, "10-findings-r11-pair.png", "检查结果页：R11 四级，相似题对并排比较")
    if item_id is None:  # no pair row: the first item named in the R11 evidence, if any
        model = findings.evidence_model()
        for row in range(model.rowCount() if model is not None else 0):
            target = model.target(row, None)
            if target and target[0] == "item":
                item_id = target[1]
                break
    if item_id is not None:
        window.ctx.jump.emit("item", str(item_id))
        shot.grab(window, "11-bank-jump.png", f"题库浏览页：从 R11 证据跳转到试题 {item_id}")
    else:
        print("注意：R11 证据中没有试题编号，跳过 11-bank-jump.png", file=sys.stderr)

    sheet = window.show_page("sheet")
    sheet.select_line("12")
    shot.grab(window, "12-sheet-line12.png", "评分表页：选中第 12 项")

    wizard = window.pages["imports"].open_wizard("bank", [str(SAMPLE / "bank.xlsx")])
    if wizard is None:
        raise SystemExit("错误：导入向导没有打开")
    wizard.resize(1100, 760)
    wizard.next()
    shot.grab(wizard, "13-wizard-mapping.png", "导入向导：列对应步骤（题库）")
    wizard.next()
    shot.grab(wizard, "14-wizard-result.png", "导入向导：结果步骤（题库）")
    wizard.reject()  # not taken: the audit stays as the sample left it
    shot.settle()

    box = show_error(window, "无法读取文件“题库.xlsx”：文件正被其他程序使用。请在 Excel 中关闭该文件后重新导入。",
                     "PermissionError: [Errno 13] Permission denied: '题库.xlsx'")
    shot.grab(box, "15-error.png", "错误对话框")
    box.done(0)
    window.about()
    shot.grab(window._about, "16-about.png", "关于对话框")
    window._about.done(0)

    window.close_audit()
    shot.grab(window, "99-start-list.png", "审核列表（含示例审核）")
    window.hide()
    if hasattr(store, "close"):
        store.close()
    return shot.table()


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test-output" / "screenshots"
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not cjk_families():
        print("错误：没有中文字体，截图中的汉字会显示为方框。请安装：apt-get install fonts-noto-cjk", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="qbaudit-shots-") as tmp:
        table = shoot(out, Path(tmp))
    print(table)
    print(f"截图在 {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
