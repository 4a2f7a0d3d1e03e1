"""Small helpers shared by the clerk commands: finding a unit by name, dates as clerks write them,
and the print frame of a one-table sheet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from tcxd.core.coerce import as_date
from tcxd.core.errors import UnknownUnitError
from tcxd.core.text import fold
from tcxd.core.vocab import label
from tcxd.db.units import OrgIndex, folded_words

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Unit:
    """An organisation found by name, with its current place in the tree."""

    org_id: int
    name: str
    org_type: str
    parent_id: int | None
    path: tuple[str, ...]  # names from the level under the province down to this unit

    @property
    def type_label(self) -> str:
        return label("org_types", self.org_type)


def find_unit(conn: Connection, name: str, index: OrgIndex | None = None) -> Unit:
    """The organisation a clerk's text names (without diacritics and case). "A/B" names B under A.

    Raises UnknownUnitError naming the candidates when nothing or more than one unit matches.
    """
    index = index or OrgIndex.load(conn)
    text = " ".join(str(name).split())
    if not text:
        raise UnknownUnitError("Cần tên đơn vị (--unit).")
    found = None
    if "/" in text:
        found, _ = index.resolve_path([part for part in text.split("/") if part.strip()])
        if found is not None and folded_words(index.names[found]) != folded_words(
            text.split("/")[-1]
        ):
            found = None
    else:
        found = index.find(text)
    if found is None:
        same = [o for o, n in index.names.items() if folded_words(n) == folded_words(text)]
        if len(same) > 1:
            shown = "; ".join(f'"{_path_text(index, o)}"' for o in sorted(same)[:8])
            raise UnknownUnitError(
                f'Có {len(same)} đơn vị cùng tên "{text}": {shown}. Hãy ghi kèm đơn vị cấp trên, '
                f'ví dụ "{_path_text(index, sorted(same)[0])}".'
            )
        raise UnknownUnitError(
            f'Không tìm thấy đơn vị "{text}". Xem tên các đơn vị bằng lệnh tcxd status, '
            "hoặc nhập danh sách tổ chức đảng trước."
        )
    return Unit(
        org_id=found,
        name=index.names[found],
        org_type=index.types[found],
        parent_id=index.parent.get(found),
        path=_path(index, found),
    )


def _path(index: OrgIndex, org_id: int) -> tuple[str, ...]:
    names: list[str] = []
    node: int | None = org_id
    while node is not None and len(names) < 10:
        if index.types.get(node) == "province":
            break
        names.append(index.names[node])
        node = index.parent.get(node)
    return tuple(reversed(names))


def _path_text(index: OrgIndex, org_id: int) -> str:
    return "/".join(_path(index, org_id))


def subtree(index: OrgIndex, org_id: int) -> list[int]:
    """The organisation and everything under it (current tree)."""
    return [org_id, *index.descendants(org_id)]


# --------------------------------------------------------------------------- dates and text


def vn_date(value: date | datetime | None) -> str:
    """05/03/1980, as clerks write dates in lists (empty for None)."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def local_day(moment: Any) -> date | None:
    """The local calendar day of a stored UTC timestamp (naive values are UTC)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone().date()
    return as_date(moment)


def cell_text(value: Any) -> str:
    """Text for a cell written with write_string: control characters dropped."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


# What makes Excel take a typed cell for a formula (a tab or line break before it is dropped).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def reads_as_formula(text: str) -> bool:
    """Whether Excel would turn this text into a formula when a clerk edits its cell."""
    return text.startswith(FORMULA_STARTS)


def same_text(a: str | None, b: str | None) -> bool:
    return fold(a or "") == fold(b or "")


# --------------------------------------------------------------------------- files
