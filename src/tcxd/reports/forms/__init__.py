"""The roll-up forms as data: one YAML file per sheet, and the attribute mappings of the figures.

`load_form("bieu1")` gives a `Form`: its number, title, orientation, columns (with multi-row
headers) and rows (row code, short code shown in the first column, Vietnamese label, indent).
Rows marked `expand: <list>` are generated from a list kept as data (loại hình from vocab.yaml,
age bands, school / degree / theory levels from attributes.yaml, occupation groups from
occupations.yaml), so adding a row is a data change only. The file format is documented in
docs/reports.md ("Forms as data").

`attribute_mappings()` and the `*_code` helpers are the mappings of docs/figures.md ("Common") that
`tcxd.reports.figures` and the sample generator use to put a member in a row.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from tcxd.core import vocab
from tcxd.core.text import fold

# The sheets of a unit workbook, in order (spec reports.md, "Sheets of every workbook").
SHEET_ORDER: tuple[str, ...] = (
    "tong_hop",
    "bieu1",
    "bieu2",
    "bieu3",
    "bieu5",
    "xl_to_chuc",
    "xl_dang_vien",
    "theo_don_vi",
    "kiem_tra",
)
# The forms whose figures make up the JSON twin's "forms" (spec reports.md, "JSON twin").
TWIN_FORMS: tuple[str, ...] = ("bieu1", "bieu2", "bieu3", "bieu5", "xl_to_chuc", "xl_dang_vien")
RATING_FORMS: tuple[str, ...] = ("xl_to_chuc", "xl_dang_vien")

COLUMN_KINDS = {"code", "label", "value", "ratio", "share", "text"}
SOURCES = {"current", "previous_year"}
FORMATS = {None, "integer", "plain", "decimal1", "signed", "percent"}


@dataclass(frozen=True)
class Column:
    """One column of a form's table.

    kind: `code` (the short row code), `label` (the row label), `value` (a number looked up in the
    figures), `ratio` (num × 100 / den of two columns of the same row), `share` (this row's value
    in column `of` × 100 / the value of the row named by the row's `share_base`), `text`.
    """

    key: str
    kind: str
    header: tuple[str, ...]
    width: float = 10
    source: str = "current"
    field: str | None = None  # what replaces {column} in the cell template (default: key)
    num: str | None = None
    den: str | None = None
    of: str | None = None
    number: str | None = None  # text of the column-number row; default "(n)" / "A", "B"
    format: str | None = None
    requires: str | None = None  # "ratings": dropped when the report has no ratings

    @property
    def is_number(self) -> bool:
        return self.kind in ("value", "ratio", "share")

    @property
    def lookup(self) -> str:
        return self.field or self.key


@dataclass(frozen=True)
class Row:
    """One body row. `code` is the row code of the figures (None for a heading row)."""

    code: str | None
    short: str = ""
    label: str = ""
    indent: int = 0
    bold: bool = False
    italic: bool = False
    heading: bool = False
    share_base: str | None = None
    minus: str | None = None
    format: str | None = None
    ratio: bool = True  # ratio columns apply to this row
    params: dict[str, str] = field(default_factory=dict)
    requires: str | None = None
    # Biểu 5: the loại hình codes the row counts (None: not given) and the rows added into it
    kinds: tuple[str | None, ...] = ()
    parts: tuple[str, ...] = ()
    xl: bool = False  # a Biểu 5 row that XL tổ chức shows as a loại hình row
    no_data: bool = False  # a figure tcxd cannot know: "không có số liệu", null in the twin
    optional: bool = False  # a figure the stored results may not hold yet: a number or null


@dataclass(frozen=True)
class CheckName:
    """A check of the Kiểm tra sheet, as written in the summary and on each of its rows."""

    summary: str
    row: str


@dataclass(frozen=True)
class Form:
    name: str
    sheet: str
    number: str
    title: str
    orientation: str
    figures: str | None  # key of report["forms"]; None: the cells read from the whole dict
    cell: str  # template of a cell's path: "{row}", "{row}.{column}", "{prefix}_{column}.{row}"
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    unit_note: str = ""
    notes: tuple[str, ...] = ()
    note_requires: tuple[str | None, ...] = ()  # per note: "ratings" or None
    requires: str | None = None
    rows_from: str | None = None  # "by_unit" / "checks": rows built by the writer
    signatures: bool = True
    repeat_header: bool = True
    pages_tall: int = 0  # print on this many pages tall (0: as many as it takes)
    total_row: dict[str, str] | None = None
    checks: dict[int, CheckName] = field(default_factory=dict)

    @property
    def landscape(self) -> bool:
        return self.orientation == "landscape"

    def column(self, key: str | None) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def path(self, row: Row, column: Column, code: str | None = None) -> tuple[str, ...]:
        """Where the figure of (row, column) is, as keys into the figures dict."""
        params = tuple(row.params.items()) if row.params else ()
        return _cell_path(self.cell, code or row.code or "", column.lookup, params)

    def without_ratings(self) -> Form:
        """The form for a report without ratings: rows and columns that need them dropped."""
        return replace(
            self,
            columns=tuple(c for c in self.columns if c.requires != "ratings"),
            rows=tuple(r for r in self.rows if r.requires != "ratings"),
            notes=tuple(
                n
                for n, needs in zip(self.notes, self.note_requires, strict=True)
                if needs != "ratings"
            ),
            note_requires=tuple(n for n in self.note_requires if n != "ratings"),
        )

    def figure_paths(self) -> list[tuple[str, ...]]:
        """Every path of this period's figures that the form shows (the twin's keys)."""
        return list(self._figure_rows())

    def _figure_rows(self) -> dict[tuple[str, ...], Row]:
        paths: dict[tuple[str, ...], Row] = {}
        for row in self.rows:
            if row.heading or row.code is None:
                continue
            for column in self.columns:
                if column.kind == "value" and column.source == "current":
                    paths.setdefault(self.path(row, column), row)
        return paths

    def empty_figures(self) -> dict[str, Any]:
        """Zero-filled figures of this form, shaped like the JSON twin's entry; a figure tcxd
        cannot know (`no_data`) is None."""
        result: dict[str, Any] = {}
        for path, row in self._figure_rows().items():
            target = result
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = None if row.no_data else 0
        return result


@cache
def _cell_path(
    cell: str, row: str, column: str, params: tuple[tuple[str, str], ...]
) -> tuple[str, ...]:
    """`Form.path`, made once per template, row code, column and parameters (a workbook asks
    for a million cells' paths, of a few thousand distinct ones)."""
    values = {"row": row, "column": column, **dict(params)}
    return tuple(cell.format(**values).split("."))


def _package_text(name: str) -> str:
    return resources.files("tcxd.reports.forms").joinpath(name).read_text("utf-8")


@cache
def _yaml(name: str) -> Any:
    return yaml.safe_load(_package_text(name))


def form_names() -> tuple[str, ...]:
    return SHEET_ORDER


def _expand(source: str) -> tuple[list[tuple[str, str]], tuple[str, str] | None]:
    """(code, label) pairs of an `expand` list, and its "Chưa rõ" row (or None)."""
    if source == "occupations":
        data = _yaml("occupations.yaml")
        pairs = [(group["code"], group["label"]) for group in data["groups"]]
        return pairs, (data["unknown"]["code"], data["unknown"]["label"])
    attributes = _yaml("attributes.yaml")
    if source in ("age_bands", "joined_bands"):
        unknown = attributes[source.replace("bands", "unknown")]
        pairs = [(entry["code"], entry["label"]) for entry in attributes[source]]
        return pairs, (unknown["code"], unknown["label"])
    if source in ("school_level", "degree", "theory_level", "academic_title"):
        unknown = attributes[source].get("unknown")
        pairs = list(attributes[source]["labels"].items())
        return pairs, (unknown["code"], unknown["label"]) if unknown else None
    raise ValueError(f"unknown expand list {source!r}")


_LETTERS = "abcdđeghiklmnopqrstuvxy"  # Vietnamese order of sub-row letters


def _number(numbering: str, index: int) -> str:
    if numbering == "letters":
        return _LETTERS[index]
    if numbering == "dashes":
        return "-"
    return str(index + 1)


def place_rows() -> tuple[Row, ...]:
    """The rows of Biểu 5 (the official loại hình rows, their sub-rows and Cộng)."""
    return load_form("bieu5").rows


@cache
def place_row_kinds() -> dict[str, frozenset[str | None]]:
    """Each Biểu 5 row code → the loại hình codes it counts (its own `kinds` and those of the
    rows in its `parts`, all the way down)."""
    rows = {row.code: row for row in place_rows() if row.code}

    def kinds(code: str) -> frozenset[str | None]:
        row = rows[code]
        found: set[str | None] = set(row.kinds)
        for part in row.parts:
            found |= kinds(part)
        return frozenset(found)

    return {code: kinds(code) for code in rows}


@cache
def place_groups_of(kind: str | None) -> tuple[str, ...]:
    """The Biểu 5 row codes a loại hình code counts in, innermost first ("dn_tnhh" →
    dn_tnhh, dn_ngoai_nha_nuoc, doanh_nghiep_htx, total)."""
    found = [code for code, kinds in place_row_kinds().items() if kind in kinds]
    return tuple(sorted(found, key=lambda code: len(place_row_kinds()[code])))


_ROW_KEYS = {
    "code",
    "short",
    "label",
    "indent",
    "bold",
    "italic",
    "heading",
    "share_base",
    "minus",
    "format",
    "ratio",
    "params",
    "requires",
    "expand",
    "vocab",
    "kinds",
    "parts",
    "xl",
    "no_data",
    "optional",
    "numbering",
}
_COLUMN_KEYS = {
    "key",
    "kind",
    "header",
    "width",
    "source",
    "field",
    "num",
    "den",
    "of",
    "number",
    "format",
    "requires",
}


def _rows(name: str, entries: list[dict]) -> list[Row]:
    rows: list[Row] = []
    for entry in entries or []:
        unknown = set(entry) - _ROW_KEYS
        if unknown:
            raise ValueError(f"form {name}: unknown row key(s) {sorted(unknown)}")
        common: dict[str, Any] = {
            "indent": int(entry.get("indent", 0)),
            "bold": bool(entry.get("bold", False)),
            "italic": bool(entry.get("italic", False)),
            "params": {str(k): str(v) for k, v in (entry.get("params") or {}).items()},
            "requires": entry.get("requires"),
            "format": entry.get("format"),
        }
        if entry.get("expand") == "place_rows":
            # XL tổ chức: the loại hình rows of Biểu 5 marked `xl`, with their numbering
            for row in place_rows():
                if row.xl:
                    rows.append(
                        replace(row, indent=row.indent + common["indent"], params=common["params"])
                    )
            continue
        if "expand" in entry:
            pairs, unknown_row = _expand(entry["expand"])
            numbering = entry.get("numbering", "numbers")
            for index, (code, text) in enumerate(pairs):
                rows.append(Row(code=code, short=_number(numbering, index), label=text, **common))
            if unknown_row is not None:
                rows.append(
                    Row(
                        code=unknown_row[0],
                        short="",
                        label=unknown_row[1],
                        **{**common, "italic": True},
                    )
                )
            continue
        if "heading" in entry:
            rows.append(
                Row(
                    code=None,
                    short=str(entry.get("short", "")),
                    label=entry["heading"],
                    heading=True,
                    **common,
                )
            )
            continue
        label = entry.get("label")
        if label is None and "vocab" in entry:
            label = vocab.label(*entry["vocab"])
        if not entry.get("code") or label is None:
            raise ValueError(f"form {name}: a row needs a code and a label: {entry}")
        rows.append(
            Row(
                code=str(entry["code"]),
                short=str(entry.get("short", "")),
                label=str(label),
                share_base=entry.get("share_base"),
                minus=entry.get("minus"),
                ratio=bool(entry.get("ratio", True)),
                kinds=tuple(entry.get("kinds") or ()),
                parts=tuple(entry.get("parts") or ()),
                xl=bool(entry.get("xl", False)),
                no_data=bool(entry.get("no_data", False)),
                optional=bool(entry.get("optional", False)),
                **common,
            )
        )
    return rows


def _columns(name: str, entries: list[dict]) -> list[Column]:
    columns: list[Column] = []
    for entry in entries:
        unknown = set(entry) - _COLUMN_KEYS
        if unknown:
            raise ValueError(f"form {name}: unknown column key(s) {sorted(unknown)}")
        header = entry["header"]
        column = Column(
            key=str(entry["key"]),
            kind=entry["kind"],
            header=tuple(str(h) for h in (header if isinstance(header, list) else [header])),
            width=float(entry.get("width", 10)),
            source=entry.get("source", "current"),
            field=entry.get("field"),
            num=entry.get("num"),
            den=entry.get("den"),
            of=entry.get("of"),
            number=entry.get("number"),
            format=entry.get("format"),
            requires=entry.get("requires"),
        )
        if column.kind not in COLUMN_KINDS or column.source not in SOURCES:
            raise ValueError(f"form {name}: bad column {column.key}")
        if column.format not in FORMATS:
            raise ValueError(f"form {name}: bad format {column.format!r}")
        columns.append(column)
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys):
        raise ValueError(f"form {name}: duplicate column keys")
    for column in columns:
        for ref in (column.num, column.den, column.of):
            if ref is not None and ref not in keys:
                raise ValueError(f"form {name}: column {column.key} refers to unknown {ref}")
    return columns


