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
