"""`tcxd classify --out FILE.xlsx`: the results with their reasons, one sheet per district,
filterable and ready to print. No CCCD: members are found by name, birth date and card number."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter
from sqlalchemy import Engine, text

from tcxd.outputs import mark, write_atomically
from tcxd.rules.titles import ruleset_title
from tcxd.text import slug
from tcxd.vocab import label

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
STATUS_LABELS = {
    "rated": "Đã xếp loại",
    "not_reviewed": "Không xếp loại",
    "needs_decision": "Chờ cấp có thẩm quyền quyết định",
}
MEMBER_COLUMNS = [
    ("Họ và tên", 24),
    ("Ngày sinh", 11),
    ("Số thẻ đảng viên", 11),
    ("Chi bộ", 22),
    ("Tổ chức cơ sở đảng", 24),
    ("Điểm", 7),
    ("Kết quả", 10),
    ("Tính theo quy định", 10),
    ("Cấp ủy quyết định", 10),
    ("Tình trạng", 14),
    ("Lý do", 70),
]
ORG_COLUMNS = [
    ("Tổ chức đảng", 30),
    ("Loại", 18),
    ("Trực thuộc", 28),
    ("Kết quả", 10),
    ("Tính theo quy định", 10),
    ("Cấp ủy quyết định", 10),
    ("Tình trạng", 14),
    ("Lý do", 70),
]


def _member_rows(engine: Engine, result) -> pd.DataFrame:
    with engine.connect() as conn:
        people = pd.read_sql(
            text(
                "SELECT id AS member_id, full_name, birth_date, birth_year, birth_year_only, "
                "card_number FROM member"
            ),
            conn,
        )
        names = dict(conn.execute(text("SELECT id, name FROM organization")).fetchall())
        scores = pd.read_sql(
            text("SELECT member_id, score FROM member_evaluation WHERE year = :y AND quarter = :q"),
            conn,
            params={"y": result.period.year, "q": result.period.quarter or 0},
        )
    rows = result.members.merge(people, on="member_id", how="left").merge(
        scores, on="member_id", how="left"
    )
    rows["chi_bo"] = rows["org_id"].map(names)
    rows["tccsd"] = rows["tccsd_id"].map(names)
    rows["district"] = rows["district_id"].map(names)
    return rows.sort_values(["district", "tccsd", "chi_bo", "full_name"], na_position="last")


def _birth(row) -> str:
    if row.birth_year_only and row.birth_year == row.birth_year:
        return str(int(row.birth_year))
    if row.birth_date is None or row.birth_date != row.birth_date:
        return ""
    return pd.Timestamp(row.birth_date).strftime("%d/%m/%Y")


def _level(code) -> str:
    return code if isinstance(code, str) else ""


def write_results(engine: Engine, result, path: Path) -> Path:
    members = _member_rows(engine, result)
    with engine.connect() as conn:
        names = dict(conn.execute(text("SELECT id, name FROM organization")).fetchall())
    orgs = result.organizations.copy()

    def write(temporary: str) -> None:
        workbook = xlsxwriter.Workbook(temporary, WORKBOOK_OPTIONS)
        mark(workbook)
        styles = _styles(workbook)
        used: set[str] = set()
        districts = sorted(
            set(members["district"].dropna()) | set(orgs["district_id"].map(names).dropna())
        )
        for district in districts:
            sheet = workbook.add_worksheet(_sheet_name(district, used))
            row = _title(sheet, styles, district, result)
            row = _table(
                sheet,
                styles,
                row,
                MEMBER_COLUMNS,
                [
                    [
                        r.full_name,
                        _birth(r),
                        r.card_number or "",
                        r.chi_bo or "",
                        r.tccsd or "",
                        r.score if r.score == r.score else None,
                        _level(r.level),
                        _level(r.computed_level),
                        _level(r.decided_level),
                        STATUS_LABELS.get(r.status, r.status),
                        r.reason or "",
                    ]
                    for r in members[members["district"] == district].itertuples()
                ],
                "ĐẢNG VIÊN",
            )
            district_orgs = orgs[orgs["district_id"].map(names) == district]
            _table(
                sheet,
                styles,
                row + 2,
                ORG_COLUMNS,
                [
                    [
                        names.get(r.org_id, ""),
                        label("org_types", r.org_type),
                        names.get(r.parent_id, "") if r.parent_id == r.parent_id else "",
                        _level(r.level),
                        _level(r.computed_level),
                        _level(r.decided_level),
                        STATUS_LABELS.get(r.status, r.status),
                        r.reason or "",
                    ]
                    for r in district_orgs.itertuples()
                ],
                "TỔ CHỨC ĐẢNG",
                autofilter=False,
            )
            _print_setup(sheet, len(MEMBER_COLUMNS))
        workbook.close()

    return write_atomically(Path(path), write)


def _sheet_name(name: str, used: set[str]) -> str:
    base = slug(name).replace("dang-bo-", "")[:28] or "don-vi"
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base[:26]}-{n}"
    used.add(candidate)
    return candidate


def _styles(workbook) -> dict:
    font = {"font_name": "Times New Roman", "font_size": 11}
    return {
        "title": workbook.add_format({**font, "font_size": 14, "bold": True}),
        "head": workbook.add_format(
            {
                **font,
                "bold": True,
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
                "bg_color": "#E7E6E6",
            }
        ),
        "cell": workbook.add_format({**font, "border": 1, "text_wrap": True, "valign": "top"}),
        "number": workbook.add_format({**font, "border": 1, "valign": "top", "num_format": "0.##"}),
        "section": workbook.add_format({**font, "bold": True}),
    }


def _title(sheet, styles, district: str, result) -> int:
    sheet.write_string(
        0,
        0,
        f"KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG {result.period.title} – {district.upper()}",
        styles["title"],
    )
    sheet.write_string(
        1,
        0,
        f"Theo {ruleset_title(result.ruleset.id, result.ruleset.version)}",
        styles["section"],
    )
    return 3


def _table(sheet, styles, row: int, columns, rows, heading: str, autofilter: bool = True) -> int:
    sheet.write_string(row, 0, heading, styles["section"])
    row += 1
    for number, (title, width) in enumerate(columns):
        sheet.write_string(row, number, title, styles["head"])
        sheet.set_column(number, number, width)
    header = row
    for values in rows:
        row += 1
        for number, value in enumerate(values):
            if isinstance(value, float | int) and not isinstance(value, bool):
                sheet.write_number(row, number, value, styles["number"])
            elif value is None:
                sheet.write_blank(row, number, None, styles["cell"])
            else:
                sheet.write_string(row, number, str(value), styles["cell"])
    if autofilter:
        sheet.autofilter(header, 0, max(row, header), len(columns) - 1)
        sheet.freeze_panes(header + 1, 1)
        sheet.repeat_rows(header)
    return row


def _print_setup(sheet, columns: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