@cache
def load_form(name: str) -> Form:
    """The form of one sheet (`bieu1`, `bieu2`, `bieu3`, `bieu5`, `xl_to_chuc`, `xl_dang_vien`,
    `theo_don_vi`, `tong_hop`, `kiem_tra`), with `expand` rows generated."""
    if name not in SHEET_ORDER:
        raise ValueError(f"unknown form {name!r}")
    data = _yaml(f"{name}.yaml")
    rows = _rows(name, data.get("rows") or [])
    for row in rows:
        if row.format not in FORMATS:
            raise ValueError(f"form {name}: bad row format {row.format!r}")
    return Form(
        name=data["name"],
        sheet=data["sheet"],
        number=data.get("number") or "",
        title=data["title"],
        orientation=data.get("orientation", "portrait"),
        figures=data.get("figures"),
        cell=data.get("cell", "{row}"),
        columns=tuple(_columns(name, data["columns"])),
        rows=tuple(rows),
        unit_note=data.get("unit_note") or "",
        notes=tuple(n["text"] if isinstance(n, dict) else str(n) for n in data.get("notes") or ()),
        note_requires=tuple(
            n.get("requires") if isinstance(n, dict) else None for n in data.get("notes") or ()
        ),
        requires=data.get("requires"),
        rows_from=data.get("rows_from"),
        signatures=bool(data.get("signatures", True)),
        repeat_header=bool(data.get("repeat_header", True)),
        pages_tall=int(data.get("pages_tall", 0)),
        total_row=data.get("total_row"),
        checks={
            int(k): CheckName(str(v["summary"]), str(v["row"]))
            for k, v in (data.get("checks") or {}).items()
        },
    )


