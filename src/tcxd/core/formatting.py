"""How clerk-facing text writes dates, numbers and file paths: one helper each, called by the
CLI, the workflow, the reports and the import messages alike (docs/clerk-setup.md, "Messages").

- Dates: day/month/year, as Vietnamese forms write them ("7/12/2026"; lists of members keep the
  zero-padded "05/03/1980" of `workflow.common.vn_date`). Never ISO ("2026-12-07").
- Numbers: the Vietnamese way, "." between thousands ("2.047"), "," before decimals ("10,68").
- Files: by their path under the folder the clerk imported ("Chi bộ 1/DSDV 31-12-2024.csv"), so
  that two files of the same name in two units' folders are told apart.
- Rows: always with their sheet ("ds.xlsx, trang “DS”, dòng 7"), as Excel shows them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import PurePath
from typing import Any


def date_vi(value: date | datetime | str | None) -> str:
    """7/12/2026 for a date; a stored UTC timestamp is shown as its local day; "" for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        value = moment.astimezone().date()
    return f"{value.day}/{value.month}/{value.year}"


def number_vi(value: Any, decimals: int = 0) -> str:
    """2.047; with `decimals`, 10,68. A value that is not a number is shown as it is."""
    if value is None:
        return ""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        try:
            value = float(value) if decimals else int(value)
        except (TypeError, ValueError):
            return str(value)
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def shown_path(path: str | PurePath, roots: Iterable[str | PurePath] = ()) -> str:
    """A file as the clerk finds it: its path under the imported folder (of `roots`, the paths
    given to the command) that holds it; a file given on its own, as it was given."""
    path = PurePath(path)
    for root in roots:
        root = PurePath(root)
        if root != path and path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.as_posix()


def source_vi(file_name: Any, sheet: Any = None, row: Any = None) -> str:
    """Where a stored row came from: "ds.xlsx, trang “DS”, dòng 7" ("" without a file)."""
    if not file_name:
        return ""
    text = str(file_name)
    if sheet:
        text += f", trang “{sheet}”"
    if row:
        text += f", dòng {int(row)}"
    return text


def distinct_names(paths: dict[Any, str]) -> dict[Any, str]:
    """Each file by its name, with as many folders in front as it takes to tell it from another
    file of the same name ("Chi bo thon 1/DSDV 31-12-2024.csv" where two units sent one).
    Each ending (name, folder/name, …) is counted once over the distinct paths: a file needs
    one more folder while another path ends the same way (linear in the files, not quadratic:
    a province has 10,000 files, most of them called alike)."""
    parts = {key: PurePath(path).parts for key, path in paths.items()}
    endings = Counter(p[-depth:] for p in set(parts.values()) for depth in range(1, len(p) + 1))
    shown = {}
    for key, mine in parts.items():
        depth = 1
        while depth < len(mine) and endings[mine[-depth:]] > 1:
            depth += 1
        shown[key] = "/".join(mine[-depth:])
    return shown


def few_of(names: list[str], shown: int = 20, what: str = "cột") -> str:
    """A list of names a clerk can read: the first `shown`, then how many more ("A, B, … và
    16.346 cột khác"), so that a sheet of 16,384 columns gives one line, not a page."""
    if len(names) <= shown:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" và {number_vi(len(names) - shown)} {what} khác"


# Control characters (C0 but tab and line feed, DEL, C1): a terminal obeys them (ESC starts a
# sequence that clears the screen, hides text, retitles the window; BEL rings; CR overwrites
# the line). Each is shown as a visible sign instead, so the clerk sees that the data hold one.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional overrides and isolates reorder what follows them on screen (a name that reads
# differently from what it holds): removed.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀…␟: ESC is "␛", BEL "␇", CR "␍"
    return "\u2421" if code == 0x7F else "\ufffd"  # DEL "␡"; a C1 control "�"


def terminal_text(text: Any) -> str:
    """Any text made safe to print on a terminal: controls shown as visible signs, bidi
    overrides removed; tabs and line breaks kept. Every line tcxd prints passes here (the
    CLI's consoles call it on every string they render)."""
    text = "" if text is None else str(text)
    if text.isprintable():
        return text
    return _BIDI.sub("", _CONTROLS.sub(_visible, text))
