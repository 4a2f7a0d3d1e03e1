"""Membership history: who was a member of which unit on a date, and with what status.

Facts come from `membership_event` (changes files) and `roster_entry` (rosters); from them
`rebuild_spells` derives `membership` spells and `history_note` rows (contradictions, one-sided
transfers) for the members an import touched. The rules are in docs/design.md
("Membership history: spells"); readers (`members_on`, `tree_on`) only query the derived tables.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import (
    BindParameter,
    Connection,
    Row,
    and_,
    bindparam,
    delete,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    text,
)

from tcxd.core.coerce import as_date
from tcxd.core.vocab import tccsd_types, vocabularies
from tcxd.db.bulk import bulk_insert, chunks, read_frame, table_of
from tcxd.db.models import HistoryNote, Member, Membership, MembershipEvent, RosterEntry

TRANSFER_MATCH_DAYS = 60
# Members or organisations per IN list when rebuilding spells (SQLite takes 32,766 parameters).
IDS_PER_QUERY = 5000
_EFFECTS = {code: entry["effect"] for code, entry in vocabularies()["change_kinds"].items()}
START_KINDS = {code for code, effect in _EFFECTS.items() if effect == "start"}
END_KINDS = {code for code, effect in _EFFECTS.items() if effect == "end"}

# Same day: endings first, then starts, then what rosters saw at the end of that day.
_ORDER = {"end": 0, "start": 1, "roster": 2}


@dataclass
class _Spell:
    org_id: int
    start_on: date | None
    start_kind: str | None = None
    start_scope: str | None = None
    start_event_id: int | None = None
    implied_start: bool = False
    end_on: date | None = None
    end_kind: str | None = None
    end_scope: str | None = None
    end_event_id: int | None = None
    implied_end: bool = False


@dataclass
class _Item:
    on: date
    order: int
    kind: str  # change kind, or "roster"
    org_id: int
    scope: str | None = None
    event_id: int | None = None
    batch_id: int | None = None
    sheet: str | None = None
    row: int | None = None
    first_roster: bool = False  # a roster entry from the unit's earliest roster
    previous_roster_on: date | None = None  # the unit's roster before this one


@dataclass
class _Timeline:
    spells: list[_Spell] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)

    @property
    def open(self) -> _Spell | None:
        if self.spells and self.spells[-1].end_on is None and self.spells[-1].end_kind is None:
            return self.spells[-1]
        return None


def _note(timeline: _Timeline, check: int, code: str, item: _Item, detail: str) -> None:
    timeline.notes.append(
        {
            "check": check,
            "code": code,
            "on": item.on,
            "org_id": item.org_id,
            "detail": detail,
            "batch_id": item.batch_id,
            "source_sheet": item.sheet,
            "source_row": item.row,
        }
    )


def _pair_transfers(items: list[_Item], timeline: _Timeline) -> None:
    """One intra-province transfer seen on both sides is one event dated by the receiver."""
    outs = [i for i in items if i.kind == "transferred_out" and i.scope != "out_province"]
    ins = [i for i in items if i.kind == "transferred_in" and i.scope != "out_province"]
    used: set[int] = set()
    for out in outs:
        candidates = [
            (abs((i.on - out.on).days), n)
            for n, i in enumerate(ins)
            if n not in used and abs((i.on - out.on).days) <= TRANSFER_MATCH_DAYS
        ]
        if candidates:
            _, n = min(candidates)
            used.add(n)
            out.on = ins[n].on
            out.scope = ins[n].scope = "in_province"
            out.order = _ORDER["end"]
        elif out.scope == "in_province":
            _note(timeline, 5, "sent_not_received", out, "Chuyển đi trong tỉnh, chưa thấy bên nhận")
    for n, i in enumerate(ins):
        if n not in used and i.scope == "in_province":
            _note(
                timeline,
                5,
                "received_not_sent",
                i,
                "Chuyển đến trong tỉnh, chưa thấy bên chuyển đi",
            )


def _apply_start(timeline: _Timeline, item: _Item) -> None:
    current = timeline.open
    if current is not None:
        if current.org_id == item.org_id:
            _note(
                timeline,
                3,
                "start_while_member",
                item,
                "Sự kiện vào đảng bộ khi đang sinh hoạt tại đơn vị",
            )
            return
        # Arriving elsewhere without a recorded departure: close the old spell that day.
        current.end_on, current.end_kind, current.end_scope = (
            item.on,
            "transferred_out",
            "in_province",
        )
        current.implied_end = True
        scope: str | None = "in_province"
    else:
        scope = item.scope
    timeline.spells.append(_Spell(item.org_id, item.on, item.kind, scope, item.event_id))


def _apply_end(timeline: _Timeline, item: _Item) -> None:
    current = timeline.open
    if current is None:
        if not timeline.spells:
            # Known only from a changes file: a member of that unit until the event.
            timeline.spells.append(_Spell(item.org_id, None))
            current = timeline.spells[-1]
        else:
            _note(
                timeline,
                3,
                "end_while_not_member",
                item,
                "Sự kiện ra khỏi đơn vị khi không còn là đảng viên",
            )
            return
    current.end_on, current.end_kind, current.end_scope = item.on, item.kind, item.scope
    current.end_event_id = item.event_id


def _apply_roster(timeline: _Timeline, item: _Item, admitted_on: date | None) -> None:
    current = timeline.open
    if current is not None and current.org_id == item.org_id:
        return
    if current is not None:
        # Listed by another unit with no transfer recorded: an implied move on the roster date.
        current.end_on, current.end_kind, current.end_scope = (
            item.on,
            "transferred_out",
            "in_province",
        )
        current.implied_end = True
        timeline.spells.append(
            _Spell(item.org_id, item.on, "transferred_in", "in_province", implied_start=True)
        )
        _note(
            timeline,
            3,
            "implied_transfer",
            item,
            "Có tên trong danh sách đơn vị khác, không có biến động chuyển sinh hoạt",
        )
        return
    if timeline.spells:
        last = timeline.spells[-1]
        if last.end_kind == "transferred_out" and last.end_scope == "out_province":
            timeline.spells.append(
                _Spell(item.org_id, item.on, "transferred_in", "out_province", implied_start=True)
            )
            _note(
                timeline,
                3,
                "implied_return",
                item,
                "Có tên trong danh sách sau khi đã chuyển đi ngoài tỉnh",
            )
        else:
            _note(
                timeline,
                3,
                "listed_after_end",
                item,
                f"Có tên trong danh sách sau biến động «{_kind_label(last.end_kind)}»",
            )
        return
    if item.first_roster:
        timeline.spells.append(_Spell(item.org_id, None))
        return
    if admitted_on is not None and (
        item.previous_roster_on is None or admitted_on > item.previous_roster_on
    ):
        on, kind, scope, code = admitted_on, "admitted", None, "implied_admission"
        detail = "Có tên trong danh sách, ngày vào Đảng trong kỳ nhưng không có biến động kết nạp"
    else:
        on, kind, scope, code = item.on, "transferred_in", "out_province", "implied_arrival"
        detail = "Có tên trong danh sách mới, không có biến động chuyển đến"
    timeline.spells.append(_Spell(item.org_id, min(on, item.on), kind, scope, implied_start=True))
    _note(timeline, 3, code, item, detail)


def _kind_label(kind: str | None) -> str:
    return vocabularies()["change_kinds"].get(kind or "", {}).get("label", kind or "")


def build_timeline(items: list[_Item], admitted_on: date | None) -> _Timeline:
    """A member's spells and notes from their events and roster entries (pure)."""
    timeline = _Timeline()
    _pair_transfers(items, timeline)
    for item in sorted(items, key=lambda i: (i.on, i.order, i.event_id or 0)):
        effect = "roster" if item.kind == "roster" else _EFFECTS.get(item.kind)
        if effect == "start":
            _apply_start(timeline, item)
        elif effect == "end":
            _apply_end(timeline, item)
        elif effect == "roster":
            _apply_roster(timeline, item, admitted_on)
    return timeline


