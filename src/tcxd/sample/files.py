"""The spreadsheets units send, built from the world as grids of cells, with per-unit mess.

Clean files (mess=False): .xlsx, one header row with the first wording of headers.yaml, real
date cells, title rows, STT, nothing else. Messy files vary everything spec/inputs.md lists
("The mess that real files contain") across units; each file's choices are recorded in the
truth file's `files` list.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from tcxd.core import vocab
from tcxd.core.encodings import encode
from tcxd.core.text import strip_accents
from tcxd.sample.dates import NONE, ROSTER0, to_date
from tcxd.sample.world import LEVELS, Rng, data
from tcxd.sample.writers import Cell, DateCell, Sheet

NBSP = "\u00a0"


@dataclass
class Style:
    mess: bool
    fmt: str = "xlsx"  # xlsx | xls | ods | csv:utf-8-sig | csv:utf-16 | csv:cp1258 | csv:utf-8
    legacy: str | None = None  # tcvn3 | vni
    two_row: bool = False
    col_numbers: str | None = None  # "int" | "paren"
    blank_rows: int = 0
    totals: bool = False
    signature: bool = False
    stt: bool = True
    header_case: dict[str, str] = field(default_factory=dict)  # field -> transform
    alias: dict[str, int] = field(default_factory=dict)  # field -> index in headers.yaml
    date_style: str = "date"  # date | serial | slash | slash_short | dash | dot | mixed
    numbers_as_text: bool = False
    decimal_comma: bool = False
    nfd: bool = False
    nbsp: bool = False
    gender_style: str = "text"  # text | two_x | nu_x
    formula_notes: bool = False
    extra_sheet: bool = False
    title_style: int = 0
    features: list[str] = field(default_factory=list)

    def describe(self) -> dict:
        out: dict[str, str | list[str]] = {"format": self.fmt}
        if self.legacy:
            out["legacy"] = self.legacy
        if self.mess:
            out["features"] = sorted(set(self.features))
        return out


FORMATS = (
    ["xlsx"] * 80
    + ["xls"] * 7
    + ["ods"] * 4
    + ["csv:utf-8-sig"] * 3
    + ["csv:utf-16"] * 2
    + ["csv:cp1258"] * 3
    + ["csv:utf-8"]
)


def draw_style(
    rng: Rng, mess: bool, *, forced_format: str | None = None, legacy: str | None = None
) -> Style:
    if not mess:
        return Style(mess=False)
    s = Style(mess=True)
    s.fmt = forced_format or str(FORMATS[int(rng.integers(0, len(FORMATS)))])
    s.legacy = legacy if s.fmt in ("xlsx", "xls") else None
    r = rng.random(20)
    s.two_row = bool(r[0] < 0.45)
    s.col_numbers = None if r[1] < 0.6 else ("int" if r[1] < 0.8 else "paren")
    s.blank_rows = int(rng.integers(1, 4)) if r[2] < 0.3 else 0
    s.totals = bool(r[3] < 0.35)
    s.signature = bool(r[4] < 0.6)
    s.stt = bool(r[5] < 0.92)
    s.date_style = str(
        rng.choice(
            ["date", "date", "date", "serial", "slash", "slash_short", "dash", "dot", "mixed"]
        )
    )
    if s.fmt.startswith("csv") and s.date_style in ("date", "serial"):
        s.date_style = "slash"
    s.numbers_as_text = bool(r[6] < 0.3) or s.fmt.startswith("csv")
    s.decimal_comma = bool(r[7] < 0.4)
    s.nfd = bool(r[8] < 0.12)
    s.nbsp = bool(r[9] < 0.25)
    s.gender_style = str(rng.choice(["text", "text", "two_x", "nu_x"]))
    s.formula_notes = bool(r[10] < 0.25)
    s.extra_sheet = bool(r[11] < 0.08) and not s.fmt.startswith("csv")
    s.title_style = int(rng.integers(0, 3))
    headers = data("headers.yaml")
    use_alias = bool(r[12] < 0.5)
    odd = bool(r[13] < 0.4)
    for f_, variants in headers.items():
        s.alias[f_] = int(rng.integers(0, len(variants))) if use_alias and rng.random() < 0.5 else 0
        t = rng.random() if odd else 1.0
        s.header_case[f_] = (
            "upper"
            if t < 0.1
            else "nodiac"
            if t < 0.2
            else "break"
            if t < 0.32
            else "spaces"
            if t < 0.4
            else "lower"
            if t < 0.45
            else ""
        )
    feats = []
    if s.two_row:
        feats.append("two_row_header")
    if s.col_numbers:
        feats.append("column_numbers_row")
    if s.blank_rows:
        feats.append("blank_rows")
    if s.totals:
        feats.append("totals_row")
    if s.signature:
        feats.append("signature_block")
    if not s.stt:
        feats.append("no_stt")
    if any(v for v in s.header_case.values()):
        feats.append("odd_headers")
    if any(v for v in s.alias.values()):
        feats.append("header_aliases")
    feats.append(f"dates_{s.date_style}")
    if s.numbers_as_text:
        feats.append("numbers_as_text")
    if s.decimal_comma:
        feats.append("decimal_comma")
    if s.nfd:
        feats.append("nfd_text")
    if s.nbsp:
        feats.append("nbsp_spaces")
    if s.formula_notes:
        feats.append("formula_like_notes")
    if s.extra_sheet:
        feats.append("extra_sheet")
    s.features = feats
    return s


# ------------------------------------------------------------------------------------------- cells


def header_text(style: Style, field_: str, explicit: str | None = None) -> str:
    variants = data("headers.yaml").get(field_, [explicit or field_])
    text = (
        explicit or variants[style.alias.get(field_, 0) % len(variants)]
        if style.mess
        else (explicit or variants[0])
    )
    if not style.mess:
        return text
    t = style.header_case.get(field_, "")
    if t == "upper":
        text = text.upper()
    elif t == "lower":
        text = text.lower()
    elif t == "nodiac":
        text = strip_accents(text)
    elif t == "break" and " " in text:
        words = text.split(" ")
        k = max(1, len(words) // 2)
        text = " ".join(words[:k]) + "\n" + " ".join(words[k:])
    elif t == "spaces" and " " in text:
        text = text.replace(" ", "  ", 1)
    return text


class Cells:
    """Formats values of one file under its style (with the file's own random stream)."""

    def __init__(self, style: Style, rng: Rng):
        self.s = style
        self.rng = rng

    def text(self, v: str) -> str:
        if not self.s.mess or not v:
            return v
        if self.s.nfd:
            v = unicodedata.normalize("NFD", v)
        if self.s.nbsp and " " in v and self.rng.random() < 0.3:
            v = v.replace(" ", NBSP if self.rng.random() < 0.5 else "  ", 1)
        return v

    def date(self, days: int, *, year_only: bool = False):
        if days == NONE:
            return None
        days = int(days)
        d = to_date(days)
        if year_only:
            return (
                str(d.year)
                if (self.s.numbers_as_text or not self.s.mess or self.rng.random() < 0.5)
                else d.year
            )
        style = self.s.date_style
        if style == "mixed":
            style = str(self.rng.choice(["date", "slash", "slash_short", "dash", "dot", "serial"]))
            if self.s.fmt.startswith("csv") and style in ("date", "serial"):
                style = "slash"
        if style == "date" or not self.s.mess:
            return DateCell(days)
        if style == "serial":
            return days + 25569
        if style == "slash":
            return f"{d.day:02d}/{d.month:02d}/{d.year}"
        if style == "slash_short":
            return f"{d.day}/{d.month}/{d.year}"
        if style == "dash":
            return f"{d.day}-{d.month}-{d.year}"
        return f"{d.day:02d}.{d.month:02d}.{d.year}"

    def number(self, tenths_or_int: int, *, tenths: bool = False):
        v = int(tenths_or_int) / 10 if tenths else int(tenths_or_int)
        if tenths and v == int(v):
            v = int(v)
        if not self.s.mess:
            return v
        if self.s.numbers_as_text or (tenths and self.s.decimal_comma and isinstance(v, float)):
            t = str(v)
            return t.replace(".", ",") if self.s.decimal_comma else t
        return v

    def mark(self, on: bool) -> str:
        if not on:
            return ""
        if not self.s.mess:
            return "x"
        return str(self.rng.choice(["x", "x", "X", "có"]))

    def yes_no(self, v: bool | None) -> str:
        if v is None:
            return ""
        return "Có" if v else "Không"

    def level(self, code: int) -> str:
        if code < 0:
            return ""
        lv = LEVELS[code]
        if not self.s.mess:
            return vocab.label("levels", lv)
        return str(self.rng.choice([vocab.label("levels", lv), lv, vocab.label("levels", lv)]))


# ------------------------------------------------------------------------------------------ tables


@dataclass
class Col:
    field: str
    values: list
    group: str | None = None  # group header (two-row layout)
    header: str | None = None  # explicit header text
    width: int = 14


def blank_row(ncol: int) -> list[Cell]:
    """A row of `ncol` empty cells, to fill a few of."""
    return [None] * ncol


def build_sheet(
    name: str,
    title_left: list[str],
    titles: list[str],
    cols: list[Col],
    style: Style,
    rng: Rng,
    *,
    signer_left: str = "NGƯỜI LẬP BIỂU",
    signer_right: str = "T/M CHI ỦY",
    place: str = "",
    signed_on: int = ROSTER0 + 5,
    names: tuple[str, str] = ("", ""),
    unit_count_label: str = "đảng viên",
) -> Sheet:
    sh = Sheet(name=name)
    n_rows = len(cols[0].values) if cols else 0
    if style.stt:
        cols = [Col("stt", list(range(1, n_rows + 1)), width=5), *cols]
    ncol = len(cols)
    right = max(ncol - 4, 3)
    # title block
    for i, t in enumerate(title_left):
        row = blank_row(ncol)
        row[0] = t
        if i == 0:
            row[right] = "ĐẢNG CỘNG SẢN VIỆT NAM"
        sh.rows.append(row)
        sh.bold_rows.add(len(sh.rows) - 1)
    if place and style.mess and style.title_style == 1:
        row = blank_row(ncol)
        d = to_date(signed_on)
        row[right] = f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
        sh.rows.append(row)
    sh.rows.append(blank_row(ncol))
    for t in titles:
        row = blank_row(ncol)
        row[0] = t
        sh.rows.append(row)
        r = len(sh.rows) - 1
        sh.bold_rows.add(r)
        if ncol > 1:
            sh.merges.append((r, 0, r, ncol - 1))
    sh.rows.append(blank_row(ncol))
    # header
    grouped = style.two_row and any(c.group for c in cols)
    h1 = [header_text(style, c.field, c.header) for c in cols]
    if grouped:
        top = blank_row(ncol)
        r = len(sh.rows)
        c = 0
        while c < ncol:
            g = cols[c].group
            if g:
                e = c
                while e + 1 < ncol and cols[e + 1].group == g:
                    e += 1
                top[c] = g
                if e > c:
                    sh.merges.append((r, c, r, e))
                c = e + 1
            else:
                top[c] = h1[c]
                sh.merges.append((r, c, r + 1, c))
                c += 1
        bottom = [h1[i] if cols[i].group else None for i in range(ncol)]
        sh.rows.append(top)
        sh.rows.append(bottom)
        sh.header_rows |= {r, r + 1}
    else:
        sh.rows.append(h1)
        sh.header_rows.add(len(sh.rows) - 1)
    if style.col_numbers:
        sh.rows.append(
            [(i + 1) if style.col_numbers == "int" else f"({i + 1})" for i in range(ncol)]
        )
    # data
    blank_at = set()
    if style.blank_rows and n_rows > 3:
        blank_at = {int(x) for x in rng.integers(1, n_rows, size=style.blank_rows)}
    for i in range(n_rows):
        if i in blank_at:
            sh.rows.append(blank_row(ncol))
        sh.rows.append([c.values[i] for c in cols])
    if style.totals:
        row = blank_row(ncol)
        label_col = 1 if style.stt and ncol > 1 else 0
        row[label_col] = str(rng.choice(["Tổng cộng", "Cộng"])) + f": {n_rows} {unit_count_label}"
        sh.rows.append(row)
        sh.bold_rows.add(len(sh.rows) - 1)
    if style.signature:
        sh.rows.append(blank_row(ncol))
        d = to_date(signed_on)
        row = blank_row(ncol)
        row[right] = f"{place or 'Bình Minh'}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
        sh.rows.append(row)
        row = blank_row(ncol)
        row[1 if ncol > 1 else 0] = signer_left
        row[right] = signer_right
        sh.rows.append(row)
        sh.bold_rows.add(len(sh.rows) - 1)
        if signer_right.startswith("T/M"):
            row = blank_row(ncol)
            row[right] = "BÍ THƯ"
            sh.rows.append(row)
            sh.bold_rows.add(len(sh.rows) - 1)
        sh.rows.extend([blank_row(ncol) for _ in range(2)])
        row = blank_row(ncol)
        row[1 if ncol > 1 else 0] = names[0]
        row[right] = names[1]
        sh.rows.append(row)
        sh.bold_rows.add(len(sh.rows) - 1)
    sh.widths = [c.width for c in cols]
    if style.legacy:
        _legacy(sh, style.legacy)
    return sh


def legacy_encoder() -> Callable[[str, str], str]:
    """The encoder of the legacy fonts (TCVN3, VNI) some units' files are written in."""
    return encode


def _legacy(sh: Sheet, enc: str) -> None:
    for row in sh.rows:
        for i, v in enumerate(row):
            if isinstance(v, str) and v:
                row[i] = encode(unicodedata.normalize("NFC", v), enc)


def title_period_line(style: Style, as_of: int) -> str:
    d = to_date(as_of)
    if not style.mess:
        return f"Tính đến ngày {d.day:02d}/{d.month:02d}/{d.year}"
    return [
        f"Tính đến ngày {d.day:02d}/{d.month:02d}/{d.year}",
        f"(Tính đến ngày {d.day} tháng {d.month} năm {d.year})",
        f"Danh sách đến {d.day}/{d.month}/{d.year}",
    ][style.title_style]


def upper(text: str) -> str:
    return text.upper()


def year_end_line(style: Style) -> str:
    return (
        "(Từ ngày 01/01/2025 đến ngày 31/12/2025)"
        if not style.mess or style.title_style != 2
        else "Năm 2025"
    )


__all__ = [
    "Cells",
    "Col",
    "Style",
    "build_sheet",
    "draw_style",
    "header_text",
    "title_period_line",
    "upper",
]
