"""Reports a clerk can sign (spec reports.md): bad option values, periods with no data, stale
ratings, units that sent nothing, all-or-nothing writing. End to end from the command line on a
small generated province (issue #14, items 3, 4, 6, 7, 9)."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import create_engine, text

from tcxd.sample import generate

USAGE = 2
YEAR_HINT = "cần ghi đủ 4 chữ số, từ 1930 đến 2100."


def not_a_year(value: str) -> str:
    return f"'--year': \"{value}\" không phải một năm: {YEAR_HINT}"


@pytest.fixture(scope="module")
def province_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trust")
    generate(folder / "files", members=300, seed=3, mess=False)
    return folder / "files"


@pytest.fixture(scope="module")
def imported_once(province_files, tmp_path_factory):
    """A database with the whole sample province imported (copied for each test)."""
    from tcxd.cli import main

    db = tmp_path_factory.mktemp("trust-db") / "tcxd.db"
    for args in (
        ["init", "--config", str(province_files / "tinh.yaml"), "--db", str(db)],
        ["import", str(province_files), "--db", str(db)],
    ):
        with pytest.raises(SystemExit) as done:
            main(args)
        assert done.value.code == 0
    return db


@pytest.fixture
def db(imported_once, tmp_path):
    copy = tmp_path / "tcxd.db"
    shutil.copy(imported_once, copy)
    return copy


def scalar(db, sql, **params):
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar()
    engine.dispose()
    return value


# --------------------------------------------------------------------- 7. bad option values


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--period", "year", "--year", "25"], not_a_year("25")),
        (["report", "--year", "20255"], not_a_year("20255")),
        (["report", "--year", "0"], not_a_year("0")),
        (["report", "--year", "abc"], not_a_year("abc")),
        (["check", "--period", "q1", "--year", "99"], not_a_year("99")),
        (["check", "--period", "q7", "--year", "2025"],
         "'--period': \"q7\" không phải một kỳ báo cáo: chọn một trong q1 q2 q3 q4 h1 9m year."),
        (["classify", "--year", "2025", "--quarter", "5"],
         "'--quarter': \"5\" không phải một quý: chọn 1, 2, 3 hoặc 4."),
        (["classify", "--year", "2025", "--quarter", "0"],
         "'--quarter': \"0\" không phải một quý: chọn 1, 2, 3 hoặc 4."),
        (["classify", "--year", "25"], not_a_year("25")),
        (["status", "--year", "20255"], not_a_year("20255")),
        (["explain", "01234567", "--year", "3"], not_a_year("3")),
        (["template", "members", "--unit", "X", "--year", "1"],
         not_a_year("1")),
        (["rules", "show", "--year", "0"], not_a_year("0")),
        (["import", "--quarter", "7", "x.xlsx"],
         "'--quarter': \"7\" không phải một quý: chọn 1, 2, 3 hoặc 4."),
        (["sample", "x", "--members", "5"], "'--members': cần lớn hơn hoặc bằng 10"),
    ],
)  # fmt: skip
def test_a_bad_option_value_gets_a_vietnamese_usage_message(tcxd, db, args, message):
    result = tcxd(*args, "--db", db) if args[0] != "sample" else tcxd(*args)
    assert result.exit_code == USAGE, result.output
    assert result.stderr.startswith("Lệnh không đúng: Giá trị không hợp lệ cho " + message)
    assert "Lỗi nội bộ" not in result.output and "Input should" not in result.output
