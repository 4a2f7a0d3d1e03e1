"""`tcxd template`: blank, print-ready forms for units to fill and send back (docs/workflow.md,
"template").

A template is one data sheet laid out like the files tcxd reads best (title rows naming the unit
and the date or period, one header row in the wording of reading/aliases.yaml, a row of column
numbers, data rows, a signature block that ends the table) and a sheet "Hướng dẫn" with the
instructions and the lists the drop-downs use. The header and title rows are locked (sheet
protection without a password); data cells are unlocked and validated: drop-down lists, dates,
card number (8 characters) and CCCD (12 characters) as text.

`--prefill` writes what the database knows on the template's date (the unit's members, or its
organisations), so that units correct rather than retype. A members template keeps the CCCD: it
goes back to the unit that sent it (the guide says how to handle the file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
import yaml
from sqlalchemy import Connection, text
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from tcxd.core.coerce import is_missing
from tcxd.core.errors import UserInputError
from tcxd.core.outputs import write_atomically
from tcxd.core.periods import Period, short_date
from tcxd.core.text import fold, slug
from tcxd.core.vocab import (
    codes,
    committee_types,
    label,
    label_in_sentence,
    may_hold,
    org_types_in_tiers,
)
from tcxd.db.bulk import plain
from tcxd.db.history import members_on, tree_on
from tcxd.db.units import MEMBER_HOLDING_TYPES, OrgIndex
from tcxd.reading.headers import field_of
from tcxd.reports.layout import BODY_SIZE, FONT, TITLE_SIZE, workbook_options
from tcxd.workflow.common import Unit, as_date, cell_text, find_unit, reads_as_formula

KINDS = ("members", "changes", "evaluations", "organizations")
GUIDE_SHEET = "Hướng dẫn"
DATA_SHEETS = {
    "members": "Danh sách",
    "changes": "Biến động",
    "evaluations": "Xếp loại",
    "organizations": "Tổ chức",
}
KIND_TITLES = {
    "members": "DANH SÁCH ĐẢNG VIÊN",
    "changes": "BIẾN ĐỘNG ĐẢNG VIÊN",
    "evaluations": "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN",
    "organizations": "DANH SÁCH TỔ CHỨC ĐẢNG",
}
# A template's kind → the kind of file it makes (vocab.yaml `file_kinds`, which names it).
FILE_KINDS = {
    "members": "members",
    "changes": "changes",
    "evaluations": "member_evaluations",
    "organizations": "organizations",
}
KIND_LABELS = {kind: label_in_sentence("file_kinds", FILE_KINDS[kind]) for kind in KINDS}
FILE_STEMS = {
    "members": "mau-danh-sach-dang-vien",
    "changes": "mau-bien-dong",
    "evaluations": "mau-xep-loai-dang-vien",
    "organizations": "mau-danh-sach-to-chuc",
}
MEMBER_UNITS = org_types_in_tiers(3, 4)  # a TCCSĐ or a unit under one
ORGANIZATION_UNITS = committee_types()
BLANK_ROWS = 30
BLANK_ROWS_AFTER_PREFILL = 15
PARTY_FOUNDED = date(1930, 2, 3)


@cache
def template_lists() -> dict:
    """The drop-down lists that are not vocabularies, and the title of every list on the guide
    (template_lists.yaml)."""
    text = resources.files("tcxd.workflow").joinpath("template_lists.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@dataclass(frozen=True)
class Col:
    """One column of a template: the field tcxd reads, the header, and how a cell is checked."""

    field: str | None  # None: the STT column
    header: str
    width: float
    check: str = "text"  # seq text date id list number percent
    choices: str | None = None  # a key of Template.lists
    strict: bool = True  # a list: refuse other values (else warn and allow)
    required: bool = False
    length: int | None = None  # id: number of characters
    low: float | None = None
    high: float | None = None
    earliest: date = date(1900, 1, 1)
    help: str = ""  # the input message, and the guide's "how to fill"


def _columns(kind: str, with_branch: bool) -> list[Col]:
    seq = Col(None, "STT", 5, "seq", help="Số thứ tự.")
    name = Col("full_name", "Họ và tên", 24, required=True, help="Họ và tên khai sinh, có dấu.")
    birth = Col(
        "birth_date", "Ngày sinh", 12, "date", required=kind == "members",
        help="Ngày/tháng/năm sinh, ví dụ 05/03/1980.",
    )  # fmt: skip
    card = Col(
        "card_number", "Số thẻ đảng viên", 12, "id", length=8,
        help="Đủ 8 chữ số, giữ số 0 ở đầu (ô dạng văn bản).",
    )  # fmt: skip
    branch = Col(
        "branch", "Chi bộ", 20, "list", "branches", required=True,
        help="Chọn chi bộ nơi đảng viên sinh hoạt.",
    )  # fmt: skip
    note = Col("note", "Ghi chú", 18, help="Ghi chú thêm nếu cần.")
    if kind == "members":
        columns = [
            seq, name, birth,
            Col("gender", "Giới tính", 8, "list", "genders", help="Chọn Nam hoặc Nữ."),
            Col("ethnicity", "Dân tộc", 10, "list", "ethnicities", strict=False,
                help="Chọn trong danh sách; dân tộc khác thì gõ đúng tên."),
            Col("religion", "Tôn giáo", 10, "list", "religions", strict=False,
                help="Không có tôn giáo: chọn Không."),
            card,
            Col("profile_number", "Số lý lịch", 10, "id", help="Số lý lịch đảng viên (nếu có)."),
            Col("citizen_id", "Số CCCD", 15, "id", length=12,
                help="Số căn cước công dân: đủ 12 chữ số, giữ số 0 ở đầu."),
            Col("admitted_on", "Ngày vào Đảng", 12, "date", required=True, earliest=PARTY_FOUNDED,
                help="Ngày kết nạp (dự bị), ví dụ 19/05/2010."),
            Col("official_on", "Ngày chính thức", 12, "date", earliest=PARTY_FOUNDED,
                help="Ngày công nhận chính thức; để trống nếu còn dự bị."),
            *([branch] if with_branch else []),
            Col("occupation", "Nghề nghiệp", 18, help="Nghề nghiệp hoặc chức vụ, đơn vị công tác."),
            Col("school_level", "Giáo dục phổ thông", 9, "list", "school_levels", strict=False,
                help="Ví dụ 12/12 hoặc 9/12."),
            Col("degree", "Trình độ chuyên môn", 11, "list", "degrees", strict=False,
                help="Trình độ chuyên môn cao nhất."),
            Col("theory_level", "Lý luận chính trị", 10, "list", "theory_levels", strict=False,
                help="Trình độ lý luận chính trị; để trống nếu chưa có."),
            Col("youth_union", "Đoàn viên", 7, "list", "mark",
                help="Ghi x nếu là đoàn viên Đoàn TNCS Hồ Chí Minh."),
            Col("exempt", "Miễn sinh hoạt", 10, "list", "mark", strict=False,
                help="Ghi x (hoặc ngày được miễn) nếu được miễn công tác và sinh hoạt đảng."),
            note,
        ]  # fmt: skip
    elif kind == "changes":
        columns = [
            seq, name, birth, card, *([branch] if with_branch else []),
            Col("change", "Loại biến động", 16, "list", "change_kinds", required=True,
                help="Chọn loại biến động trong danh sách."),
            Col("date", "Ngày biến động", 12, "date", required=True,
                help="Ngày quyết định hoặc ngày xảy ra, ví dụ 15/08/2026."),
            Col("decision", "Số quyết định", 12, help="Số quyết định (nếu có)."),
            Col("scope", "Phạm vi", 11, "list", "transfer_scopes",
                help="Với chuyển đến, chuyển đi: trong tỉnh hay ngoài tỉnh."),
            Col("place", "Nơi đến / nơi đi", 22,
                help="Với chuyển sinh hoạt: chuyển đến đâu hoặc từ đâu đến."),
            note,
        ]  # fmt: skip
    elif kind == "evaluations":
        columns = [
            seq, name, birth, card, *([branch] if with_branch else []),
            Col("general_score", "Điểm tiêu chí chung", 9, "number", low=0, high=30,
                help="Từ 0 đến 30 điểm."),
            Col("task_score", "Điểm kết quả thực hiện nhiệm vụ", 11, "number", low=0, high=70,
                help="Từ 0 đến 70 điểm."),
            Col("score", "Tổng điểm", 8, "number", low=0, high=100,
                help="Từ 0 đến 100; bằng điểm tiêu chí chung cộng điểm thực hiện nhiệm vụ."),
            Col("tasks_completed_pct", "Tỷ lệ hoàn thành nhiệm vụ (%)", 11, "percent",
                help="Phần trăm nhiệm vụ hoàn thành, từ 0 đến 100."),
            Col("tasks_on_time", "Hoàn thành đúng hạn, bảo đảm chất lượng", 13, "list", "yes_no",
                help="Chọn Có hoặc Không."),
            Col("tasks_exceeding_pct", "Tỷ lệ vượt yêu cầu (%)", 10, "percent",
                help="Phần trăm nhiệm vụ vượt yêu cầu, từ 0 đến 100."),
            Col("tasks_late_pct", "Tỷ lệ chậm tiến độ (%)", 10, "percent",
                help="Phần trăm nhiệm vụ chậm tiến độ, từ 0 đến 100."),
            Col("prior_shortcomings_fixed", "Khắc phục hạn chế đã chỉ ra", 11, "list", "yes_no",
                help="Đã khắc phục hạn chế, khuyết điểm được chỉ ra kỳ trước: Có hoặc Không."),
            Col("leader", "Giữ chức vụ lãnh đạo, quản lý", 11, "list", "yes_no",
                help="Chọn Có nếu giữ chức vụ lãnh đạo, quản lý."),
            Col("discipline", "Hình thức kỷ luật", 11, "list", "discipline_forms",
                help="Kỷ luật trong kỳ đánh giá; để trống nếu không bị kỷ luật."),
            Col("discipline_on", "Ngày kỷ luật", 12, "date", help="Ngày quyết định kỷ luật."),
            Col("proposed_level", "Tự xếp loại", 16, "list", "levels",
                help="Mức đảng viên tự nhận (chi bộ đề xuất)."),
            Col("decided_level", "Cấp ủy quyết định", 16, "list", "levels",
                help="Chỉ ghi khi cấp có thẩm quyền đã quyết định mức xếp loại."),
            note,
        ]  # fmt: skip
    else:
        columns = [
            seq,
            Col("name", "Tên tổ chức đảng", 30, required=True, help="Tên đầy đủ của tổ chức đảng."),
            Col("code", "Mã tổ chức", 10, "id", help="Mã tổ chức (nếu có)."),
            Col("org_type", "Loại tổ chức", 17, "list", "org_types", required=True,
                help="Chọn loại tổ chức đảng."),
            Col("parent", "Trực thuộc", 28, "list", "parents", required=True,
                help="Tổ chức đảng cấp trên trực tiếp."),
            Col("kind_of_place", "Loại hình", 24, "list", "kinds_of_place",
                help="Loại hình của tổ chức cơ sở đảng."),
            Col("founded_on", "Ngày thành lập", 12, "date", earliest=PARTY_FOUNDED,
                help="Ngày quyết định thành lập."),
            Col("dissolved_on", "Ngày giải thể", 12, "date", earliest=PARTY_FOUNDED,
                help="Ngày giải thể hoặc sáp nhập (nếu có)."),
            note,
        ]  # fmt: skip
    return columns


@dataclass
class Template:
    kind: str
    unit: Unit
    as_of: date | None  # members, organisations: "Tính đến ngày …"
    period: Period | None  # changes, evaluations
    columns: list[Col]
    lists: dict[str, list[str]]
    rows: list[dict[str, Any]] = field(default_factory=list)  # prefilled rows: field -> value
    prefilled: bool = False

    @property
    def title(self) -> str:
        title = KIND_TITLES[self.kind]
        if self.period is not None:
            title += f" {self.period.title}"
        return title

    @property
    def subtitle(self) -> str:
        if self.as_of is not None:
            return f"Tính đến ngày {short_date(self.as_of)}"
        period = self.dated_period
        return f"(Từ ngày {short_date(period.start)} đến ngày {short_date(period.end)})"

    @property
    def dated_period(self) -> Period:
        """The period of a template without `as_of` (changes, evaluations): it always has one."""
        assert self.period is not None, f"a {self.kind} template with neither as_of nor period"
        return self.period

    @property
    def day(self) -> date:
        """The day the template's lists stand at: `as_of`, else the end of its period."""
        return self.as_of if self.as_of is not None else self.dated_period.end

    @property
    def default_file_name(self) -> str:
        """The kind, the unit and every level above it (under the province), the unit first: two
        "Chi bộ 1" of two đảng bộ get two files, and a clerk finds the unit at the front."""
        names = tuple(reversed(self.unit.path)) or (self.unit.name,)
        return f"{FILE_STEMS[self.kind]}-{slug(' '.join(names))}.xlsx"

    @property
    def title_lines(self) -> list[str]:
        """The unit and the levels above it (under the province), outermost first, in capitals;
        a name without "chi bộ"/"đảng bộ" gets its type in front so that readers find it."""
        lines = []
        for name in self.unit.path or (self.unit.name,):
            folded = fold(name)
            known = folded.startswith(("chi bo", "dang bo", "dang uy", "chi uy", "tinh uy"))
            if not known and name == self.unit.name:
                name = f"{self.unit.type_label} {name}"
            lines.append(name.upper())
        return lines