def empty_forms() -> dict[str, dict[str, Any]]:
    """Zero-filled `forms` of a report / JSON twin: every key the spec names, every value 0."""
    return {name: load_form(name).empty_figures() for name in TWIN_FORMS}


def check_forms(forms: dict[str, Any], *, ratings: bool = True) -> list[str]:
    """Differences between `forms` and the keys of the spec (empty list: exactly right).

    Without ratings the rating forms are not looked at (the twin writes them as null).
    """
    problems: list[str] = []
    if not isinstance(forms, dict):
        return ["forms is not a dict"]
    if set(forms) != set(TWIN_FORMS):
        problems.append(f"forms keys {sorted(forms)} != {sorted(TWIN_FORMS)}")
    for name in TWIN_FORMS:
        given = forms.get(name)
        if name in RATING_FORMS and not ratings:
            continue
        form = load_form(name)
        nullable = {
            ".".join((name, *form.path(row, column)))
            for row in form.rows
            if row.optional
            for column in form.columns
            if column.kind == "value" and column.source == "current"
        }
        problems.extend(_diff(name, form.empty_figures(), given, nullable))
    return problems


def _diff(
    where: str, expected: Any, given: Any, nullable: AbstractSet[str] = frozenset()
) -> list[str]:
    if isinstance(expected, dict):
        if not isinstance(given, dict):
            return [f"{where}: expected a dict, got {type(given).__name__}"]
        problems = []
        missing = [k for k in expected if k not in given]
        extra = [k for k in given if k not in expected]
        if missing:
            problems.append(f"{where}: missing {missing}")
        if extra:
            problems.append(f"{where}: unexpected {extra}")
        for k in expected:
            if k in given:
                problems.extend(_diff(f"{where}.{k}", expected[k], given[k], nullable))
        return problems
    if expected is None:  # a figure tcxd cannot know: always null
        return [] if given is None else [f"{where}: expected null, got {given!r}"]
    if given is None and where in nullable:
        return []
    if isinstance(given, bool) or not isinstance(given, int | float):
        return [f"{where}: expected a number, got {given!r}"]
    return []


