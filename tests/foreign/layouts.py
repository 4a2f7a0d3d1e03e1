"""Building blocks of the corpus's sheets: columns, title blocks, totals and signature blocks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from tests.foreign.world import Person


def dmy(day: date | None, style: str = "slash") -> str:
    if day is None:
        return ""
    if style == "slash":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if style == "short":
        return f"{day.day}/{day.month}/{day.year}"
    if style == "dash":
        return f"{day.day}-{day.month}-{day.year}"
    if style == "dot":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    raise ValueError(style)


@dataclass
class Col:
    header: str
    value: Callable[[Person], object]


def name(header="Họ và tên"):
    return Col(header, lambda p: p.full_name)


def birth(header="Ngày sinh", style="slash"):
    return Col(header, lambda p: dmy(p.birth, style))


def gender(header="Giới tính"):
    return Col(header, lambda p: p.gender_label)


def card(header="Số thẻ đảng viên"):
    return Col(header, lambda p: p.card or "")


def cccd(header="Số CCCD"):
    return Col(header, lambda p: p.cccd or "")


def admitted(header="Ngày vào Đảng", style="slash"):
    return Col(header, lambda p: dmy(p.admitted, style))


def official(header="Ngày chính thức", style="slash"):
    return Col(header, lambda p: dmy(p.official, style))


def ethnicity(header="Dân tộc"):
    return Col(header, lambda p: p.ethnicity)


def religion(header="Tôn giáo"):
    return Col(header, lambda p: p.religion)


def job(header="Nghề nghiệp"):
    return Col(header, lambda p: p.job)


def const(header, value):
    return Col(header, lambda p: value)


def stt(header="STT"):
    return Col(header, None)  # filled with the row's number


STANDARD = [stt(), name(), birth(), gender(), ethnicity(), card(), admitted(), official(), job()]


def body(people: list[Person], cols: list[Col], first_row: int) -> tuple[list[list], list[int]]:
    """Data rows and the Excel row number (1-based) of each person's row."""
    rows, numbers = [], []
    for index, person in enumerate(people, start=1):
        rows.append([index if c.value is None else c.value(person) for c in cols])
        numbers.append(first_row + index)
    return rows, numbers


@dataclass
class Built:
    rows: list[list]
    merges: list[tuple[int, int, int, int]]
    row_of: list[int]  # Excel row of each person, in order


def roster(
    people: list[Person],
    cols: list[Col],
    *,
    titles: list[str] = (),
    above_header: list[list] = (),
    header_rows: list[list] | None = None,
    merges: list[tuple[int, int, int, int]] = (),
    number_row: list | None = None,
    tail: list[list] = (),
    blank_after_title: bool = True,
) -> Built:
    """Titles, optional lines above the header, the header block, an optional number row, the data
    and a tail (totals, signatures). Merges are given relative to the header's first row."""
    rows: list[list] = [[t] for t in titles]
    if titles and blank_after_title:
        rows.append([])
    rows += [list(r) for r in above_header]
    header_at = len(rows)
    block = header_rows if header_rows is not None else [[c.header for c in cols]]
    rows += [list(r) for r in block]
    if number_row is not None:
        rows.append(list(number_row))
    data, row_of = body(people, cols, len(rows))
    rows += data
    rows += [list(r) for r in tail]
    shifted = [(r1 + header_at, c1, r2 + header_at, c2) for r1, c1, r2, c2 in merges]
    return Built(rows, shifted, row_of)


def signature(place="Vạn Lộc", signer="BÍ THƯ") -> list[list]:
    return [
        [],
        ["", "", "", "", "", f"{place}, ngày 05 tháng 10 năm 2026"],
        ["", "NGƯỜI LẬP BIỂU", "", "", "", "T/M CHI ỦY"],
        ["", "", "", "", "", signer],
        [],
        ["", "Hồ Thị Nga", "", "", "", "Lương Văn Sơn"],
    ]
