"""`tcxd classify --out DIR`: the rating results as lists a clerk prints and signs.

Under `DIR/xep-loai-<year>/` (a quarter: `xep-loai-<year>-q<n>/`), one workbook per district-level
committee, named from it like the roll-up reports (`dang-bo-xa-thuy-loc.xlsx`), holding:
  - "Tổ chức đảng": the committee's organisations with their level and reason, each TCCSĐ followed
    by its chi bộ trực thuộc / đảng bộ bộ phận (signed T/M BAN THƯỜNG VỤ);
  - "Quyết định": the decision sheet: results lowered by the cap (level before and after) and
    results waiting for a decision, with an empty column for the committee's decision;
  - one sheet per TCCSĐ (its members, by chi bộ; signed T/M ĐẢNG ỦY, or T/M CHI ỦY for a chi bộ
    cơ sở), each followed by one sheet per chi bộ under it (signed T/M CHI ỦY).
and `tinh.xlsx`, the Ban Tổ chức's own lists (signed TRƯỞNG BAN): counts per district, the
district-level committees' own ratings, and their results that need a decision.

Every sheet is a party document laid out by `tcxd.reports.layout.write_form` (A4, one page wide,
header rows repeated, page numbers, wrapped reasons). Wording, signers and columns are data:
`tcxd/reports/forms/classify_lists.yaml`. No CCCD is read, and every text goes through `safe_text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, partial
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
import yaml
from sqlalchemy import Engine

from tcxd.core.outputs import mark, write_atomically
from tcxd.core.text import fold, slug
from tcxd.core.vocab import label, ranked, tccsd_types
from tcxd.db import history
from tcxd.db.bulk import read_frame
from tcxd.db.province import load_province
from tcxd.rating.reasons import level_codes
from tcxd.reports.forms import Column, Form, Row
from tcxd.reports.layout import (
    BodyRow,
    Page,
    Styles,
    cell_value,
    line_height,
    place_from_name,
    safe_text,
    workbook_options,
    write_form,
)

TCCSD_TYPES = tccsd_types()
LEVELS = ranked("levels")
SHEET_NAME_MAX = 31
_FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


@cache
def config() -> dict[str, Any]:
    text = resources.files("tcxd.reports.forms").joinpath("classify_lists.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@cache
def list_form(key: str) -> Form:
    """The form of one kind of list (`members`, `organizations`, `decisions`, `summary`)."""
    data = config()["lists"][key]
    columns = tuple(
        Column(
            key=str(c["key"]),
            kind=c["kind"],
            header=tuple(str(h) for h in c["header"]),
            width=float(c.get("width", 10)),
            field=c.get("field"),
            format=c.get("format"),
        )
        for c in data["columns"]
    )
    return Form(
        name=key,
        sheet=str(data.get("sheet", "")),
        number="",
        title=data["title"],
        orientation=data.get("orientation", "portrait"),
        figures=None,
        cell="{column}",
        columns=columns,
        rows=(),
    )


@dataclass
class ListsRun:
    folder: Path
    files: list[Path] = field(default_factory=list)


# --- names in the party header ----------------------------------------------------------------


def _renamed(name: str, rules: Iterable[dict]) -> str:
    text = " ".join(str(name).split())
    for rule in rules:
        prefix = rule["prefix"]
        if fold(text).startswith(fold(prefix) + " "):
            return f"{rule['becomes']} {text[len(prefix) + 1 :]}"
    return text


def issuing_body(name: str) -> str:
    """ "Đảng bộ xã Thủy Lộc" -> "ĐẢNG ỦY XÃ THỦY LỘC"; "Chi bộ Thôn An" -> "CHI BỘ THÔN AN"."""
    return _renamed(name, config()["issuers"]).upper()


def sheet_name(name: str, used: set[str]) -> str:
    """A worksheet name from a unit name: no character Excel forbids, at most 31 characters
    (cut at a word), unique in the workbook without regard to case ("…(2)" when taken)."""
    base = " ".join(_FORBIDDEN_IN_SHEET_NAMES.sub(" ", safe_text(name)).split()).strip("'")
    base = base or "Đơn vị"
    if len(base) > SHEET_NAME_MAX:
        cut = base[:SHEET_NAME_MAX]
        base = cut.rsplit(" ", 1)[0] if " " in cut else cut
    candidate, number = base, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    used.add(candidate.casefold())
    return candidate


def roman(number: int) -> str:
    values = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    if number >= 40:
        return str(number)
    text = ""
    for value, letters in values:
        while number >= value:
            text += letters
            number -= value
    return text


# --- the data ---------------------------------------------------------------------------------


@dataclass
class Lists:
    """Everything the sheets show, gathered once."""

    period: Any
    tree: pd.DataFrame  # by org_id: name, org_type, parent_id, tccsd_id, district_id
    members: pd.DataFrame
    organizations: pd.DataFrame
    province: dict

    def __post_init__(self) -> None:
        # plain dicts: looked up once per row and per sheet, a DataFrame lookup each time costs
        self._names = {int(k): str(v) for k, v in self.tree["name"].items()}
        self._types = {int(k): str(v) for k, v in self.tree["org_type"].items()}
        self._parents = {
            int(k): int(v) for k, v in self.tree["parent_id"].items() if not pd.isna(v)
        }

    def name(self, org_id: Any) -> str:
        return "" if org_id is None or pd.isna(org_id) else self._names.get(int(org_id), "")

    def org_type(self, org_id: Any) -> str:
        return "" if org_id is None or pd.isna(org_id) else self._types.get(int(org_id), "")

    def parent(self, org_id: Any) -> int | None:
        return None if org_id is None or pd.isna(org_id) else self._parents.get(int(org_id))

    def ancestors(self, org_id: Any) -> list[int]:
        """Parent, grandparent… of an organisation (the tree is shallow)."""
        found: list[int] = []
        current = self.parent(org_id)
        while current is not None and len(found) < 8:
            found.append(current)
            current = self.parent(current)
        return found


def gather(engine: Engine, result) -> Lists:
    period = result.period
    params = {"y": period.year, "q": period.quarter or 0}
    with engine.connect() as conn:
        tree = history.tree_on(conn, period.end).set_index("org_id")
        people = read_frame(
            conn,
            "SELECT id AS member_id, full_name, birth_date, birth_year, birth_year_only, "
            "occupation FROM member",
        )
        member_scores = read_frame(
            conn,
            "SELECT member_id, score FROM member_evaluation WHERE year = :y AND quarter = :q "
            "ORDER BY id",
            params,
        ).drop_duplicates("member_id", keep="last")
        org_scores = read_frame(
            conn,
            "SELECT org_id, score FROM organization_evaluation WHERE year = :y AND quarter = :q "
            "ORDER BY id",
            params,
        ).drop_duplicates("org_id", keep="last")
    members = result.members.merge(people, on="member_id", how="left").merge(
        member_scores, on="member_id", how="left"
    )
    members["birth"] = _births(members)
    # The rosters' "Nghề nghiệp, chức vụ" / "Chức vụ" column is read as the occupation.
    members["position"] = members["occupation"].fillna("").astype(str)
    # Vietnamese lists run in the order of the given name (the last word), then the full name.
    members["_given"] = (
        members["full_name"].fillna("").map(lambda n: fold(n.split()[-1] if n.split() else ""))
    )
    members["_full"] = members["full_name"].fillna("").map(fold)
    members = members.sort_values(["_given", "_full", "member_id"]).reset_index(drop=True)
    members[list(MEMBER_CELLS)] = _member_cells(members)
    organizations = result.organizations.drop(columns=["score"], errors="ignore").merge(
        org_scores, on="org_id", how="left"
    )
    organizations["name"] = organizations["org_id"].map(tree["name"])
    organizations = organizations.sort_values(["name", "org_id"]).reset_index(drop=True)
    return Lists(period, tree, members, organizations, load_province(engine))


def _births(members: pd.DataFrame) -> pd.Series:
    """dd/mm/yyyy, or the year alone when the roster gave only the year."""
    dates = pd.to_datetime(members["birth_date"], errors="coerce").dt.strftime("%d/%m/%Y")
    years = pd.to_numeric(members["birth_year"], errors="coerce")
    year_text = years.map(lambda y: "" if pd.isna(y) else str(int(y)))
    year_only = members["birth_year_only"].fillna(False).astype(bool)
    return dates.where(~year_only & dates.notna(), year_text).fillna("")


def _shown_level(row: Any) -> str:
    statuses = config()["statuses"]
    if row.status in statuses:
        return statuses[row.status]
    return row.level if isinstance(row.level, str) else ""


def _note(row: Any) -> str:
    notes = config()["notes"]
    if row.status == "not_reviewed":
        return ""
    if bool(row.capped):
        return notes["capped"].format(original=_before_cap(), final=row.computed_level)
    if bool(row.differs) and isinstance(row.decided_level, str):
        return notes["decided"].format(decided=row.decided_level, computed=row.computed_level)
    return ""


def _before_cap() -> str:
    """The cap lowers only the top level, to the next one (rules.md, "The cap")."""
    return level_codes()[1]


def _score(value: Any) -> float | None:
    number = pd.to_numeric(value, errors="coerce")
    return None if pd.isna(number) else float(number)


# --- pages ------------------------------------------------------------------------------------


def _page(lists: Lists, kind: str, committee: str, issuer: str, place: str, today: date) -> Page:
    document = config()["documents"][kind]
    settings = lists.province
    own_names = kind == "ban_to_chuc"
    return Page(
        committee=safe_text(committee).upper(),
        issuer=safe_text(document.get("issuer") or issuer).upper(),
        period=lists.period,
        place=safe_text(place),
        year=today.year,
        preparer_title=document.get("preparer") or "",
        preparer_name=safe_text(settings.get("preparer_name") or "") if own_names else "",
        signer_titles=tuple(line for line in str(document["signer"]).split("\n") if line),
        number_line=document.get("number") or "",
        date_in_header=True,
    )


def _province_place(lists: Lists) -> str:
    name = lists.province["name"]
    return lists.province.get("place_name") or place_from_name(name) or name


def _district_place(lists: Lists, district_id: Any) -> str:
    return place_from_name(lists.name(district_id)) or _province_place(lists)


# --- rows -------------------------------------------------------------------------------------


# column built once per member -> the cell field of the members' list it fills
MEMBER_CELLS = {
    "cell_name": "name",
    "cell_birth": "birth",
    "cell_position": "position",
    "cell_score": "score",
    "cell_level": "level",
    "cell_reason": "reason",
    "cell_note": "note",
}


def _member_cells(members: pd.DataFrame) -> pd.DataFrame:
    """What each member's row shows, once for all members (not per sheet: a member of a đảng
    bộ cơ sở is on two sheets)."""
    narrow = members[["status", "level", "capped", "differs", "decided_level", "computed_level"]]
    rows = list(narrow.itertuples(index=False))
    scores = pd.to_numeric(members["score"], errors="coerce")
    return pd.DataFrame(
        {
            "cell_name": members["full_name"].fillna("").map(safe_text),
            "cell_birth": members["birth"],
            "cell_position": members["position"].map(safe_text),
            "cell_score": scores.astype(object).where(scores.notna(), None),
            "cell_level": [_shown_level(r) for r in rows],
            "cell_reason": members["reason"].fillna(""),
            "cell_note": [_note(r) for r in rows],
        },
        index=members.index,
    )


def member_rows(lists: Lists, members: pd.DataFrame, by_chi_bo: bool) -> list[BodyRow]:
    rows: list[BodyRow] = []
    number = 0
    groups = [(None, members)]
    if by_chi_bo:
        order = sorted(members["org_id"].unique(), key=lambda o: (fold(lists.name(o)), o))
        groups = [(org_id, members[members["org_id"] == org_id]) for org_id in order]
    for index, (org_id, group) in enumerate(groups, start=1):
        if org_id is not None:
            heading = Row(
                code=None, short=roman(index), label=lists.name(org_id), heading=True, bold=True
            )
            rows.append(BodyRow(heading, {}))
        cells = group[list(MEMBER_CELLS)].rename(columns=MEMBER_CELLS).to_dict("records")
        for data in cells:
            number += 1
            rows.append(BodyRow(Row(code="member", short=str(number)), data))
    return rows


def member_notes(members: pd.DataFrame) -> list[str]:
    """Counts under a list, so the clerk checks the total before signing."""
    rated = members[members["status"] == "rated"]
    levels = "; ".join(f"{level}: {int((rated['level'] == level).sum())}" for level in LEVELS)
    pending = int((members["status"] == "needs_decision").sum())
    skipped = int((members["status"] == "not_reviewed").sum())
    return [
        f"Tổng số: {len(members)} đảng viên. Đã xếp loại {len(rated)} ({levels}); "
        f"chờ quyết định: {pending}; không xếp loại: {skipped}.",
        config()["notes"]["legend"],
    ]


def _org_data(lists: Lists, row: Any) -> dict[str, Any]:
    return {
        "name": safe_text(lists.name(row.org_id)),
        "type": label("org_types", row.org_type) if isinstance(row.org_type, str) else "",
        "score": _score(row.score),
        "level": _shown_level(row),
        "reason": row.reason or "",
        "note": _note(row),
    }


def organization_rows(lists: Lists, organizations: pd.DataFrame, tops: list[Any]) -> list[BodyRow]:
    """Each top organisation, then the organisations under it (indented, numbered 3.1, 3.2)."""
    rows: list[BodyRow] = []
    by_id = organizations.set_index("org_id", drop=False)
    under = organizations["org_id"].map(lists.ancestors)
    for number, top in enumerate(tops, start=1):
        if top in by_id.index:
            data = _org_data(lists, by_id.loc[top])
        else:
            data = {"name": safe_text(lists.name(top))}
        rows.append(BodyRow(Row(code="org", short=str(number)), data))
        below = organizations[under.map(lambda above, top=top: top in above)]
        for sub, org in enumerate(below.itertuples(), start=1):
            rows.append(
                BodyRow(Row(code="org", short=f"{number}.{sub}", indent=1), _org_data(lists, org))
            )
    return rows


def decision_rows(
    lists: Lists, members: pd.DataFrame, organizations: pd.DataFrame
) -> list[BodyRow]:
    """I: results lowered by the cap; II: results waiting for a decision. Members, then
    organisations, in each."""
    form_config = config()["lists"]["decisions"]
    pending_text = config()["statuses"]["needs_decision"]
    rows: list[BodyRow] = []
    number = 0
    sections = (
        (form_config["lowered"], "capped"),
        (form_config["pending"], "needs_decision"),
    )
    for index, (title, what) in enumerate(sections, start=1):
        rows.append(
            BodyRow(Row(code=None, short=roman(index), label=title, heading=True, bold=True), {})
        )
        if what == "capped":
            chosen_members = members[members["capped"].eq(True)]
            chosen_orgs = organizations[organizations["capped"].eq(True)]
        else:
            chosen_members = members[members["status"] == "needs_decision"]
            chosen_orgs = organizations[organizations["status"] == "needs_decision"]
        entries: list[dict[str, Any]] = []
        for m in chosen_members.itertuples():
            entries.append(
                {
                    "name": safe_text(m.full_name),
                    "birth": m.birth,
                    "unit": safe_text(_member_unit(lists, m)),
                    "score": _score(m.score),
                    "original": _before_cap() if what == "capped" else _text(m.computed_level),
                    "final": _text(m.level) if what == "capped" else pending_text,
                    "reason": m.reason or "",
                }
            )
        for o in chosen_orgs.itertuples():
            entries.append(
                {
                    "name": safe_text(lists.name(o.org_id)),
                    "birth": "",
                    "unit": safe_text(lists.name(o.parent_id)),
                    "score": _score(o.score),
                    "original": _before_cap() if what == "capped" else _text(o.computed_level),
                    "final": _text(o.level) if what == "capped" else pending_text,
                    "reason": o.reason or "",
                }
            )
        if not entries:
            rows.append(
                BodyRow(
                    Row(code="none", short="", label=form_config["none"], italic=True),
                    {"name": form_config["none"]},
                )
            )
        for entry in entries:
            number += 1
            rows.append(BodyRow(Row(code="decision", short=str(number)), entry))
    return rows


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _member_unit(lists: Lists, member: Any) -> str:
    chi_bo, tccsd = member.org_id, member.tccsd_id
    if pd.isna(tccsd) or int(tccsd) == int(chi_bo):
        return lists.name(chi_bo)
    return f"{lists.name(chi_bo)} – {lists.name(tccsd)}"


def write_sheet(workbook, styles: Styles, form: Form, page: Page, rows: list[BodyRow], **options):
    """`layout.write_form`, then: short codes and dates (the `centered` columns of the
    configuration) centred in their cells, not pressed against the number beside them; each
    heading row (a chi bộ, a section) spanning the table after its number, on one line, instead
    of wrapping in the narrow name column."""
    placed = write_form(workbook, styles, form, page, rows, **options)
    ws, last_col = placed.worksheet, len(form.columns) - 1
    centered = styles.get(align="center", border=1, text_wrap=True)
    for index, column in enumerate(form.columns):
        if column.key not in config()["centered"]:
            continue
        for offset, body in enumerate(rows):
            value = cell_value(form, body, column)
            if value and not body.row.heading:
                ws.write_string(placed.first_body + offset, index, safe_text(value), centered)
    # Each sheet is a document of its own: its pages are numbered from 1 when the whole
    # workbook is printed at once ("Trang 3/40" on a chi bộ's list would puzzle the signer).
    ws.set_start_page(1)
    ws.set_footer('&C&"Times New Roman,Regular"&11Trang &P', {"margin": 0.2})
    heading = styles.get(align="left", bold=True, border=1)
    for offset, body in enumerate(rows):
        if body.row.heading and placed.first_body <= placed.first_body + offset <= placed.last_body:
            row = placed.first_body + offset
            ws.merge_range(row, 1, row, last_col, safe_text(body.row.label), heading)
            ws.set_row(row, line_height() + 4)
    return placed


def _members_form(members: pd.DataFrame) -> Form:
    """The members' list; without the Nghề nghiệp, chức vụ column when no member of it has
    one."""
    form = list_form("members")
    return form if members["position"].astype(bool).any() else _without(form, "position")


def _without(form: Form, key: str) -> Form:
    return replace(form, columns=tuple(c for c in form.columns if c.key != key))


# --- workbooks --------------------------------------------------------------------------------


def folder_for(out_dir: Path, period: Any) -> Path:
    settings = config()
    if period.quarter:
        name = settings["quarter_folder"].format(year=period.year, quarter=period.quarter)
    else:
        name = settings["folder"].format(year=period.year)
    return Path(out_dir) / name


def write_lists(
    engine: Engine, result, out_dir: Path, *, whole_province: bool = True, today: date | None = None
) -> ListsRun:
    """Write the lists of a classify run; `whole_province` False (a `--unit` run): only the
    workbooks of the districts rated, no province workbook."""
    today = today or date.today()
    lists = gather(engine, result)
    run = ListsRun(folder_for(out_dir, lists.period))
    district_ids = sorted(
        {int(d) for d in lists.members["district_id"].dropna()}
        | {
            int(d)
            for d in lists.organizations.loc[
                lists.organizations["org_type"] != "district", "district_id"
            ].dropna()
        },
        key=lambda d: fold(lists.name(d)),
    )
    for district_id in district_ids:
        path = run.folder / f"{slug(lists.name(district_id))}.xlsx"
        write_atomically(
            path, partial(_district_workbook, lists=lists, district_id=district_id, today=today)
        )
        run.files.append(path)
    if whole_province:
        path = run.folder / f"{config()['province_file']}.xlsx"
        write_atomically(
            path, lambda temporary: _province_workbook(temporary, lists, result, today)
        )
        run.files.append(path)
    return run


def _workbook(temporary: str, title: str):
    workbook = xlsxwriter.Workbook(temporary, workbook_options())
    workbook.set_properties({"title": title, "author": "tcxd", "comments": "Tạo bởi tcxd"})
    mark(workbook)
    return workbook


def _district_workbook(temporary: str, lists: Lists, district_id: int, today: date) -> None:
    district = lists.name(district_id)
    place = _district_place(lists, district_id)
    members = lists.members[lists.members["district_id"] == district_id]
    organizations = lists.organizations[
        (lists.organizations["district_id"] == district_id)
        & (lists.organizations["org_type"] != "district")
    ]
    superior = _renamed(lists.province["name"], config().get("superiors", []))
    committee_page = _page(lists, "committee", superior, issuing_body(district), place, today)
    workbook = _workbook(temporary, f"Kết quả xếp loại {lists.period.label} – {district}")
    try:
        styles = Styles(workbook)
        used: set[str] = set()
        org_form = list_form("organizations")
        tops = _tccsd_order(lists, organizations, members)
        write_sheet(
            workbook,
            styles,
            org_form,
            committee_page,
            organization_rows(lists, organizations, tops),
            worksheet=workbook.add_worksheet(sheet_name(org_form.sheet, used)),
            notes=[config()["notes"]["legend"]],
            empty_message="Không có tổ chức đảng được xếp loại.",
        )
        decision_form = list_form("decisions")
        write_sheet(
            workbook,
            styles,
            decision_form,
            committee_page,
            decision_rows(lists, members, organizations),
            worksheet=workbook.add_worksheet(sheet_name(decision_form.sheet, used)),
        )
        for tccsd in tops:
            own = members[members["tccsd_id"] == tccsd]
            if own.empty:
                continue
            chi_bo_level = lists.org_type(tccsd) == "chi_bo_co_so"
            page = _page(
                lists,
                "chi_bo" if chi_bo_level else "dang_bo_co_so",
                district,
                issuing_body(lists.name(tccsd)),
                place,
                today,
            )
            by_chi_bo = bool((own["org_id"] != tccsd).any())
            write_sheet(
                workbook,
                styles,
                _members_form(own),
                page,
                member_rows(lists, own, by_chi_bo=by_chi_bo),
                worksheet=workbook.add_worksheet(sheet_name(lists.name(tccsd), used)),
                notes=member_notes(own),
            )
            if not by_chi_bo:
                continue
            for chi_bo in sorted(
                own.loc[own["org_id"] != tccsd, "org_id"].unique(),
                key=lambda o: (fold(lists.name(o)), o),
            ):
                mine = own[own["org_id"] == chi_bo]
                page = _page(
                    lists,
                    "chi_bo",
                    lists.name(lists.parent(chi_bo)) or lists.name(tccsd),
                    issuing_body(lists.name(chi_bo)),
                    place,
                    today,
                )
                write_sheet(
                    workbook,
                    styles,
                    _members_form(mine),
                    page,
                    member_rows(lists, mine, by_chi_bo=False),
                    worksheet=workbook.add_worksheet(sheet_name(lists.name(chi_bo), used)),
                    notes=member_notes(mine),
                )
        workbook.worksheets()[0].activate()
    finally:
        workbook.close()


def _tccsd_order(lists: Lists, organizations: pd.DataFrame, members: pd.DataFrame) -> list[int]:
    """The district's TCCSĐ, rated or holding rated members, by name."""
    ids = set(organizations.loc[organizations["org_type"].isin(TCCSD_TYPES), "org_id"].astype(int))
    ids |= {int(t) for t in members["tccsd_id"].dropna()}
    return sorted(ids, key=lambda o: (fold(lists.name(o)), o))