def quarter_of(day: date) -> Period:
    return Period.parse(f"q{(day.month - 1) // 3 + 1}", day.year)


def evaluation_year(today: date) -> int:
    """Evaluations are made at the turn of the year: until March, last year's."""
    return today.year if today.month > 3 else today.year - 1


def build_template(
    conn: Connection,
    kind: str,
    unit_name: str,
    *,
    period: Period | None = None,
    as_of: date | None = None,
    prefill: bool = False,
    today: date | None = None,
) -> Template:
    """What a template for `unit_name` holds (no file written)."""
    today = today or date.today()
    if kind not in KINDS:
        raise UserInputError(f'Loại mẫu "{kind}" không hợp lệ; chọn một trong: {", ".join(KINDS)}.')
    index = OrgIndex.load(conn)
    unit = find_unit(conn, unit_name, index)
    allowed = ORGANIZATION_UNITS if kind == "organizations" else MEMBER_UNITS
    if unit.org_type not in allowed:
        what = (
            "đảng bộ có tổ chức trực thuộc (cấp trên cơ sở, đảng bộ cơ sở, đảng bộ bộ phận)"
            if kind == "organizations"
            else "tổ chức cơ sở đảng, đảng bộ bộ phận hoặc chi bộ"
        )
        raise UserInputError(
            f'Mẫu {KIND_LABELS[kind]} lập cho một {what}; "{unit.name}" là '
            f"{unit.type_label.lower()}."
        )
    if prefill and kind == "changes":
        raise UserInputError(
            "Mẫu biến động không điền sẵn được (biến động là việc mới xảy ra); bỏ --prefill."
        )
    if kind in ("members", "organizations"):
        as_of = as_of or (period.end if period else quarter_of(today).end)
        period = None
        on = as_of
    elif kind == "changes":
        period = period or quarter_of(today)
        as_of = None
        on = period.end
    else:
        period = period or Period.parse("year", evaluation_year(today))
        if period.code not in ("year", "q1", "q2", "q3", "q4"):
            raise UserInputError(
                "Kết quả xếp loại lập theo năm (--period year) hoặc theo quý (q1…q4)."
            )
        as_of = None
        on = period.end
    branches = _branches(conn, unit, on)
    with_branch = kind != "organizations" and unit.org_type not in MEMBER_HOLDING_TYPES
    if with_branch and not branches:
        raise UserInputError(
            f'"{unit.name}" chưa có chi bộ nào (vào ngày {short_date(on)}): '
            "hãy nhập danh sách tổ chức đảng trước, hoặc lập mẫu cho từng chi bộ."
        )
    template = Template(
        kind=kind,
        unit=unit,
        as_of=as_of,
        period=period,
        columns=_columns(kind, with_branch),
        lists=_lists(conn, kind, unit, on, branches),
    )
    if prefill:
        template.prefilled = True
        if kind == "organizations":
            template.rows = _organization_rows(conn, unit, on)
        else:
            template.rows = _member_rows(conn, unit, on, kind, with_branch)
    return template