# --- attribute mappings (docs/figures.md, Common) -------------------------------------------


@cache
def attribute_mappings() -> dict[str, Any]:
    """The mappings as data: `school_level`, `degree`, `theory_level`, `age_bands`,
    `joined_bands` (from attributes.yaml) and `occupations` (occupations.yaml)."""
    data = dict(_yaml("attributes.yaml"))
    data["occupations"] = _yaml("occupations.yaml")
    return data


_GRADE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*$")


def _word_code(kind: str, text: str) -> str | None:
    spec = attribute_mappings()[kind]
    folded = fold(text)
    best: tuple[int, str] | None = None
    for code, words in spec["words"].items():
        for word in words:
            w = fold(word)
            hit = folded == w or (spec.get("match") == "prefix" and folded.startswith(w + " "))
            if hit and (best is None or len(w) > best[0]):
                best = (len(w), code)
    return best[1] if best else None


@cache
def school_code(text: str | None) -> str | None:
    """School level row of a GDPT text ("9/12", "7/10", "THCS"), or None."""
    if not text or not str(text).strip():
        return None
    match = _GRADE.match(str(text))
    if match:
        grade, base = int(match[1]), int(match[2])
        bands = attribute_mappings()["school_level"]["grades"].get(base)
        if not bands or grade > base:
            return None
        for band in bands:
            if band["low"] <= grade <= band["high"]:
                return band["code"]
        return None
    return _word_code("school_level", str(text))


