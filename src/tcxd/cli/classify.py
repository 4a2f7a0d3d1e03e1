"""`tcxd classify` (rate members and organisations) and `tcxd rules show`."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from tcxd.cli.app import (
    HELP_OPTION,
    DbOption,
    app,
    err,
    out,
    quarter_option,
    titled_table,
    year_option,
)
from tcxd.core import vocab
from tcxd.core.formatting import number_vi
from tcxd.core.settings import database_url
from tcxd.rating.rules.titles import ruleset_title

# --------------------------------------------------------------------------- classify, rules


@app.command("classify", context_settings=HELP_OPTION)
def classify_command(
    year: Annotated[int, year_option("Năm đánh giá, xếp loại.")],
    quarter: Annotated[int | None, quarter_option("Xếp loại theo quý (1–4).")] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Tệp quy định riêng của tỉnh (ghi đè giá trị).")
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Chỉ xếp loại một đảng bộ cấp trên cơ sở.")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Thư mục ghi danh sách kết quả để in và ký: mỗi đảng bộ một tệp .xlsx, mỗi "
            "tổ chức cơ sở đảng, chi bộ một trang, kèm trang đề nghị cấp ủy quyết định.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Xếp loại chất lượng đảng viên và tổ chức đảng theo quy định đang có hiệu lực, kèm lý do."""
    from rich.markup import escape

    from tcxd.cli.app import open_database
    from tcxd.core.periods import short_date
    from tcxd.rating.classify import classify, summary

    if out_dir is not None:
        _refuse_file_as_folder(out_dir)
    engine = open_database(database_url(db))
    with err.status("Đang xếp loại…", spinner="dots") if err.is_terminal else nullcontext():
        result = classify(engine, year, quarter, rules, unit)
    names = _org_names(engine)
    ruleset = result.ruleset
    title = (
        f"Kết quả xếp loại {result.period.label} theo {ruleset_title(ruleset.id, ruleset.version)}"
    )
    table = titled_table(
        title,
        [
            "Đảng bộ",
            f"Đảng viên ngày {short_date(result.period.end)}",
            "Có kết quả",
            *vocab.ranked("levels"),
            "Không xếp loại",
            "Chờ quyết định",
            "Hạ do tỷ lệ",
        ],
    )
    for row in summary(result, names):
        rated = sum(row[level] for level in vocab.ranked("levels"))
        cells = [
            f"{number_vi(row[level])} ({_pct(row[level], rated)})"
            for level in vocab.ranked("levels")
        ]
        table.add_row(
            escape(row["district"]),
            number_vi(row["on_date"]),
            number_vi(row["total"]),
            *cells,
            number_vi(row["not_reviewed"]),
            number_vi(row["needs_decision"]),
            number_vi(row["capped"]),
        )
    out.print(table)
    from tcxd.rating.classify import rule_basis

    on_date, rated = sum(result.on_date.values()), len(result.members)
    out.print(
        f"Đảng viên ngày {short_date(result.period.end)} (như dòng D của biểu): "
        f"{number_vi(on_date)}; có kết quả (xếp loại hoặc không xếp loại theo quy định): "
        f"{number_vi(rated)}; chưa có kết quả đánh giá: {number_vi(on_date - rated)} (danh sách "
        "ở tcxd check, mục 4)."
    )

    out.print(escape(rule_basis(ruleset, year)))
    organizations = result.organizations
    rated_orgs = int(organizations["level"].notna().sum()) if len(organizations) else 0
    out.print(
        f"Tổ chức đảng: {number_vi(rated_orgs)} đã xếp loại trên "
        f"{number_vi(len(organizations))} tổ chức."
    )
    if out_dir is not None:
        from tcxd.reports.classify_lists import write_lists

        run = write_lists(engine, result, out_dir, whole_province=unit is None)
        out.print(
            f"Đã ghi {number_vi(len(run.files))} tệp danh sách kết quả vào thư mục {run.folder}."
        )


def _refuse_file_as_folder(path: Path) -> None:
    """`--out` of classify is a folder: a spreadsheet name there is the old usage."""
    from tcxd.core.errors import UserInputError

    if path.is_file() or path.suffix.lower() in (".xlsx", ".xls", ".ods", ".csv"):
        raise UserInputError(
            f'--out cần một thư mục, không phải tệp ("{path}"). '
            "Ví dụ: tcxd classify --year 2025 --out ket-qua"
        )


def _pct(count: int, total: int) -> str:
    return f"{number_vi(count * 100 / total, decimals=2)}%" if total else "-"


def _org_names(engine) -> dict[int, str]:
    from sqlalchemy import text

    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, name FROM organization")).fetchall())


rules_app = typer.Typer(
    help="Xem quy định xếp loại đang có hiệu lực.", context_settings=HELP_OPTION
)
app.add_typer(rules_app, name="rules")


@rules_app.command("show", context_settings=HELP_OPTION)
def rules_show_command(
    year: Annotated[int | None, year_option("Năm xếp loại (mặc định: năm nay).")] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Tệp quy định riêng của tỉnh (ghi đè giá trị).")
    ] = None,
    db: DbOption = None,
) -> None:
    """In quy định xếp loại của một năm, ghi rõ nguồn của từng giá trị."""
    from datetime import date

    from rich.markup import escape

    from tcxd.rating.rules.loader import load_rules
    from tcxd.rating.rules.show import describe

    year = date.today().year if year is None else year
    override = rules
    if override is None:
        from tcxd.core.settings import sqlite_path

        url = database_url(db)
        path = sqlite_path(url)
        if path is None or path.exists():
            from tcxd.cli.app import open_database
            from tcxd.db.province import load_province

            override = load_province(open_database(url)).get("rules_file")
    ruleset = load_rules(year, override=override)  # a RuleError is a ConfigError
    table = titled_table(
        f"Quy định xếp loại năm {year}: {ruleset_title(ruleset.id, ruleset.version)}",
        ["Phần", "Mục", "Giá trị", "Nguồn"],
    )
    for section, item, value, source in describe(ruleset):
        table.add_row(escape(section), escape(item), escape(value), escape(source))
    out.print(table)
