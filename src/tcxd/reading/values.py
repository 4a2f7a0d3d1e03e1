"""Cell values → typed values, one column at a time.

Each converter takes the raw cells of one column (as calamine or the CSV reader gave them) and
returns a `Column` of converted values, the positions of bad cells with a Vietnamese explanation,
and warnings for the sheet. Decisions (recorded in docs/design.md):

- Dates are always day first. Accepted: real date/datetime cells; Excel serial numbers (numbers or
  digit text of 5 digits, 1900–2100); "05/03/1980", "5-3-1980", "05.03.1980", "1980-03-05" (ISO,
  year first), "ngày 5 tháng 3 năm 1980", a trailing time "00:00:00". A two-digit year ("5/3/80") is
  read with a pivot at the current year (80 → 1980, 05 → 2005) and the sheet gets a warning.
  "1980" (or the number 1980) is a year only: accepted for birth dates only, stored as 1 January
  with `birth_year_only` set; elsewhere an error. An impossible date (31/02/1980) or a year outside
  1900–2100 is an error, never a guess.
- IDs are text. A number cell in an ID column lost its leading zeros when Excel stored it: it is
  padded back (card number to 8 digits; CCCD of 10–11 digits to 12, CMND of 8 to 9) with a warning.
  Text is kept as written, minus spaces and dots. A number in scientific notation ("1,23E+11") or a
  non-integral number has lost digits: an error.
- Numbers accept a decimal comma ("92,5") or point; "1.234,5" and "1,234.5" too. Percent columns
  accept "35%"; a column whose numbers are all between 0 and 1 holds fractions (Excel "%" format)
  and is multiplied by 100.
- Booleans: "x", "có", "✓", "1", … (aliases.yaml `values.truthy`) are true; "không", "0", "-" …
  false; empty is None for rule conditions, False for marks (youth union, exempt, exemplary).
- Text: NFC, non-breaking and repeated spaces cleaned, legacy TCVN3/VNI text repaired per column by
  `tcxd.core.encodings.repair`. A cell beginning with "=", "+", "-" or "@" is kept exactly as
  written.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from tcxd.core import vocab
from tcxd.core.text import clean, fold
from tcxd.reading.headers import catalog, split_list

DATE_EXAMPLE = "cần ngày/tháng/năm, ví dụ 05/03/1980"
MIN_YEAR = 1900
MAX_YEAR = 2100
_EXCEL_EPOCH_ORDINAL = dt.date(1899, 12, 30).toordinal()
_FORMULA_PREFIXES = ("=", "+", "-", "@")


@dataclass
class Column:
    """Converted values of one column, with the positions (0-based, in the column) of bad cells."""

    values: list[Any]
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (position, shown, expected)
    warnings: list[str] = field(default_factory=list)
    flags: list[bool] | None = None  # birth_year_only / exemplary from a level / …
    dates: list[dt.date | None] | None = None  # exempt_on


def is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def shown(value: Any) -> str:
    """A cell as the clerk sees it, for messages."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


# ---------------------------------------------------------------- text


def _repair() -> Callable[[list[str | None]], list[str | None]] | None:
    try:
        from tcxd.core.encodings import repair  # written alongside; optional until it lands
    except ImportError:
        return None
    return repair


def repair_texts(values: list[str | None]) -> list[str | None]:
    """TCVN3/VNI → Unicode for one column (identity until tcxd.core.encodings exists)."""
    distinct: list[str | None] = list(dict.fromkeys(value for value in values if value))
    fixed = _repaired(values, distinct)
    if fixed is None:
        return values
    if len(distinct) == len(values):
        return fixed
    table = dict(zip(distinct, fixed, strict=True))
    return [table[value] if value else value for value in values]


def _repaired(values: list[str | None], distinct: list[str | None]) -> list[str | None] | None:
    """The repaired texts: of `values` when they are all distinct (and none is empty), else of
    `distinct` (their distinct texts, in order); None when nothing needs repairing."""
    repair = _repair()
    if repair is None or not distinct:
        return None
    if all(value.isascii() for value in distinct if value):
        return None  # ASCII is never legacy text: repair would give it back unchanged
    # Repaired over the distinct values of the column (a roster repeats "Kinh", "Chi bộ 1"…):
    # the same answer per value, the column's votes pooled over distinct spellings.
    if len(distinct) == len(values):
        return list(repair(values))
    return list(repair(distinct))


