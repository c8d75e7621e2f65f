"""Files are written whole or not at all: a failed or interrupted write leaves the old file and no litter."""

from __future__ import annotations

import pytest

from qbaudit.atomic import StagedFiles, into_place, write_text


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "报告.docx"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), into_place(target) as temporary:
        assert temporary.parent == tmp_path and temporary.suffix == ".docx" and temporary.name.startswith(".")
        temporary.write_bytes(b"half")
        raise KeyboardInterrupt
    assert [p.name for p in tmp_path.iterdir()] == ["报告.docx"] and target.read_bytes() == b"old"
    write_text(tmp_path / "new" / "结果.json", "{}")
    assert (tmp_path / "new" / "结果.json").read_text(encoding="utf-8") == "{}"
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["结果.json"]


def test_staged_files_move_into_place_together_or_not_at_all(tmp_path):
    with StagedFiles() as staged:
        staged.path(tmp_path / "a.xlsx").write_bytes(b"a")
        staged.path(tmp_path / "b.docx").write_bytes(b"b")
        assert not (tmp_path / "a.xlsx").exists()  # nothing in place before the commit
    assert list(tmp_path.iterdir()) == []  # never committed: discarded
    with StagedFiles() as staged:
        staged.path(tmp_path / "a.xlsx").write_bytes(b"a")
        staged.path(tmp_path / "b.docx").write_bytes(b"b")
        assert staged.commit() == [tmp_path / "a.xlsx", tmp_path / "b.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.docx"]