def _subtree_on(conn: Connection, unit: Unit, on: date) -> pd.DataFrame:
    tree = tree_on(conn, on)
    parents = dict(zip(tree["org_id"], tree["parent_id"], strict=True))
    inside = set()
    for org in tree["org_id"]:
        node, steps = org, 0
        while node is not None and node == node and steps < 12:
            if node == unit.org_id:
                inside.add(org)
                break
            parent = parents.get(node)
            node = None if parent is None or pd.isna(parent) else int(parent)
            steps += 1
    return tree[tree["org_id"].isin(inside)]


def _branches(conn: Connection, unit: Unit, on: date) -> list[str]:
    orgs = _subtree_on(conn, unit, on)
    holding = orgs[orgs["org_type"].isin(MEMBER_HOLDING_TYPES) & (orgs["org_id"] != unit.org_id)]
    return sorted(holding["name"])


def _lists(conn: Connection, kind: str, unit: Unit, on: date, branches: list[str]) -> dict:
    fixed = template_lists()
    lists: dict[str, list[str]] = {
        "genders": [label("genders", c) for c in codes("genders")],
        "ethnicities": fixed["ethnicities"],
        "religions": fixed["religions"],
        "school_levels": fixed["school_levels"],
        "degrees": fixed["degrees"],
        "theory_levels": fixed["theory_levels"],
        "mark": fixed["mark"],
        "yes_no": fixed["yes_no"],
        "branches": branches,
        "change_kinds": [label("change_kinds", c) for c in codes("change_kinds")],
        "transfer_scopes": [label("transfer_scopes", c) for c in codes("transfer_scopes")],
        "discipline_forms": [label("discipline_forms", c) for c in codes("discipline_forms")],
        "levels": [label("levels", c) for c in codes("levels")],
        "kinds_of_place": [label("kinds_of_place", c) for c in codes("kinds_of_place")],
    }
    if kind == "organizations":
        lists["org_types"] = [label("org_types", c) for c in may_hold(unit.org_type)]
        orgs = _subtree_on(conn, unit, on)
        parents = orgs[orgs["org_type"].isin(committee_types()) & (orgs["org_id"] != unit.org_id)]
        lists["parents"] = [unit.name, *sorted(parents["name"])]
    return {name: values for name, values in lists.items() if values}