@lru_cache(maxsize=65536)
def clean_text(text: str) -> str | None:
    if text.startswith(_FORMULA_PREFIXES):
        return text  # kept exactly as written
    cleaned = clean(text)
    return cleaned or None


def to_text(cells: Sequence[Any], *, repair: bool = True) -> Column:
    """Texts of one column: repaired (legacy fonts), cleaned, control characters refused; each
    distinct text worked out once, the cells then mapped."""
    raw: list[str | None] = [
        (value or None) if type(value) is str else (None if value is None else shown(value))
        for value in cells
    ]
    unique = dict.fromkeys(raw)
    unique.pop(None, None)
    distinct: list[str | None] = list(unique)
    fixed = _repaired(raw, distinct) if repair else None
    sources = distinct if fixed is None else fixed
    table = {
        text: clean_text(source) if source else None
        for text, source in zip(distinct, sources, strict=True)
    }
    column = Column([table[value] if value else None for value in raw])
    bad = {
        text
        for text in table.values()
        if text and not text.isprintable() and _CONTROL_CHARACTERS.search(text)
    }
    if bad:
        column.errors = [
            (position, text, CONTROL_EXPECTED)
            for position, text in enumerate(column.values)
            if text in bad
        ]
    return column


# Characters no one types (ESC, BEL, the other C0 controls but the spaces `clean` folds, DEL):
# text holding them was made by a program, and a terminal would obey them. (C1 codes are left
# to the terminal-safe printing: text of a legacy encoding read as Latin-1 holds them.)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
CONTROL_EXPECTED = (
    "chứa ký tự điều khiển (như ESC, BEL) không phải chữ: gõ lại nội dung ô này bằng tay"
)


# ---------------------------------------------------------------- dates

_DMY = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$")
_YMD = re.compile(r"^(\d{4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,2})$")
_WORDS = re.compile(r"^(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:nam\s*)?(\d{4})$")
_MONTH_YEAR = re.compile(r"^(?:thang\s*)?(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(am|pm|sa|ch)?$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})(\.0+)?$")
_SERIAL = re.compile(r"^(\d{5})(\.\d+)?$")


def _pivot(two_digits: int) -> int:
    this_year = dt.date.today().year
    return 2000 + two_digits if two_digits <= this_year % 100 else 1900 + two_digits


@lru_cache(maxsize=65536)
def parse_date_text(text: str) -> tuple[str, Any]:
    """('date', d) | ('two_digit', d) | ('year', y) | ('error', reason) | ('empty', None)."""
    value = text.strip().rstrip(".")
    if not value:
        return "empty", None
    value = _TIME_TAIL.sub("", value).strip()
    if match := _DMY.match(value):
        day, month, year_text = int(match[1]), int(match[3]), match[4]
        year = int(year_text) if len(year_text) == 4 else _pivot(int(year_text))
        result = _make_date(year, month, day)
        if result[0] == "date" and len(year_text) == 2:
            return "two_digit", result[1]
        return result
    if match := _YMD.match(value):
        return _make_date(int(match[1]), int(match[3]), int(match[4]))
    folded = fold(value)
    if match := _WORDS.match(folded):
        return _make_date(int(match[3]), int(match[2]), int(match[1]))
    if match := _YEAR.match(value):
        year = int(match[1])
        if MIN_YEAR <= year <= MAX_YEAR:
            return "year", year
        return "error", f"không phải năm hợp lý ({DATE_EXAMPLE})"
    if match := _SERIAL.match(value):
        return serial_date(float(value))
    if _MONTH_YEAR.match(folded):
        return "error", f"thiếu ngày ({DATE_EXAMPLE})"
    if not value.isascii():  # "ngµy 05 th¸ng 3 n¨m 1980": words typed with a TCVN3/VNI font
        from tcxd.core.encodings import repair_text

        repaired = repair_text(value)
        if repaired != value:
            return parse_date_text(repaired)
    return "error", f"không phải ngày hợp lệ ({DATE_EXAMPLE})"


