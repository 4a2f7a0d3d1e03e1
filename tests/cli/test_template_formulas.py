"""`template --prefill` writes stored text that Excel would read as a formula ("=…", "+…", "-…",
"@…", a leading tab) so that it stays text when a clerk edits the cell (issue 16, item 11)."""

from __future__ import annotations

import openpyxl
from sqlalchemy import create_engine, text
from tests.cli.test_clerk import AN, BINH, DISTRICT, province

__all__ = ["province"]  # (the fixture, imported to be used here)

STORED = {
    "full_name": '=HYPERLINK("http://x.example/","An")',
    "ethnicity": "+Kinh",
    "occupation": "-Giáo viên",
    "religion": "@Phật giáo",
    "note": "\tghi chú",
}


def _store(db_url: str, sql: str, **values) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text(sql), values)
    engine.dispose()


def _cells(path) -> dict[str, openpyxl.cell.cell.Cell]:
    """The data sheet's cells by their text."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value}


def _kept_as_text(cell) -> bool:
    return cell.data_type == "s" and cell.quotePrefix and cell.number_format == "@"


def test_prefilled_member_text_that_reads_as_a_formula_stays_text(tcxd, db_url, province, tmp_path):
    assignments = ", ".join(f"{column} = :{column}" for column in STORED)
    _store(db_url, f"UPDATE member SET {assignments} WHERE card_number = :card", **STORED,
           card=AN[3])  # fmt: skip
    out = tmp_path / "mau.xlsx"
    result = tcxd("template", "members", "--unit", "Chi bộ thôn 1", "--as-of", "30/06/2025",
                  "--prefill", "--out", out, "--db", db_url)  # fmt: skip
    assert result.exit_code == 0, result.output
    cells = _cells(out)
    for value in STORED.values():
        assert value in cells, (value, sorted(map(str, cells)))
        assert _kept_as_text(cells[value]), value
    plain = cells[BINH[0]]
    assert plain.data_type == "s" and not plain.quotePrefix  # other text as before


def test_prefilled_organisation_names_that_read_as_formulas_stay_text(
    tcxd, db_url, province, tmp_path
):
    _store(db_url, "UPDATE organization SET name = :n WHERE name = 'Chi bộ thôn 2'", n="=1+1")
    out = tmp_path / "mau.xlsx"
    result = tcxd("template", "organizations", "--unit", DISTRICT, "--as-of", "30/06/2025",
                  "--prefill", "--out", out, "--db", db_url)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _kept_as_text(_cells(out)["=1+1"])
