"""Vietnamese reasons, built column-wise: each part of a reason is an object array of strings
("" where the part does not apply), joined at the end. Numbers are written the Vietnamese way
(92,5), dates as 30/6/2025; values are formatted once per distinct value, not once per row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from tcxd.core import vocab
from tcxd.rating.rules.conditions import KINDS, fields
from tcxd.rating.rules.loader import Condition
from tcxd.rating.rules.show import number

LEVEL_CODES = vocab.ranked("levels")  # rank 1..4; 0 = no level


def level_labels() -> np.ndarray:
    """Index by rank: "" for 0, then the Vietnamese label of each level."""
    return np.array([""] + [vocab.label("levels", code) for code in LEVEL_CODES], dtype=object)


def level_codes() -> np.ndarray:
    return np.array([None, *LEVEL_CODES], dtype=object)


def empty(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)


def numbers(values: np.ndarray) -> np.ndarray:
    """Vietnamese numbers ("92,5"); "" where NaN. Formats each distinct value once."""
    values = np.asarray(values, dtype=float)
    out = empty(len(values))
    given = ~np.isnan(values)
    if given.any():
        uniques, inverse = np.unique(values[given], return_inverse=True)
        texts = np.array([number(v) for v in uniques], dtype=object)
        out[given] = texts[inverse]
    return out


def dates(values: np.ndarray) -> np.ndarray:
    """d/m/yyyy without leading zeros ("30/6/2025"); "" where NaT."""
    values = np.asarray(values, dtype="datetime64[D]")
    out = empty(len(values))
    given = ~np.isnat(values)
    if given.any():
        uniques, inverse = np.unique(values[given], return_inverse=True)
        texts = np.array([format_date(pd.Timestamp(v)) for v in uniques], dtype=object)
        out[given] = texts[inverse]
    return out


def format_date(day) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def put(out: np.ndarray, mask: np.ndarray, *pieces) -> None:
    """out[mask] = concatenation of pieces (strings, or arrays the length of out)."""
    if not mask.any():
        return
    text = None
    for piece in pieces:
        value = piece[mask] if isinstance(piece, np.ndarray) else piece
        text = value if text is None else text + value
    out[mask] = text


def join(parts: Sequence[np.ndarray], sep: str = "; ") -> np.ndarray:
    """Join the non-empty parts of each row. Only rows with two parts or more are joined in
    Python; a row with one part takes it as is, a row with none is ""."""
    if not parts:
        return np.empty(0, dtype=object)
    filled = [(part != "") & (part != None) for part in parts]  # noqa: E711 (object arrays)
    count = np.sum(filled, axis=0)
    out = empty(len(parts[0]))
    for part, has in zip(parts, filled, strict=True):
        single = has & (count == 1)
        out[single] = part[single]
    several = np.flatnonzero(count > 1)
    if len(several):
        rows = zip(*(part[several] for part in parts), strict=True)
        out[several] = [sep.join([p for p in row if p]) for row in rows]
    return out


# ── conditions ──────────────────────────────────────────────────────────────────────────────────
def _field_template(name: str) -> tuple[str, str]:
    """(before, after) around "{who}" in the field's text."""
    text = fields()[name]["text"]
    before, _, after = text.partition("{who}")
    return before, after


def field_phrase(name: str, n: int, who: np.ndarray | None) -> np.ndarray | str:
    before, after = _field_template(name)
    text = fields()[name]["text"]
    if "{who}" not in text:
        return text
    if who is None:
        return before + "đảng viên" + after
    return before + who + after


def value_texts(name: str, values: np.ndarray, extra_date: np.ndarray | None = None) -> np.ndarray:
    """How a field's value reads in a reason: "35%", "có", "Khiển trách ngày 12/5/2025"…"""
    kind = fields()[name]["kind"]
    n = len(values)
    if kind == "bool":
        out = empty(n)
        out[values == 1.0] = "có"
        out[values == 0.0] = "không"
        return out
    if kind == "form":
        labels = np.array(
            [""] + [vocab.label("discipline_forms", c) for c in vocab.codes("discipline_forms")],
            dtype=object,
        )
        ranks = np.nan_to_num(values, nan=0).astype(int)
        ranks[ranks >= len(labels)] = 0
        out = labels[ranks]
        if extra_date is not None:
            day = dates(extra_date)
            has = (day != "") & (out != "")
            out = out.copy()
            put(out, has, out, " ngày ", day)
        return out
    text = numbers(values)
    if kind == "pct":
        has = text != ""
        put(text, has, text, "%")
    return text