def _make_date(year: int, month: int, day: int) -> tuple[str, Any]:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return "error", f"không phải ngày hợp lệ ({DATE_EXAMPLE})"
    if not MIN_YEAR <= year <= MAX_YEAR:
        return "error", f"có năm {year} không hợp lý ({DATE_EXAMPLE})"
    return "date", value


def serial_date(number: float) -> tuple[str, Any]:
    """An Excel serial day number (1900 date system) → date."""
    if not math.isfinite(number):
        return "error", f"không phải ngày hợp lệ ({DATE_EXAMPLE})"
    whole = int(number)
    if MIN_YEAR <= whole <= MAX_YEAR and number == whole:
        return "year", whole
    if whole < 367 or whole > 73050:  # before 1901 or after 2099
        return "error", f"không phải ngày hợp lệ ({DATE_EXAMPLE})"
    return "date", dt.date.fromordinal(_EXCEL_EPOCH_ORDINAL + whole)


def to_dates(cells: Sequence[Any], *, year_only: bool = False) -> Column:
    """Dates of one column; `year_only` allows a bare year (birth dates) and fills `flags`."""
    values: list[dt.date | None] = []
    flags = [False] * len(cells) if year_only else None
    errors: list[tuple[int, str, str]] = []
    two_digit = 0
    date_type, datetime_type = dt.date, dt.datetime
    for position, value in enumerate(cells):
        kind = type(value)
        if kind is date_type:
            values.append(value)
            continue
        if kind is datetime_type:
            values.append(value.date())
            continue
        if kind is str:
            if not value:
                values.append(None)
                continue
            status, result = parse_date_text(value)
        elif value is None:
            values.append(None)
            continue
        elif kind is float or kind is int:
            status, result = serial_date(float(value))
        else:
            status, result = "error", f"không phải ngày hợp lệ ({DATE_EXAMPLE})"
        if status == "date":
            values.append(result)
        elif status == "two_digit":
            values.append(result)
            two_digit += 1
        elif status == "empty":
            values.append(None)
        elif status == "year":
            if year_only:
                values.append(dt.date(result, 1, 1))
                flags[position] = True  # type: ignore[index]
            else:
                values.append(None)
                errors.append(
                    (position, shown(value), f"chỉ có năm, thiếu ngày và tháng ({DATE_EXAMPLE})")
                )
        else:
            values.append(None)
            errors.append((position, shown(value), result))
    column = Column(values, errors, flags=flags)
    if two_digit:
        column.warnings.append(
            f"{two_digit} ngày viết năm bằng 2 chữ số đã được hiểu theo thế kỷ gần nhất "
            "(ví dụ 5/3/80 là 05/03/1980); hãy kiểm tra lại"
        )
    return column


# ---------------------------------------------------------------- IDs

_ID_SEPARATORS = re.compile(r"[\s.\-_'’‘]")
_SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?[eE][+]?\d+$")
ID_RULES = {
    # field: (expected lengths, {length after losing zeros: padded length}, label)
    "card_number": ((8,), {n: 8 for n in range(1, 8)}, "8 chữ số"),
    "citizen_id": ((12, 9), {10: 12, 11: 12, 8: 9}, "12 chữ số (CCCD) hoặc 9 chữ số (CMND)"),
}