def _member_rows(
    conn: Connection, unit: Unit, on: date, kind: str, with_branch: bool
) -> list[dict[str, Any]]:
    """The unit's members on `on`, from history, with their attributes (newest roster's)."""
    orgs = _subtree_on(conn, unit, on)
    names = dict(zip(orgs["org_id"], orgs["name"], strict=True))
    here = members_on(conn, on)
    here = here[here["org_id"].isin(names)]
    if here.empty:
        return []
    ids = sorted(int(i) for i in here["member_id"])
    branch_of = dict(zip(here["member_id"], here["org_id"], strict=True))
    exempt_now = dict(zip(here["member_id"], here["exempt"], strict=True))
    members = pd.read_sql(text("SELECT * FROM member"), conn)
    members = members[members["id"].isin(ids)]
    rows = []
    for record in members.to_dict("records"):
        row: dict[str, Any] = {
            "full_name": record["full_name"],
            "card_number": record["card_number"],
            "birth_date": _birth_value(record),
        }
        if with_branch:
            row["branch"] = names[branch_of[record["id"]]]
        if kind == "members":
            gender = record.get("gender")
            row.update(
                gender=label("genders", gender) if gender in codes("genders") else None,
                ethnicity=record.get("ethnicity"),
                religion=record.get("religion"),
                profile_number=record.get("profile_number"),
                citizen_id=record.get("citizen_id"),
                admitted_on=as_date(record.get("admitted_on")),
                official_on=as_date(record.get("official_on")),
                occupation=record.get("occupation"),
                school_level=record.get("school_level"),
                degree=record.get("degree"),
                theory_level=record.get("theory_level"),
                youth_union="x" if _true(record.get("youth_union")) else None,
                exempt=_exempt_value(record, bool(exempt_now.get(record["id"]))),
                note=record.get("note"),
            )
        rows.append({k: plain(v) for k, v in row.items()})
    rows.sort(key=lambda r: (fold(str(r.get("branch") or "")), _sort_name(r["full_name"])))
    return rows


