"""`tcxd.importing.files`: which files a run takes, in which order, and their hash."""

from __future__ import annotations

import hashlib
import os

from tcxd.importing.files import find_files, find_other_files, once_each, sha256_of


def touch(path, content=b"x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_files_come_shallowest_folder_first_then_by_name(tmp_path):
    deep = touch(tmp_path / "b" / "c" / "a.xlsx")
    middle = touch(tmp_path / "b" / "z.ods")
    top = touch(tmp_path / "y.csv")
    touch(tmp_path / "b" / "~$z.xlsx")  # Excel's lock file: no one's input
    touch(tmp_path / ".hidden.xlsx")
    assert find_files([tmp_path]) == [top, middle, deep]


def test_other_files_are_listed_apart_and_a_named_file_is_always_tried(tmp_path):
    letter = touch(tmp_path / "thu.docx")
    sheet = touch(tmp_path / "ds.xlsx")
    assert find_other_files([tmp_path]) == [letter]
    assert find_files([tmp_path]) == [sheet]
    assert find_files([letter]) == [letter]  # (reading then says what it is)


def test_a_file_named_twice_is_one_file(tmp_path):
    sheet = touch(tmp_path / "ds.xlsx")
    assert once_each([*find_files([tmp_path]), sheet]) == [sheet]


def test_a_file_reached_through_a_linked_folder_is_one_file(tmp_path):
    sheet = touch(tmp_path / "real" / "ds.xlsx")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert once_each(
        [sheet, tmp_path / "link" / "ds.xlsx", tmp_path / "real" / "." / "ds.xlsx"]
    ) == [sheet]


def test_folders_whose_identity_cannot_be_read_are_all_walked(tmp_path, monkeypatch):
    # Two folders whose stat fails (removed mid-walk, a path too long) must not count as one
    # folder already visited: the second one's files would be dropped in silence.
    first = touch(tmp_path / "a" / "1.xlsx")
    second = touch(tmp_path / "b" / "2.xlsx")
    real_stat = os.stat

    def failing_stat(path, *args, **kwargs):
        if os.path.basename(os.fspath(path)) in ("a", "b"):
            raise OSError("no identity")
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr("tcxd.importing.files.os.stat", failing_stat)
    assert find_files([tmp_path]) == [first, second]


def test_the_hash_is_the_sha256_of_the_content(tmp_path):
    content = bytes(range(256)) * 10_000  # (more than one read block)
    path = touch(tmp_path / "ds.xlsx", content)
    assert sha256_of(path) == hashlib.sha256(content).hexdigest()


def test_a_run_walks_its_folders_once_and_resolves_each_folder_once(engine, tmp_path, monkeypatch):
    """A re-import of 10,000 unchanged files should cost a hash each: it once walked the folders
    twice and resolved every file's path three times (18 s of a 20 s re-import)."""
    from pathlib import Path

    from tcxd.importing import import_paths

    for unit in ("a", "b"):
        for number in range(10):
            touch(tmp_path / "in" / unit / f"{number}.csv", b"STT\n")
    touch(tmp_path / "in" / "thu.docx")
    walks, resolved = [], []
    real_walk, real_resolve = os.walk, Path.resolve

    def walk(*args, **kwargs):
        walks.append(args[0])
        return real_walk(*args, **kwargs)

    def resolve(self, *args, **kwargs):
        resolved.append(self)
        return real_resolve(self, *args, **kwargs)

    monkeypatch.setattr(os, "walk", walk)
    monkeypatch.setattr(Path, "resolve", resolve)
    result = import_paths(engine, [tmp_path / "in"])
    assert len(result.files) == 21
    assert len(walks) == 1
    assert len(resolved) <= 4  # the three folders (and the error workbooks' one, if it is there)