def to_ids(cells: Sequence[Any], field_name: str) -> Column:
    """Card numbers and CCCD as text with leading zeros; other codes (profile number) as text."""
    lengths, pads, label = ID_RULES.get(field_name, ((), {}, ""))
    values: list[str | None] = []
    errors: list[tuple[int, str, str]] = []
    padded = 0
    odd_length: list[int] = []
    for position, value in enumerate(cells):
        kind = type(value)
        if kind is str:
            text = value.strip()
            if not text:
                values.append(None)
                continue
            if lengths and text.isdigit() and text.isascii():
                values.append(text)
                if len(text) not in lengths:
                    odd_length.append(position)
                continue
            if _SCIENTIFIC.match(text):
                values.append(None)
                errors.append(
                    (
                        position,
                        text,
                        "đã bị Excel đổi sang dạng số mũ và mất chữ số; hãy định dạng "
                        "cột là Văn bản (Text) rồi nhập lại",
                    )
                )
                continue
            compact = _ID_SEPARATORS.sub("", text)
            if lengths and compact.isdigit():
                values.append(compact)
                if len(compact) not in lengths:
                    odd_length.append(position)
            elif lengths:
                values.append(None)
                errors.append((position, text, f"không phải số hợp lệ (cần {label})"))
            else:
                values.append(clean_text(text))
        elif value is None:
            values.append(None)
        elif kind is float or kind is int:
            number = float(value)
            if (
                not math.isfinite(number)
                or not number.is_integer()
                or number < 0
                or number >= 2**53
            ):
                values.append(None)
                errors.append(
                    (
                        position,
                        shown(value),
                        "không phải số hợp lệ hoặc đã bị Excel làm tròn "
                        f"(cần {label or 'mã dạng văn bản'})",
                    )
                )
                continue
            digits = str(int(number))
            if len(digits) in pads:
                digits = digits.zfill(pads[len(digits)])
                padded += 1
            elif lengths and len(digits) not in lengths:
                odd_length.append(position)
            values.append(digits)
        else:
            values.append(None)
            errors.append(
                (position, shown(value), f"không phải số hợp lệ (cần {label or 'mã dạng văn bản'})")
            )
    if not lengths:  # a code with letters (Số lý lịch) may be typed with a legacy font
        from tcxd.core.encodings import repair_codes

        values = repair_codes(values)
    column = Column(values, errors)
    if padded:
        column.warnings.append(
            f"{padded} số đã được bổ sung số 0 ở đầu (ô lưu dạng số nên Excel đã bỏ số 0; "
            "nên định dạng cột là Văn bản)"
        )
    if odd_length:
        column.flags = [False] * len(cells)
        for position in odd_length:
            column.flags[position] = True
        column.warnings.append(_odd_lengths([values[p] or "" for p in odd_length], label))
    return column


def _odd_lengths(codes: list[str], label: str) -> str:
    """ "3 số có 5 chữ số, 1 số có 11 chữ số (cần 8 chữ số)": how long the odd ones are, so the
    clerk sees at once a test row (5 digits) from a mistyped card (7 or 9)."""
    counts: dict[int, int] = {}
    for code in codes:
        counts[len(code)] = counts.get(len(code), 0) + 1
    groups = ", ".join(f"{n} số có {length} chữ số" for length, n in sorted(counts.items()))
    return f"{groups}; cần {label}"


# ---------------------------------------------------------------- numbers

_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}([., ]\d{3})+)?([.,]\d+)?$")


@lru_cache(maxsize=65536)
def parse_number_text(text: str) -> float | None:
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    percent = value.endswith("%")
    if percent:
        value = value[:-1]
    if not value or not _NUMBER.match(value) or not any(ch.isdigit() for ch in value):
        return None
    if "," in value and "." in value:
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif value.count(",") == 1:
        value = value.replace(",", ".")
    elif value.count(",") > 1 or value.count(".") > 1:
        value = value.replace(",", "").replace(".", "")
    try:
        return float(value)
    except ValueError:
        return None


def to_numbers(
    cells: Sequence[Any], *, percent: bool = False, low: float = 0.0, high: float | None = None
) -> Column:
    values: list[float | None] = []
    errors: list[tuple[int, str, str]] = []
    from_numbers: list[int] = []
    what = "tỷ lệ phần trăm (0–100)" if percent else "số"
    for position, value in enumerate(cells):
        kind = type(value)
        if kind is float or kind is int:
            number = float(value)
            if math.isfinite(number):
                values.append(number)
                from_numbers.append(position)
                continue
            values.append(None)
            errors.append((position, shown(value), f"không phải {what}"))
        elif kind is str:
            if not value.strip() or value.strip() in ("-", "--"):
                values.append(None)
                continue
            parsed = parse_number_text(value)
            if parsed is None:
                values.append(None)
                errors.append((position, value, f"không phải {what} (ví dụ 92,5)"))
            else:
                values.append(parsed)
        elif value is None:
            values.append(None)
        else:
            values.append(None)
            errors.append((position, shown(value), f"không phải {what}"))
    column = Column(values, errors)
    if percent and from_numbers:
        numbers = [float(cells[p]) for p in from_numbers]  # the finite numbers kept above
        if all(0 <= n <= 1 for n in numbers) and any(n not in (0.0,) for n in numbers):
            for p, n in zip(from_numbers, numbers, strict=True):
                values[p] = round(n * 100, 6)
    limit = 100.0 if percent and high is None else high
    if limit is not None:
        for position, kept in enumerate(values):
            if kept is not None and not low <= kept <= limit:
                errors.append(
                    (
                        position,
                        shown(cells[position]),
                        f"nằm ngoài khoảng cho phép ({_fmt(low)}–{_fmt(limit)})",
                    )
                )
                values[position] = None
    return column


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number).replace(".", ",")