@cache
def degree_code(text: str | None) -> str | None:
    """Degree row of a Chuyên môn text ("Đại học", "Thạc sĩ", "PGS.TS"), or None. A học hàm
    written in front ("PGS.TS", "Giáo sư, Tiến sĩ") is set aside before the degree is read."""
    if not text or not str(text).strip():
        return None
    found = _word_code("degree", str(text))
    if found is None and title_code(text) is not None:
        found = _word_code("degree", _without_titles(str(text)))
    return found


def _without_titles(text: str) -> str:
    words = attribute_mappings()["academic_title"]["words"]
    titles = sorted(
        (_phrase_words(p) for spellings in words.values() for p in spellings), key=len, reverse=True
    )
    rest = f" {_phrase_words(text.replace('.', ' '))} "
    for title in titles:
        rest = rest.replace(f" {title} ", " ")
    return rest.strip()


@cache
def theory_code(text: str | None) -> str | None:
    """Theory row of an LLCT text ("Trung cấp", "Cao cấp", "Cử nhân"), or None."""
    return _word_code("theory_level", str(text)) if text and str(text).strip() else None


def _phrase_words(text: str) -> str:
    """Folded words separated by one space, punctuation dropped (as the reader's vocabularies
    match values: tcxd.core.vocab)."""
    return " ".join(re.sub(r"[^\w/%]+", " ", fold(text)).split())


