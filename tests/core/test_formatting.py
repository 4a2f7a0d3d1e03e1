"""The clerk-facing ways of writing file names (formatting.py)."""

from __future__ import annotations

from tcxd.core.formatting import distinct_names


def test_files_of_the_same_name_are_told_apart_by_their_folders() -> None:
    shown = distinct_names(
        {
            1: "/data/Phu An/Chi bo thon 1/DSDV 31-12-2024.csv",
            2: "/data/Phu An/Chi bo thon 2/DSDV 31-12-2024.csv",
            3: "/data/Phu An/to-chuc.xlsx",
            4: "/data/Phu An/to-chuc.xlsx",  # the same file imported twice: one name
        }
    )
    assert shown == {
        1: "Chi bo thon 1/DSDV 31-12-2024.csv",
        2: "Chi bo thon 2/DSDV 31-12-2024.csv",
        3: "to-chuc.xlsx",
        4: "to-chuc.xlsx",
    }


def _one_by_one(paths: dict) -> dict:
    """The definition: each name with as many folders as it takes, compared file by file."""
    from pathlib import PurePath

    parts = {key: PurePath(path).parts for key, path in paths.items()}
    shown = {}
    for key, mine in parts.items():
        others = {p for p in parts.values() if p != mine and p[-1:] == mine[-1:]}
        depth = 1
        while depth < len(mine) and any(p[-depth:] == mine[-depth:] for p in others):
            depth += 1
        shown[key] = "/".join(mine[-depth:])
    return shown


def test_names_shown_are_those_of_the_file_by_file_definition() -> None:
    paths = {
        1: "/d/A/x/f.csv",
        2: "/d/B/x/f.csv",
        3: "/d/A/y/f.csv",
        4: "x/f.csv",
        5: "f.csv",
        6: "",
        7: "/d/A/x/f.csv",
        8: "/e/A/x/f.csv",
        9: "/g.xlsx",
        10: "/h/g.xlsx",
    }
    assert distinct_names(paths) == _one_by_one(paths)


def test_a_province_of_files_of_one_name_is_named_in_linear_time() -> None:
    """9,876 files, most of them called alike by their units ("Kết quả xếp loại năm
    2025.xlsx"): comparing each with all the others took 25 s of a year report."""
    import time

    paths = {
        n: f"/tinh/Huyen {n % 140}/Chi bo {n}/Ket qua xep loai nam 2025.xlsx" for n in range(9876)
    }
    started = time.process_time()
    shown = distinct_names(paths)
    assert time.process_time() - started < 2.0
    assert shown[5] == "Chi bo 5/Ket qua xep loai nam 2025.xlsx"