# ---------------------------------------------------------------- booleans, marks


@cache
def _bool_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    values = catalog().values
    truthy = frozenset(fold(word) for word in split_list(values["truthy"]))
    falsy = frozenset(fold(word) for word in split_list(values["falsy"]))
    nothing = frozenset(fold(word) for word in split_list(values["nothing"]))
    return truthy, falsy, nothing


@cache
def none_named_fields() -> frozenset[str]:
    """Yes/no fields in which "không có" means nothing was named, so the condition is met (a
    "shortcomings fixed" column: no shortcomings were pointed out, none left to fix)."""
    return frozenset(split_list(catalog().values["none_named_fields"]))


@cache
def _none_named_words() -> frozenset[str]:
    return frozenset(fold(word) for word in split_list(catalog().values["none_named"]))


def yes_no_word(text: str, *, none_named_met: bool = False) -> bool | None:
    """The one reading of a yes/no word, for the importer and the rating engine alike: True,
    False, or None when the text is not a yes/no word. With `none_named_met` (a field of
    `none_named_fields`), "không có" (nothing was named) reads as yes."""
    word = fold(text)
    truthy, falsy, _ = _bool_words()
    if none_named_met and word in _none_named_words():
        return True
    if word in truthy:
        return True
    if word in falsy:
        return False
    return None


def to_bools(
    cells: Sequence[Any], *, empty: bool | None = None, none_named_met: bool = False
) -> Column:
    """Yes/no answers of one column; each distinct cell (of its type) read once."""
    answers: dict[tuple[type, Any], tuple[bool | None, str | None]] = {}
    values: list[bool | None] = []
    errors: list[tuple[int, str, str]] = []
    for position, value in enumerate(cells):
        key = (value.__class__, value)
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = _bool_of(value, empty, none_named_met)
        values.append(answer[0])
        if answer[1] is not None:
            errors.append((position, answer[1], _NOT_YES_NO))
    return Column(values, errors)


_NOT_YES_NO = 'không hiểu (cần "x" hoặc "có", "không", hoặc để trống)'


def _bool_of(
    value: Any, empty: bool | None, none_named_met: bool
) -> tuple[bool | None, str | None]:
    """(the answer, the cell as shown when it is not a yes/no answer, else None)."""
    kind = type(value)
    if kind is bool:
        return value, None
    if kind is str:
        if not value.strip():
            return empty, None
        answer = yes_no_word(value, none_named_met=none_named_met)
        return (empty, value) if answer is None else (answer, None)
    if kind is float or kind is int:
        return (bool(value), None) if value in (0, 1) else (empty, shown(value))
    if value is None:
        return empty, None
    return empty, shown(value)


def to_marks(cells: Sequence[Any]) -> Column:
    """An "x" column (Nam, Nữ): any content other than a "no" word marks the row."""
    _, falsy, _ = _bool_words()
    values = []
    for value in cells:
        if is_empty(value) or value is False:
            values.append(False)
        elif isinstance(value, str):
            values.append(fold(value) not in falsy)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            values.append(value != 0)
        else:
            values.append(True)
    return Column(values)


