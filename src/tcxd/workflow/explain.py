"""`tcxd explain`: where a member stands and why, and which members make up a Biểu 1 figure
(docs/workflow.md, "explain").

For a member: their place in the tree on a date (the period's end, or today), their status that
day, and the facts behind it, each with its source file and Excel row: events from changes files,
roster entries, the spells history derived from them, the notes the history rebuild left, their
evaluation inputs and ratings. Only what a clerk needs to find the rows is shown: no CCCD.

For a figure: the members counted in a row of Biểu 1 for a unit and period, from the same frames
the reports count (`PeriodFigures`), so the list has exactly as many lines as the number.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import Connection, Row, bindparam, text

from tcxd.core.errors import UnknownUnitError, UserInputError
from tcxd.core.formatting import source_vi
from tcxd.core.periods import Period, short_date
from tcxd.core.text import fold, key
from tcxd.core.vocab import codes, label, tccsd_types
from tcxd.db.history import members_on, tree_on
from tcxd.db.rating_texts import reason_join
from tcxd.rating.rules.titles import ruleset_title
from tcxd.reports.figures import FLOW_CODES, PeriodFigures, Scope
from tcxd.reports.forms import load_form
from tcxd.workflow.common import as_date, find_unit, vn_date


def flow_codes_under(row: str) -> tuple[str, ...]:
    """The flow codes a row of Biểu 1 adds up: the flows among the rows indented under it in
    bieu1.yaml ("B2" → B2a, B2b), or the row itself when it is a flow."""
    rows = load_form("bieu1").rows
    at = next(i for i, r in enumerate(rows) if r.code == row)
    under = itertools.takewhile(lambda r: r.indent > rows[at].indent, rows[at + 1 :])
    return tuple(r.code for r in under if r.code in FLOW_CODES) or (row,)


def flow_label(code: str) -> str:
    """A flow as Biểu 1 names it; a sub-row after its row: "Chuyển đến: Từ đảng bộ khác…"."""
    rows = load_form("bieu1").rows
    at = next(i for i, r in enumerate(rows) if r.code == code)
    parent = next((r for r in reversed(rows[:at]) if r.indent < rows[at].indent), None)
    if parent is None or parent.indent == 0:
        return rows[at].label
    return f"{parent.label}: {rows[at].label}"


def _kind_label(kind: str | None) -> str:
    if kind and kind in codes("change_kinds"):
        return label("change_kinds", kind)
    return kind or ""


_source = source_vi


# --------------------------------------------------------------------------- a member


@dataclass
class Candidate:
    member_id: int
    full_name: str
    birth_date: date | None
    card_number: str | None


@dataclass
class Placement:
    on: date
    branch: str | None  # chi bộ; None: not a member that day
    tccsd: str | None
    district: str | None
    probationary: bool = False
    exempt: bool = False
    suspended: bool = False


@dataclass
class Fact:
    on: date | None
    what: str
    unit: str
    source: str
    detail: str = ""


@dataclass
class RatingFact:
    year: int
    quarter: int
    status: str
    level: str | None
    computed_level: str | None
    decided_level: str | None
    proposed_level: str | None
    capped: bool
    reason: str
    rule_set: str

    @property
    def pending(self) -> bool:
        """Waiting for the competent level: no level yet, only a proposal."""
        return self.status == "needs_decision"

    def result_text(self) -> str | None:
        """The result as a clerk reads it: a pending one says so, with the proposal beside it
        (the stored `level` of a pending result is only the proposal)."""
        if self.pending:
            proposal = f" (đề xuất: {self.computed_level})" if self.computed_level else ""
            return f"Chờ cấp có thẩm quyền xem xét, quyết định{proposal}"
        return self.level


@dataclass
class MemberExplanation:
    member: Candidate
    gender: str | None
    admitted_on: date | None
    official_on: date | None
    attributes_as_of: date | None
    placement: Placement
    spells: list[Fact] = field(default_factory=list)
    events: list[Fact] = field(default_factory=list)
    rosters: list[Fact] = field(default_factory=list)
    notes: list[Fact] = field(default_factory=list)
    evaluations: list[Fact] = field(default_factory=list)
    ratings: list[RatingFact] = field(default_factory=list)


def find_members(
    conn: Connection, card: str | None = None, name: str | None = None, birth: date | None = None
) -> list[Candidate]:
    """Members with this card number, or this name (and birth date when given)."""
    if card:
        digits = "".join(ch for ch in str(card) if ch.isdigit())
        rows = conn.execute(
            text(
                "SELECT id, full_name, birth_date, card_number FROM member WHERE card_number = :c"
            ),
            {"c": digits.zfill(8) if digits and len(digits) < 8 else digits},
        ).fetchall()
    elif name:
        rows = conn.execute(
            text("SELECT id, full_name, birth_date, card_number FROM member WHERE name_key = :k"),
            {"k": key(name)},
        ).fetchall()
        if not rows:  # typed without diacritics (or with other ones): match the folded name
            rows = _members_named_folded(conn, name)
    else:
        raise UserInputError('Cần --card SỐ_THẺ, hoặc --name "Họ và tên" (kèm --birth).')
    found = [Candidate(r.id, r.full_name, as_date(r.birth_date), r.card_number) for r in rows]
    if birth is not None:
        found = [c for c in found if c.birth_date == birth]
    return sorted(found, key=lambda c: c.member_id)


def _members_named_folded(conn: Connection, name: str) -> list[Row]:
    """Members whose name, without diacritics and case, is `name` so folded ("nguyen van an"
    finds "Nguyễn Văn An" and "Nguyễn Văn Ân"). The column is not stored folded: fold each once."""
    wanted = fold(name)
    rows = conn.execute(text("SELECT id, full_name, birth_date, card_number FROM member"))
    return [row for row in rows if fold(row.full_name or "") == wanted]


def find_member(
    conn: Connection, card: str | None = None, name: str | None = None, birth: date | None = None
) -> Candidate:
    found = find_members(conn, card, name, birth)
    who = f"số thẻ {card}" if card else f'"{name}"' + (f" sinh {vn_date(birth)}" if birth else "")
    if not found:
        raise UserInputError(f"Không tìm thấy đảng viên {who}.")
    if len(found) > 1:
        listed = "; ".join(
            f"{c.full_name} (sinh {vn_date(c.birth_date) or '?'}, thẻ {c.card_number or 'chưa có'})"
            for c in found[:10]
        )
        raise UserInputError(
            f"Có {len(found)} đảng viên {who}: {listed}. Hãy dùng --card, hoặc thêm --birth."
        )
    return found[0]


def explain_member(conn: Connection, member_id: int, on: date) -> MemberExplanation:
    member = (
        conn.execute(
            text(
                "SELECT id, full_name, birth_date, card_number, gender, admitted_on, official_on, "
                "attributes_as_of FROM member WHERE id = :m"
            ),
            {"m": member_id},
        )
        .mappings()
        .one()
    )
    names: dict[int, str] = dict(conn.execute(text("SELECT id, name FROM organization")).fetchall())
    files = {
        r.id: r.file_name for r in conn.execute(text("SELECT id, file_name FROM import_batch"))
    }
    result = MemberExplanation(
        member=Candidate(
            member["id"], member["full_name"], as_date(member["birth_date"]), member["card_number"]
        ),
        gender=label("genders", member["gender"]) if member["gender"] in codes("genders") else None,
        admitted_on=as_date(member["admitted_on"]),
        official_on=as_date(member["official_on"]),
        attributes_as_of=as_date(member["attributes_as_of"]),
        placement=_placement(conn, member_id, on, names),
    )
    params = {"m": member_id}
    for row in conn.execute(
        text(
            "SELECT org_id, start_on, end_on, start_kind, start_scope, end_kind, end_scope, "
            "implied_start, implied_end FROM membership WHERE member_id = :m ORDER BY start_on"
        ),
        params,
    ).mappings():
        start = (
            f"từ {vn_date(as_date(row['start_on']))} ({_kind_label(row['start_kind'])}"
            + (", suy ra từ danh sách" if row["implied_start"] else "")
            + ")"
            if row["start_on"] is not None
            else "từ trước khi có số liệu"
        )
        end = (
            f"đến {vn_date(as_date(row['end_on']))} ({_kind_label(row['end_kind'])}"
            + (", suy ra từ danh sách" if row["implied_end"] else "")
            + ")"
            if row["end_on"] is not None
            else "đến nay"
        )
        result.spells.append(
            Fact(as_date(row["start_on"]), f"Sinh hoạt {start} {end}", names.get(row["org_id"], ""),
                 "")
        )  # fmt: skip
    for row in conn.execute(
        text(
            "SELECT kind, event_on, org_id, scope, place, decision, batch_id, source_sheet, "
            "source_row FROM membership_event WHERE member_id = :m ORDER BY event_on, id"
        ),
        params,
    ).mappings():
        detail = ", ".join(
            part
            for part in (
                label("transfer_scopes", row["scope"])
                if row["scope"] in codes("transfer_scopes")
                else "",
                row["place"] or "",
                f"QĐ {row['decision']}" if row["decision"] else "",
            )
            if part
        )
        result.events.append(
            Fact(as_date(row["event_on"]), _kind_label(row["kind"]), names.get(row["org_id"], ""),
                 _source(files.get(row["batch_id"]), row["source_sheet"], row["source_row"]),
                 detail)
        )  # fmt: skip
    for row in conn.execute(
        text(
            "SELECT org_id, as_of, batch_id, source_sheet, source_row FROM roster_entry "
            "WHERE member_id = :m ORDER BY as_of, id"
        ),
        params,
    ).mappings():
        result.rosters.append(
            Fact(as_date(row["as_of"]), "Có tên trong danh sách", names.get(row["org_id"], ""),
                 _source(files.get(row["batch_id"]), row["source_sheet"], row["source_row"]))
        )  # fmt: skip
    for row in conn.execute(
        text(
            'SELECT "check", code, "on", org_id, detail, batch_id, source_sheet, source_row '
            'FROM history_note WHERE member_id = :m ORDER BY "on", id'
        ),
        params,
    ).mappings():
        result.notes.append(
            Fact(as_date(row["on"]), f"Kiểm tra {row['check']}", names.get(row["org_id"], ""),
                 _source(files.get(row["batch_id"]), row["source_sheet"], row["source_row"]),
                 row["detail"])
        )  # fmt: skip
    for row in conn.execute(
        text(
            "SELECT year, quarter, org_id, score, discipline, proposed_level, decided_level, "
            "batch_id, source_sheet, source_row FROM member_evaluation WHERE member_id = :m "
            "ORDER BY year, quarter"
        ),
        params,
    ).mappings():
        parts = []
        if row["score"] is not None:
            parts.append(f"điểm {row['score']:g}".replace(".", ","))
        if row["discipline"] in codes("discipline_forms"):
            parts.append(f"kỷ luật {label('discipline_forms', row['discipline']).lower()}")
        if row["proposed_level"]:
            parts.append(f"tự xếp loại {row['proposed_level']}")
        if row["decided_level"]:
            parts.append(f"cấp ủy quyết định {row['decided_level']}")
        period = f"Quý {row['quarter']}/{row['year']}" if row["quarter"] else f"Năm {row['year']}"
        result.evaluations.append(
            Fact(None, period, names.get(row["org_id"], ""),
                 _source(files.get(row["batch_id"]), row["source_sheet"], row["source_row"]),
                 "; ".join(parts))
        )  # fmt: skip
    for row in conn.execute(
        text(
            "SELECT r.year, r.quarter, r.status, r.level, r.computed_level, r.decided_level, "
            "r.proposed_level, r.capped, r_reason.text AS reason, r.rule_set, r.rule_version "
            f"FROM member_rating r {reason_join('r')} WHERE r.member_id = :m "
            "ORDER BY r.year, r.quarter"
        ),
        params,
    ).mappings():
        result.ratings.append(
            RatingFact(int(row["year"]), int(row["quarter"] or 0), row["status"], row["level"],
                       row["computed_level"], row["decided_level"], row["proposed_level"],
                       bool(row["capped"]), row["reason"] or "",
                       ruleset_title(row["rule_set"], row["rule_version"]))
        )  # fmt: skip
    return result


def _placement(conn: Connection, member_id: int, on: date, names: dict) -> Placement:
    here = members_on(conn, on)
    here = here[here["member_id"] == member_id]
    if here.empty:
        return Placement(on, None, None, None)
    row = here.iloc[0]
    tree = tree_on(conn, on).set_index("org_id")
    org = int(row["org_id"])
    tccsd = tree["tccsd_id"].get(org) if org in tree.index else None
    district = tree["district_id"].get(org) if org in tree.index else None
    return Placement(
        on=on,
        branch=names.get(org),
        tccsd=names.get(int(tccsd)) if tccsd is not None and pd.notna(tccsd) else None,
        district=names.get(int(district)) if district is not None and pd.notna(district) else None,
        probationary=bool(row["probationary"]),
        exempt=bool(row["exempt"]),
        suspended=bool(row["suspended"]),
    )


# --------------------------------------------------------------------------- a figure


@dataclass
class FigureLine:
    member_id: int
    full_name: str
    birth_date: date | None
    card_number: str | None
    branch: str  # the chi bộ the line is counted at
    on: date | None
    code: str
    what: str
    other_side: str  # where from / where to, for transfers
    source: str


@dataclass
class FigureExplanation:
    period: Period
    unit: str
    level: str  # province | district | tccsd
    row: str
    row_label: str
    figure: int  # the number in Biểu 1
    lines: list[FigureLine] = field(default_factory=list)


def bieu1_rows() -> dict[str, str]:
    return {row.code: row.label for row in load_form("bieu1").rows if row.code is not None}


def explain_figure(
    conn: Connection, period: Period, row: str, unit_name: str | None = None
) -> FigureExplanation:
    """The members behind Biểu 1 row `row` of a unit (a district, a TCCSĐ, or the province)."""
    rows = bieu1_rows()
    wanted = {code.casefold(): code for code in rows}.get(str(row).strip().casefold())
    if wanted is None:
        raise UserInputError(
            f'Dòng "{row}" không có trong Biểu 1; chọn một trong: {", ".join(rows)}.'
        )
    province = conn.execute(text("SELECT name, org_id FROM province")).mappings().first()
    if province is None:
        raise UserInputError('Cơ sở dữ liệu chưa có tỉnh. Hãy chạy "tcxd init" trước.')
    if unit_name is None:
        scope, unit = Scope("province", province["org_id"]), province["name"]
    else:
        found = find_unit(conn, unit_name)
        if found.org_type == "province":
            scope = Scope("province", found.org_id)
        elif found.org_type == "district":
            scope = Scope("district", found.org_id)
        elif found.org_type in tccsd_types():
            scope = Scope("tccsd", found.org_id)
        else:
            raise UnknownUnitError(
                "Biểu 1 lập cho tỉnh, đảng bộ cấp trên cơ sở hoặc tổ chức cơ sở đảng; "
                f'"{found.name}" là {found.type_label.lower()}.'
            )
        unit = found.name
    figures = PeriodFigures(conn, period)
    result = FigureExplanation(
        period=period,
        unit=unit,
        level=scope.level,
        row=wanted,
        row_label=rows[wanted],
        figure=int(figures.bieu1(scope)[wanted]),
    )
    names: dict[int, str] = dict(conn.execute(text("SELECT id, name FROM organization")).fetchall())
    if wanted in ("A", "D"):
        stock = scope.select(figures.stock_start if wanted == "A" else figures.stock_end)
        on = period.day_before_start if wanted == "A" else period.end
        what = f"{'Đầu kỳ' if wanted == 'A' else 'Cuối kỳ'} (ngày {short_date(on)})"
        lines: list[tuple[int, int, date | None, str, str, str, str]] = [
            (int(r.member_id), int(r.org_id), on, wanted, what, "", "") for r in stock.itertuples()
        ]
    else:
        flows = figures.scope_flows(scope)
        wanted_codes = flow_codes_under(wanted)
        if wanted == "C3a":
            part = flows[(flows["code"] == "C3") & flows["probationary_before"].astype(bool)]
        elif flows.empty:
            part = flows
        else:
            part = flows[flows["code"].isin(wanted_codes)]
        sources = _flow_sources(conn, part)
        lines = []
        for r in part.itertuples():
            other = r.other_org if "other_org" in part.columns else None
            other_name = names.get(int(other)) if other is not None and pd.notna(other) else ""
            source, place = sources.get((int(r.member_id), as_date(r.on), r.side), ("", ""))
            if not source and r.start_kind is None and r.code in ("B2b", "C5b"):
                source = "Tổ chức đảng chuyển sang đơn vị cấp trên khác"
            lines.append(
                (int(r.member_id), int(r.org_id), as_date(r.on), r.code,
                 flow_label(r.code), other_name or place, source)
            )  # fmt: skip
    people = _people(conn, sorted({line[0] for line in lines}))
    for member_id, org_id, day, code, what, other, source in lines:
        person = people.get(member_id, {})
        result.lines.append(
            FigureLine(member_id, person.get("full_name", ""), as_date(person.get("birth_date")),
                       person.get("card_number"), names.get(org_id, ""), day, code, what, other,
                       source)
        )  # fmt: skip
    result.lines.sort(key=lambda x: (x.on or date.min, x.branch, x.full_name))
    return result


def _people(conn: Connection, ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    query = text(
        "SELECT id, full_name, birth_date, card_number FROM member WHERE id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    return {r["id"]: dict(r) for r in conn.execute(query, {"ids": ids}).mappings()}


def _flow_sources(conn: Connection, flows: pd.DataFrame) -> dict[tuple, tuple[str, str]]:
    """(member, date, side) → (the file and row of the event behind it, its place)."""
    if flows.empty:
        return {}
    ids = sorted({int(m) for m in flows["member_id"]})
    query = text(
        "SELECT s.member_id, s.start_on, s.end_on, s.implied_start, s.implied_end, "
        "es.place AS start_place, ee.place AS end_place, "
        "bs.file_name AS start_file, es.source_sheet AS start_sheet, es.source_row AS start_row, "
        "be.file_name AS end_file, ee.source_sheet AS end_sheet, ee.source_row AS end_row "
        "FROM membership s "
        "LEFT JOIN membership_event es ON es.id = s.start_event_id "
        "LEFT JOIN import_batch bs ON bs.id = es.batch_id "
        "LEFT JOIN membership_event ee ON ee.id = s.end_event_id "
        "LEFT JOIN import_batch be ON be.id = ee.batch_id "
        "WHERE s.member_id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    found: dict[tuple, tuple[str, str]] = {}
    for r in conn.execute(query, {"ids": ids}).mappings():
        for side, on, implied, file_, sheet, row, place in (
            ("in", r["start_on"], r["implied_start"], r["start_file"], r["start_sheet"],
             r["start_row"], r["start_place"]),
            ("out", r["end_on"], r["implied_end"], r["end_file"], r["end_sheet"], r["end_row"],
             r["end_place"]),
        ):  # fmt: skip
            if on is None:
                continue
            if file_:
                source = _source(file_, sheet, row)
            elif implied:
                source = "Suy ra từ danh sách đảng viên (không có biến động)"
            else:
                source = ""
            found[(int(r["member_id"]), as_date(on), side)] = (source, place or "")
    return found