def threshold_text(cond: Condition) -> str:
    kind = KINDS[cond.op]
    if cond.op == "is_true":
        return "có"
    if cond.op == "is_false":
        return "không"
    if cond.op == "present":
        return "bất kỳ hình thức nào"
    if cond.op == "form_at_least":
        return f"từ {vocab.label('discipline_forms', cond.value)} trở lên"
    unit = "%" if fields()[cond.field]["kind"] == "pct" else ""
    return f"{kind.symbol} {number(cond.value)}{unit}"


def condition_texts(
    cond: Condition,
    values: np.ndarray,
    given: np.ndarray,
    passed: np.ndarray,
    mask: np.ndarray,
    *,
    missing_note: str,
    who: np.ndarray | None = None,
    value_text: np.ndarray | None = None,
) -> np.ndarray:
    """The condition as the reason names it, for rows in `mask`:
    met "nhiệm vụ vượt yêu cầu 35% (≥ 30%)"; failed "… 20% (cần ≥ 30%)";
    missing "nhiệm vụ vượt yêu cầu: không có số liệu, coi như đạt" (missing_note)."""
    n = len(values)
    out = empty(n)
    phrase = field_phrase(cond.field, n, who)
    shown = value_texts(cond.field, values) if value_text is None else value_text
    kind = fields()[cond.field]["kind"]
    test = threshold_text(cond)
    sep = ": " if kind in ("bool", "form") else " "
    if kind in ("bool", "form"):
        met_tail, failed_tail = "", f" (cần: {test})"
    else:
        met_tail, failed_tail = f" ({test})", f" (cần {test})"
    put(out, mask & given & passed, phrase, sep, shown, met_tail)
    put(out, mask & given & ~passed, phrase, sep, shown, failed_tail)
    put(out, mask & ~given, phrase, ": không có số liệu, ", missing_note)
    return out


def trigger_texts(
    cond: Condition, values: np.ndarray, fired: np.ndarray, extra_date: np.ndarray | None
) -> np.ndarray:
    """A fired KHTNV trigger: "kỷ luật trong kỳ: Khiển trách ngày 12/5/2025 (từ Khiển trách trở
    lên)", "nhiệm vụ không hoàn thành 60% (> 50%)"."""
    out = empty(len(values))
    if not fired.any():
        return out
    phrase = field_phrase(cond.field, len(values), None)
    shown = value_texts(cond.field, values, extra_date)
    kind = fields()[cond.field]["kind"]
    if kind == "bool":
        put(out, fired, phrase)
    elif kind == "form":
        put(out, fired, phrase, ": ", shown, f" ({threshold_text(cond)})")
    else:
        put(out, fired, phrase, " ", shown, f" ({threshold_text(cond)})")
    if cond.leaders_only:
        put(out, fired, out, " (đảng viên giữ chức vụ lãnh đạo, quản lý)")
    return out


# ── inputs as JSON ──────────────────────────────────────────────────────────────────────────────
def inputs_json(columns: Iterable[tuple[str, np.ndarray, str]], n: int) -> np.ndarray:
    """One JSON object per row with the given (non-missing) inputs, written as `json.dumps`
    writes it (so that the text stored as is equals what SQLAlchemy's JSON type would store).
    columns: (key, values, kind) with kind number | bool | date | text."""
    parts: list[np.ndarray] = []
    for key, values, kind in columns:
        part = empty(n)
        prefix = json.dumps(key) + ": "
        if kind == "number":
            arr = np.asarray(values, dtype=float)
            given = ~np.isnan(arr)
            if given.any():
                uniques, inverse = np.unique(arr[given], return_inverse=True)
                texts = np.array([prefix + _json_number(v) for v in uniques], dtype=object)
                part[given] = texts[inverse]
        elif kind == "bool":
            arr = np.asarray(values, dtype=float)
            part[arr == 1.0] = prefix + "true"
            part[arr == 0.0] = prefix + "false"
        elif kind == "date":
            arr = np.asarray(values, dtype="datetime64[D]")
            given = ~np.isnat(arr)
            if given.any():
                uniques, inverse = np.unique(arr[given], return_inverse=True)
                texts = np.array([f'{prefix}"{v}"' for v in uniques], dtype=object)
                part[given] = texts[inverse]
        else:  # text
            series = pd.Series(values, dtype=object)
            given = series.notna().to_numpy()
            if given.any():
                codes, uniques = pd.factorize(series[given])
                texts = np.array([prefix + json.dumps(str(v)) for v in uniques], dtype=object)
                part[given] = texts[codes]
        parts.append(part)
    if not parts:
        return np.full(n, "{}", dtype=object)
    return "{" + join(parts, ", ") + "}"


def _json_number(value: float) -> str:
    """10 significant digits, an integer without ".0" (92 not 92.0), as json writes it."""
    return json.dumps(json.loads(format(value, ".10g")))
