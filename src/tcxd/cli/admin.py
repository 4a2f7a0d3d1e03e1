"""Administration commands (registered on `tcxd.cli.app.app`): `tcxd migrate`.

Library code is in `tcxd.db.migrate`; this module parses options and prints with Rich, like
the rest of `tcxd.cli`. How a province moves from its SQLite file to PostgreSQL: docs/postgresql.md.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tcxd.cli.app import HELP_OPTION, DbOption, app, err, out
from tcxd.core.formatting import number_vi
from tcxd.core.settings import database_url


@app.command("migrate", context_settings=HELP_OPTION)
def migrate_command(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help=(
                "Cơ sở dữ liệu đích, phải còn trống: địa chỉ PostgreSQL "
                "(postgresql://người_dùng@máy/tên_csdl) hoặc đường dẫn tệp SQLite mới."
            ),
        ),
    ],
    db: DbOption = None,
) -> None:
    """Chép toàn bộ dữ liệu sang một cơ sở dữ liệu trống khác (ví dụ từ tệp SQLite sang
    PostgreSQL) trong một giao dịch, rồi đối chiếu số dòng và nội dung từng bảng."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from tcxd.db.migrate import migrate

    source = database_url(db)
    target = database_url(to, environ={})
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("Đang chép", total=None)

        def on_table(name: str, number: int, total: int) -> None:
            progress.update(
                task, total=total, completed=number - 1, description=f"Đang chép {name}"
            )

        result = migrate(source, target, on_table)
    table = Table(title=f"Đã chép sang {escape(result.target)}", title_justify="left")
    for column in ("Bảng", "Số dòng", "Đối chiếu"):
        table.add_column(column)
    for copied in result.tables:
        table.add_row(escape(copied.name), number_vi(copied.rows), "khớp")
    out.print(table)
    out.print(
        f"Đã chép {number_vi(result.rows)} dòng của {len(result.tables)} bảng từ "
        f"{escape(result.source)}; số dòng và nội dung từng bảng khớp với nguồn. Từ nay dùng "
        "--db (hoặc TCXD_DB) chỉ tới cơ sở dữ liệu mới."
    )