# Built once (an IN list of ids bound at execution): building the statements per file cost
# about as much as running them.
_EV, _RO, _ME = table_of(MembershipEvent), table_of(RosterEntry), table_of(Member)
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_EVENTS_OF = select(
    _EV.c.member_id, _EV.c.event_on, _EV.c.kind, _EV.c.org_id, _EV.c.scope, _EV.c.id,
    _EV.c.batch_id, _EV.c.source_sheet, _EV.c.source_row,
).where(_EV.c.member_id.in_(_IDS), _EV.c.kind.in_(sorted(START_KINDS | END_KINDS)))  # fmt: skip
# The admission date matters only to roster entries (an implied admission): it comes with them.
_ROSTER_OF = (
    select(_RO.c.member_id, _RO.c.org_id, _RO.c.as_of, _RO.c.batch_id, _RO.c.source_sheet,
           _RO.c.source_row, _ME.c.admitted_on)
    .join(_ME, _ME.c.id == _RO.c.member_id)
    .where(_RO.c.member_id.in_(_IDS))
    .order_by(_RO.c.id)
)  # fmt: skip
_ROSTER_DATES_OF = select(_RO.c.org_id, _RO.c.as_of).where(_RO.c.org_id.in_(_IDS)).distinct()


def _day(value) -> date:
    """A date the schema holds NOT NULL (an event's, a roster's)."""
    day = as_date(value)
    if day is None:
        raise ValueError(f"not a date: {value!r}")
    return day


