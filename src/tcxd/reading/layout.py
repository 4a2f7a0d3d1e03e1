"""Where the table is in a messy sheet: title rows, header row(s), data rows, totals, signature.

- The header row is the row among the first `HEADER_SCAN` rows whose cells name the most known
  fields or groups (at least 2). A second header row under it is taken when it only fills columns
  under merged group cells ("Ngày vào Đảng" over "Dự bị | Chính thức"); a header found on the
  second row of such a pair is moved up to the first. Merged ranges come from the workbook; without
  them (ODS, CSV) an empty group cell takes the group of the nearest filled cell to its left.
- A row of column numbers under the header ("1, 2, 3…", "(1), (2)…", "A, B, 1, 2") is skipped.
- Data rows: blank rows are skipped (an STT alone counts as blank); a totals row ("Tổng cộng",
  "Cộng") is skipped; the first row of a signature block ("NGƯỜI LẬP BIỂU", "T/M CHI ỦY",
  "BÍ THƯ", "Phú An, ngày … tháng … năm …") ends the table. A row holding a single text that names a
  chi bộ ("Chi bộ 1", "I. CHI BỘ THÔN 3") is a section heading: it gives the branch of the rows
  under it. Any other row holding one lone text outside the key column is a note and is skipped.
- Title rows above the header give the unit names ("ĐẢNG BỘ XÃ PHÚ AN", "CHI BỘ TRƯỜNG THCS …",
  outermost first) and the as-of date / period ("Tính đến ngày 30/9/2026", "QUÝ III NĂM 2026");
  the file name is the fallback ("DSDV T9-2026", "den 30.9.2026", "XL quy 3-2026.xls").
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from tcxd.core.text import clean, fold, strip_accents
from tcxd.reading import headers, matching
from tcxd.reading.values import is_empty, repair_texts

HEADER_SCAN = 40
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass
class HeaderColumn:
    index: int
    header: str  # as written: "Ngày sinh", or "Ngày vào Đảng / Dự bị" under a group
    field: str | None
    score: float = 1.0  # how sure the match is: 1 for a known alias (matching.py)
    how: str = ""  # "", "tokens", "context", "group": told in the import summary
    parts: list[str] | None = None  # a composite header's fields, in order ("Nam nữ, dân tộc…")
    continues: int | None = None  # the column whose value this one continues (one digit a cell)
    labels: list[str] | None = None  # sub-labels of the columns that make this field, one a value


@dataclass
class Layout:
    header_top: int  # 0-based grid row of the first header row
    header_bottom: int
    data_start: int
    columns: list[HeaderColumn]
    title_texts: list[str]
    notes: list[str] = field(default_factory=list)


def text_of(value: Any) -> str:
    return clean(value) if isinstance(value, str) else ""


class _AlignedTable(dict[int, str]):
    """`str.translate` table: a code point → its lower-case letter without diacritics (one
    character), filled as characters are met."""

    def __missing__(self, point: int) -> str:
        char = chr(point)
        folded = strip_accents(char).lower()
        folded = folded if len(folded) == 1 else char.lower()[:1] or " "
        self[point] = folded
        return folded


_ALIGNED = _AlignedTable()


def aligned_fold(text: str) -> str:
    """Lower-case, without diacritics, one character per character of `text` (for slicing)."""
    if text.isascii():
        return text.lower()
    return text.translate(_ALIGNED)


# ---------------------------------------------------------------- header


def find_layout(rows: list[list[Any]], merged: list) -> Layout | None:
    scan = rows[:HEADER_SCAN]
    texts = _repaired_texts(scan)
    best_row, best_score = -1, 1
    for index, row_texts in enumerate(texts):
        present = [text for text in row_texts if text]
        if len(present) <= best_score:
            continue  # fewer texts than the best row has header names: it cannot beat it
        score = len({_header_token(text) for text in present} - {None})
        if score > best_score:
            best_row, best_score = index, score
    if best_row < 0:
        return None
    top = best_row
    above = texts[top - 1] if top > 0 else []
    if (
        sum(1 for text in above if text) >= 2  # one text alone above the header is a title
        and not is_filter_line(above)
        and _is_sub_row(texts, rows, top - 1, top, merged)
    ):
        top -= 1
    bottom = header_bottom(texts, rows, top, merged)
    columns = _columns(texts, rows, top, bottom, merged)
    data_start = bottom + 1
    notes = []
    if data_start < len(rows) and _is_number_row(rows[data_start]):
        data_start += 1
        notes.append("numbers_row")
    title_texts = [text for row_texts in texts[:top] for text in row_texts if text]
    return Layout(top, bottom, data_start, columns, title_texts, notes)


def _repaired_texts(scan: list[list[Any]]) -> list[list[str]]:
    """Texts of the top rows (legacy encodings repaired, cleaned), "" for non-text cells."""
    flat: list[str | None] = [
        value if isinstance(value, str) and value and not value.isspace() else None
        for row in scan
        for value in row
    ]
    flat = repair_texts(flat)
    # each distinct text cleaned once; None (no text) gives ""
    cleaned: dict[str | None, str] = {text: clean(text) for text in dict.fromkeys(flat) if text}
    out: list[list[str]] = []
    position = 0
    for row in scan:
        end = position + len(row)
        out.append([cleaned.get(value, "") for value in flat[position:end]])
        position = end
    return out


@lru_cache(maxsize=1 << 16)
def _header_token(text: str) -> str | None:
    """`headers.field_of(text)`, else "group:" + `headers.group_of(text)`, else None: the same
    lookups, with the header key, the diacritics test and the folded keys computed once."""
    if not text:
        return None
    book = headers.catalog()
    variants = headers._variants(text)
    folds: list[str] | None = None
    for exact, folded, prefix in (
        (book.exact, book.folded, ""),
        (book.group_exact, book.group_folded, "group:"),
    ):
        for variant in variants:
            if variant in exact:
                return prefix + exact[variant]
        if folds is None:
            plain = text.isascii() or not headers.has_diacritics(text)
            folds = [fold(variant) for variant in variants] if plain else []
        for folded_variant in folds:
            names = folded.get(folded_variant)
            if names and len(names) == 1:
                return prefix + next(iter(names))
    match = matching.best_field(text)  # a wording close to a known field
    return match.field if match is not None else None


MAX_HEADER_ROWS = 4
_LEADERS = re.compile(r"[.…_]{3,}|…")


def is_filter_line(row_texts: list[str]) -> bool:
    """A line of labels to fill in above a form's header ("Chi bộ: ………… Tuổi Đảng: ……"): its
    texts end with ":" or hold dot leaders. It is not part of the header."""
    present = [text for text in row_texts if text]
    if not present:
        return False
    marked = sum(1 for text in present if text.rstrip().endswith(":") or _LEADERS.search(text))
    return marked * 2 >= len(present)


def header_bottom(texts: list[list[str]], rows: list[list[Any]], top: int, merged: list) -> int:
    """The last row of the header block that starts at `top` (at most MAX_HEADER_ROWS rows).

    The block goes down as far as the header row's cells are merged down ("STT" over two rows),
    and over each following row of short texts that only sits under cells merged across ("Quê
    quán" over "Quốc gia | Tỉnh/Thành | Chi tiết", whatever the sub-labels say). Without merge
    information (CSV, ODS) a second row is taken when its words are header words
    (`_is_sub_row`)."""
    limit = min(len(rows), len(texts), top + MAX_HEADER_ROWS) - 1
    bottom = top
    for (r0, _c0), (r1, _c1) in merged:
        if r0 == top and r1 > bottom:
            bottom = min(r1, limit)
    if not merged:
        if top + 1 <= limit and _is_sub_row(texts, rows, top, top + 1, merged):
            return top + 1
        return top
    while bottom < limit and _under_spans(texts, rows, top, bottom + 1, merged):
        bottom += 1
    if bottom == top and top + 1 <= limit and _is_sub_row(texts, rows, top, top + 1, merged):
        bottom = top + 1
    return bottom


def _under_spans(
    texts: list[list[str]], rows: list[list[Any]], top: int, sub: int, merged: list
) -> bool:
    """Whether every filled cell of row `sub` is a text under a cell of rows top…sub-1 that is
    merged across several columns."""
    cells = rows[sub]
    filled = [c for c, value in enumerate(cells) if not is_empty(value)]
    if not filled or _is_number_row(cells) or is_filter_line(texts[sub]):
        return False
    if any(not isinstance(cells[c], str) for c in filled):
        return False
    spans = [(c0, c1) for (r0, c0), (r1, c1) in merged if top <= r0 < sub and c1 > c0 and r1 < sub]
    return all(any(c0 <= column <= c1 for c0, c1 in spans) for column in filled)


def _merges_in_row(merged: list, row: int) -> list[tuple[int, int, int, int]]:
    spans = []
    for (r0, c0), (r1, c1) in merged:
        if r0 <= row <= r1 and c1 > c0:
            spans.append((r0, c0, r1, c1))
    return spans


def _group_texts(
    texts: list[list[str]], rows: list[list[Any]], top: int, merged: list
) -> list[str]:
    """Per column: its own top cell, or the text of the merged cell covering it."""
    width = len(rows[top])
    groups = list(texts[top]) + [""] * (width - len(texts[top]))
    for r0, c0, _r1, c1 in _merges_in_row(merged, top):
        label = texts[r0][c0] if r0 < len(texts) and c0 < len(texts[r0]) else ""
        for column in range(c0, min(c1 + 1, width)):
            if not groups[column]:
                groups[column] = label
    return groups


def _is_sub_row(
    texts: list[list[str]], rows: list[list[Any]], top: int, sub: int, merged: list
) -> bool:
    """Whether row `sub` is a second header row under `top`."""
    if sub >= len(rows):
        return False
    sub_cells = rows[sub]
    filled = [c for c, value in enumerate(sub_cells) if not is_empty(value)]
    if not filled or any(not isinstance(sub_cells[c], str) for c in filled):
        return False
    if _is_number_row(sub_cells):
        return False
    own = texts[top]
    if not any(_header_token(text) for text in own if text):
        return False  # a title row above the header is not a group row
    spans = _merges_in_row(merged, top)
    under_group = 0
    for column in filled:
        top_text = own[column] if column < len(own) else ""
        in_span = any(c0 <= column <= c1 for _r0, c0, _r1, c1 in spans)
        if in_span or not top_text or headers.group_of(top_text):
            under_group += 1
        elif headers.field_of(top_text) is not None:
            return False  # a filled cell under a plain field header: a data row
    if not under_group:
        return False
    sub_texts = texts[sub]
    if not merged and _under_open_groups(own, sub_texts, filled):
        return True
    recognised = sum(
        1 for c in filled if c < len(sub_texts) and headers.is_sub_header(sub_texts[c])
    )
    return recognised > len(filled) - recognised  # mostly header words, not data


SUB_LABEL_WORDS = 4


def _under_open_groups(own: list[str], sub_texts: list[str], filled: list[int]) -> bool:
    """Without merge information (CSV, ODS): a row of at least two short labels (no digit), each
    under a header cell followed by empty header cells, or under one of those empty cells ("Quê
    quán", "", "" over "Xã | Huyện | Tỉnh"), whatever the labels say."""
    if len(filled) < 2:
        return False
    width = len(own)
    open_columns: set[int] = set()
    for start, text in enumerate(own):
        end = start
        while text and end + 1 < width and not own[end + 1]:
            end += 1
        if end > start:
            open_columns.update(range(start, end + 1))
    for column in filled:
        label = sub_texts[column] if column < len(sub_texts) else ""
        if column not in open_columns or not label or any(ch.isdigit() for ch in label):
            return False
        if len(label.split()) > SUB_LABEL_WORDS:
            return False
    return True


def _columns(
    texts: list[list[str]], rows: list[list[Any]], top: int, bottom: int, merged: list
) -> list[HeaderColumn]:
    width = max(len(rows[top]), len(rows[bottom]))
    own = list(texts[top]) + [""] * (width - len(texts[top]))
    groups = _group_texts(texts, rows, top, merged)
    groups += [""] * (width - len(groups))
    subs = [""] * width
    if bottom > top:
        subs = _sub_texts(texts, top, bottom, width)
        for column in range(width):  # no merge information: borrow the group from the left
            if not groups[column] and subs[column]:
                k = column - 1
                while k >= 0 and not own[k] and subs[k]:
                    k -= 1
                if k >= 0 and own[k] and subs[k]:  # (any words: the sub-row is header)
                    groups[column] = own[k]
    columns = []
    for column in range(width):
        top_text, sub_text, group_text = own[column], subs[column], groups[column]
        field_name = headers.resolve(top_text, sub_text, group_text)
        if sub_text and group_text:
            header = f"{group_text} / {sub_text}"
        else:
            header = top_text or sub_text or group_text
        columns.append(HeaderColumn(column, header, field_name))
    _merged_name_columns(columns, own, groups, subs)
    _composite_columns(columns, [rows[row] for row in range(top, bottom + 1)])
    _continued_columns(columns, own, groups, subs)
    _labelled_columns(columns, own, groups, subs)
    return columns


def _labelled_columns(
    columns: list[HeaderColumn], own: list[str], groups: list[str], subs: list[str]
) -> None:
    """A field's header over one column per value, each with a sub-label of any words
    ("Trình độ chuyên môn" over "Đại học | Cao đẳng | …" with an x in one; "Chức vụ" over
    "Đảng | Chính quyền | Đoàn thể"): one column of that field, whose value is the labels of the
    marked cells, or the cells' texts (tables.py). Groups of aliases.yaml ("Giới tính" over
    "Nam | Nữ") and sub-labels that name fields of their own are left to `headers.resolve`."""
    index, width = 0, len(columns)
    while index < width:
        group, end = groups[index], index
        while end + 1 < width and group and groups[end + 1] == group and not own[end + 1]:
            end += 1
        span = range(index, end + 1)
        if end > index and all(subs[c] for c in span) and headers.group_of(group) is None:
            name = headers.field_of(group)
            if name not in (None, "seq") and not any(headers.exact_field_of(subs[c]) for c in span):
                head = columns[index]
                head.field, head.header, head.how = name, group, "labels"
                head.labels = [subs[c] for c in span]
                for c in span[1:]:
                    columns[c].field, columns[c].continues, columns[c].header = None, index, group
        index = end + 1


def _composite_columns(columns: list[HeaderColumn], header_rows: list[list[Any]]) -> None:
    """A header cell naming several fields ("Họ và tên\nNgày sinh", "Nam nữ, dân tộc, tôn giáo",
    "Ngày vào Đảng, ngày chính thức"): the column is split into them (tables.py). The cell as
    written is used, its line breaks being separators; a sub-label that a group above already
    explains ("Xếp loại" over "Tự xếp loại") is not a composite."""
    for column in columns:
        cells = [
            row[column.index]
            for row in header_rows
            if column.index < len(row)
            and isinstance(row[column.index], str)
            and row[column.index].strip()
        ]
        if not cells or (len(cells) > 1 and column.field is not None):
            continue
        text = cells[-1]
        if headers.exact_field_of(text):
            continue
        parts = matching.composite_fields(text)
        if parts:
            column.field, column.parts, column.how = "composite", parts, "composite"


def _continued_columns(
    columns: list[HeaderColumn], own: list[str], groups: list[str], subs: list[str]
) -> None:
    """Cells under one header merged across several columns, with no sub-label ("Số thẻ đảng
    viên" over eight cells of one digit each): the columns after the first continue it."""
    for column in columns:
        index = column.index
        if column.field is not None or own[index] or subs[index] or not groups[index]:
            continue
        head = index - 1
        while head >= 0 and columns[head].continues is not None:
            head -= 1
        if (
            head >= 0
            and columns[head].field not in (None, "seq", "composite")
            and groups[head] == groups[index]
            and not subs[head]
        ):
            column.continues = columns[head].index
            column.header = columns[head].header


def _sub_texts(texts: list[list[str]], top: int, bottom: int, width: int) -> list[str]:
    """Per column, the texts of the header rows under the first one, joined with " / "."""
    out = []
    for column in range(width):
        parts = [
            texts[row][column]
            for row in range(top + 1, bottom + 1)
            if column < len(texts[row]) and texts[row][column]
        ]
        out.append(" / ".join(parts))
    return out


def _merged_name_columns(
    columns: list[HeaderColumn], own: list[str], groups: list[str], subs: list[str]
) -> None:
    """ "Họ và tên" merged over two columns (family + middle names | given name), no sub-header."""
    for column in columns:
        index = column.index
        if (
            column.field is None
            and not own[index]
            and not subs[index]
            and groups[index]
            and index > 0
            and columns[index - 1].field in ("full_name", "name_first_part")
            and groups[index - 1] == groups[index]
        ):
            columns[index - 1].field = "name_first_part"
            column.field = "name_last_part"
            column.header = groups[index]


_NUMBER_CELL = re.compile(
    r"^\(?\s*(\d{1,3}|[a-zA-Z])\s*\)?(\s*[=x×*+/\-]\s*\(?\s*\d{1,3}\s*\)?)*\s*$"
)


def _is_number_row(row: list[Any]) -> bool:
    """A row of column numbers: "1, 2, 3…", "(1), (2)…", "A, B, C, 1, 2", "(4) = (2)×100/(3)"."""
    filled = [value for value in row if not is_empty(value)]
    if len(filled) < 2:
        return False
    numbers = 0
    for value in filled:
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            if not float(value).is_integer() or not 0 <= value <= 300:
                return False
            numbers += 1
        elif isinstance(value, str):
            if not _NUMBER_CELL.match(value.strip()):
                return False
            numbers += any(ch.isdigit() for ch in value)
        else:
            return False
    return numbers >= max(2, len(filled) // 2) or _is_letter_sequence(filled)


def _is_letter_sequence(filled: list[Any]) -> bool:
    """Column letters "A, B, C…" (or "(A), (B)…") in order: a numbering row made of letters."""
    letters = [re.sub(r"[()\s]", "", str(value)).upper() for value in filled]
    if len(letters) < 3 or not all(len(x) == 1 and "A" <= x <= "Z" for x in letters):
        return False
    return all(ord(b) - ord(a) == 1 for a, b in itertools.pairwise(letters))


# ---------------------------------------------------------------- data rows

_TOTALS = re.compile(
    r"^(tong cong|tong so|cong toan|cong chi bo|cong dang bo)\b.*$"
    r"|^(tong|cong)\s*(:.*|\(.*|\d.*)?$"
)
_SIGNATURE_START = re.compile(
    r"^(t/m|tm\.?|kt\.?|q\.|nguoi lap|lap bieu|xac nhan|noi nhan|thu truong|truong ban|"
    r"pho truong ban|(pho )?bi thu\b|\(ky\b|ky ten|ky,)"
)
_SIGNATURE_INITIALS = frozenset("tkqnlxpb(")
_PLACE_DATE = re.compile(r"^[^,\d]{2,60},\s*ngay\b|^ngay\s*[\d.…_ ]*\s*thang\s*[\d.…_ ]*\s*nam\b")
_SECTION = re.compile(
    r"^(?:(?:[ivxlc]+|[a-z]|\d{1,3})\s*[.)/\-:]\s*)?((?:chi bo|dang bo|to dang|chi uy)\b.*)$"
)


@dataclass
class Body:
    rows: list[int]  # 0-based grid rows of data
    sections: dict[int, str]  # grid row → section heading (branch) in force
    skipped_totals: list[int]
    skipped_notes: list[int]
    signature_row: int | None


def find_body(
    rows: list[list[Any]],
    layout: Layout,
    key_columns: list[int],
    skip_columns: set[int],
    id_columns: list[int] | None = None,
    unit_names: bool = False,
) -> Body:
    """Which rows under the header are data, whatever their words or columns.

    A row is data when a key column holds what a key looks like: a name in the name column(s)
    (`key_columns`: a short text, not a note, not a label), or an identifier in an ID column
    (`id_columns`: card number, CCCD). Every other row with content is skipped and listed: totals
    anywhere in the row, section headings (which give the branch of the rows under them),
    notes and footnotes; the first row of a signature block ends the table."""
    content = [c.index for c in layout.columns if c.index not in skip_columns]
    data: list[int] = []
    sections: dict[int, str] = {}
    totals: list[int] = []
    notes: list[int] = []
    signature = None
    section = None
    start = layout.data_start
    tests = _row_tests(rows[start:], content, set(key_columns), set(id_columns or []), unit_names)
    many_columns = len(content) >= 3
    for offset, (count, keyed, is_totals) in enumerate(zip(*tests, strict=True)):
        index = start + offset
        row = rows[index]
        if not count:
            stray = _filled(row, range(len(row)))
            if stray and _signature_like(row, stray):
                signature = index
                break
            if len(stray) == 1 and isinstance(row[stray[0]], str):
                heading = _section_name(row[stray[0]])
                if heading:  # "I. CHI BỘ 1" written in the STT column
                    section = heading
            continue
        if not keyed and _signature_like(row, _filled(row, content)):
            signature = index
            break
        if is_totals:
            totals.append(index)
            continue
        lone_text = False
        if count == 1:
            (lone,) = _filled(row, content)
            lone_text = isinstance(row[lone], str)
            heading = _section_name(row[lone]) if lone_text else None
            if heading:
                section = heading
                continue
        if not keyed or (lone_text and many_columns and not _numbered(row, skip_columns)):
            # one text alone, with no number in the STT column: a section or a note
            notes.append(index)
            continue
        data.append(index)
        if section is not None:
            sections[index] = section
    return Body(data, sections, totals, notes, signature)


def _filled(row: list[Any], columns: Iterable[int]) -> list[int]:
    """The columns of `row` among `columns` that hold something (`is_empty` inlined: it runs for
    every cell under the header)."""
    width = len(row)
    return [
        c
        for c in columns
        if c < width
        and (value := row[c]) != ""
        and value is not None
        and (type(value) is not str or not value.isspace())
    ]


def _row_tests(
    body: list[list[Any]], content: list[int], names: set[int], ids: set[int], unit: bool
) -> tuple[list[int], list[bool], list[bool]]:
    """Per row of `body`: how many content cells hold something, whether a key column holds a
    key (a name in a name column, else an identifier in an ID column), whether a cell is a
    totals label ("Tổng cộng", "Cộng", "Tổng số: 42 đồng chí"). Worked out column by
    column: each test runs once per distinct value of a column (a roster repeats its chi bộ,
    dates and words), and the rows are then found by set membership."""
    count = len(body)
    columns = list(itertools.zip_longest(*body, fillvalue="")) if count else []
    filled = np.zeros(count, dtype=np.int64)
    keyed = np.zeros(count, dtype=bool)
    totals = np.zeros(count, dtype=bool)
    for c in content:
        cells = columns[c] if c < len(columns) else ("",) * count
        distinct = set(cells)
        texts = {value for value in distinct if value.__class__ is str}
        empty: set[Any] = set(filter(str.isspace, texts))
        empty.update(value for value in (None, "") if value in distinct)
        if not empty:
            filled += 1
        elif len(empty) < len(distinct):
            filled += np.array([value not in empty for value in cells], dtype=bool)
        labels = {text for text in filter(_TOTALS_HEAD.match, texts) if _totals_text(text[:40])}
        if labels:
            totals |= np.array([value in labels for value in cells], dtype=bool)
        if c in names:
            keys = {text for text in texts - empty if looks_like_name(text, unit)}
            if keys:
                keyed |= np.array([value in keys for value in cells], dtype=bool)
    if ids and not keyed.all():
        for c in ids:  # an identifier keys the rows that no name keys
            if c < len(columns) and c in content:
                cells = columns[c]
                for position in np.flatnonzero(~keyed).tolist():
                    value = cells[position]
                    if _holds_something(value) and _looks_like_id(value):
                        keyed[position] = True
    return filled.tolist(), keyed.tolist(), totals.tolist()


def _holds_something(value: Any) -> bool:
    return value != "" and value is not None and not (isinstance(value, str) and value.isspace())


# What a totals label ("Tổng cộng", "Cộng:", TCVN3 "Tæng sè") can start with: T or C, then
# anything but an ASCII letter other than "o" (a cheap filter before `_totals_text`).
_TOTALS_HEAD = re.compile(r"\s*[TtCc](?![A-NP-Za-np-z])")


def _numbered(row: list[Any], seq_columns: set[int]) -> bool:
    """A number in the STT column (a Roman numeral or a letter there marks a section)."""
    for column in seq_columns:
        value = row[column] if column < len(row) else ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if isinstance(value, str) and value.strip().rstrip(".").isdigit():
            return True
    return False


# (words, characters) a name may have: a person's, and a unit's ("Đảng bộ Cơ quan Đảng, Mặt
# trận và các đoàn thể xã …")
NAME_LIMITS = {False: (8, 60), True: (25, 160)}
# a bullet, a footnote mark or a numbered note: "- …", "• …", "(*) …", "(1) …", "* …"
_NOTE_START = re.compile(r"^(?:[-+*•–—=]\s|\(\*+\)|\*|\(\d{1,2}\)\s|\[)")


@lru_cache(maxsize=1 << 14)
def looks_like_name(text: str, unit: bool = False) -> bool:
    """A person's (or unit's) name as a key cell holds it: short, no label colon, not a bullet,
    not a number; at most two lines (a name with its birth date under it)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or len(lines) > 2:
        return False
    first = clean(lines[0])
    words, length = NAME_LIMITS[unit]
    if not first or len(first) > length or len(first.split()) > words:
        return False
    if _NOTE_START.match(first) or ":" in first:
        return False
    if not any(char.isalpha() for char in first):
        return False
    # A legacy font changes letters with diacritics, never an ASCII first letter: only a text
    # starting like a signature word (or with a letter that may be one) is repaired and matched.
    if first[0].isascii() and first[0].lower() not in _SIGNATURE_INITIALS:
        return True
    return not _SIGNATURE_START.match(_fold_repaired(first))


def _looks_like_id(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value > 0
    text = str(value).strip()
    return 0 < len(text) <= 20 and any(char.isdigit() for char in text) and ":" not in text


@lru_cache(maxsize=4096)
def _fold_repaired(text: str) -> str:
    """Folded text of a cell, legacy TCVN3/VNI repaired first ("Céng:" is "Cộng:")."""
    from tcxd.core.encodings import repair_text

    return aligned_fold(clean(repair_text(text)))


def _signature_like(row: list[Any], filled: list[int]) -> bool:
    for column in filled:
        value = row[column]
        if isinstance(value, str):
            folded = _fold_repaired(value[:80])
            if _SIGNATURE_START.match(folded) or _PLACE_DATE.match(folded):
                return True
    return False


@lru_cache(maxsize=4096)
def _totals_text(start: str) -> bool:
    return bool(_TOTALS.match(_fold_repaired(start)))


def _section_name(value: str) -> str | None:
    text = clean(value)
    match = _SECTION.match(aligned_fold(text))
    if not match:
        return None
    return text[match.start(1) :].strip(" :.-")


# ---------------------------------------------------------------- titles: units and periods

_UNIT = re.compile(r"\b(dang bo|chi bo|dang uy|chi uy|tinh uy|thanh uy|huyen uy|thi uy|quan uy)\b")
UNIT_WORDS = re.compile(r"\b(dang bo|chi bo|dang uy|chi uy|to dang)\b")
_UNIT_CUT = re.compile(
    r"\s*[-–,(:]?\s*\b(tinh den|den ngay|den \d|tai thoi diem|nam \d{4}|quy [ivx]+\b|quy \d|"
    r"\d thang|thang \d{1,2}\s*[/.\-]\s*\d{4}|ky \d|nhiem ky|danh sach|ket qua|bao cao)"
)
_NUMBER_LINE = re.compile(r"^so\s*[:.]|^so \d")


def is_place_date(text: str) -> bool:
    return bool(_PLACE_DATE.match(aligned_fold(clean(text))))


def unit_names(texts: list[str]) -> list[str]:
    """Unit names in the title rows, in reading order (outermost first), without duplicates."""
    noise = set(headers.catalog().layout["title_noise"])
    names: list[str] = []
    seen: set[str] = set()
    for raw in texts:
        text = clean(raw)
        folded = aligned_fold(text)
        if not text or folded in noise or _NUMBER_LINE.match(folded) or _PLACE_DATE.match(folded):
            continue
        match = _UNIT.search(folded)
        if not match:
            continue
        start = match.start()
        rest_folded = folded[start:]
        cut = _UNIT_CUT.search(rest_folded, match.end() - start)
        end = start + cut.start() if cut else len(text)
        name = text[start:end].strip(" \t:;,.-–_*")
        name = re.sub(r"^(\S+\s+\S+)\s*:\s*", r"\1 ", name)  # "Chi bộ: Thôn 3" → "Chi bộ Thôn 3"
        if len(name.split()) < 3:
            continue  # "Chi bộ" alone, "Đảng bộ:" – not a name
        key = aligned_fold(name)
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


@dataclass
class PeriodInfo:
    as_of: dt.date | None = None
    year: int | None = None
    quarter: int | None = None
    period: str | None = None  # q1…q4, h1, 9m, year

    def empty(self) -> bool:
        return (
            self.as_of is None
            and self.year is None
            and self.quarter is None
            and self.period is None
        )


_AS_OF = [
    re.compile(
        r"(?:tinh den|den|tai|tai thoi diem)\s*(?:ngay\s*)?"
        r"(\d{1,2})\s*[/.\-_]\s*(\d{1,2})\s*[/.\-_]\s*(\d{4})"
    ),
    re.compile(
        r"(?:tinh den|den|tai thoi diem)\s*ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})"
    ),
]
_QUARTER = re.compile(r"\b(?:quy|q)\s*(iv|iii|ii|i|[1-4])\b(?:\s*[/.\-_]?\s*(?:nam\s*)?(\d{4}))?")
_YEAR = re.compile(r"\bnam\s*(\d{4})\b")
_HALF = re.compile(r"\b6 thang(?: dau nam)?\b")
_NINE = re.compile(r"\b9 thang\b")
_MONTH = re.compile(r"(?:\bt|\bthang\s*)(\d{1,2})\s*[/.\-_ ]\s*(\d{4})\b")
_BARE_DATE = re.compile(r"\b(\d{1,2})[.\-_/](\d{1,2})[.\-_/](\d{4})\b")
_BARE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def period_from_texts(texts: list[str]) -> PeriodInfo:
    """As-of date and period from title texts (place-date lines and "Số: …" excluded)."""
    kept = []
    for text in texts:
        folded = aligned_fold(clean(text))
        if _PLACE_DATE.match(folded) or _NUMBER_LINE.match(folded):
            continue
        kept.append(folded)
    return _period_of(" | ".join(kept), bare=False)


def period_from_filename(name: str) -> PeriodInfo:
    """As-of date and period from a file name: "DSDV T9-2026", "den 30.9.2026", "XL quy 3-2026"."""
    stem = re.sub(r"\.(xlsx|xlsm|xls|ods|csv|tsv)$", "", name, flags=re.IGNORECASE)
    folded = aligned_fold(clean(stem.replace("_", " ")))
    return _period_of(folded, bare=True)


def _period_of(folded: str, *, bare: bool) -> PeriodInfo:
    info = PeriodInfo()
    for pattern in _AS_OF:
        if match := pattern.search(folded):
            info.as_of = _safe_date(int(match[3]), int(match[2]), int(match[1]))
            if info.as_of:
                break
    if info.as_of is None and bare and (match := _BARE_DATE.search(folded)):
        info.as_of = _safe_date(int(match[3]), int(match[2]), int(match[1]))
    if info.as_of is None and (match := _MONTH.search(folded)):
        month, year = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            info.as_of = dt.date(year, month, calendar.monthrange(year, month)[1])
    if match := _QUARTER.search(folded):
        number = match[1]
        info.quarter = ROMAN.get(number) or int(number)
        info.period = f"q{info.quarter}"
        if match[2]:
            info.year = int(match[2])
    elif _HALF.search(folded):
        info.period = "h1"
    elif _NINE.search(folded):
        info.period = "9m"
    if info.year is None and (match := _YEAR.search(folded)):
        info.year = int(match[1])
    if info.year is None and bare and (match := _BARE_YEAR.search(folded)):
        info.year = int(match[1])
    if info.period is None and info.year is not None and info.as_of is None:
        info.period = "year"
    return info


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