def to_exempt(cells: Sequence[Any]) -> Column:
    """Exempt mark: "x"/"có" or a date (the date is kept in `dates`). Empty = not exempt."""
    truthy, falsy, _ = _bool_words()
    values: list[bool] = []
    dates: list[dt.date | None] = []
    errors: list[tuple[int, str, str]] = []
    for position, value in enumerate(cells):
        if is_empty(value):
            values.append(False)
            dates.append(None)
            continue
        if isinstance(value, bool):
            values.append(value)
            dates.append(None)
            continue
        if isinstance(value, str):
            word = fold(value)
            if word in truthy:
                values.append(True)
                dates.append(None)
                continue
            if word in falsy:
                values.append(False)
                dates.append(None)
                continue
        parsed = to_dates([value])
        if parsed.values[0] is not None:
            values.append(True)
            dates.append(parsed.values[0])
        elif isinstance(value, (int, float)) and value in (0, 1):
            values.append(bool(value))
            dates.append(None)
        else:
            values.append(False)
            dates.append(None)
            errors.append(
                (
                    position,
                    shown(value),
                    'không hiểu (cần "x", "có" hoặc ngày được miễn, hoặc để trống)',
                )
            )
    return Column(values, errors, dates=dates)


# ---------------------------------------------------------------- vocabularies


