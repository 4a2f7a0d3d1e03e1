"""Writing small test spreadsheets, shared by the test modules that build input files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import xlsxwriter


def write_xlsx(path: Path, rows: list[list], sheet: str = "DS") -> Path:
    """One sheet of rows; text stays text (IDs keep their zeros), dates are real date cells."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    worksheet = workbook.add_worksheet(sheet)
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, str):
                worksheet.write_string(number, column, value)
            elif isinstance(value, date):
                worksheet.write_datetime(number, column, value, dates)
            elif value is not None:
                worksheet.write(number, column, value)
    workbook.close()
    return path