def _sort_name(name: str) -> tuple[str, str]:
    """Vietnamese order: by given name (the last word), then the whole name."""
    folded = fold(name or "")
    return (folded.split()[-1] if folded.split() else "", folded)


def _birth_value(record: dict) -> Any:
    if _true(record.get("birth_year_only")) and record.get("birth_year"):
        return str(int(record["birth_year"]))  # a year alone, as the unit wrote it
    return as_date(record.get("birth_date"))


def _exempt_value(record: dict, exempt_now: bool) -> Any:
    if _true(record.get("exempt")) and record.get("exempt_on") is not None:
        return as_date(record["exempt_on"])
    return "x" if exempt_now or _true(record.get("exempt")) else None


def _true(value: Any) -> bool:
    return bool(value) and value == value


def _organization_rows(conn: Connection, unit: Unit, on: date) -> list[dict[str, Any]]:
    orgs = _subtree_on(conn, unit, on)
    names = dict(zip(orgs["org_id"], orgs["name"], strict=True))
    codes_: dict[int, str] = dict(
        conn.execute(text("SELECT id, code FROM organization WHERE code IS NOT NULL")).fetchall()
    )
    rows = []
    depth: dict[int, int] = {unit.org_id: 0}
    ordered = orgs[orgs["org_id"] != unit.org_id].copy()
    for _ in range(6):
        for org_id, parent in zip(ordered["org_id"], ordered["parent_id"], strict=True):
            if org_id not in depth and pd.notna(parent) and int(parent) in depth:
                depth[org_id] = depth[int(parent)] + 1
    for record in ordered.to_dict("records"):
        parent = record["parent_id"]
        rows.append(
            {
                "name": record["name"],
                "code": codes_.get(record["org_id"]),
                "org_type": label("org_types", record["org_type"]),
                "parent": names.get(int(parent)) if pd.notna(parent) else None,
                "kind_of_place": (
                    label("kinds_of_place", record["kind_of_place"])
                    if record["kind_of_place"] in codes("kinds_of_place")
                    else None
                ),
                "founded_on": as_date(record["founded_on"]),
                "_order": (depth.get(record["org_id"], 9), fold(record["name"])),
            }
        )
    rows.sort(key=lambda r: r.pop("_order"))
    return rows


# --------------------------------------------------------------------------- the workbook


def write_template(path: Path, template: Template, committee: str | None = None) -> Path:
    """Write the template workbook (atomically; the file is created 0600)."""

    def write(filename: str) -> None:
        workbook = xlsxwriter.Workbook(filename, workbook_options())
        try:
            _write(workbook, template, committee)
        finally:
            workbook.close()

    return write_atomically(Path(path), write)


@dataclass
class _Placed:
    header_row: int
    first_data_row: int
    data_rows: int
    list_ranges: dict[str, str]


def _write(workbook, template: Template, committee: str | None) -> None:
    f = _Formats(workbook)
    data = workbook.add_worksheet(DATA_SHEETS[template.kind])
    guide = workbook.add_worksheet(GUIDE_SHEET)
    list_ranges = _write_lists(guide, f, template)
    placed = _write_data_sheet(data, f, template, list_ranges)
    _write_guide(guide, f, template, placed, committee)
    data.activate()