@cache
def _extra_values(vocabulary: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, spellings in (catalog().values.get(vocabulary) or {}).items():
        for spelling in split_list(spellings):
            table.setdefault(fold(spelling), code)
    return table


def code_of(vocabulary: str, text: str) -> str | None:
    """vocab.code_of, plus the extra spellings of aliases.yaml (`values`)."""
    code = vocab.code_of(vocabulary, text)
    if code is None:
        code = _extra_values(vocabulary).get(fold(text))
    return code


_PAREN = re.compile(r"\s*\([^()]*\)\s*")
_TAIL = re.compile(r"\s*(?:[,;:–-]|\bngày\b|\bnăm\b|\btheo\b|\bqđ\b|\bsố\b).*$", re.IGNORECASE)


def _loose_code(vocabulary: str, text: str) -> str | None:
    """A value with a note after it: "Khiển trách (QĐ số 12, ngày 5/3/2025)", "Từ trần - 2026"."""
    shorter = _PAREN.sub(" ", text).strip()
    if shorter and shorter != text and (code := code_of(vocabulary, shorter)):
        return code
    shorter = _TAIL.sub("", shorter).strip()
    if shorter and shorter != text:
        return code_of(vocabulary, shorter)
    return None


def choices(vocabulary: str) -> str:
    labels = [vocab.label(vocabulary, code) for code in vocab.codes(vocabulary)]
    return ", ".join(labels)


def to_codes(cells: Sequence[Any], vocabulary: str, *, none_words: bool = False) -> Column:
    """Vocabulary codes; unknown spelling = error. `none_words`: "Không", "-" mean no value."""
    _, _, nothing = _bool_words()
    values: list[str | None] = []
    errors: list[tuple[int, str, str]] = []
    flags: list[bool] | None = [False] * len(cells) if vocabulary == "levels" else None
    cache_: dict[str, tuple[str | None, bool]] = {}
    for position, value in enumerate(cells):
        if is_empty(value):
            values.append(None)
            continue
        text = shown(value) if not isinstance(value, str) else value
        if text not in cache_:
            cache_[text] = _code_with_flag(vocabulary, text, none_words, nothing)
        code, flag = cache_[text]
        if code is None and not (none_words and fold(text) in nothing):
            near = ", ".join(f"“{name}”" for name in vocab.nearest(vocabulary, text))
            errors.append(
                (
                    position,
                    text,
                    f"không có trong danh mục (cần một trong: {choices(vocabulary)}); "
                    f"gần nhất: {near}",
                )
            )
        values.append(code)
        if flags is not None and flag:
            flags[position] = True
    return Column(values, errors, flags=flags)


def _code_with_flag(
    vocabulary: str, text: str, none_words: bool, nothing: frozenset[str]
) -> tuple[str | None, bool]:
    cleaned = clean(text)
    if none_words and fold(cleaned) in nothing:
        return None, False
    exemplary = vocabulary == "levels" and "tieu bieu" in fold(cleaned)
    code = code_of(vocabulary, cleaned)
    if code is None and exemplary:
        code = code_of(vocabulary, re.sub(r"(?i)\s*[-(]?\s*tiêu biểu\)?", "", cleaned))
    if code is None:
        code = _loose_code(vocabulary, cleaned)
    return code, exemplary


def to_gender(cells: Sequence[Any]) -> Column:
    values: list[str | None] = []
    errors: list[tuple[int, str, str]] = []
    known: dict[str, str | None] = {}
    for position, value in enumerate(cells):
        if is_empty(value):
            values.append(None)
            continue
        text = value if isinstance(value, str) else shown(value)
        if text not in known:
            known[text] = code_of("genders", text)
        code = known[text]
        if code is None:
            errors.append((position, text, 'không phải giới tính (cần "Nam" hoặc "Nữ")'))
        values.append(code)
    return Column(values, errors)


def to_school(cells: Sequence[Any]) -> Column:
    """GDPT "12/12", "9/12": undo Excel turning "9/12" into a date (9 Dec or Sep 12)."""
    fixed: list[Any] = []
    for value in cells:
        if isinstance(value, dt.date):
            first, second = value.day, value.month
            if second not in (10, 12) and first in (10, 12):
                first, second = second, first
            fixed.append(f"{first}/{second}")
        else:
            fixed.append(value)
    return to_text(fixed, repair=False)


# ---------------------------------------------------------------- composite and split cells

_DATE_TOKEN = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|(?<!\d)\d{4}(?!\d)")
_SEPARATORS = re.compile(r"\s*(?:[,;/]|\s-\s|\s–\s)\s*")


def join_cells(columns: list[list[Any]]) -> list[Any]:
    """Cells of one value written across several columns, row by row: one character a cell
    ("0 1 2 3 4 5 6 7" of a card number) joined without spaces, longer pieces with one space."""
    out: list[Any] = []
    for pieces in zip(*columns, strict=True):
        texts = [piece if isinstance(piece, str) else shown(piece) for piece in pieces]
        texts = [text.strip() for text in texts if not is_empty(text)]
        if not texts:
            out.append("")
        elif all(len(text) == 1 for text in texts):
            out.append("".join(texts))
        else:
            out.append(" ".join(texts))
    return out


def split_cells(cells: Sequence[Any], kinds: list[str]) -> list[list[Any]]:
    """The cells of a composite column, split into one column per part (`kinds`: the parts'
    field types). A text is split at its line breaks, else (dates) at the dates it holds, else
    at commas, semicolons, slashes or " - "; when the pieces do not match the parts the whole
    cell goes to the first part, whose conversion then says what is wrong with it."""
    out: list[list[Any]] = [[] for _ in kinds]
    for value in cells:
        pieces = split_value(value, kinds)
        for position in range(len(kinds)):
            out[position].append(pieces[position] if position < len(pieces) else "")
    return out


def split_value(value: Any, kinds: list[str]) -> list[Any]:
    count = len(kinds)
    if not isinstance(value, str) or is_empty(value):
        return [value]
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    if len(lines) == count:
        return lines
    if all(kind in ("date", "birth_date") for kind in kinds):
        dates = _DATE_TOKEN.findall(value)
        if len(dates) == count:
            return dates
    pieces = [piece for piece in _SEPARATORS.split(clean(value)) if piece]
    if len(pieces) == count and not any(kind in ("date", "birth_date") for kind in kinds):
        return pieces
    if len(lines) > count:  # a name on two lines, then its birth date
        return [" ".join(lines[: len(lines) - count + 1]), *lines[len(lines) - count + 1 :]]
    return [value]


def join_labelled(columns: list[list[Any]], labels: list[str]) -> list[Any]:
    """Cells of one field written one column per value: the labels of the marked columns ("x",
    "✓", "1" under "Đại học" gives "Đại học"), else the cells' texts, joined with ", "."""
    truthy, _falsy, _nothing = _bool_words()
    out: list[Any] = []
    for pieces in zip(*columns, strict=True):
        filled = [(label, piece) for label, piece in zip(labels, pieces, strict=True)]
        filled = [(label, piece) for label, piece in filled if not is_empty(piece)]
        texts = [
            (label, piece if isinstance(piece, str) else shown(piece)) for label, piece in filled
        ]
        if texts and all(fold(text) in truthy for _label, text in texts):
            out.append(", ".join(label for label, _text in texts))
        else:
            out.append(", ".join(text.strip() for _label, text in texts))
    return out