def _province_workbook(temporary: str, lists: Lists, result, today: date) -> None:
    from tcxd.rating.classify import summary

    names = lists.tree["name"].to_dict()
    province = lists.province["name"]
    page = _page(lists, "ban_to_chuc", province, "", _province_place(lists), today)
    districts = lists.organizations[lists.organizations["org_type"] == "district"]
    workbook = _workbook(temporary, f"Kết quả xếp loại {lists.period.label} – {province}")
    try:
        styles = Styles(workbook)
        used: set[str] = set()
        summary_form = list_form("summary")
        rows, total = (
            [],
            {key: 0 for key in ("total", *LEVELS, "not_reviewed", "needs_decision", "capped")},
        )
        for number, entry in enumerate(summary(result, names), start=1):
            data = {"name": safe_text(entry["district"]), **{k: entry[k] for k in total}}
            for key in total:
                total[key] += entry[key]
            rows.append(BodyRow(Row(code="district", short=str(number)), data))
        write_sheet(
            workbook,
            styles,
            summary_form,
            page,
            rows,
            worksheet=workbook.add_worksheet(sheet_name(summary_form.sheet, used)),
            total=BodyRow(Row(code="total", bold=True), {"name": "Tổng cộng", **total})
            if rows
            else None,
            notes=[config()["notes"]["legend"]],
            empty_message="Không có kết quả xếp loại.",
        )
        org_form = list_form("organizations")
        write_sheet(
            workbook,
            styles,
            org_form,
            page,
            organization_rows(
                lists,
                districts,
                sorted(districts["org_id"].astype(int), key=lambda o: fold(lists.name(o))),
            ),
            worksheet=workbook.add_worksheet(sheet_name("Đảng bộ trực thuộc", used)),
            notes=[config()["notes"]["legend"]],
            empty_message="Không có kết quả xếp loại các đảng bộ trực thuộc.",
        )
        # the district-level committees are organisations: no column of birth dates
        decision_form = _without(list_form("decisions"), "birth")
        write_sheet(
            workbook,
            styles,
            decision_form,
            page,
            decision_rows(lists, lists.members.iloc[0:0], districts),
            worksheet=workbook.add_worksheet(sheet_name(decision_form.sheet, used)),
        )
        workbook.worksheets()[0].activate()
    finally:
        workbook.close()