def _load_items(conn: Connection, member_ids: list[int]) -> tuple[dict, dict]:
    """Events and roster entries of the given members, as timeline items per member.

    Roster dates (first roster of a unit, the unit's roster before this one) are read only for
    the units these members were listed in, not for the whole roster table."""
    items: dict[int, list[_Item]] = {m: [] for m in member_ids}
    admitted: dict[int, date | None] = {}
    entries: list[Row] = []
    for chunk in chunks(member_ids, IDS_PER_QUERY):
        for member_id, on, kind, org_id, scope, *source in conn.execute(_EVENTS_OF, {"ids": chunk}):
            items[member_id].append(
                _Item(_day(on), _ORDER[_EFFECTS[kind]], kind, org_id, scope, *source)
            )
        entries.extend(conn.execute(_ROSTER_OF, {"ids": chunk}).all())
    roster_dates: dict[int, list[date]] = {}
    for chunk in chunks(sorted({entry.org_id for entry in entries}), IDS_PER_QUERY):
        for org, as_of in conn.execute(_ROSTER_DATES_OF, {"ids": chunk}).all():
            roster_dates.setdefault(org, []).append(_day(as_of))
    for dates in roster_dates.values():
        dates.sort()
    for member_id, org_id, as_of, batch_id, sheet, source_row, admitted_on in entries:
        admitted[member_id] = as_date(admitted_on)
        as_of = _day(as_of)
        dates = roster_dates.get(org_id, [])
        before = bisect_left(dates, as_of)
        items[member_id].append(
            _Item(as_of, _ORDER["roster"], "roster", org_id, None, None, batch_id, sheet,
                  source_row, first_roster=bool(dates) and dates[0] == as_of,
                  previous_roster_on=dates[before - 1] if before else None)
        )  # fmt: skip
    return items, admitted


def _first_roster_spells():
    """`INSERT … SELECT … RETURNING member_id` of the spell of each member (among `ids`) listed
    by one unit only, first in that unit's first roster, with no event that starts or ends a
    spell: a member of that unit since before the records (`_apply_roster` on a first roster,
    no note; the unit's later rosters change nothing)."""
    other_entry = _RO.alias("other_entry")
    unit_roster = _RO.alias("unit_roster")
    first_roster_on = (
        select(func.min(unit_roster.c.as_of))
        .where(unit_roster.c.org_id == _RO.c.org_id)
        .scalar_subquery()
    )
    # the member's first entry (by date, then id: `build_timeline`'s order) and no entry of
    # another unit: later entries of the same unit change nothing
    other_unit_or_earlier = exists().where(
        other_entry.c.member_id == _RO.c.member_id,
        or_(
            other_entry.c.org_id != _RO.c.org_id,
            other_entry.c.as_of < _RO.c.as_of,
            and_(other_entry.c.as_of == _RO.c.as_of, other_entry.c.id < _RO.c.id),
        ),
    )
    moved = exists().where(
        _EV.c.member_id == _RO.c.member_id, _EV.c.kind.in_(sorted(START_KINDS | END_KINDS))
    )
    spell = {
        "member_id": _RO.c.member_id,
        "org_id": _RO.c.org_id,
        "implied_start": false(),
        "implied_end": false(),
    }
    found = select(*spell.values()).where(
        _RO.c.member_id.in_(_IDS), ~other_unit_or_earlier, ~moved, _RO.c.as_of == first_roster_on
    )
    ms = table_of(Membership)
    return insert(ms).from_select(list(spell), found).returning(ms.c.member_id)


