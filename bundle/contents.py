"""What the app bundle leaves out (read by bundle/qbaudit.spec; tested in tests/unit/test_bundle.py).

The app reads and writes local files only and shows a Chinese (or English) window: no network, no cloud
storage, no Qt Quick, no other UI languages. Sizes are printed by bundle/build.py and bench/bench_startup.py.
"""

from __future__ import annotations

# Modules the analysis would follow but the app never imports (dask and distributed it does: the batch and the
# cross-institution duplicates run on them): test and notebook tools; Qt modules other
# than Core/Gui/Widgets/Svg/Network/DBus; matplotlib's interactive back ends (the charts draw on Agg);
# pyarrow's Flight, cloud file systems, ORC, CUDA and Gandiva; scipy beyond scipy.sparse and scipy.linalg
# (the similar-item graph's connected components), which pandas and scipy itself import only on demand.
EXCLUDES = [
    "tkinter", "_tkinter", "IPython", "pytest", "_pytest", "notebook", "jedi",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtTest", "PySide6.QtSql",
    "PySide6.QtConcurrent", "PySide6.QtXml",
    "matplotlib.backends.backend_qtagg", "matplotlib.backends.backend_qt", "matplotlib.backends.backend_tkagg",
    "pyarrow.flight", "pyarrow._flight", "pyarrow._s3fs", "pyarrow._gcsfs", "pyarrow._azurefs", "pyarrow._hdfs",
    "pyarrow.orc", "pyarrow._orc", "pyarrow._dataset_orc", "pyarrow.cuda", "pyarrow._cuda", "pyarrow.gandiva",
    "pyarrow.tests", "pyarrow.conftest", "pyarrow.interchange",
    "scipy.stats", "scipy.optimize", "scipy.integrate", "scipy.interpolate", "scipy.signal", "scipy.spatial",
    "scipy.ndimage", "scipy.io", "scipy.odr", "scipy.cluster", "scipy.datasets", "scipy.misc", "scipy.fftpack",
    "scipy.differentiate", "scipy._lib.cobyqa", "scipy._lib.pyprima",
    "numba.tests", "numpy.tests", "pandas.tests", "polars.testing", "pandas.plotting._matplotlib",
]
# Files the hooks collect that the app never loads (matched on the path inside the bundle): C headers and
# Cython sources, tests, Qt Quick/QML, Qt's GTK theme (GTK is not bundled), Wayland (X11 and offscreen
# remain on Linux), the software OpenGL of Windows (the window draws with widgets), pyarrow's Flight and S3.
DROP_PARTS = ("/__pycache__/", "/include/", "/tests/", "/qml/", "libqgtk3", "libarrow_flight", "libarrow_python_flight",
              "libarrow_s3", "/sample_data/", "opengl32sw", "Qt6Quick", "Qt6Qml", "Qt6Designer", "Qt6Pdf",
              "Qt6VirtualKeyboard", "libqwayland", "Qt6Wayland")
DROP_SUFFIXES = (".pyx", ".pxd", ".pxi", ".pyi", ".h", ".hpp", ".cc", ".c", ".cpp", ".a", ".lib")
# Qt's own translations (standard buttons, file dialogs): Simplified Chinese only; English is Qt's own.
KEEP_TRANSLATIONS = ("qtbase_zh_CN.qm", "qt_zh_CN.qm")


def wanted(dest: str) -> bool:
    """Whether a file the analysis collected, at ``dest`` inside the bundle, goes into it."""
    path = "/" + dest.replace("\\", "/")
    name = path.rsplit("/", 1)[-1]
    if "/translations/" in path and path.endswith(".qm"):
        return name in KEEP_TRANSLATIONS
    if any(part in path for part in DROP_PARTS):
        return False
    return not name.endswith(DROP_SUFFIXES)
