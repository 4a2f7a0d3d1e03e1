"""The generic party-form writer: one worksheet from a form definition (tcxd.reports.forms) and
figures.

Every sheet has the same frame (spec reports.md, "Layout"):

    TỈNH ỦY BÌNH MINH                                   ĐẢNG CỘNG SẢN VIỆT NAM   (underlined)
      BAN TỔ CHỨC                                                Biểu số 1-BTCTW
        ────
             THỐNG KÊ TĂNG, GIẢM ĐẢNG VIÊN – QUÝ I NĂM 2026   (bold 14, centred)
                  (Số liệu tính đến ngày 31/3/2026)
                                                              Đơn vị tính: đảng viên
    ┌─────┬───────────────┬────────┬─────────┬──────────────────────┐  multi-row header,
    │ STT │ Chỉ tiêu      │ Kỳ này │ Cùng kỳ │ Tỷ lệ %              │  merged group cells
    │  A  │      B        │  (1)   │  (2)   │ (3) = (1)×100/(2)     │  column numbers
    │  A  │ Tổng số …     │  1,234 │  1,200 │ 102.83                │  body
    └─────┴───────────────┴────────┴─────────┴──────────────────────┘
    notes                                          Bình Minh, ngày …… tháng …… năm 2026
      NGƯỜI LẬP BIỂU                                  T/M BAN THƯỜNG VỤ
      (names)                                         (name)

Choices (docs/reports.md): zeros print as "-" (number format `#,##0;-#,##0;"-"`); an empty cell
means "no figure" (e.g. no same-period figures, a share with a zero base); shares are values
(count × 100 / base, rounded half up to 2 decimals), not formulas, so that every reader sees the
same number; every string is written with `write_string` after masking 12-digit ID numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from numbers import Real
from typing import Any

from tcxd.core.periods import Period
from tcxd.reports.forms import Column, Form, Row

FONT = "Times New Roman"
BODY_SIZE = 13
TITLE_SIZE = 14
# Workbook options: imported text is never turned into a formula, link or number.
WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "in_memory": True,  # no temporary file per part (faster; workbooks are small)
    "default_format_properties": {"font_name": FONT, "font_size": BODY_SIZE},
    # Column-width metrics of a 13 pt Times New Roman "Normal" font: 9 px per digit.
    "default_column_width": 80,
    "default_row_height": 23,
}


def workbook_options() -> dict[str, Any]:
    """A fresh copy of WORKBOOK_OPTIONS for one workbook. xlsxwriter adds a key to the
    `default_format_properties` it is given, so a shared dict made every workbook after the
    first in a process differ from it (the default font's theme scheme): with a copy, a
    workbook's bytes do not depend on which workbooks the process wrote before."""
    options = dict(WORKBOOK_OPTIONS)
    options["default_format_properties"] = dict(WORKBOOK_OPTIONS["default_format_properties"])
    return options


DIGIT_PX = 9  # must match default_column_width above (xlsxwriter metrics for 80 px)
PADDING_PX = 7

NUMBER_FORMATS = {
    "integer": '#,##0;-#,##0;"-"',
    "plain": '0;-0;"-"',
    "decimal1": '#,##0.0;-#,##0.0;"-"',
    "signed": '+#,##0;-#,##0;"-"',
    "percent": '0.00;-0.00;"-"',
}
EMPTY = "…………"

_ID_RUN = re.compile(r"(?<!\d)(?:\d{12}|\d{3}[ .]\d{3}[ .]\d{3}[ .]\d{3})(?!\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def safe_text(value: Any) -> str:
    """Text for a cell: control characters dropped, ID-like 12-digit numbers masked.

    CCCD numbers never appear in a roll-up workbook (spec README.md, Sensitive data), whatever the
    caller passes in a unit name or a check detail.
    """
    text = "" if value is None else str(value)
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _ID_RUN.sub("[số định danh đã ẩn]", text)


def round_share(value: float) -> float:
    """Half up to 2 decimals: 12.345 -> 12.35."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _get(mapping: Any, key: str, default: Any = None) -> Any:
    if mapping is None:
        return default
    if isinstance(mapping, Mapping):
        return mapping.get(key, default)
    return getattr(mapping, key, default)


# --- the page frame: who issues, who signs -----------------------------------------------------

# Names of territorial committees: what follows the prefix is a place name.
_PLACE_PREFIXES = (
    "tỉnh ủy",
    "tỉnh uỷ",
    "thành ủy",
    "thành uỷ",
    "huyện ủy",
    "huyện uỷ",
    "thị ủy",
    "thị uỷ",
    "đảng bộ tỉnh",
    "đảng bộ thành phố",
    "đảng bộ phường",
    "đảng bộ xã",
    "đảng bộ đặc khu",
    "đảng bộ huyện",
    "đảng bộ thị xã",
    "đảng ủy phường",
    "đảng ủy xã",
    "đảng ủy đặc khu",
    "đảng uỷ phường",
    "đảng uỷ xã",
    "đảng uỷ đặc khu",
)


def place_from_name(name: str) -> str | None:
    """ "Tỉnh ủy Bình Minh" -> "Bình Minh"; "Đảng bộ phường An Lạc" -> "An Lạc";
    a committee that is not a place ("Đảng bộ Công an tỉnh") -> None."""
    text = " ".join(str(name).split())
    lowered = text.lower()
    for prefix in _PLACE_PREFIXES:
        if lowered.startswith(prefix + " "):
            return text[len(prefix) + 1 :].strip()
    return None


@dataclass
class Page:
    """What frames every sheet: the issuer block, the period, the date line and the signers."""

    committee: str  # "TỈNH ỦY BÌNH MINH"
    issuer: str  # "BAN TỔ CHỨC"
    period: Period
    place: str  # "Bình Minh"
    sign_date: date | None = None  # None: "ngày …… tháng …… năm <year>"
    year: int = 0  # year of the date line when sign_date is None
    preparer_title: str = "NGƯỜI LẬP BIỂU"
    preparer_name: str = ""
    signer_titles: tuple[str, ...] = ("T/M BAN THƯỜNG VỤ",)
    signer_name: str = ""
    # Lines under the as-of line of every sheet (a locked period's "figures as sent").
    banner: tuple[str, ...] = ()
    # A party document (a list to sign) rather than a statistics form: "*" and the number line
    # ("Số    -DS/ĐU") under the issuer, the place-and-date line under "ĐẢNG CỘNG SẢN VIỆT NAM".
    number_line: str = ""
    date_in_header: bool = False

    @property
    def date_line(self) -> str:
        if self.sign_date:
            d = self.sign_date
            return f"{self.place}, ngày {d.day} tháng {d.month} năm {d.year}"
        return f"{self.place}, ngày {EMPTY} tháng {EMPTY} năm {self.year}"


def make_page(report: Mapping, settings: Any, period: Period, today: date | None = None) -> Page:
    """The frame of a unit's sheets from the report's unit and the province settings.

    settings (a dict or tcxd.core.settings.ProvinceConfig-like object) may carry: `place_name`,
    `issuing_body`, `preparer_name`, `signer_title` (lines separated by a newline), `signer_name`,
    `sign_date` (a date: fill the date line; default: dots for the signer), and for district
    workbooks `district_issuing_body` and `units: {<slug of unit name>: {same keys}}`.
    The province's own names sign the province workbook; a district workbook gets the names of
    its `units` entry, else blank lines to sign on.
    """
    from tcxd.core.text import slug

    unit = report.get("unit") or {}
    name = str(unit.get("name") or "")
    level = unit.get("level") or "province"
    today = today or date.today()
    overrides = _get(settings, "units", None) or {}
    own = overrides.get(slug(name)) or overrides.get(name) or {}

    def pick(key: str, default: Any = None) -> Any:
        if key in own:
            return own[key]
        if level == "province":
            value = _get(settings, key, None)
            return default if value in (None, "") else value
        return default

    committee = pick("committee", None) or name.upper()
    issuer = pick("issuing_body", None)
    if issuer is None:
        if level == "province":
            issuer = "BAN TỔ CHỨC"
        else:
            issuer = (
                _get(settings, "district_issuing_body", None)
                or _get(settings, "issuing_body", None)
                or "BAN TỔ CHỨC"
            )
    province_name = str(name if level == "province" else unit.get("parent_name") or "")
    province_place = (
        _get(settings, "place_name", None) or place_from_name(province_name) or province_name
    )
    place = pick("place_name", None)
    if not place:
        # a district signs at its own place; "Đảng bộ Công an tỉnh" at the province's
        place = province_place if level == "province" else place_from_name(name) or province_place
    signer_title = pick("signer_title", None) or _get(settings, "signer_title", None)
    signer_title = signer_title or "T/M BAN THƯỜNG VỤ"
    sign_date = pick("sign_date", None) or _get(settings, "sign_date", None)
    return Page(
        committee=safe_text(committee).upper(),
        issuer=safe_text(issuer).upper(),
        period=period,
        place=safe_text(place),
        sign_date=sign_date,
        year=today.year,
        preparer_name=safe_text(pick("preparer_name", "") or ""),
        signer_titles=tuple(
            safe_text(line).strip().upper() for line in str(signer_title).split("\n") if line
        ),
        signer_name=safe_text(pick("signer_name", "") or ""),
    )


# --- formats -----------------------------------------------------------------------------------


class Styles:
    """xlsxwriter formats of one workbook, made once per distinct set of properties."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self._cache: dict[tuple, Any] = {}
        self._cells: dict[tuple, Any] = {}

    def cell(self, key: tuple, props) -> Any:
        """`get(**props(*key))` for a body cell, remembered under its short `key` (a sheet of
        check rows asks for the same few formats tens of thousands of times)."""
        found = self._cells.get(key)
        if found is None:
            found = self._cells[key] = self.get(**props(*key))
        return found

    def get(self, **props: Any) -> Any:
        full = {"font_name": FONT, "font_size": BODY_SIZE, "valign": "vcenter", **props}
        key = tuple(sorted(full.items()))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self.workbook.add_format(full)
        return found


# --- text metrics (to size rows of wrapped text; no font files needed) ------------------------


def column_px(width: float) -> int:
    return int(width * DIGIT_PX + 0.5) + PADDING_PX


def _wraps(text: str, widths: list[float]) -> bool:
    """Would `text` need a second line across these columns? With 15 % to spare: LibreOffice
    and Excel measure italic text wider than our estimate."""
    return text_lines(text, 0.85 * sum(column_px(w) for w in widths)) > 1


@lru_cache(maxsize=8192)
def text_lines(text: str, width_px: float, *, size: float = BODY_SIZE, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped in a cell `width_px` wide (an estimate)."""
    if not text:
        return 1
    em = size * 96 / 72
    usable = max((width_px - 10) * 0.9, 10)  # 10 % slack: fonts differ (Liberation, Times)
    lines = 0
    for paragraph in str(text).split("\n"):
        line_px = 0.0
        count = 1
        for word in paragraph.split(" "):
            word_px = _word_em(word) * em * (1.07 if bold else 1.0)
            space = 0.25 * em if line_px else 0.0
            if line_px and line_px + space + word_px > usable:
                count += 1
                line_px = word_px
            else:
                line_px += space + word_px
            while line_px > usable:  # a word longer than the line breaks anywhere
                count += 1
                line_px -= usable
        lines += count
    return lines


@lru_cache(maxsize=65536)
def _word_em(word: str) -> float:
    """Width of a word in em (words repeat: names, syllables; rows of text are many)."""
    return sum(_char_em(ch) for ch in word)


def _char_em(ch: str) -> float:
    if ch.isdigit():
        return 0.5
    if ch.isupper():
        return 0.70
    if ch in "il.,;:'|!()[]-/":
        return 0.30
    if ch in "mwMW%":
        return 0.78
    return 0.47


def line_height(size: float = BODY_SIZE) -> float:
    """Points per line of `size` pt text (Times New Roman, with Excel's leading)."""
    return round(size * 1.32, 2)


# --- figures lookup ------------------------------------------------------------------------------


def lookup(data: Any, path: Iterable[str]) -> Any:
    node = data
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def as_number(value: Any) -> float | int | None:
    kind = type(value)  # the common cases first: a million cells per province
    if kind is int:
        return value
    if kind is str:
        return None
    if value is None or isinstance(value, bool) or not isinstance(value, Real):
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value if isinstance(value, int) else float(value)


@dataclass
class BodyRow:
    """One row of the table: a form row and the figures its cells read."""

    row: Row
    data: Any  # figures of the period (a form's dict, or one unit's dict)
    previous: Any = None  # the same for the same period last year
    bold: bool | None = None


@dataclass
class Placed:
    """Where a written table landed (0-based rows/columns), for charts and tests."""

    worksheet: Any
    columns: dict[str, int]
    header_top: int
    number_row: int
    first_body: int
    last_body: int  # inclusive; first_body - 1 when the table has no body rows
    bottom: int  # last row used by the sheet
    widths: list[float] = field(default_factory=list)


# What a cell says where tcxd has no figure: a figure no file gives (`no_data` rows), or the
# same period of the year before when the database holds nothing for it (spec reports.md).
NO_DATA = "không có số liệu"


def cell_value(form: Form, body: BodyRow, column: Column) -> Any:
    """The content of a body cell: a number, a string, NO_DATA, or None (blank)."""
    row = body.row
    if column.kind == "code":
        return row.short
    if row.heading:
        return row.label if column.kind == "label" else None
    if column.kind == "label":
        if column.field:
            return lookup(body.data, form.path(row, column))
        return row.label
    if column.kind == "text":
        value = lookup(body.data, form.path(row, column))
        return None if value is None else str(value)
    if column.kind == "value":
        source = body.data if column.source == "current" else body.previous
        if source is None:
            return NO_DATA if column.source == "previous_year" else None
        found = lookup(source, form.path(row, column))
        if found is None and (row.no_data or row.optional or column.source == "previous_year"):
            return NO_DATA
        value = as_number(found)
        if value is not None and row.minus:
            other = as_number(lookup(source, form.path(row, column, code=row.minus)))
            value = None if other is None else value - other
        return value
    if column.kind == "ratio":
        if not row.ratio:
            return None
        num = cell_value(form, body, form.column(column.num))
        den = cell_value(form, body, form.column(column.den))
        return NO_DATA if NO_DATA in (num, den) else _share(num, den)
    if column.kind == "share":
        if not row.share_base:
            return None
        of = form.column(column.of)
        base_row = Row(code=row.share_base, params=row.params)
        num = cell_value(form, body, of)
        den = cell_value(form, BodyRow(base_row, body.data, body.previous), of)
        return NO_DATA if NO_DATA in (num, den) else _share(num, den)
    raise ValueError(column.kind)


def _share(num: Any, den: Any) -> float | None:
    if not isinstance(num, int | float) or not isinstance(den, int | float) or not den:
        return None
    return round_share(num * 100 / den)


# --- the writer ---------------------------------------------------------------------------------


def column_numbers(form: Form) -> list[str]:
    """The column-number row: "A", "B" for text columns, "(1)", "(2)"… for numbers, and
    "(3) = (1)×100/(2)" for a ratio column (unless the form gives the text)."""
    letters = "ABCDEGHIKLMNOPQRSTUVXY"  # Vietnamese order: no F, J, W, Z
    numbers: dict[str | None, int] = {}  # a ratio's num / den: column keys (None: not given)
    texts: list[str] = []
    next_number, next_letter = 1, 0
    for column in form.columns:
        if column.is_number:
            numbers[column.key] = next_number
            next_number += 1
    for column in form.columns:
        if column.number is not None:
            texts.append(column.number)
        elif column.is_number:
            n = numbers[column.key]
            if column.kind == "ratio":
                texts.append(f"({n}) = ({numbers[column.num]})×100/({numbers[column.den]})")
            else:
                texts.append(f"({n})")
        else:
            texts.append(letters[next_letter % len(letters)])
            next_letter += 1
    return texts


def text_px(text: str, *, size: float = BODY_SIZE, bold: bool = False) -> float:
    """Estimated width of one line of `text` in pixels (with the same slack as text_lines)."""
    em = size * 96 / 72
    return sum(_char_em(ch) for ch in text) * em * (1.07 if bold else 1.0) / 0.9 + 10


def _split_blocks(widths: list[float], left_need: float = 0, right_need: float = 0) -> int:
    """First column of the right-hand top block: the column boundary that leaves each block
    room for its text (pixels needed), nearest the middle among equals."""
    total = sum(column_px(w) for w in widths)
    best, best_score = 1, (float("inf"), float("inf"))
    running = 0
    for index, width in enumerate(widths[:-1], start=1):
        running += column_px(width)
        short = max(left_need - running, 0) + max(right_need - (total - running), 0)
        score = (short, abs(running - total / 2))
        if score < best_score:
            best, best_score = index, score
    return best


def write_form(
    workbook: Any,
    styles: Styles,
    form: Form,
    page: Page,
    body_rows: list[BodyRow],
    *,
    worksheet: Any = None,
    notes: Iterable[str] = (),
    preamble: Iterable[str] = (),
    empty_message: str | None = None,
    total: BodyRow | None = None,
) -> Placed:
    """Write one form as a worksheet (created, or the given `worksheet`) and return where."""
    ws = worksheet if worksheet is not None else workbook.add_worksheet(form.sheet)
    columns = list(form.columns)
    ncols = len(columns)
    widths = [c.width for c in columns]
    for index, width in enumerate(widths):
        ws.set_column(index, index, width)
    last_col = ncols - 1
    top_right = page.date_line if page.date_in_header else form.number
    split = _split_blocks(
        widths,
        max(text_px(page.committee), text_px(page.issuer, bold=True)),
        max(text_px("ĐẢNG CỘNG SẢN VIỆT NAM", bold=True), text_px(top_right)),
    )
    left_px = sum(column_px(w) for w in widths[:split])
    right_px = sum(column_px(w) for w in widths[split:])
    all_px = left_px + right_px

    row_heights: dict[int, float] = {}

    def set_height(row_number: int, points: float) -> None:
        row_heights[row_number] = round(points, 2)
        ws.set_row(row_number, row_heights[row_number])

    def merge(r1: int, c1: int, r2: int, c2: int, text: Any, fmt: Any) -> None:
        if r1 == r2 and c1 == c2:
            _write(ws, r1, c1, text, fmt)
        else:
            ws.merge_range(r1, c1, r2, c2, "", fmt)
            _write(ws, r1, c1, text, fmt)

    # --- frame: issuer block (left), party name and form number (right) -----------------------
    center = styles.get(align="center", text_wrap=True)
    merge(0, 0, 0, split - 1, page.committee, center)
    merge(1, 0, 1, split - 1, page.issuer, styles.get(align="center", bold=True, text_wrap=True))
    merge(
        0,
        split,
        0,
        last_col,
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        styles.get(align="center", bold=True, underline=1),
    )
    if page.date_in_header:
        merge(1, split, 1, last_col, top_right, styles.get(align="center", italic=True))
    elif form.number:
        merge(1, split, 1, last_col, form.number, styles.get(align="right", italic=True))
    height = line_height()
    set_height(0, max(height, line_height() * text_lines(page.committee, left_px)))
    set_height(1, max(height, line_height() * text_lines(page.issuer, left_px, bold=True)))
    if page.number_line:
        merge(2, 0, 2, split - 1, "*", center)
        merge(3, 0, 3, split - 1, page.number_line, center)
        set_height(2, line_height())
        set_height(3, line_height())
        title_row = 4
    else:
        set_height(2, 7)
        rule_px = 90
        ws.insert_textbox(
            2,
            0,
            "",
            {
                "x_offset": max(int((left_px - rule_px) / 2), 0),
                "y_offset": 1,
                "width": rule_px,
                "height": 1,
                "line": {"color": "black", "width": 0.75},
                "fill": {"none": True},
                "object_position": 3,
                "description": "",
            },
        )
        title_row = 3

    # --- title, as-of line, unit note ----------------------------------------------------------
    row = title_row
    title = f"{form.title} – {page.period.title}"
    merge(
        row,
        0,
        row,
        last_col,
        title,
        styles.get(align="center", bold=True, font_size=TITLE_SIZE, text_wrap=True),
    )
    set_height(
        row, line_height(TITLE_SIZE) * text_lines(title, all_px, size=TITLE_SIZE, bold=True) + 4
    )
    row += 1
    merge(row, 0, row, last_col, page.period.as_of_line, styles.get(align="center", italic=True))
    set_height(row, line_height())
    row += 1
    for line in page.banner:
        text = safe_text(line)
        merge(row, 0, row, last_col, text, styles.get(align="center", bold=True, text_wrap=True))
        set_height(row, line_height() * text_lines(text, all_px, bold=True) + 2)
        row += 1
    for line in preamble:
        text = safe_text(line)
        merge(row, 0, row, last_col, text, styles.get(align="left", text_wrap=True))
        set_height(row, line_height() * text_lines(text, all_px) + 2)
        row += 1
    if form.unit_note:
        merge(row, split, row, last_col, form.unit_note, styles.get(align="right", italic=True))
        set_height(row, line_height())
    else:
        set_height(row, 8)  # a little air between the title and the table
    row += 1

    # --- multi-row header --------------------------------------------------------------------
    header_top = row
    depth = max(len(c.header) for c in columns)
    header_fmt = styles.get(align="center", bold=True, text_wrap=True, border=1)
    need: dict[int, float] = {}  # header row -> points needed
    spans: list[tuple[int, int, float]] = []  # (first row, last row, points) of tall cells
    for level in range(depth):
        col = 0
        while col < ncols:
            path = columns[col].header
            if len(path) <= level:
                col += 1
                continue
            last = len(path) - 1 == level
            end = col
            while end + 1 < ncols:
                other = columns[end + 1].header
                same = len(other) > level and other[: level + 1] == path[: level + 1]
                if not same or (len(other) - 1 == level) != last:
                    break
                if last and len(other) != len(path):
                    break
                end += 1
            bottom = depth - 1 if last else level
            text = path[level]
            px = sum(column_px(widths[i]) for i in range(col, end + 1))
            points = line_height() * text_lines(text, px, bold=True) + 4
            merge(header_top + level, col, header_top + bottom, end, text, header_fmt)
            if bottom == level:
                need[level] = max(need.get(level, line_height() + 4), points)
            else:
                spans.append((level, bottom, points))
            col = end + 1
    heights = [need.get(level, line_height() + 4) for level in range(depth)]
    for first, final, points in spans:
        have = sum(heights[first : final + 1])
        if have < points:
            heights[final] += points - have
    for level, points in enumerate(heights):
        set_height(header_top + level, points)
    row = header_top + depth

    number_row = row
    number_fmt = styles.get(align="center", italic=True, border=1, font_size=11, text_wrap=True)
    numbers = column_numbers(form)
    number_height = line_height(11)
    for index, text in enumerate(numbers):
        _write(ws, row, index, text, number_fmt)
        number_height = max(
            number_height, line_height(11) * text_lines(text, column_px(widths[index]), size=11)
        )
    set_height(row, number_height + 2)
    row += 1

    # --- body ---------------------------------------------------------------------------------
    first_body = row
    if not body_rows and empty_message:
        merge(
            row,
            0,
            row,
            last_col,
            empty_message,
            styles.get(align="center", italic=True, border=1, text_wrap=True),
        )
        set_height(row, line_height() + 6)
        row += 1
    for body in [*body_rows, *([total] if total else [])]:
        set_height(row, _write_body_row(ws, styles, form, body, row, widths))
        row += 1
    last_body = row - 1
    if total is not None:
        last_body -= 1
    if not body_rows:
        last_body = first_body - 1  # the "nothing here" line is not a table row

    # --- notes, date line, signatures ------------------------------------------------------------
    set_height(row, 8)  # spacer under the table
    row += 1
    all_notes = [*form.notes, *notes]
    for note in all_notes:
        text = safe_text(note)
        merge(
            row,
            0,
            row,
            last_col,
            text,
            styles.get(align="left", italic=True, text_wrap=True, font_size=12),
        )
        set_height(row, line_height(12) * text_lines(text, all_px, size=12) + 2)
        row += 1
    signature_top = row
    if form.signatures:
        if all_notes:
            set_height(row, 8)
            row += 1
        bold_center = styles.get(align="center", bold=True, text_wrap=True)
        # The date line is wider than the signer's block on narrow forms: widen it to the left
        # until it fits on one line, so nothing is cut off when printed.
        if not page.date_in_header:
            date_from = split
            while date_from > 1 and _wraps(page.date_line, widths[date_from : last_col + 1]):
                date_from -= 1
            merge(
                row,
                date_from,
                row,
                last_col,
                page.date_line,
                styles.get(align="center", italic=True),
            )
            row += 1
        top = row
        merge(row, 0, row, split - 1, page.preparer_title, bold_center)
        for offset, title_line in enumerate(page.signer_titles):
            merge(top + offset, split, top + offset, last_col, title_line, bold_center)
        row = top + max(1, len(page.signer_titles))
        for _ in range(3):  # room to sign
            set_height(row, line_height())
            row += 1
        if page.preparer_name:
            merge(row, 0, row, split - 1, page.preparer_name, bold_center)
        if page.signer_name:
            merge(row, split, row, last_col, page.signer_name, bold_center)
        bottom_row = row
    else:
        bottom_row = row - 1

    # --- print and view settings -------------------------------------------------------------
    ws.set_paper(9)
    if form.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, form.pages_tall)  # 0: as many pages tall as it takes
    ws.center_horizontally()
    ws.set_margins(**MARGINS_IN)
    ws.set_footer('&C&"Times New Roman,Regular"&11Trang &P/&N', {"margin": 0.2})
    if form.repeat_header:
        ws.repeat_rows(header_top, number_row)
    ws.freeze_panes(first_body, 0)
    if form.signatures and last_body >= first_body and not form.pages_tall:
        starts = page_starts(
            row_heights,
            bottom_row,
            widths,
            form.landscape,
            repeat=(header_top, number_row) if form.repeat_header else None,
        )
        page_of = _page_finder(starts)
        if page_of(signature_top) != page_of(bottom_row) or page_of(signature_top) != page_of(
            last_body
        ):
            # keep the signatures with the last rows of the table
            ws.set_h_pagebreaks([max(first_body + 1, last_body - 2)])
    ws.hide_gridlines(2)
    return Placed(
        worksheet=ws,
        columns={c.key: i for i, c in enumerate(columns)},
        header_top=header_top,
        number_row=number_row,
        first_body=first_body,
        last_body=last_body,
        bottom=bottom_row,
        widths=widths,
    )


PAPER_PT = (595.3, 841.9)  # A4 portrait, points
MARGINS_IN = {"left": 0.6, "right": 0.4, "top": 0.45, "bottom": 0.55}
DEFAULT_ROW_PT = 17.25


def page_starts(
    heights: Mapping[int, float],
    last_row: int,
    widths: list[float],
    landscape: bool,
    repeat: tuple[int, int] | None = None,
) -> list[int]:
    """First row of each printed page, estimated as a spreadsheet program lays them out when
    the sheet is scaled to one page wide (A4, our margins)."""
    paper_w, paper_h = PAPER_PT[::-1] if landscape else PAPER_PT
    printable_w = paper_w - (MARGINS_IN["left"] + MARGINS_IN["right"]) * 72
    printable_h = paper_h - (MARGINS_IN["top"] + MARGINS_IN["bottom"]) * 72
    sheet_w = sum(column_px(w) for w in widths) * 0.75
    scale = min(1.0, math.floor(printable_w / sheet_w * 100) / 100)
    capacity = printable_h / scale * 0.97
    repeat_h = 0.0
    if repeat:
        repeat_h = sum(heights.get(r, DEFAULT_ROW_PT) for r in range(repeat[0], repeat[1] + 1))
    starts, used = [0], 0.0
    for row in range(last_row + 1):
        h = heights.get(row, DEFAULT_ROW_PT)
        if used + h > capacity and used > 0:
            starts.append(row)
            used = repeat_h if repeat and row > repeat[1] else 0.0
        used += h
    return starts


def _page_finder(starts: list[int]):
    def page_of(row: int) -> int:
        return sum(1 for start in starts if start <= row)

    return page_of


def _write_body_row(
    ws: Any, styles: Styles, form: Form, body: BodyRow, row: int, widths: list[float]
) -> float:
    """Write one body row; return the height (points) it needs."""
    form_row = body.row
    bold = form_row.bold if body.bold is None else body.bold
    italic = form_row.italic
    lines = 1
    for index, column in enumerate(form.columns):
        value = cell_value(form, body, column)
        # a text is made safe once, for its height and for the cell (`_write` would again)
        text = safe_text(value) if type(value) is str and value else None
        if column.kind in ("label", "text") and value:
            indent_px = 14 * form_row.indent if column.kind == "label" else 0
            lines = max(
                lines,
                text_lines(
                    text if text is not None else safe_text(value),
                    column_px(widths[index]) - indent_px,
                    bold=bold,
                ),
            )
        indent = form_row.indent if column.kind == "label" else 0
        kind = column.kind
        if value == NO_DATA and column.is_number:  # a few words in a number column: wrapped
            kind = "no_data"
            lines = max(lines, text_lines(NO_DATA, column_px(widths[index]), bold=bold))
        key = (kind, _number_format(form_row, column), bool(bold), bool(italic), indent)
        fmt = styles.cell(key, _cell_props)
        if text is not None:
            ws.write_string(row, index, text, fmt)
        else:
            _write(ws, row, index, value, fmt)
    return max(line_height() + 1, line_height() * lines + 3)


def _cell_props(kind: str, number_format: str, bold: bool, italic: bool, indent: int) -> dict:
    """The format properties of a body cell."""
    props: dict[str, Any] = {"border": 1}
    if bold:
        props["bold"] = True
    if italic:
        props["italic"] = True
    if kind == "code":
        props.update(align="center")
    elif kind == "no_data":
        props.update(align="center", valign="vcenter", text_wrap=True, italic=True, font_size=11)
    elif kind in ("label", "text"):
        props.update(align="left", text_wrap=True)
        if kind == "label" and indent:
            props["indent"] = indent
    else:
        align = "center" if number_format == "plain" else "right"
        props.update(align=align, num_format=NUMBER_FORMATS[number_format])
    return props


def _number_format(row: Row, column: Column) -> str:
    if column.kind in ("ratio", "share"):
        return "percent"
    return column.format or row.format or "integer"


def _write(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    """Numbers as numbers, everything else as a string (never a formula or a link)."""
    number = as_number(value)
    if number is not None:
        ws.write_number(row, col, number, fmt)
    elif value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, safe_text(value), fmt)