_FIRST_ROSTER_SPELLS = _first_roster_spells()
_DELETE_SPELLS_OF = delete(table_of(Membership)).where(table_of(Membership).c.member_id.in_(_IDS))
_DELETE_NOTES_OF = delete(table_of(HistoryNote)).where(table_of(HistoryNote).c.member_id.in_(_IDS))


def rebuild_spells(conn: Connection, member_ids: Iterable[int]) -> int:
    """Recompute the spells and history notes of these members; returns the number of spells.

    The common case, a member listed by one unit only, first in that unit's first roster, and
    with no event that starts or ends a spell, is written in SQL (`_FIRST_ROSTER_SPELLS`);
    the other members' timelines are built here, from their events and roster entries."""
    member_ids = sorted(set(member_ids))
    if not member_ids:
        return 0
    for chunk in chunks(member_ids, IDS_PER_QUERY):
        conn.execute(_DELETE_SPELLS_OF, {"ids": chunk})
        conn.execute(_DELETE_NOTES_OF, {"ids": chunk})
    written: set[int] = set()
    for chunk in chunks(member_ids, IDS_PER_QUERY):
        written.update(conn.execute(_FIRST_ROSTER_SPELLS, {"ids": chunk}).scalars())
    others = [m for m in member_ids if m not in written]
    return len(written) + _rebuild_timelines(conn, others)


def _rebuild_timelines(conn: Connection, member_ids: list[int]) -> int:
    """Spells and notes of these members from their timelines; returns the number of spells."""
    if not member_ids:
        return 0
    items, admitted = _load_items(conn, member_ids)
    spell_rows: list[dict] = []
    note_rows: list[dict] = []
    for member_id in member_ids:
        timeline = build_timeline(items[member_id], admitted.get(member_id))
        for spell in timeline.spells:
            spell_rows.append({"member_id": member_id, **spell.__dict__})
        for note in timeline.notes:
            note_rows.append({"member_id": member_id, **note})
    ms, hn = table_of(Membership), table_of(HistoryNote)
    bulk_insert(conn, ms, spell_rows)
    bulk_insert(conn, hn, note_rows)
    return len(spell_rows)


# --------------------------------------------------------------------------- readers


def spells(conn: Connection) -> pd.DataFrame:
    """Every spell (member_id, org_id, start_on, end_on, start/end kind and scope)."""
    frame = read_frame(
        conn,
        "SELECT member_id, org_id, start_on, end_on, start_kind, start_scope, "
        "end_kind, end_scope, implied_start, implied_end FROM membership",
    )
    for column in ("start_on", "end_on"):
        frame[column] = _date_column(frame[column])
    return frame


def _date_column(values: pd.Series) -> pd.Series:
    """datetime.date objects with None for missing (never NaT: it is truthy). Each distinct
    value is converted once: half a million spells hold a few thousand dates."""
    given = values.notna()
    days = {value: as_date(value) for value in pd.unique(values[given])}
    out = np.full(len(values), None, dtype=object)
    out[given.to_numpy()] = values[given].map(days).to_numpy()
    return pd.Series(out, index=values.index, dtype=object)


def members_on(conn: Connection, on: date) -> pd.DataFrame:
    """Members on a date: member_id, org_id (their chi bộ), probationary, exempt, suspended."""
    # Joined to the members with an exemption / a suspension by then, found once each: a
    # correlated EXISTS per member costs twice as much on 500,000 members.
    frame = read_frame(
        conn,
        """
        SELECT s.member_id, s.org_id,
               CASE WHEN m.official_on IS NULL OR m.official_on > :on THEN 1 ELSE 0 END
                   AS probationary,
               CASE WHEN (m.exempt = :true AND (m.exempt_on IS NULL OR m.exempt_on <= :on))
                      OR x.member_id IS NOT NULL THEN 1 ELSE 0 END AS exempt,
               CASE WHEN u.member_id IS NOT NULL THEN 1 ELSE 0 END AS suspended
        FROM membership s JOIN member m ON m.id = s.member_id
        LEFT JOIN (SELECT DISTINCT member_id FROM membership_event
                   WHERE kind = 'exempted' AND event_on <= :on) x ON x.member_id = s.member_id
        LEFT JOIN (SELECT DISTINCT member_id FROM membership_event
                   WHERE kind = 'suspended' AND event_on <= :on AND event_on >= :year_start) u
               ON u.member_id = s.member_id
        WHERE (s.start_on IS NULL OR s.start_on <= :on)
          AND (s.end_on IS NULL OR s.end_on > :on)
        """,
        {"on": on, "year_start": date(on.year, 1, 1), "true": True},
    )
    for column in ("probationary", "exempt", "suspended"):
        frame[column] = frame[column].astype(bool)
    return frame