@cache
def _occupation_phrases() -> tuple[tuple[str, str], ...]:
    """(folded phrase, what it names), longest first: a group, `retired` or a class."""
    words = attribute_mappings()["occupations"]["words"]
    pairs = {(_phrase_words(p), target) for target, phrases in words.items() for p in phrases}
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0])))


def _best_phrase(text: str, phrases: tuple[tuple[str, str], ...]) -> str | None:
    """What the longest phrase standing as whole words in `text` names (the leftmost among
    phrases of equal length), or None."""
    padded = f" {_phrase_words(text)} "
    best: tuple[int, int, str] | None = None
    for phrase, target in phrases:
        if best is not None and len(phrase) < best[0]:
            break
        at = padded.find(f" {phrase} ")
        if at >= 0 and (best is None or at < best[1]):
            best = (len(phrase), at, target)
    return best[2] if best else None


@cache
def occupation_target(text: str | None) -> str | None:
    """What an occupation text names: a group code, `retired`, a class of `places`, or None
    (no text, or nothing recognised)."""
    if not text or not str(text).strip():
        return None
    return _best_phrase(str(text), _occupation_phrases())


@cache
def occupation_code(text: str | None, kind: str | None = None, commune: bool = False) -> str:
    """Occupation row of a member (occupations.yaml): `retired`, a group of Biểu 2 / 3, or
    `occ_unknown`. `kind`: the loại hình of the member's TCCSĐ; `commune`: its district-level
    committee is a xã, phường or đặc khu."""
    data = attribute_mappings()["occupations"]
    unknown = data["unknown"]["code"]
    target = occupation_target(text)
    if target is None:
        return unknown
    places = data.get("places") or {}
    if target not in places:
        return target
    for row in place_groups_of(kind):
        found = places[target].get(row)
        if isinstance(found, dict):
            return found["commune" if commune else "other"]
        if found:
            return found
    return unknown


@cache
def private_business_owner(text: str | None) -> bool:
    """The occupation text names a chủ doanh nghiệp tư nhân (occupations.yaml)."""
    if not text or not str(text).strip():
        return False
    phrases = tuple(
        (_phrase_words(p), "yes")
        for p in attribute_mappings()["occupations"]["private_business_owner"]
    )
    return _best_phrase(str(text), tuple(sorted(phrases, key=lambda p: -len(p[0])))) is not None


@cache
def title_code(text: str | None) -> str | None:
    """Học hàm named in a degree text ("PGS.TS" → title_assoc_professor), or None."""
    if not text or not str(text).strip():
        return None
    words = attribute_mappings()["academic_title"]["words"]
    phrases = {(_phrase_words(p), code) for code, spellings in words.items() for p in spellings}
    ordered = tuple(sorted(phrases, key=lambda pair: (-len(pair[0]), pair[0])))
    return _best_phrase(str(text).replace(".", " "), ordered)


def unknown_code(kind: str) -> str:
    """The "Chưa rõ" row of an attribute block (school_level, degree, theory_level, age,
    joined, occupations)."""
    data = attribute_mappings()
    if kind == "occupations":
        return data["occupations"]["unknown"]["code"]
    if kind in ("age", "joined"):
        return data[f"{kind}_unknown"]["code"]
    return data[kind]["unknown"]["code"]


def age_band(age: int) -> str:
    """Age band code of an age in completed years (under 18 falls in the first band)."""
    for band in attribute_mappings()["age_bands"]:
        low, high = band["low"], band["high"]
        if (low is None or age >= low) and (high is None or age <= high):
            return band["code"]
    raise ValueError(age)  # the bands cover every integer


def joined_band(admitted_on: date) -> str:
    """Party-age band code of a first admission date."""
    for band in attribute_mappings()["joined_bands"]:
        start, end = band["from"], band["to"]
        if (start is None or admitted_on >= start) and (end is None or admitted_on <= end):
            return band["code"]
    raise ValueError(admitted_on)
