"""`tcxd diff UNIT`: what changed between the two newest rosters of a unit (docs/workflow.md,
"diff").

A unit's roster on a date D is, for each of its chi bộ, that chi bộ's newest roster as of a date
≤ D (a đảng bộ may send one file for all its chi bộ or one per chi bộ). The two newest dates are
compared: who joined, who left (with the events recorded between the two dates, if any), who
moved between chi bộ of the unit, and whose attributes changed.

The `member` table keeps only the newest attributes, so attributes are compared from the files
themselves: each roster entry knows its file (import_batch path + sha256) and Excel row, and the
file is read again (pure reading, no database). When a file has moved or changed since it was
imported, joined / left are still given and the attribute comparison says it could not be made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, bindparam, text

from tcxd.core.errors import UserInputError
from tcxd.core.periods import short_date
from tcxd.core.text import key
from tcxd.core.vocab import codes, label
from tcxd.db.units import MEMBER_HOLDING_TYPES, OrgIndex
from tcxd.importing import sha256_of
from tcxd.workflow.common import Unit, as_date, find_unit, vn_date

# Attributes compared, with their Vietnamese names (the CCCD is compared, never shown).
ATTRIBUTES = {
    "full_name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "gender": "Giới tính",
    "ethnicity": "Dân tộc",
    "religion": "Tôn giáo",
    "card_number": "Số thẻ đảng viên",
    "profile_number": "Số lý lịch",
    "citizen_id": "Số CCCD",
    "admitted_on": "Ngày vào Đảng",
    "official_on": "Ngày chính thức",
    "occupation": "Nghề nghiệp",
    "school_level": "Giáo dục phổ thông",
    "degree": "Trình độ chuyên môn",
    "theory_level": "Lý luận chính trị",
    "youth_union": "Đoàn viên",
    "exempt": "Miễn sinh hoạt",
    "note": "Ghi chú",
}
HIDDEN = {"citizen_id"}


@dataclass
class Person:
    member_id: int
    full_name: str
    birth_date: date | None
    card_number: str | None
    branch: str
    file_name: str
    source_row: int | None
    source_sheet: str | None = None


@dataclass
class Movement:
    person: Person
    events: list[str]  # "Từ trần 05/08/2026", … recorded between the two dates


@dataclass
class AttributeChange:
    person: Person
    attribute: str  # field name, or "branch"
    label: str
    old: str
    new: str


@dataclass
class RosterDiff:
    unit: Unit
    newer: date
    older: date
    newer_files: list[str]
    older_files: list[str]
    newer_count: int
    older_count: int
    joined: list[Movement] = field(default_factory=list)
    left: list[Movement] = field(default_factory=list)
    changed: list[AttributeChange] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # files that could not be read again

    @property
    def attributes_compared(self) -> bool:
        return not self.unreadable


def roster_diff(conn: Connection, unit_name: str, as_of: date | None = None) -> RosterDiff:
    """Compare the unit's roster on its newest date (or `as_of`) with the one before it."""
    index = OrgIndex.load(conn)
    unit = find_unit(conn, unit_name, index)
    holding = [o for o in [unit.org_id, *index.descendants(unit.org_id)]
               if index.types.get(o) in MEMBER_HOLDING_TYPES]  # fmt: skip
    if not holding:
        raise UserInputError(f'"{unit.name}" không có chi bộ nào để so sánh danh sách.')
    entries = _entries(conn, holding)
    dates = sorted(set(entries["as_of"])) if not entries.empty else []
    if as_of is not None:
        dates = [d for d in dates if d <= as_of]
    if len(dates) < 2:
        have = ", ".join(short_date(d) for d in dates) or "chưa có"
        raise UserInputError(
            f'"{unit.name}" cần ít nhất hai danh sách đảng viên để so sánh '
            f"(danh sách đã nhập tính đến ngày: {have})."
        )
    newer, older = dates[-1], dates[-2]
    new = _snapshot(entries, newer)
    old = _snapshot(entries, older)
    members = _members(conn, sorted(set(new["member_id"]) | set(old["member_id"])))
    names = index.names
    result = RosterDiff(
        unit=unit,
        newer=newer,
        older=older,
        newer_files=sorted(set(new["file_name"])),
        older_files=sorted(set(old["file_name"])),
        newer_count=len(new),
        older_count=len(old),
    )
    new_by = new.set_index("member_id")
    old_by = old.set_index("member_id")
    joined = sorted(set(new_by.index) - set(old_by.index))
    left = sorted(set(old_by.index) - set(new_by.index))
    events = _events(conn, joined + left, older, newer, names)

    def person(member_id: int, row: pd.Series) -> Person:
        record = members.get(member_id, {})
        return Person(
            member_id=int(member_id),
            full_name=record.get("full_name", ""),
            birth_date=as_date(record.get("birth_date")),
            card_number=record.get("card_number"),
            branch=names.get(int(row["org_id"]), ""),
            file_name=row["file_name"],
            source_row=None if pd.isna(row["source_row"]) else int(row["source_row"]),
            source_sheet=None if pd.isna(row["source_sheet"]) else str(row["source_sheet"]),
        )

    result.joined = [Movement(person(m, new_by.loc[m]), events.get(m, [])) for m in joined]
    result.left = [Movement(person(m, old_by.loc[m]), events.get(m, [])) for m in left]
    result.joined.sort(key=lambda m: (m.person.branch, m.person.full_name))
    result.left.sort(key=lambda m: (m.person.branch, m.person.full_name))
    both = sorted(set(new_by.index) & set(old_by.index))
    readings = _Readings()
    for member_id in both:
        now, before = new_by.loc[member_id], old_by.loc[member_id]
        who = person(member_id, now)
        if int(now["org_id"]) != int(before["org_id"]):
            result.changed.append(
                AttributeChange(who, "branch", "Chi bộ", names.get(int(before["org_id"]), ""),
                                names.get(int(now["org_id"]), ""))
            )  # fmt: skip
        if now["batch_id"] == before["batch_id"]:
            continue
        new_values = readings.row(now)
        old_values = readings.row(before)
        if new_values is None or old_values is None:
            continue
        for attribute, name in ATTRIBUTES.items():
            a, b = (
                _shown(attribute, old_values.get(attribute)),
                _shown(attribute, new_values.get(attribute)),
            )
            if key(a) != key(b):
                if attribute in HIDDEN:
                    a, b = ("(có)" if a else ""), "(đã đổi)" if b else ""
                result.changed.append(AttributeChange(who, attribute, name, a, b))
    result.changed.sort(key=lambda c: (c.person.branch, c.person.full_name, c.label))
    result.unreadable = sorted(readings.unreadable)
    return result


