"""The reference of `make bench`: read every file of a province with python-calamine alone.

Workbooks (.xlsx/.xlsm/.xls/.ods) are read sheet by sheet into Python rows exactly as tcxd's reader
asks calamine for them (`to_python(skip_empty_area=False)`); CSV/TSV files (which calamine does not
read) with the standard csv module after decoding (UTF-16 with a BOM, UTF-8, else Windows-1258).
Nothing else: no layout, no conversion, no database. Prints one JSON object: files, rows (every
grid row), seconds.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from pathlib import Path

WORKBOOKS = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXTS = {".csv", ".tsv"}


def spreadsheets(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and path.suffix.lower() in WORKBOOKS | TEXTS
    )


def csv_rows(path: Path):
    """The rows of a CSV/TSV file, decoded as UTF-16 (with its BOM), UTF-8, else Windows-1258."""
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1258")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else (";" if ";" in text[:2000] else ",")
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def read_all(root: Path) -> dict:
    from python_calamine import CalamineWorkbook

    files = spreadsheets(root)
    started = time.perf_counter()
    rows = 0
    for path in files:
        if path.suffix.lower() in WORKBOOKS:
            workbook = CalamineWorkbook.from_path(str(path))
            try:
                for name in workbook.sheet_names:
                    rows += len(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
            finally:
                workbook.close()
        else:
            rows += sum(1 for _ in csv_rows(path))
    return {"files": len(files), "rows": rows, "seconds": time.perf_counter() - started}


if __name__ == "__main__":
    print(json.dumps(read_all(Path(sys.argv[1]))))
