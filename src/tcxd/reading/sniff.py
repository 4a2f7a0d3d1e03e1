"""Whether a file may hold an organisation list, told from the top of its sheets.

The importer writes the organisation lists of a run before every other file (spec inputs.md,
"Order"). Knowing early which files may hold one lets it write the others while the rest are
still being read. A sheet's kind (`tables.read_sheet`) depends on its header alone: the layout
(`layout.find_layout`, which reads no row below `HEADER_SCAN` + the header block + a numbering
row), the sheet's name, the file's name and `--kind`. The sniff runs that same code
(`find_layout`, `tables.sheet_kind`) on the same rows, cut below `SNIFF_ROWS`; the cells below
never change the kind. So the answer is exact for the kind; it can only err towards "may": a
sheet whose header says "organisations" may still be skipped or refused by the full reading
(no data rows, problems). Anything the sniff cannot read (a refused file, an error) is "may".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tcxd.core import vocab
from tcxd.core.text import fold
from tcxd.reading import guards, workbook
from tcxd.reading.headers import normalise_kind
from tcxd.reading.layout import HEADER_SCAN, MAX_HEADER_ROWS, find_layout
from tcxd.reading.tables import sheet_kind

# find_layout reads the first HEADER_SCAN rows, a header block that ends within them, and the
# row just under it (a numbering row): no row past HEADER_SCAN + 1. Two more for good measure.
SNIFF_ROWS = HEADER_SCAN + MAX_HEADER_ROWS + 2

ORGANIZATIONS = "organizations"


@dataclass(frozen=True)
class Sniffed:
    """What the sniff found: whether the file may hold an organisation list, and the guards it
    passed (`guards.check_file_once`), so that its full reading need not run them again."""

    may: bool
    passed: guards.Passed | None = None


def sniff_file(
    path: str | Path,
    *,
    kind: str | None = None,
    sheet: str | None = None,
    aliases: dict | None = None,
    **_other_reading_options: object,
) -> Sniffed:
    """`may` is False only when no sheet of the file can be read as an organisation list
    (read_file's own options, those that change a sheet's kind, are taken; the others do not
    matter)."""
    try:
        return _sniff(Path(path), kind, sheet, aliases)
    except Exception:  # (a file the full reading refuses, or a bug here: read it early)
        return Sniffed(True)


def may_hold_organisations(path: str | Path, **options) -> bool:
    """Whether the file may hold an organisation list (`sniff_file`)."""
    return sniff_file(path, **options).may


def _sniff(path: Path, kind: str | None, sheet: str | None, aliases: dict | None) -> Sniffed:
    forced = normalise_kind(kind)
    if forced is not None:  # every sheet is of that kind ("evaluations": of an evaluation kind)
        return Sniffed(forced == ORGANIZATIONS)
    vocab.set_extra_aliases(aliases)  # (header aliases may come from the province's config)
    passed = guards.check_file_once(path)
    grids = workbook.read_grids(path, passed.fmt, nrows=SNIFF_ROWS)
    if sheet is not None:
        grids = [grid for grid in grids if fold(grid.sheet) == fold(sheet)]
    for grid in grids:
        layout = find_layout(grid.rows[:SNIFF_ROWS], grid.merged)
        if layout is None:
            continue  # (read_sheet skips the sheet: no header row in the top rows)
        _columns, _fields, found = sheet_kind(layout, grid.sheet, path.name, None)
        if found == ORGANIZATIONS:
            return Sniffed(True, passed)
    return Sniffed(False, passed)
