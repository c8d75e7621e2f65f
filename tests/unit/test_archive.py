"""Zip files from outside: a ``../`` entry, an absolute path, a symlink, a zip bomb and a broken
archive are refused, and nothing is written outside the temporary folder — nor left inside it."""

from __future__ import annotations

import tempfile
import zipfile

import pytest

from qbaudit.analysis.importers import import_bank
from qbaudit.analysis.importers.archive import ArchiveError, Limits, extracted
from tests.format_writers import FIXTURES, write_zip

ITEM = (FIXTURES / "qti" / "items" / "T1.xml").read_bytes()


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A folder tree for one test: ``temp`` is the only temporary folder the code may use."""
    temp = tmp_path / "temp"
    work = tmp_path / "work" / "inner"
    temp.mkdir()
    work.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return tmp_path, temp, work


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _refused(sandbox, members, message, limits=None):
    root, temp, work = sandbox
    archive = write_zip(work / "package.zip", members)
    before = _files(root)
    with pytest.raises(ArchiveError, match=message), extracted(archive, limits):
        pass
    # Nothing new anywhere in the tree: not beside the archive, not above it, not in the temp folder.
    assert _files(root) == before
    if limits is None:  # the importer uses the bundled limits
        result = import_bank(archive, default_level=4)
        assert not result.ok and message in result.error
        assert _files(root) == before


def test_parent_entry_is_refused(sandbox):
    _refused(sandbox, {"items/T1.xml": ITEM, "../evil.txt": b"written outside"}, "指向压缩包以外")
    root, _, work = sandbox
    assert not (work.parent / "evil.txt").exists() and not (root / "evil.txt").exists()


@pytest.mark.parametrize("name", ["/etc/evil.txt", "C:/evil.txt", "items/../../evil.txt", "items\\..\\..\\evil.txt"])
def test_absolute_drive_and_hidden_parent_paths_are_refused(sandbox, name):
    _refused(sandbox, {name: b"x"}, "指向压缩包以外")


def test_symlink_is_refused(sandbox):
    _, _, work = sandbox
    path = work / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("items/link.xml")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(ArchiveError, match="符号链接"), extracted(path):
        pass


def test_zip_bomb_is_refused(sandbox):
    # 50 MiB of zeros deflate to about 50 KiB: a ratio near 1000, far above the limit of 200.
    _refused(sandbox, {"imsmanifest.xml": b"<manifest/>", "bomb.xml": b"\0" * (50 << 20)}, "压缩炸弹")


def test_a_header_that_lies_about_the_size_is_caught_while_inflating(sandbox):
    _, temp, work = sandbox
    path = write_zip(work / "liar.zip", {"data.bin": b"\0" * (4 << 20)})
    # Shrink the declared sizes in both headers so the checks before extraction pass.
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[0]
    for marker, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(marker)
        data[at + offset : at + offset + 4] = info.compress_size.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveError), extracted(path, Limits(10, 1 << 20, 1 << 20, 200)):
        pass
    assert _files(temp) == []


def test_size_and_count_limits(sandbox):
    limits = Limits(max_files=2, max_file_bytes=1000, max_total_bytes=1500, max_ratio=1000)
    _refused(sandbox, {f"f{n}.xml": b"x" for n in range(3)}, "超过上限 2 个", limits)
    _refused(sandbox, {"big.xml": b"x" * 1001}, "超过 0.976562 KiB", limits)
    _refused(sandbox, {"a.xml": b"x" * 900, "b.xml": b"y" * 900}, "总大小超过", limits)


def test_broken_archive_is_a_clear_error(sandbox):
    _, _, work = sandbox
    good = write_zip(work / "good.zip", {"items/T1.xml": ITEM})
    broken = work / "broken.zip"
    broken.write_bytes(good.read_bytes()[:-30])
    result = import_bank(broken, default_level=4)
    assert not result.ok and "已损坏或不完整" in result.error


def test_a_good_package_is_extracted_then_removed(sandbox):
    _, temp, work = sandbox
    archive = write_zip(work / "good.zip", {"items/T1.xml": ITEM})
    with extracted(archive) as folder:
        assert folder.parent == temp.resolve()
        assert (folder / "items" / "T1.xml").read_bytes() == ITEM
    assert _files(temp) == []
    result = import_bank(archive, default_level=4)
    assert result.ok and result.data.items["item_id"].tolist() == ["T1"]


def test_a_word_file_that_is_a_zip_bomb_is_refused_before_python_docx_opens_it(sandbox):
    _, _, work = sandbox
    path = write_zip(work / "bomb.docx", {"word/document.xml": b"<w:document/>", "word/media/x.bin": b"\0" * (50 << 20)})
    result = import_bank(path)
    assert not result.ok and "压缩炸弹" in result.error