class _Formats:
    def __init__(self, workbook) -> None:
        self.workbook = workbook
        self._cache: dict[tuple, Any] = {}

    def get(self, **props: Any):
        full = {"font_name": FONT, "font_size": BODY_SIZE, "valign": "vcenter", **props}
        key = tuple(sorted(full.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(full)
        return self._cache[key]


def _write_lists(guide, f: _Formats, template: Template) -> dict[str, str]:
    """The drop-down lists, one per column of the guide sheet from column G; their ranges.

    Nothing on the guide may read as a table header (two header words on one row): list titles
    are "Danh mục: …" and column names are quoted."""
    used = [c.choices for c in template.columns if c.choices]
    ranges: dict[str, str] = {}
    column = 6
    head = f.get(bold=True, border=1, bg_color="#F2F2F2", text_wrap=True, align="center")
    cell = f.get(border=1)
    for name in dict.fromkeys(used):
        values = template.lists.get(name, [])
        if not values:
            continue
        guide.set_column(column, column, max(12, min(40, max(len(v) for v in values) + 2)))
        # "Danh mục: …", never a bare header word: the guide must not look like a table.
        title = template_lists()["titles"].get(name, name)
        guide.write_string(0, column, f"Danh mục: {title}", head)
        for row, value in enumerate(values, start=1):
            guide.write_string(row, column, cell_text(value), cell)
        letter = xl_col_to_name(column)
        ranges[name] = f"='{GUIDE_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        column += 1
    return ranges


def _write_data_sheet(ws, f: _Formats, template: Template, ranges: dict[str, str]) -> _Placed:
    columns = template.columns
    width = len(columns)
    for number, column in enumerate(columns):
        ws.set_column(number, number, column.width)
    left = max(2, min(width // 2, 5))
    # Title block: the unit (and the levels above it) on the left, the party on the right.
    row = 0
    centred = f.get(align="center")
    for number, line in enumerate(template.title_lines):
        ws.merge_range(row, 0, row, left - 1, line, f.get(align="center", bold=number > 0))
        row += 1
    ws.merge_range(0, left, 0, width - 1, "ĐẢNG CỘNG SẢN VIỆT NAM", f.get(align="center",
                   bold=True, underline=1))  # fmt: skip
    row = max(row, 1) + 1
    ws.merge_range(row, 0, row, width - 1, template.title,
                   f.get(align="center", bold=True, font_size=TITLE_SIZE))  # fmt: skip
    ws.set_row(row, 24)
    row += 1
    subtitle = f.get(align="center", italic=True, locked=template.as_of is None)
    ws.merge_range(row, 0, row, width - 1, template.subtitle, subtitle)
    row += 2
    header_row = row
    head = f.get(bold=True, border=1, text_wrap=True, align="center", bg_color="#F2F2F2")
    for number, column in enumerate(columns):
        ws.write_string(row, number, column.header, head)
    ws.set_row(row, 66)
    row += 1
    numbers = f.get(italic=True, border=1, align="center", font_size=11)
    for number in range(width):
        ws.write_string(row, number, f"({number + 1})", numbers)
    row += 1
    first = row
    count = len(template.rows) + (BLANK_ROWS_AFTER_PREFILL if template.prefilled else BLANK_ROWS)
    formats = [_cell_format(f, column) for column in columns]
    # Stored text that Excel would take for a formula once a clerk edits the cell: kept as text.
    as_text = [_cell_format(f, column, as_text=True) for column in columns]
    unlocked_row = f.get(locked=False)
    for offset in range(count):
        ws.set_row(first + offset, None, unlocked_row)
        values = template.rows[offset] if offset < len(template.rows) else {}
        for number, column in enumerate(columns):
            # the STT column (the only one without a field) numbers the rows
            value = offset + 1 if column.field is None else values.get(column.field)
            _write_cell(ws, first + offset, number, value, formats[number], as_text[number])
    last = first + count - 1
    for number, column in enumerate(columns):
        _validate(ws, first, last, number, column, columns, ranges)
    # Signature block: the place-date line ends the table for tcxd.
    row = last + 2
    half = max(1, width // 2)
    ws.merge_range(row, half, row, width - 1, "…………, ngày …… tháng …… năm ……",
                   f.get(align="center", italic=True))  # fmt: skip
    signer = "T/M CHI ỦY" if template.unit.org_type in MEMBER_HOLDING_TYPES else "T/M ĐẢNG ỦY"
    if template.unit.org_type in org_types_in_tiers(1, 2):
        signer = "T/M BAN THƯỜNG VỤ"
    ws.merge_range(row + 1, 0, row + 1, half - 1, "NGƯỜI LẬP BIỂU", f.get(align="center",
                   bold=True))  # fmt: skip
    ws.merge_range(row + 1, half, row + 1, width - 1, signer, f.get(align="center", bold=True))
    ws.merge_range(row + 2, 0, row + 2, half - 1, "(Ký, ghi rõ họ tên)", centred)
    ws.merge_range(row + 2, half, row + 2, width - 1, "(Ký, ghi rõ họ tên)", centred)
    # Print and protection.
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.repeat_rows(header_row, header_row + 1)
    ws.freeze_panes(first, 0)
    ws.set_footer('&C&"Times New Roman"&11Trang &P/&N')
    ws.protect(
        "",
        {
            "insert_rows": True,
            "delete_rows": True,
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )
    return _Placed(header_row, first, count, ranges)


def _cell_format(f: _Formats, column: Col, as_text: bool = False):
    """The column's cell format; `as_text`: for text Excel would read as a formula when the
    cell is edited ("=…", "+…", "-…", "@…"): the apostrophe prefix and the Text number format
    keep it text, as written, through any edit."""
    props: dict[str, Any] = {"border": 1, "locked": False}
    if column.check == "date":
        props.update(num_format="dd/mm/yyyy", align="center")
    elif column.check == "id" or column.field in ("school_level",):
        props.update(num_format="@", align="center")
    elif column.check in ("number", "percent", "seq"):
        props.update(align="center")
    elif column.check == "list":
        props.update(text_wrap=True)
    else:
        props.update(text_wrap=True)
    if as_text:
        props.update(quote_prefix=True, num_format="@")
    return f.get(**props)


def _write_cell(ws, row: int, col: int, value: Any, fmt, text_fmt=None) -> None:
    if is_missing(value):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "x" if value else "", fmt)
    elif isinstance(value, (datetime, date)):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    else:
        text = cell_text(value)
        protect = text_fmt is not None and reads_as_formula(text)
        ws.write_string(row, col, text, text_fmt if protect else fmt)


def _validate(ws, first: int, last: int, number: int, column: Col, columns, ranges) -> None:
    title = column.header[:32]
    options: dict[str, Any] = {"input_title": title, "input_message": column.help[:255]}
    check = column.check
    if check == "date":
        options.update(
            validate="date",
            criteria="between",
            minimum=datetime(column.earliest.year, column.earliest.month, column.earliest.day),
            maximum=datetime(2100, 12, 31),
            error_title="Ngày không hợp lệ",
            error_message="Cần ngày/tháng/năm, ví dụ 05/03/1980.",
        )
    elif check == "id" and column.length:
        options.update(
            validate="length",
            criteria="==",
            value=column.length,
            error_title="Số không đúng độ dài",
            error_message=f"{column.header} cần đủ {column.length} chữ số (giữ số 0 ở đầu).",
        )
    elif check == "list" and column.choices in ranges:
        options.update(
            validate="list",
            source=ranges[column.choices],
            error_type="stop" if column.strict else "warning",
            error_title="Giá trị không có trong danh sách",
            error_message=(
                "Hãy chọn một giá trị trong danh sách."
                if column.strict
                else "Giá trị này không có trong danh sách; chọn Có (Yes) để vẫn giữ."
            ),
        )
    elif check in ("number", "percent"):
        low = 0 if column.low is None else column.low
        high = 100 if column.high is None else column.high
        if column.field == "score":
            parts = {c.field: i for i, c in enumerate(columns)}
            me = xl_rowcol_to_cell(first, number)
            general = xl_rowcol_to_cell(first, parts["general_score"])
            task = xl_rowcol_to_cell(first, parts["task_score"])
            options.update(
                validate="custom",
                value=(
                    f"=AND(ISNUMBER({me}),{me}>={low},{me}<={high},"
                    f'OR({general}="",{task}="",ABS({me}-{general}-{task})<0.01))'
                ),
                error_title="Tổng điểm không hợp lệ",
                error_message=(
                    "Tổng điểm từ 0 đến 100 và bằng điểm tiêu chí chung cộng điểm "
                    "kết quả thực hiện nhiệm vụ."
                ),
            )
        else:
            options.update(
                validate="decimal",
                criteria="between",
                minimum=low,
                maximum=high,
                error_title="Số không hợp lệ",
                error_message=f"Cần một số từ {low:g} đến {high:g}.",
            )
    elif check == "seq":
        return
    else:
        options.update(validate="any")
    ws.data_validation(first, number, last, number, options)


def _write_guide(guide, f: _Formats, template: Template, placed: _Placed, committee) -> None:
    guide.set_column(0, 0, 5)
    guide.set_column(1, 1, 26)
    guide.set_column(2, 2, 62)
    guide.set_column(3, 3, 10)
    wrap = f.get(text_wrap=True, valign="top")
    bold = f.get(bold=True, text_wrap=True, valign="top")
    head = f.get(bold=True, border=1, bg_color="#F2F2F2", text_wrap=True, align="center")
    cell = f.get(border=1, text_wrap=True, valign="top")
    centre = f.get(border=1, align="center", valign="top")
    kind_label = KIND_LABELS[template.kind]
    guide.merge_range(0, 0, 0, 3, f"HƯỚNG DẪN ĐIỀN MẪU {kind_label.upper()}",
                      f.get(bold=True, font_size=TITLE_SIZE, align="center"))  # fmt: skip
    unit = template.unit.name
    when = (
        f"tính đến ngày {short_date(template.as_of)}"
        if template.as_of
        else template.dated_period.label[:1].lower() + template.dated_period.label[1:]
    )
    data_sheet = DATA_SHEETS[template.kind]
    first_row = placed.first_data_row + 1
    steps = [
        f"Mẫu {kind_label} của {unit}, {when}"
        + (f", do {committee} gửi." if committee else ".")
        + f" Ghi vào trang “{data_sheet}”, rồi gửi lại nguyên tệp (định dạng .xlsx).",
        f"Mỗi {'tổ chức' if template.kind == 'organizations' else 'đảng viên'} ghi một dòng, "
        f"từ dòng {first_row}. Không đổi tên cột, không thêm hay xóa cột, không xóa các dòng "
        "tiêu đề và dòng chữ ký.",
        "Cần thêm dòng: chèn dòng (Insert) ở giữa bảng, phía trên dòng trống cuối cùng. "
        "Dòng bỏ trống không sao.",
        "Phần tiêu đề được khóa để khỏi sửa nhầm; cần sửa thì bỏ khóa (Review → Unprotect "
        "Sheet / Xem lại → Bỏ bảo vệ trang tính), không có mật khẩu.",
        "Ngày ghi đủ ngày/tháng/năm, ví dụ 05/03/1980. Máy tính đặt kiểu ngày của Mỹ "
        "(tháng/ngày/năm) sẽ hiểu sai: sau khi gõ, xem lại ngày hiển thị trong ô.",
        "Số thẻ đảng viên (8 chữ số) và số CCCD (12 chữ số) là ô văn bản để giữ số 0 ở đầu; "
        "khi sao chép từ tệp khác, dùng Dán giá trị (Paste Values).",
        "Các cột có danh sách: bấm vào ô để chọn. Danh mục các giá trị ở bên phải trang này.",
    ]
    if template.kind == "members":
        steps.append(
            f"Ngày chốt danh sách ghi ở dòng “Tính đến ngày {short_date(template.day)}”; "
            "nếu chốt ngày khác, sửa ngày ở dòng đó (ô không khóa)."
        )
        steps.append(
            "Tệp có số CCCD và thông tin cá nhân của đảng viên: chỉ gửi theo đường công văn "
            "hoặc thư điện tử công vụ, không đưa lên nhóm trò chuyện; xóa bản trên máy sau khi gửi."
        )
    if template.kind == "evaluations":
        steps.append(
            "Tổng điểm = điểm tiêu chí chung (tối đa 30) + điểm kết quả thực hiện nhiệm vụ "
            "(tối đa 70). Cột “Cấp ủy quyết định” chỉ ghi khi cấp có thẩm quyền đã quyết định."
        )
    if template.kind == "changes":
        steps.append(
            "Chuyển sinh hoạt: ghi Phạm vi (trong tỉnh / ngoài tỉnh) và Nơi đến / nơi đi. "
            "Kết nạp, chuyển đến: ghi đủ ngày sinh để nhận ra đảng viên."
        )
    if template.prefilled:
        if template.kind == "organizations":
            steps.append(
                "Danh sách đã điền sẵn các tổ chức theo số liệu của Ban Tổ chức: sửa chỗ sai, "
                "bổ sung tổ chức mới, ghi ngày giải thể cho tổ chức không còn."
            )
        else:
            steps.append(
                "Danh sách đã điền sẵn các đảng viên theo số liệu của Ban Tổ chức đến ngày "
                f"{short_date(template.day)}: sửa chỗ sai, bổ sung người "
                "còn thiếu. Người không còn sinh hoạt tại đơn vị: xóa dòng và báo bằng mẫu "
                "biến động (chuyển đi, từ trần…)."
            )
    row = 2
    for number, step in enumerate(steps, start=1):
        guide.write_string(row, 0, f"{number}.", bold)
        guide.merge_range(row, 1, row, 3, step, wrap)
        guide.set_row(row, 18 * max(1, len(step) // 85 + 1))
        row += 1
    row += 1
    guide.merge_range(row, 0, row, 3, "CÁC CỘT CỦA MẪU", f.get(bold=True, align="center"))
    row += 1
    for number, header in enumerate(["Cột", "Tên cột", "Cách ghi", "Bắt buộc"]):
        guide.write_string(row, number, header, head)
    row += 1
    for number, column in enumerate(template.columns, start=1):
        guide.write_string(row, 0, f"({number})", centre)
        guide.write_string(row, 1, f"“{column.header}”", cell)  # quoted: not a header
        guide.write_string(row, 2, column.help, cell)
        guide.write_string(row, 3, "Có" if column.required else "", centre)
        guide.set_row(row, 18 * max(1, len(column.help) // 70 + 1))
        row += 1
    guide.set_paper(9)
    guide.set_portrait()
    guide.fit_to_pages(1, 0)
    guide.print_area(0, 0, row, 3)
    guide.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


def header_fields(template: Template) -> dict[str, str | None]:
    """Header → the field tcxd reads it as (for tests and the docs)."""
    return {c.header: field_of(c.header) for c in template.columns}