def _entries(conn: Connection, orgs: list[int]) -> pd.DataFrame:
    query = text(
        "SELECT r.member_id, r.org_id, r.as_of, r.batch_id, r.source_sheet, r.source_row, "
        "b.file_name, b.file_path, b.sha256 FROM roster_entry r "
        "JOIN import_batch b ON b.id = r.batch_id WHERE r.org_id IN :orgs"
    ).bindparams(bindparam("orgs", expanding=True))
    frame = pd.DataFrame(conn.execute(query, {"orgs": orgs}).mappings().all())
    if frame.empty:
        return frame
    frame["as_of"] = [as_date(v) for v in frame["as_of"]]
    return frame


def _snapshot(entries: pd.DataFrame, on: date) -> pd.DataFrame:
    """Each chi bộ's newest roster as of a date ≤ on."""
    upto = entries[entries["as_of"].map(lambda d: d <= on)]
    newest = upto.groupby("org_id")["as_of"].transform("max")
    snap = upto[upto["as_of"] == newest]
    return snap.drop_duplicates("member_id", keep="last")


def _members(conn: Connection, ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    query = text(
        "SELECT id, full_name, birth_date, card_number FROM member WHERE id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    return {row["id"]: dict(row) for row in conn.execute(query, {"ids": ids}).mappings()}


def _events(conn, member_ids: list[int], after: date, upto: date, names) -> dict[int, list[str]]:
    if not member_ids:
        return {}
    query = text(
        "SELECT member_id, kind, event_on, org_id FROM membership_event "
        "WHERE member_id IN :ids ORDER BY event_on"
    ).bindparams(bindparam("ids", expanding=True))
    found: dict[int, list[str]] = {}
    for row in conn.execute(query, {"ids": member_ids}).mappings():
        on = as_date(row["event_on"])
        if on is None or not after < on <= upto:
            continue
        what = label("change_kinds", row["kind"]) if row["kind"] in codes("change_kinds") else ""
        where = names.get(row["org_id"], "")
        found.setdefault(row["member_id"], []).append(f"{what} {vn_date(on)} ({where})")
    return found


class _Readings:
    """Files read again, once each; (sheet, Excel row) → the row's canonical values."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[tuple[str, int], dict] | None] = {}
        self.unreadable: set[str] = set()

    def row(self, entry: pd.Series) -> dict | None:
        batch = int(entry["batch_id"])
        if batch not in self.rows:
            self.rows[batch] = self._read(entry)
        table = self.rows[batch]
        if table is None or pd.isna(entry["source_row"]):
            return None
        return table.get((entry["source_sheet"], int(entry["source_row"])))

    def _read(self, entry: pd.Series) -> dict | None:
        from tcxd.reading import ReadingError, read_file

        path = Path(entry["file_path"])
        try:
            if not path.is_file() or sha256_of(path) != entry["sha256"]:
                raise FileNotFoundError
            reading = read_file(path)
        except (OSError, ReadingError):
            self.unreadable.add(entry["file_name"])
            return None
        rows: dict[tuple[str, int], dict] = {}
        for sheet in reading.sheets:
            if sheet.kind != "members":
                continue
            for record in sheet.rows.to_dict("records"):
                rows[(sheet.sheet, int(record["source_row"]))] = record
        return rows


def _shown(attribute: str, value: Any) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if attribute == "gender":
        return label("genders", value) if value in codes("genders") else str(value)
    if isinstance(value, bool) or attribute in ("youth_union", "exempt"):
        return "có" if bool(value) else ""
    if isinstance(value, date):
        return vn_date(value)
    return str(value)
