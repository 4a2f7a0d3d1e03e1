"""Report periods: q1 q2 q3 q4 h1 9m year of a calendar year (spec README.md, Periods).

A period is a closed date range [start, end]. Counts "at the end of the period" are taken on `end`;
flows are events dated inside the range; "at the start" means at the end of `start − 1 day`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from tcxd.core.errors import UserInputError
from tcxd.core.formatting import date_vi

# code -> (first month, last month)
_MONTHS: dict[str, tuple[int, int]] = {
    "q1": (1, 3),
    "q2": (4, 6),
    "q3": (7, 9),
    "q4": (10, 12),
    "h1": (1, 6),
    "9m": (1, 9),
    "year": (1, 12),
}
CODES: tuple[str, ...] = tuple(_MONTHS)
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_ALIASES = {
    "quy1": "q1",
    "quy2": "q2",
    "quy3": "q3",
    "quy4": "q4",
    "6m": "h1",
    "6thang": "h1",
    "9thang": "9m",
    "nam": "year",
    "y": "year",
}


@dataclass(frozen=True)
class Period:
    """One report period. Build it with `Period.parse(code, year)`."""

    code: str
    year: int
    start: date
    end: date

    @classmethod
    def parse(cls, code: str, year: int) -> Period:
        """`Period.parse("q1", 2026)`: 1/1/2026–31/3/2026; UserInputError on an unknown code."""
        normal = str(code).strip().lower().replace(" ", "").replace("-", "").replace("_", "")
        normal = _ALIASES.get(normal, normal)
        if normal not in _MONTHS:
            raise UserInputError(
                f"Kỳ báo cáo không hợp lệ: {code!r} (dùng một trong: {', '.join(CODES)})"
            )
        year = int(year)
        if not 1900 <= year <= 9999:
            raise UserInputError(f"Năm không hợp lệ: {year}")
        first, last = _MONTHS[normal]
        end = date(year, last, calendar.monthrange(year, last)[1])
        return cls(normal, year, date(year, first, 1), end)

    # --- properties -------------------------------------------------------------------------
    @property
    def quarter(self) -> int | None:
        """1–4 for a quarter, else None."""
        return int(self.code[1]) if self.code in ("q1", "q2", "q3", "q4") else None

    @property
    def months(self) -> int:
        first, last = _MONTHS[self.code]
        return last - first + 1

    @property
    def title(self) -> str:
        """The period as workbook titles name it: "QUÝ I NĂM 2026", "6 THÁNG ĐẦU NĂM 2026"…"""
        return self.label.upper()

    @property
    def label(self) -> str:
        """The period in running text: "Quý I năm 2026", "6 tháng đầu năm 2026", "Năm 2026"."""
        if self.quarter:
            return f"Quý {_ROMAN[self.quarter]} năm {self.year}"
        if self.code == "h1":
            return f"6 tháng đầu năm {self.year}"
        if self.code == "9m":
            return f"9 tháng năm {self.year}"
        return f"Năm {self.year}"

    @property
    def slug(self) -> str:
        """Folder name of the period's reports: "2026-q1"."""
        return f"{self.year}-{self.code}"

    @property
    def as_of_line(self) -> str:
        """ "(Số liệu tính đến ngày 31/3/2026)": day and month without leading zeros."""
        return f"(Số liệu tính đến ngày {short_date(self.end)})"

    @property
    def day_before_start(self) -> date:
        """The date whose end-of-day count is the period's opening figure (Biểu 1, row A)."""
        return self.start - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    # --- neighbours -------------------------------------------------------------------------
    def previous(self) -> Period:
        """The period just before this one, for chaining checks (its end + 1 day = our start).

        Quarters and years: the previous quarter / year (q1 2026 -> q4 2025). h1 and 9m run from
        1 January, and no period of their length ends on 31 December, so their predecessor is the
        previous `year` (its D is their A).
        """
        if self.quarter:
            if self.quarter == 1:
                return Period.parse("q4", self.year - 1)
            return Period.parse(f"q{self.quarter - 1}", self.year)
        return Period.parse("year", self.year - 1)

    def next(self) -> Period:
        """The period of the same code that follows (quarters chain within the year)."""
        if self.quarter:
            if self.quarter == 4:
                return Period.parse("q1", self.year + 1)
            return Period.parse(f"q{self.quarter + 1}", self.year)
        return Period.parse(self.code, self.year + 1)

    def same_period_last_year(self) -> Period:
        """ "Cùng kỳ năm trước": the same code one year earlier."""
        return Period.parse(self.code, self.year - 1)

    def as_dict(self) -> dict[str, object]:
        """The JSON twin's "period": {"code", "year", "start", "end"} with ISO dates."""
        return {
            "code": self.code,
            "year": self.year,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Period:
        return cls.parse(str(data["code"]), int(data["year"]))


# --- option values -------------------------------------------------------------------------
# Every command reads --year, --quarter and --period through these (tcxd.cli), so a bad value
# gets the same plain message everywhere. The party was founded in 1930: no record is older, and
# a year past 2100 is a typing slip ("20255"), not a period anyone reports on.
YEAR_RANGE = (1930, 2100)


def parse_year(text: object) -> int:
    """A --year value: a whole year of four digits in YEAR_RANGE. Raises UserInputError whose text
    is the Vietnamese message ("25", "20255", "0" and "2025.5" are refused, never guessed)."""
    value = str(text).strip()
    low, high = YEAR_RANGE
    if not (value.isdigit() and len(value) == 4 and low <= int(value) <= high):
        raise UserInputError(
            f'"{value}" không phải một năm: cần ghi đủ 4 chữ số, từ {low} đến {high}.'
        )
    return int(value)


def parse_quarter(text: object) -> int:
    """A --quarter value: 1, 2, 3 or 4 (Roman numerals and "q2" are read too)."""
    value = str(text).strip()
    normal = value.lower().removeprefix("q").removeprefix("quý").strip()
    found = {"1": 1, "2": 2, "3": 3, "4": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4}.get(normal)
    if found is None:
        raise UserInputError(f'"{value}" không phải một quý: chọn 1, 2, 3 hoặc 4.')
    return found


def parse_code(text: object) -> str:
    """A --period value: q1 q2 q3 q4 h1 9m year (and the aliases of Period.parse)."""
    value = str(text).strip()
    normal = value.lower().replace(" ", "").replace("-", "").replace("_", "")
    normal = _ALIASES.get(normal, normal)
    if normal not in _MONTHS:
        raise UserInputError(
            f'"{value}" không phải một kỳ báo cáo: chọn một trong {" ".join(CODES)}.'
        )
    return normal


def short_date(day: date) -> str:
    """31/3/2026: the way Vietnamese forms write a date (no leading zeros); `date_vi`."""
    return date_vi(day)


def default_period(code: str, today: date | None = None) -> Period:
    """The period of `code` that ended most recently before `today` (default: today).

    A period "has ended" when its last day is before today: on 31/3/2026 the latest q1 is still
    q1 2025; from 1/4/2026 it is q1 2026.
    """
    today = today or date.today()
    candidate = Period.parse(code, today.year)
    while candidate.end >= today:
        candidate = candidate.same_period_last_year()
    return candidate


def default_year(code: str, today: date | None = None) -> int:
    """The `--year` default for `--period code`: the year of `default_period(code, today)`."""
    return default_period(code, today).year