def tree_on(conn: Connection, on: date) -> pd.DataFrame:
    """Organisations existing on a date with parent_id, org_type, kind_of_place, and the ids of
    their TCCSĐ (`tccsd_id`) and district (`district_id`) as the tree stood that day."""
    orgs = pd.read_sql(
        text(
            """
            SELECT o.id AS org_id, o.name, o.org_type, o.kind_of_place, o.founded_on,
                   o.dissolved_on, p.parent_id
            FROM organization o
            LEFT JOIN organization_parent p ON p.org_id = o.id
                 AND (p.valid_from IS NULL OR p.valid_from <= :on)
                 AND (p.valid_to IS NULL OR p.valid_to > :on)
            WHERE (o.founded_on IS NULL OR o.founded_on <= :on)
              AND (o.dissolved_on IS NULL OR o.dissolved_on > :on)
            """
        ),
        conn,
        params={"on": on},
    )
    orgs["parent_id"] = orgs["parent_id"].astype("Int64")
    return with_ancestors(orgs)


def with_ancestors(orgs: pd.DataFrame) -> pd.DataFrame:
    """Add `tccsd_id` and `district_id` by walking parents set-wise (the tree is shallow)."""
    types = orgs.set_index("org_id")["org_type"]
    parents = orgs.set_index("org_id")["parent_id"]
    tccsd = pd.Series(pd.NA, index=orgs["org_id"], dtype="Int64")
    district = pd.Series(pd.NA, index=orgs["org_id"], dtype="Int64")
    current = pd.Series(orgs["org_id"].to_numpy(), index=orgs["org_id"], dtype="Int64")
    for _ in range(8):  # province > district > ĐBCS > ĐBBP > chi bộ: depth 5, with room
        current_types = current.map(types)
        tccsd = tccsd.where(tccsd.notna() | ~current_types.isin(tccsd_types()), current)
        district = district.where(district.notna() | (current_types != "district"), current)
        current = current.map(parents).astype("Int64")
        if current.isna().all():
            break
    else:
        _refuse_loops(orgs, current)
    result = orgs.copy()
    result["tccsd_id"] = tccsd.to_numpy()
    result["district_id"] = district.to_numpy()
    return result


def _refuse_loops(orgs: pd.DataFrame, still_climbing: pd.Series) -> None:
    """Organisations with an ancestor deeper than any tree goes are on or under a loop: name
    the units of each loop, each with the unit it is recorded under."""
    parents = orgs.set_index("org_id")["parent_id"]
    names = orgs.set_index("org_id")["name"]
    loops: list[list[int]] = []
    on_loop: set[int] = set()
    for start in still_climbing.dropna().unique():
        path: list[int] = []
        node = int(start)
        while node not in path and node not in on_loop:
            path.append(node)
            parent = parents.get(node)
            if parent is None or pd.isna(parent):
                break
            node = int(parent)
        if node in path:
            loop = path[path.index(node) :]
            first = loop.index(min(loop))
            loops.append(loop[first:] + loop[:first])
            on_loop.update(loop)
    if not loops:
        return
    from tcxd.core.errors import TreeLoopError

    links = [
        f'"{names[org]}" trực thuộc "{names[int(parents[org])]}"' for loop in loops for org in loop
    ]
    raise TreeLoopError(
        f"Cây tổ chức trong cơ sở dữ liệu có vòng lặp: {', '.join(links)}. Hãy nhập lại danh "
        'sách tổ chức với cột "Trực thuộc" đúng cho các đơn vị này.'
    )


def day_before(on: date) -> date:
    return on - timedelta(days=1)
