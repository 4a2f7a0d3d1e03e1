"""One sheet grid → a `SheetTable` of canonical columns, or the reason it was skipped."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from tcxd.core.encodings import decode
from tcxd.core.text import fold, key
from tcxd.core.vocab import label_in_sentence, vocabularies
from tcxd.reading import headers, matching, values
from tcxd.reading.layout import (
    UNIT_WORDS,
    HeaderColumn,
    Layout,
    PeriodInfo,
    aligned_fold,
    find_body,
    find_layout,
    period_from_texts,
    unit_names,
)
from tcxd.reading.problems import Problem
from tcxd.reading.result import Collector, SheetTable
from tcxd.reading.workbook import Grid

IDENTITY = ("birth_date", "card_number", "citizen_id")
KEY_FIELDS = {
    "members": "full_name",
    "changes": "full_name",
    "member_evaluations": "full_name",
    "organizations": "name",
    "organization_evaluations": "name",
}
NUMBER_LIMITS = {"score": 100.0, "general_score": 30.0, "task_score": 70.0}
EMPTY_IS_FALSE = {"youth_union", "exemplary"}
NEEDS_EMPTY = {
    "full_name",
    "name_first_part",
    "name_last_part",
    "birth_date",
    "birth_date_male",
    "birth_date_female",
    "admitted_on",
    "card_number",
    "citizen_id",
    "name",
    "org_type",
    "change",
    "date",
    "branch",
}


# Columns whose words are looked up (yes/no, levels, change kinds…): legacy TCVN3/VNI spellings
# ("Kh«ng", "ChuyÓn ®i") are repaired before the lookup, as text columns are.
WORD_KINDS = {"bool", "mark", "exempt", "gender", "school", "level"}


def _repaired_words(cells: list[Any]) -> list[Any]:
    texts: list[str | None] = [cell if isinstance(cell, str) else None for cell in cells]
    if all(text is None or text.isascii() for text in dict.fromkeys(texts)):
        return cells
    fixed = values.repair_texts(texts)
    # each distinct word looked up once
    known: dict[str | None, str | None] = {
        text: _known_legacy_word(text) for text in dict.fromkeys(fixed) if text
    }
    return [
        known.get(new, new) if isinstance(old, str) else old
        for old, new in zip(cells, fixed, strict=True)
    ]


@cache
def _vocabulary_keys() -> frozenset[str]:
    """Every vocabulary spelling (labels and aliases), with diacritics."""
    return frozenset(
        key(spelling)
        for entries in vocabularies().values()
        for code, entry in entries.items()
        for spelling in (code, entry.get("label", ""), *entry.get("aliases", []))
    )


def _is_known_word(text: str) -> bool:
    return key(text) in _vocabulary_keys() or fold(text) in set().union(*values._bool_words())


@cache
def _known_legacy_word(text: str) -> str:
    """A short word too ambiguous for detection ("Cã", "Kh«ng" alone in a column) is taken as
    TCVN3 or VNI when that reading, and only that one, is a word the column may hold."""
    if text.isascii() or _is_known_word(text):
        return text
    readings = {decode(text, encoding) for encoding in ("tcvn3", "vni")} - {text}
    known = [reading for reading in readings if _is_known_word(reading)]
    return known[0] if len(known) == 1 else text


@dataclass
class Context:
    file: str  # the path as the clerk gave it (used in messages)
    file_name: str
    forced_kind: str | None
    filename_period: PeriodInfo
    argument_period: PeriodInfo
    folder_names: list[str] = field(default_factory=list)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_sheet(grid: Grid, ctx: Context, problems: Collector) -> SheetTable | str:
    """A table, or the Vietnamese reason the sheet is skipped."""
    rows = grid.rows
    if not any(not values.is_empty(value) for row in rows for value in row):
        return "trang trống"
    layout = find_layout(rows, grid.merged)
    if layout is None:
        top = _top_texts(rows)
        looks_like = headers.not_an_input([*top, grid.sheet], set(), titles=top)
        if looks_like:
            return f"trông như {looks_like}"
        return (
            "không tìm thấy dòng tiêu đề cột (cần các cột như “Họ và tên”, “Ngày sinh”, "
            "“Tên tổ chức đảng”, “Loại biến động”, “Điểm”…)"
        )
    columns, fields, kind = sheet_kind(layout, grid.sheet, ctx.file_name, ctx.forced_kind)
    if ctx.forced_kind is None:
        header_texts = [c.header for c in columns if c.header]
        looks_like = headers.not_an_input(
            [*layout.title_texts, *header_texts, grid.sheet], fields, titles=layout.title_texts
        )
        if looks_like:
            return f"trông như {looks_like}"
    if kind is None:
        found = [c.header for c in columns if c.field and c.field != "seq"]
        listed = ", ".join(f"“{name}”" for name in found[:8]) or "không có cột nào"
        missing = _missing_anchor(fields)
        if missing:
            return (
                f"thiếu cột bắt buộc “{_label(missing)}” (tên cột thường gặp: "
                f"{_aliases(missing)}); các cột nhận ra: {listed}"
            )
        return f"tiêu đề cột không khớp loại danh sách nào (nhận ra: {listed})"
    columns = _in_context(columns, kind)
    fields = _fields_of(columns)
    if kind in ("organizations", "organization_evaluations") and "name" not in fields:
        for column in columns:
            if column.field == "branch":
                column.field = "name"
                break
    by_field = {c.field: c for c in columns if c.field and c.field not in ("seq", "composite")}
    for column in columns:
        for part in column.parts or []:
            by_field.setdefault(part, column)
    key_field = KEY_FIELDS[kind]
    key_columns = [
        by_field[f].index for f in (key_field, "name_first_part", "name_last_part") if f in by_field
    ]
    skip = {c.index for c in columns if c.field == "seq"}
    _fill_vertical_merges(rows, grid.merged, layout.data_start)
    id_columns = [by_field[f].index for f in ("card_number", "citizen_id") if f in by_field]
    body = find_body(
        rows, layout, key_columns, skip, id_columns, unit_names=KEY_FIELDS[kind] == "name"
    )
    _units_only(columns, rows, body.rows)
    if not body.rows:
        recognised = [c.header for c in columns if c.field and c.field != "seq"]
        shown = ", ".join(f"“{header}”" for header in recognised[:12])
        more = f" và {len(recognised) - 12} cột khác" if len(recognised) > 12 else ""
        what = label_in_sentence("file_kinds", kind)
        return (
            f"chỉ có dòng tiêu đề, không có dòng dữ liệu nào ({what}; "
            f"các cột nhận ra: {shown}{more})"
        )
    sheet = SheetTable(
        sheet=grid.sheet, kind=kind, rows=pd.DataFrame(), header_row=layout.header_top + 1
    )
    sheet.understood = understood(columns)
    sheet.unit_names = unit_names(layout.title_texts)
    sheet.folder_names = list(ctx.folder_names)
    _set_period(sheet, period_from_texts(layout.title_texts), ctx)
    builder = _Builder(grid, ctx, kind, body.rows, problems)
    continued = _continuations(columns)
    for column in columns:
        if column.continues is None:
            builder.add_column(column, continued.get(column.index, []))
    builder.finish(body.sections)
    sheet.rows = builder.frame()
    sheet.unknown_columns = builder.unknown
    sheet.column_headers = builder.headers
    sheet.warnings.extend(builder.warnings)
    if body.skipped_totals:
        sheet.warnings.append(
            f'Đã bỏ qua dòng "Tổng cộng" (dòng số {_row_list(body.skipped_totals)} của trang)'
        )
    if body.skipped_notes:
        sheet.warnings.append(
            "Đã bỏ qua các dòng không có họ tên hay số thẻ, số CCCD (tiêu đề mục, ghi chú…): "
            + _row_list(body.skipped_notes)
        )
    _check_required(sheet, builder, problems, ctx)
    return sheet


def sheet_kind(
    layout: Layout, sheet: str, file_name: str, forced: str | None
) -> tuple[list[HeaderColumn], set[str], str | None]:
    """A sheet's columns (scored), their fields and its kind, told from its header alone: the
    kind a table of the sheet gets, when it gets one (reading.sniff relies on this)."""
    columns = _scored(layout.columns)
    fields = _fields_of(columns)
    context = aligned_fold(" | ".join([*layout.title_texts, sheet, file_name]))
    return columns, fields, headers.recognise_kind(fields, context, forced)


def _top_texts(rows: list[list[Any]], limit: int = 40) -> list[str]:
    """The texts of the first rows of a sheet (titles, labels), for telling what it is."""
    return [value for row in rows[:limit] for value in row if isinstance(value, str) and value]


def _units_only(columns: list[HeaderColumn], rows: list[list[Any]], data: list[int]) -> None:
    """A general header read as the chi bộ ("Đơn vị") is one only when most of its values name
    units ("Chi bộ Thôn 1", "Đảng bộ Công an xã"); a workplace column ("UBND xã", "Trường
    THCS") is kept as an unknown column instead."""
    for column in columns:
        if column.field != "branch" or column.how != "weak":
            continue
        texts = [
            rows[r][column.index]
            for r in data
            if column.index < len(rows[r]) and isinstance(rows[r][column.index], str)
        ]
        texts = [text for text in texts if text.strip()]
        units = sum(1 for text in texts if UNIT_WORDS.search(aligned_fold(text)))
        if texts and units * 2 < len(texts):
            column.field, column.how = None, ""


def _fill_vertical_merges(rows: list[list[Any]], merged: list, data_start: int) -> None:
    """A cell merged down over several data rows ("Chi bộ 1" beside each of its members) gives
    its value to every row it covers."""
    for (r0, c0), (r1, _c1) in merged:
        if r0 < data_start or r1 <= r0 or r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for row in rows[r0 + 1 : r1 + 1]:
            if c0 < len(row) and row[c0] == "":
                row[c0] = value


def _row_list(indices: list[int]) -> str:
    shown = ", ".join(str(index + 1) for index in indices[:10])
    return shown + (f" và {len(indices) - 10} dòng khác" if len(indices) > 10 else "")


# Fields that stand for part of another (two name columns, "Nam" | "Nữ" marks…): allowed in every
# kind whose columns hold the field they make up.
_PART_FIELDS = {
    "full_name": ("name_first_part", "name_last_part"),
    "gender": ("gender_male", "gender_female"),
    "birth_date": ("birth_date_male", "birth_date_female"),
    "name": ("branch",),  # "Chi bộ" names the unit of an organisations list
}


def _allowed(kind: str) -> frozenset[str]:
    fields = set(headers.catalog().columns[kind]) | {"seq"}
    for whole, parts in _PART_FIELDS.items():
        if whole in fields:
            fields.update(parts)
    return frozenset(fields)


def _header_texts(column: HeaderColumn) -> list[str]:
    """The texts a column's field can come from: its header, and its sub-label under a group."""
    texts = [column.header]
    if " / " in column.header:
        texts.append(column.header.rsplit(" / ", 1)[1])
    return texts


def _scored(columns: list[HeaderColumn]) -> list[HeaderColumn]:
    """Each recognised column's score: 1 for a known alias (or a sub-label of a known group),
    else its token score (matching.py)."""
    for column in columns:
        if column.field in (None, "composite") or column.how == "labels":
            continue
        texts = _header_texts(column)
        exact = [text for text in texts if headers.exact_field_of(text) == column.field]
        if exact:
            weak = all(headers.is_weak(text) for text in exact)
            column.score, column.how = (headers.WEAK_SCORE, "weak") if weak else (1.0, "")
            continue
        best = max(
            (m.score for text in texts for m in matching.scores(text) if m.field == column.field),
            default=None,
        )
        if best is None:
            column.score, column.how = 1.0, "group"
        else:
            column.score, column.how = best, "tokens"
    return columns


def _fields_of(columns: list[HeaderColumn]) -> set[str]:
    fields = {c.field for c in columns if c.field and c.field != "composite"}
    for column in columns:
        fields.update(column.parts or [])
    return fields


def _continuations(columns: list[HeaderColumn]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for column in columns:
        if column.continues is not None:
            out.setdefault(column.continues, []).append(column.index)
    return out


def _in_context(columns: list[HeaderColumn], kind: str) -> list[HeaderColumn]:
    """The columns' fields once the kind of sheet is known: a field the kind does not have is
    matched again among the kind's own fields ("Tổ chức đảng sinh hoạt" is the chi bộ in a
    roster), and when two columns name one field the better-scoring keeps it (the first on a
    tie); the other is kept as an unknown column."""
    allowed = _allowed(kind)
    for column in columns:
        if column.field == "composite":
            column.parts = [part if part in allowed else "" for part in column.parts or []]
            continue
        if column.field is not None and column.field in allowed:
            continue
        column.field = None
        for text in _header_texts(column):
            match = matching.best_field(text, allowed) if text else None
            if match is not None:
                column.field, column.score, column.how = match.field, match.score, "context"
                break
    best: dict[str, HeaderColumn] = {}
    for column in columns:
        if column.field in (None, "seq", "composite"):
            continue
        held = best.get(column.field)
        if held is None or column.score > held.score:
            if held is not None:
                held.field = None
            best[column.field] = column
        else:
            column.field = None
    for column in columns:  # a part a column of its own gives is not taken from a composite
        if column.parts:
            column.parts = ["" if part in best else part for part in column.parts]
    # "Tên" alone beside a full name column is another name ("Tên gọi khác"), not its last part
    if "full_name" in best and "name_first_part" not in best and "name_last_part" in best:
        best["name_last_part"].field = None
    return columns


HOW_LABELS = {
    "": "tên cột quen thuộc",
    "group": "theo nhóm cột bên trên",
    "tokens": "gần giống tên cột quen thuộc",
    "context": "gần giống, theo loại danh sách",
    "labels": "gộp các cột con, mỗi cột một giá trị",
    "weak": "tên cột chung, hiểu theo ngữ cảnh",
}


def understood(columns: list[HeaderColumn]) -> list[tuple[str, str, str]]:
    """(header as written, field label, how) for every column with a header, in order."""
    out = []
    for column in columns:
        if not column.header:
            continue
        if column.continues is not None or column.field == "seq":
            continue
        if column.field is None:
            out.append((column.header, "", "không dùng (vẫn lưu lại)"))
        elif column.field == "composite":
            labels = [headers.field_label(part) for part in column.parts or [] if part]
            out.append(
                (
                    column.header,
                    " + ".join(labels),
                    "nhiều thông tin trong một ô, tách theo dòng hoặc dấu phẩy",
                )
            )
        else:
            how = HOW_LABELS.get(column.how, column.how)
            if column.how in ("tokens", "context", "weak"):
                how += f", điểm {column.score:.2f}".replace(".", ",")
            out.append((column.header, headers.field_label(column.field), how))
    return out


def _set_period(sheet: SheetTable, title: PeriodInfo, ctx: Context) -> None:
    sources = [title, ctx.filename_period, ctx.argument_period]
    sheet.as_of = next((s.as_of for s in sources if s.as_of is not None), None)
    period_source = next((s for s in sources if s.year is not None or s.quarter is not None), None)
    if period_source is not None:
        sheet.year, sheet.quarter, sheet.period = (
            period_source.year,
            period_source.quarter,
            period_source.period,
        )
        if sheet.year is None:
            sheet.year = next((s.year for s in sources if s.year is not None), None)
    elif title.period or ctx.filename_period.period:
        sheet.period = title.period or ctx.filename_period.period
    if sheet.year is None and sheet.as_of is not None:
        sheet.year = sheet.as_of.year
    if sheet.period is None and sheet.quarter is not None:
        sheet.period = f"q{sheet.quarter}"
    if sheet.kind == "members" and sheet.as_of is None:
        sheet.warnings.append(
            "Không thấy ngày số liệu (“Tính đến ngày …”) trong tiêu đề hay tên tệp; "
            "sẽ dùng ngày nhập hoặc --as-of"
        )
    if sheet.kind.endswith("evaluations") and sheet.year is None:
        sheet.warnings.append(
            "Không thấy năm/quý đánh giá (“NĂM 2025”, “QUÝ III NĂM 2026”) trong tiêu đề "
            "hay tên tệp; cần --year/--quarter"
        )


class _Builder:
    """Converts the columns of one sheet and gathers problems, warnings and unknown columns."""

    def __init__(
        self, grid: Grid, ctx: Context, kind: str, data_rows: list[int], problems: Collector
    ):
        self.grid = grid
        self.ctx = ctx
        self.kind = kind
        self.data_rows = data_rows
        self.excel_rows = [index + 1 for index in data_rows]
        self.problems = problems
        self.data: dict[str, Any] = {}
        self.raw_empty: dict[str, list[bool]] = {}
        self.headers: dict[str, str] = {}
        self.unknown: list[str] = []
        self.unknown_values: dict[str, list[Any]] = {}
        self.warnings: list[str] = []
        self.bad: dict[str, set[int]] = {}
        self._columns: list[tuple[Any, ...]] | None = None

    def cells(self, index: int) -> list[Any]:
        if self._columns is None:
            rows = self.grid.rows
            self._columns = list(
                itertools.zip_longest(*(rows[r] for r in self.data_rows), fillvalue="")
            )
        if index >= len(self._columns):
            return [""] * len(self.data_rows)
        return list(self._columns[index])

    def problem(
        self, position: int | None, header: str | None, value: str | None, expected: str
    ) -> None:
        row = self.excel_rows[position] if position is not None else None
        self.problems.add(Problem(self.ctx.file, self.grid.sheet, row, header, value, expected))

    def add_column(self, column: HeaderColumn, continued: list[int] | None = None) -> None:
        if column.field == "seq":
            return
        cells = self.cells(column.index)
        if continued:
            columns = [cells, *(self.cells(index) for index in continued)]
            if column.labels:
                cells = values.join_labelled(columns, column.labels)
            else:
                cells = values.join_cells(columns)
        if column.field == "composite":
            parts = column.parts or []
            pieces = values.split_cells(cells, [headers.field_type(p) if p else "" for p in parts])
            for part, part_cells in zip(parts, pieces, strict=True):
                if part:
                    self.add_cells(part, column.header, part_cells)
            return
        if column.field is None:
            if any(not values.is_empty(value) for value in cells):
                name = column.header or f"(cột {column_letter(column.index)})"
                self.unknown.append(name)
                self.unknown_values[name] = cells
            return
        self.add_cells(column.field, column.header, cells)

    def add_cells(self, name: str, header: str, cells: list[Any]) -> None:
        column = HeaderColumn(-1, header, name)
        self.headers[name] = column.header
        kind = headers.field_type(name)
        converted = self._convert(name, kind, cells)
        for position, shown, expected in converted.errors:
            self.problem(position, column.header, shown, expected)
            self.bad.setdefault(name, set()).add(position)
        if name in NEEDS_EMPTY:  # empty = no value and no error (a bad value is reported once)
            bad = self.bad.get(name, set())
            self.raw_empty[name] = [
                value is None and position not in bad
                for position, value in enumerate(converted.values)
            ]
        for warning in converted.warnings:
            self.warnings.append(f"Cột “{column.header}”: {warning}")
        self.data[name] = converted.values
        if kind == "birth_date" and converted.flags is not None:
            self.data[f"{name}__year_only"] = converted.flags
        if kind == "level" and converted.flags is not None and any(converted.flags):
            self.data[f"{name}__exemplary"] = converted.flags
        if kind == "exempt":
            self.data["exempt_on"] = converted.dates

    def _convert(self, name: str, kind: str, cells: list[Any]) -> values.Column:
        if kind in WORD_KINDS or kind.startswith("vocab:"):
            cells = _repaired_words(cells)
        if kind == "text":
            return values.to_text(cells)
        if kind == "date":
            return values.to_dates(cells)
        if kind == "birth_date":
            return values.to_dates(cells, year_only=True)
        if kind in ("card", "citizen_id"):
            return values.to_ids(cells, "card_number" if kind == "card" else "citizen_id")
        if kind == "profile":
            return values.to_ids(cells, name)
        if kind == "number":
            return values.to_numbers(cells, high=NUMBER_LIMITS.get(name))
        if kind == "percent":
            return values.to_numbers(cells, percent=True)
        if kind == "bool":
            return values.to_bools(
                cells,
                empty=False if name in EMPTY_IS_FALSE else None,
                none_named_met=name in values.none_named_fields(),
            )
        if kind == "mark":
            return values.to_marks(cells)
        if kind == "exempt":
            return values.to_exempt(cells)
        if kind == "gender":
            return values.to_gender(cells)
        if kind == "school":
            return values.to_school(cells)
        if kind == "level":
            return values.to_codes(cells, "levels", none_words=True)
        if kind.startswith("vocab:"):
            vocabulary = kind.split(":", 1)[1]
            none_words = vocabulary in ("discipline_forms", "transfer_scopes")
            return values.to_codes(cells, vocabulary, none_words=none_words)
        return values.to_text(cells)

    # -------------------------------------------------------- derived columns

    def finish(self, sections: dict[int, str]) -> None:
        data = self.data
        count = len(self.data_rows)
        if "name_first_part" in data or "name_last_part" in data:
            first = data.pop("name_first_part", [None] * count)
            last = data.pop("name_last_part", [None] * count)
            joined = [
                " ".join(part for part in (a, b) if part) or None
                for a, b in zip(first, last, strict=True)
            ]
            if "full_name" not in data:
                data["full_name"] = joined
                self.headers["full_name"] = self.headers.get("name_first_part") or self.headers.get(
                    "name_last_part", "Họ và tên"
                )
                self.raw_empty["full_name"] = [value is None for value in joined]
        for sex in ("male", "female"):
            name = f"birth_date_{sex}"
            if name in data:
                self._merge_birth(name, "nam" if sex == "male" else "nu")
        if "gender_male" in data or "gender_female" in data:
            self._gender_from_marks()
        if "birth_date" in data:
            data["birth_year_only"] = data.pop("birth_date__year_only", [False] * count)
        for name in ("proposed_level", "decided_level"):
            flags = data.pop(f"{name}__exemplary", None)
            if flags and name == "decided_level":
                current = data.get("exemplary") or [False] * count
                data["exemplary"] = [bool(a) or b for a, b in zip(current, flags, strict=True)]
        if sections:
            branch = data.get("branch") or [None] * count
            data["branch"] = [
                value or sections.get(row)
                for value, row in zip(branch, self.data_rows, strict=True)
            ]
            self.raw_empty["branch"] = [value is None for value in data["branch"]]
        self._check_scores()

    def _merge_birth(self, name: str, gender: str) -> None:
        data = self.data
        count = len(self.data_rows)
        dates = data.pop(name)
        flags = data.pop(f"{name}__year_only", [False] * count)
        empty = self.raw_empty.pop(name)
        header = self.headers.pop(name)
        if "birth_date" not in data:
            data["birth_date"] = [None] * count
            data["birth_date__year_only"] = [False] * count
            self.raw_empty["birth_date"] = [True] * count
            self.headers["birth_date"] = header.split(" / ")[0]
        genders = data.setdefault("gender", [None] * count)
        for position in range(count):
            if not empty[position]:
                self.raw_empty["birth_date"][position] = False
                if dates[position] is not None:
                    data["birth_date"][position] = dates[position]
                    data["birth_date__year_only"][position] = flags[position]
                if genders[position] is None:
                    genders[position] = gender
        self.headers.setdefault("gender", header)

    def _gender_from_marks(self) -> None:
        data = self.data
        count = len(self.data_rows)
        male = data.pop("gender_male", None)
        female = data.pop("gender_female", None)
        header_male = self.headers.pop("gender_male", None)
        header_female = self.headers.pop("gender_female", None)
        genders = data.get("gender") or [None] * count
        for position in range(count):
            if genders[position] is not None:
                continue
            is_male = bool(male[position]) if male is not None else None
            is_female = bool(female[position]) if female is not None else None
            if is_male and is_female:
                self.problem(position, header_female, "x", "được đánh dấu cả ở cột Nam và cột Nữ")
            elif is_female:
                genders[position] = "nu"
            elif is_male or (male is None and is_female is False and self._row_has_name(position)):
                genders[position] = "nam"  # one "Nữ" column: an unmarked row is a man
        data["gender"] = genders
        self.headers.setdefault("gender", header_female or header_male or "Giới tính")

    def _row_has_name(self, position: int) -> bool:
        names = self.data.get("full_name")
        return bool(names and names[position])

    def _check_scores(self) -> None:
        data = self.data
        if not {"score", "general_score", "task_score"} <= data.keys():
            return
        for position, (total, general, task) in enumerate(
            zip(data["score"], data["general_score"], data["task_score"], strict=True)
        ):
            if None in (total, general, task):
                continue
            if abs(total - (general + task)) > 0.01:
                self.problem(
                    position,
                    self.headers["score"],
                    values.shown(total).replace(".", ","),
                    f"khác tổng điểm tiêu chí chung và điểm thực hiện nhiệm vụ "
                    f"({values.shown(general)} + {values.shown(task)})".replace(".", ","),
                )

    # -------------------------------------------------------- the frame

    def frame(self) -> pd.DataFrame:
        count = len(self.data_rows)
        canonical = headers.catalog().columns[self.kind]
        out: dict[str, Any] = {}
        for name in canonical:
            column = self.data.get(name)
            kind = (
                headers.field_type(name) if name not in ("birth_year_only", "exempt_on") else name
            )
            if column is None:
                column = _empty_column(name, kind, count)
            out[name] = _typed(column, name, kind)
        out["source_row"] = np.array(self.excel_rows, dtype="int64")
        out["extra"] = _objects(self._extra(count))
        return _frame(out, count)

    def _extra(self, count: int) -> list[dict[str, str] | None]:
        if not self.unknown_values:
            return [None] * count
        texts = {name: values.to_text(cells).values for name, cells in self.unknown_values.items()}
        extra: list[dict[str, str] | None] = []
        for position in range(count):
            entry = {name: column[position] for name, column in texts.items() if column[position]}
            extra.append(entry or None)
        return extra


def _frame(columns: dict[str, Any], count: int) -> pd.DataFrame:
    """The frame of these typed 1-D arrays, built once: each array is already of its final
    dtype and length, so pandas' per-column inference and checks (`pd.DataFrame(dict)`) are
    skipped where the pandas in use allows it."""
    build = getattr(pd.DataFrame, "_from_arrays", None)
    if build is None:  # pragma: no cover - a pandas without the constructor
        return pd.DataFrame(columns)
    return build(
        list(columns.values()),
        columns=pd.Index(list(columns)),
        index=pd.RangeIndex(count),
        verify_integrity=False,
    )


def _empty_column(name: str, kind: str, count: int) -> list[Any]:
    if name in ("birth_year_only", "youth_union", "exempt", "exemplary"):
        return [False] * count
    return [None] * count


def _objects(column: list[Any]) -> np.ndarray:
    """A 1-D object array of exactly these values (numpy would nest lists, widen tuples)."""
    array = np.empty(len(column), dtype=object)
    try:
        array[:] = column
    except ValueError:  # sequences as values
        for position, value in enumerate(column):
            array[position] = value
    return array


def _typed(column: list[Any], name: str, kind: str) -> Any:
    # numpy arrays, not pandas extension arrays: the same frame, built several times faster
    if name in ("birth_year_only", "youth_union", "exempt", "exemplary"):
        return np.array([bool(value) for value in column], dtype=bool)
    if kind in ("number", "percent"):
        return np.array([math.nan if value is None else value for value in column], dtype="float64")
    if kind == "bool":  # True / False / None (NA): the masked array built directly
        mask = np.array([value is None for value in column], dtype=bool)
        answers = np.array([value is not None and bool(value) for value in column], dtype=bool)
        return pd.arrays.BooleanArray(answers, mask)
    return _objects(column)


# ---------------------------------------------------------------- required fields


def _label(name: str) -> str:
    return headers.field_label(name)


def _missing_anchor(fields: set[str]) -> str | None:
    """The one column a header lacks to be a list of some kind: the kind its other columns fit
    clearly (twice the score that the kind needs with its anchor), whose anchor column is
    absent. A roster without its name column is told so, not that its header fits no kind; a
    summary table ("Tên chi bộ, Nam, Nữ") is not taken for a roster."""
    book = headers.catalog()
    best: tuple[int, str] | None = None
    for spec in book.kinds.values():
        anchors = spec["anchors"]
        if any(anchor in fields for anchor in anchors):
            continue
        score = sum(weight for name, weight in spec["weights"].items() if name in fields)
        if score >= 2 * spec["min_score"] and (best is None or score > best[0]):
            best = (score, anchors[0])
    return best[1] if best else None


def _aliases(name: str) -> str:
    return "; ".join(headers.catalog().alias_lists.get(name, [])[:4])


def _check_required(
    sheet: SheetTable, builder: _Builder, problems: Collector, ctx: Context
) -> None:
    spec = headers.catalog().kinds[sheet.kind]
    data = builder.data
    frame = sheet.rows

    found = ", ".join(f"“{h}”" for f, h in sheet.column_headers.items() if f != "seq") or (
        "không có cột nào"
    )

    def missing_column(name: str, extra: str = "") -> None:
        problems.add(
            Problem(
                ctx.file,
                sheet.sheet,
                None,
                _label(name),
                None,
                f"thiếu cột bắt buộc{extra} (tên cột thường gặp: {_aliases(name)}); "
                f"các cột nhận ra: {found}",
            )
        )

    for name in spec["required"]:
        if name not in data:
            if sheet.kind == "organizations" and name == "org_type":
                sheet.warnings.append(
                    "Không có cột “Loại tổ chức”: loại của mỗi tổ chức được suy ra từ tên và vị "
                    "trí trong cây tổ chức"
                )
                continue
            missing_column(name)
            continue
        header = builder.headers.get(name, _label(name))
        empty = builder.raw_empty.get(name)
        if empty is None:
            continue
        for position, is_empty in enumerate(empty):
            if is_empty:
                builder.problem(
                    position, header, None, f"bỏ trống; “{_label(name)}” là thông tin bắt buộc"
                )
    if sheet.kind in ("members", "changes", "member_evaluations"):
        present = [name for name in IDENTITY if name in data]
        if not present:
            missing_column(
                "birth_date", " để nhận ra đảng viên (cần Ngày sinh, Số thẻ đảng viên hoặc Số CCCD)"
            )
        else:
            for position in range(len(frame)):
                if all(builder.raw_empty[name][position] for name in present):
                    header = builder.headers[present[0]]
                    builder.problem(
                        position,
                        header,
                        None,
                        "bỏ trống; cần ngày sinh, số thẻ đảng viên hoặc số CCCD "
                        "để nhận ra đảng viên",
                    )
    if (
        sheet.kind == "member_evaluations"
        and "score" not in data
        and sheet.year is not None
        and sheet.year >= 2025
    ):
        missing_column("score", f" theo quy định xếp loại từ năm 2025 (năm {sheet.year})")
