"""The naive reference of `make bench`: openpyxl + one ORM object per row + `session.add_all`.

What a straightforward script would do: open each workbook with openpyxl (read-only, values only:
its fastest mode), make one SQLModel object per sheet row (the row's cells as text, with file,
sheet and row number), `session.add_all` them and commit once per file, into a fresh SQLite file.
It does less than `tcxd import` (no layout, no validation, no identities, no history), so the
comparison favours it. openpyxl reads neither .xls nor .ods: those files are left out and the
speed-up is compared in rows per second (CSV files are read with the csv module).

Prints one JSON object: files, rows, seconds, skipped (files openpyxl cannot read).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from read_calamine import csv_rows  # bench/ is on the path of a script run from it
from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, create_engine


class NaiveRow(SQLModel, table=True):
    __tablename__ = "naive_row"
    id: int | None = Field(default=None, primary_key=True)
    file: str
    sheet: str
    row: int
    cells: list = Field(default_factory=list, sa_column=Column(JSON))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _sheets(path: Path):
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                yield sheet.title, sheet.iter_rows(values_only=True)
        finally:
            workbook.close()
    else:
        yield path.stem, csv_rows(path)


def run(root: Path, db: Path) -> dict:
    db.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{db}")
    SQLModel.metadata.create_all(engine)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    readable = [p for p in files if p.suffix.lower() in (".xlsx", ".xlsm", ".csv", ".tsv")]
    skipped = [p for p in files if p.suffix.lower() in (".xls", ".ods")]
    started = time.perf_counter()
    rows = 0
    for path in readable:
        objects = []
        for sheet, sheet_rows in _sheets(path):
            for number, cells in enumerate(sheet_rows, start=1):
                objects.append(
                    NaiveRow(
                        file=str(path), sheet=sheet, row=number, cells=[_text(c) for c in cells]
                    )
                )
        with Session(engine) as session:
            session.add_all(objects)
            session.commit()
        rows += len(objects)
    return {
        "files": len(readable),
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "skipped": len(skipped),
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), Path(sys.argv[2]))))
