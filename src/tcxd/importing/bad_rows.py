"""--skip-bad-rows: the rows that reading found problems on, left out of a file."""

from __future__ import annotations

IDENTITY_FIELDS = ("card_number", "citizen_id")


def leave_out_bad_rows(reading) -> list[str]:
    """--skip-bad-rows: take the rows that reading found problems on out of the tables, and with
    them every row that shares a card number or CCCD with one of them (of two rows with the same
    card, tcxd cannot tell which is right); the file's problems are then cleared. A problem of a
    whole sheet or file (a missing column), or more problems than were listed, keeps the file
    refused, as does a sheet left with no row. Returns the lines that list the rows left out."""
    problems = reading.problems
    if reading.more_problems or any(p.row is None for p in problems):
        return []
    reasons: dict[tuple[str, int], list[str]] = {}  # (sheet, Excel row) → why it is left out
    for problem in problems:
        reasons.setdefault((problem.sheet, int(problem.row)), []).append(_reason(problem))
    kept_tables = {}
    for table in reading.sheets:
        rows = table.rows
        source = rows["source_row"].astype(int)
        out = source.isin({row for sheet, row in reasons if sheet == table.sheet})
        for column in (c for c in IDENTITY_FIELDS if c in rows.columns):
            shared = set(rows.loc[out, column].dropna()) - {""}
            also = rows[column].isin(shared) & ~out
            header = table.column_headers.get(column, column)
            for row, value in zip(source[also], rows.loc[also, column], strict=True):
                reasons.setdefault((table.sheet, int(row)), []).append(
                    f'cột "{header}": giá trị "{value}" cũng có ở dòng bị bỏ (không biết dòng '
                    "nào đúng)"
                )
            out |= also
        if out.all():
            return []  # nothing of the sheet would be left: the file stays refused
        kept_tables[id(table)] = rows[~out].reset_index(drop=True)
    for table in reading.sheets:
        table.rows = kept_tables[id(table)]
    reading.problems = []
    return [
        f'Trang "{sheet}", dòng {row}: ' + "; ".join(why) + "."
        for (sheet, row), why in sorted(
            reasons.items(), key=lambda item: (str(item[0][0]), item[0][1])
        )
    ]


def _reason(problem) -> str:
    """A reading problem without the file, sheet and row a listing of left-out rows gives."""
    what = problem.expected.rstrip(".")
    if problem.value is not None:
        what = f'giá trị "{problem.value}" {what}'
    return f'cột "{problem.column}": {what}' if problem.column else what
