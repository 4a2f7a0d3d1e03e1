"""The clerk's commands: `status`, `template`, `diff`, `explain` (registered on `tcxd.cli.app.app`).

Library code is in `tcxd.workflow`; this module parses options and prints with Rich, like
the rest of `tcxd.cli`. Decisions: docs/workflow.md.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from tcxd.cli.app import HELP_OPTION, DbOption, app, err, out, period_option, year_option
from tcxd.cli.app import titled_table as _table
from tcxd.core import vocab
from tcxd.core.formatting import number_vi, source_vi
from tcxd.core.settings import database_url

PERIOD_HELP = "Kỳ: q1 q2 q3 q4 (quý), h1 (6 tháng đầu năm), 9m (9 tháng), year (năm)."
YEAR_HELP = "Năm của kỳ (mặc định: năm của kỳ vừa kết thúc gần nhất)."


def _period(code: str | None, year: int | None, default_code: str | None = None):
    """A Period from --period / --year; None when neither is given and there is no default."""
    from tcxd.cli.app import parse_period as parse

    if code is None and year is None:
        return parse(default_code, None) if default_code else None
    return parse(code or "year", year)


def _date(value: str | None, option: str) -> date | None:
    from tcxd.cli.app import parse_date_option as _date_option

    return _date_option(value, option)


def _open(db: str | None):
    from tcxd.cli.app import open_database

    return open_database(database_url(db))


def _short(day: date | None) -> str:
    from tcxd.core.periods import short_date

    return short_date(day) if day else ""


def _lower(text: str) -> str:
    """ "Quý IV năm 2024" → "quý IV năm 2024" (Roman numerals stay)."""
    return text[:1].lower() + text[1:]


def _vn(day: date | None) -> str:
    from tcxd.workflow.common import vn_date

    return vn_date(day)


# --------------------------------------------------------------------------- status


def latest_quarter(today: date | None = None) -> str:
    """The code of the quarter that ended most recently (the one units are reporting on)."""
    today = today or date.today()
    return f"q{((today.month - 1) // 3 - 1) % 4 + 1}"


@app.command("status", context_settings=HELP_OPTION)
def status_command(
    period: Annotated[
        str | None,
        period_option(PERIOD_HELP + " Mặc định: quý vừa kết thúc."),
    ] = None,
    year: Annotated[int | None, year_option(YEAR_HELP)] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Chỉ xem một đảng bộ cấp trên cơ sở.")
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Ghi danh sách nhắc nộp ra tệp .xlsx để in (khổ A4)."),
    ] = None,
    files: Annotated[
        bool, typer.Option("--files", help="Liệt kê từng tệp đã nhận trong kỳ.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Đơn vị nào đã gửi tệp gì cho kỳ (danh sách, biến động, xếp loại) và đơn vị nào chưa gửi."""
    from tcxd.db.province import load_province
    from tcxd.workflow.status import CATEGORIES, CATEGORY_LABELS, period_status
    from tcxd.workflow.status import write_status_workbook as write

    chosen = _period(period, year, default_code=latest_quarter())
    engine = _open(db)
    province = load_province(engine)
    with engine.connect() as conn:
        status = period_status(conn, chosen, unit)
    short = {"roster": "Danh sách ĐV", "changes": "Biến động", "evaluations": "Xếp loại"}
    for district in status.districts:
        sent = sum(1 for u in district.units if u.submitted)
        table = _table(
            f"{district.own.name}: {sent}/{len(district.units)} TCCSĐ đã gửi tệp cho "
            f"{_lower(chosen.label)}",
            ["Đơn vị", *(short[c] for c in CATEGORIES), "Dòng", "Cảnh báo", "Tình trạng"],
        )
        for unit_status in [district.own, *district.units]:
            cells = []
            for category in CATEGORIES:
                newest = unit_status.newest(category)
                if newest is None:
                    cells.append("–")
                    continue
                extra = unit_status.count(category) - 1
                cells.append(
                    f"{newest.date_text} ({number_vi(newest.rows)} dòng)"
                    + (f" +{extra} tệp" if extra else "")
                )
            if unit_status is district.own:
                state = "" if not unit_status.submitted else "có tệp của đảng bộ"
                name = f"[bold]{escape(unit_status.name)}[/bold]"
            else:
                name = escape(unit_status.name)
                if unit_status.submitted:
                    state = "[green]đã gửi[/green]"
                elif unit_status.latest:
                    last = _short(unit_status.latest.imported_on)
                    state = f"[red]chưa gửi[/red] (tệp gần nhất nhận {last})"
                else:
                    state = "[red]chưa từng gửi[/red]"
            warnings = number_vi(unit_status.warnings) if unit_status.files else ""
            rows = number_vi(unit_status.rows) if unit_status.files else ""
            table.add_row(name, *cells, rows, warnings, state)
        out.print(table)
        if files:
            listing = _table(
                f"Các tệp của {district.own.name} tính cho {_lower(chosen.label)}",
                ["Tệp", "Đơn vị", "Loại", "Ngày số liệu", "Dòng", "Cảnh báo", "Ngày nhận"],
            )
            for unit_status in [district.own, *district.units]:
                for f in sorted(unit_status.files, key=lambda x: x.batch_id):
                    listing.add_row(
                        escape(f.file_name),
                        escape(unit_status.name),
                        ", ".join(CATEGORY_LABELS.get(c, c) for c in f.categories),
                        f.date_text,
                        number_vi(f.rows),
                        number_vi(f.warnings),
                        _short(f.imported_on),
                    )
            out.print(listing)
    missing = status.missing
    total = len(status.units)
    out.print(
        f"{chosen.label}: {total - len(missing)}/{total} tổ chức cơ sở đảng đã gửi tệp; "
        f"{len(missing)} chưa gửi tệp nào."
    )
    if out_file is not None:
        committee = province["name"]
        path = write(out_file, status, committee, province.get("issuing_body") or "BAN TỔ CHỨC")
        out.print(f"Đã ghi danh sách nhắc nộp vào tệp {escape(str(path))}.")


# --------------------------------------------------------------------------- template


@app.command("template", context_settings=HELP_OPTION)
def template_command(
    kind: Annotated[
        str,
        typer.Argument(
            help="Loại mẫu: members (danh sách đảng viên), changes (biến động), "
            "evaluations (xếp loại đảng viên), organizations (danh sách tổ chức)."
        ),
    ],
    unit: Annotated[
        str,
        typer.Option(
            "--unit",
            help='Đơn vị sẽ điền mẫu; tên trùng thì ghi kèm cấp trên: "Đảng bộ A/Chi bộ 1".',
        ),
    ],
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Tệp .xlsx sẽ ghi (mặc định: tên theo loại mẫu và đơn vị)."),
    ] = None,
    period: Annotated[
        str | None,
        period_option(PERIOD_HELP + " Danh sách tính đến ngày cuối kỳ."),
    ] = None,
    year: Annotated[int | None, year_option("Năm của kỳ (mặc định: năm nay).")] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Ngày chốt danh sách (dd/mm/yyyy), thay cho ngày cuối kỳ."),
    ] = None,
    prefill: Annotated[
        bool,
        typer.Option(
            "--prefill",
            help="Điền sẵn đảng viên (hoặc tổ chức) đơn vị đang có để đơn vị sửa, khỏi gõ lại.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Lập mẫu bảng tính (danh sách chọn, kiểm tra ngày, số thẻ) để đơn vị điền và gửi lại."""
    from tcxd.core.errors import UserInputError
    from tcxd.db.province import load_province
    from tcxd.workflow.templates import KIND_LABELS, KINDS, build_template, write_template

    if kind not in KINDS:
        raise UserInputError(f'Loại mẫu "{kind}" không hợp lệ; chọn một trong: {", ".join(KINDS)}.')
    if year is not None and period is None:
        period = "year"
    chosen = _period(period, year) if period or year else None
    engine = _open(db)
    province = load_province(engine)
    with engine.connect() as conn:
        template = build_template(
            conn, kind, unit, period=chosen, as_of=_date(as_of, "--as-of"), prefill=prefill
        )
    path = out_file or Path(template.default_file_name)
    committee = f"Ban Tổ chức {province['name']}"
    write_template(path, template, committee)
    when = (
        f"tính đến ngày {_short(template.as_of)}"
        if template.as_of or template.period is None
        else _lower(template.period.label)
    )
    filled = ""
    if template.prefilled:
        what = "tổ chức" if kind == "organizations" else "đảng viên"
        filled = f", điền sẵn {number_vi(len(template.rows))} {what}"
    out.print(
        f"Đã ghi mẫu {KIND_LABELS[kind]} của {escape(template.unit.name)} ({when}{filled}) "
        f"vào tệp {escape(str(path))}."
    )


# --------------------------------------------------------------------------- diff


@app.command("diff", context_settings=HELP_OPTION)
def diff_command(
    unit: Annotated[str, typer.Argument(help="Đơn vị (chi bộ hoặc đảng bộ) cần so sánh.")],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="So danh sách tính đến ngày này (dd/mm/yyyy) với danh sách trước nó."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """So sánh hai danh sách đảng viên mới nhất của đơn vị: ai vào, ai ra, ai đổi thông tin."""
    from tcxd.workflow.diff import roster_diff

    engine = _open(db)
    with engine.connect() as conn:
        diff = roster_diff(conn, unit, _date(as_of, "--as-of"))
    out.print(
        f"Danh sách đảng viên của [bold]{escape(diff.unit.name)}[/bold]: tính đến ngày "
        f"{_short(diff.newer)} ({number_vi(diff.newer_count)} người, tệp "
        f"{escape(', '.join(diff.newer_files))}) so với ngày {_short(diff.older)} "
        f"({number_vi(diff.older_count)} người, tệp {escape(', '.join(diff.older_files))})."
    )
    for title, movements, empty_reason in (
        ("Có tên trong danh sách mới, không có trong danh sách trước", diff.joined,
         "không có biến động kết nạp, chuyển đến"),
        ("Có tên trong danh sách trước, không có trong danh sách mới", diff.left,
         "không có biến động; vẫn tính là đảng viên của đơn vị"),
    ):  # fmt: skip
        if not movements:
            continue
        table = _table(
            f"{title} ({number_vi(len(movements))})",
            [
                "Họ và tên",
                "Ngày sinh",
                "Số thẻ",
                "Chi bộ",
                "Tệp, trang, dòng",
                "Biến động ghi nhận",
            ],
        )
        for movement in movements:
            p = movement.person
            table.add_row(
                escape(p.full_name),
                _vn(p.birth_date),
                p.card_number or "",
                escape(p.branch),
                escape(source_vi(p.file_name, p.source_sheet, p.source_row)),
                escape("; ".join(movement.events)) or f"[yellow]{empty_reason}[/yellow]",
            )
        out.print(table)
    if diff.changed:
        table = _table(
            f"Thay đổi thông tin ({number_vi(len(diff.changed))})",
            ["Họ và tên", "Số thẻ", "Chi bộ", "Thông tin", "Danh sách trước", "Danh sách mới",
             "Tệp, trang, dòng"],
        )  # fmt: skip
        for change in diff.changed:
            p = change.person
            table.add_row(
                escape(p.full_name),
                p.card_number or "",
                escape(p.branch),
                change.label,
                escape(change.old),
                escape(change.new),
                escape(source_vi(p.file_name, p.source_sheet, p.source_row)),
            )
        out.print(table)
    if diff.unreadable:
        err.print(
            "[yellow]Không đọc lại được tệp[/yellow] "
            + escape(", ".join(diff.unreadable))
            + " (đã chuyển chỗ hoặc đã sửa sau khi nhập): chưa so sánh được thông tin từng người."
        )
    if not (diff.joined or diff.left or diff.changed):
        out.print("Hai danh sách giống nhau.")
    else:
        out.print(
            f"Tổng cộng: {number_vi(len(diff.joined))} người mới, {number_vi(len(diff.left))} "
            f"người không còn trong danh sách, {number_vi(len(diff.changed))} thay đổi thông tin."
        )


# --------------------------------------------------------------------------- explain


@app.command("explain", context_settings=HELP_OPTION)
def explain_command(
    member: Annotated[
        str | None,
        typer.Argument(help="Số thẻ đảng viên (như --card): tcxd explain 01234567 --year 2025."),
    ] = None,
    card: Annotated[str | None, typer.Option("--card", help="Số thẻ đảng viên (8 chữ số).")] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Họ và tên đảng viên (khi không có số thẻ).")
    ] = None,
    birth: Annotated[
        str | None, typer.Option("--birth", help="Ngày sinh (dd/mm/yyyy), đi kèm --name.")
    ] = None,
    period: Annotated[
        str | None,
        period_option(PERIOD_HELP + " Đảng viên: xem vị trí vào ngày cuối kỳ."),
    ] = None,
    year: Annotated[int | None, year_option(YEAR_HELP)] = None,
    row: Annotated[
        str | None,
        typer.Option("--row", help="Dòng của Biểu 1 (A, B1, B2a, C1, C3a, D…): liệt kê đảng viên."),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Đơn vị của số liệu (mặc định: toàn tỉnh), đi kèm --row."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Giải thích: quá trình của một đảng viên, hoặc những đảng viên làm nên một số của Biểu 1."""
    from tcxd.core.errors import UserInputError

    card = card or member
    engine = _open(db)
    if row is not None:
        if period is None and year is None:
            raise UserInputError("Cần --period và --year để biết số liệu của kỳ nào.")
        chosen = _period(period, year)
        with engine.connect() as conn:
            from tcxd.workflow.explain import explain_figure

            _render_figure(explain_figure(conn, chosen, row, unit))
        return
    if not card and not name:
        raise UserInputError(
            'Cần --card SỐ_THẺ, hoặc --name "Họ và tên" --birth dd/mm/yyyy; '
            "hoặc --row cùng --period để xem một số liệu."
        )
    chosen = _period(period, year) if period or year else None
    on = chosen.end if chosen else date.today()
    with engine.connect() as conn:
        from tcxd.workflow.explain import explain_member, find_member

        found = find_member(conn, card, name, _date(birth, "--birth"))
        _render_member(explain_member(conn, found.member_id, on), chosen)


STATUS_LABELS = {
    code: vocab.label("result_statuses", code) for code in vocab.codes("result_statuses")
}


def _render_member(e, period) -> None:
    m = e.member
    out.print(
        f"[bold]{escape(m.full_name)}[/bold] – sinh {_vn(m.birth_date) or '?'}"
        f" – số thẻ {m.card_number or 'chưa có'}"
        + (f" – {e.gender}" if e.gender else "")
        + (f" – vào Đảng {_vn(e.admitted_on)}" if e.admitted_on else "")
        + (f", chính thức {_vn(e.official_on)}" if e.official_on else "")
    )
    p = e.placement
    when = f"Ngày {_short(p.on)}" + (f" (cuối {_lower(period.label)})" if period else "")
    if p.branch is None:
        out.print(f"{when}: không là đảng viên của đơn vị nào trong đảng bộ tỉnh.")
    else:
        where = ", ".join(escape(x) for x in (p.branch, p.tccsd, p.district) if x and x != p.branch)
        status = ["đảng viên dự bị" if p.probationary else "đảng viên chính thức"]
        if p.exempt:
            status.append("miễn công tác và sinh hoạt đảng")
        if p.suspended:
            status.append(vocab.label_in_sentence("change_kinds", "suspended"))
        out.print(
            f"{when}: sinh hoạt tại {escape(p.branch)}" + (f" ({where})" if where else "")
            + f"; {', '.join(status)}."
        )  # fmt: skip
    sections = (
        ("Quá trình sinh hoạt (suy ra từ biến động và danh sách)", e.spells,
         ["Đơn vị", "Quá trình"], lambda f: [escape(f.unit), escape(f.what)]),
        ("Biến động (tệp biến động)", e.events,
         ["Ngày", "Biến động", "Đơn vị", "Chi tiết", "Nguồn"],
         lambda f: [_vn(f.on), f.what, escape(f.unit), escape(f.detail), escape(f.source)]),
        ("Có tên trong danh sách đảng viên", e.rosters,
         ["Tính đến ngày", "Đơn vị", "Nguồn"],
         lambda f: [_vn(f.on), escape(f.unit), escape(f.source)]),
        ("Ghi chú kiểm tra", e.notes,
         ["Ngày", "Mục", "Nội dung", "Đơn vị", "Nguồn"],
         lambda f: [_vn(f.on), f.what, escape(f.detail), escape(f.unit), escape(f.source)]),
        ("Kết quả đánh giá (tệp xếp loại)", e.evaluations,
         ["Kỳ", "Nội dung", "Đơn vị", "Nguồn"],
         lambda f: [f.what, escape(f.detail), escape(f.unit), escape(f.source)]),
    )  # fmt: skip
    for title, facts, columns, cells in sections:
        if not facts:
            continue
        table = _table(title, columns)
        for fact in facts:
            table.add_row(*cells(fact))
        out.print(table)
    if e.ratings:
        table = _table(
            "Xếp loại chất lượng",
            ["Kỳ", "Kết quả", "Tính theo quy định", "Cấp ủy quyết định", "Lý do", "Quy định"],
        )
        for r in e.ratings:
            when_ = f"Quý {r.quarter}/{r.year}" if r.quarter else f"Năm {r.year}"
            result = r.result_text() or STATUS_LABELS.get(r.status, r.status)
            table.add_row(
                when_,
                result + (" (hạ do tỷ lệ)" if r.capped else ""),
                r.computed_level or "",
                r.decided_level or "",
                escape(r.reason),
                escape(r.rule_set),
            )
        out.print(table)


def _render_figure(e) -> None:
    out.print(
        f"Biểu 1, dòng {e.row} ({e.row_label}) – {escape(e.unit)} – {e.period.label}: "
        f"[bold]{e.figure}[/bold] đảng viên."
    )
    if e.lines:
        table = _table(
            f"Các đảng viên của dòng {e.row}",
            ["STT", "Họ và tên", "Ngày sinh", "Số thẻ", "Chi bộ", "Ngày", "Nội dung",
             "Nơi đến / đi", "Nguồn"],
        )  # fmt: skip
        for number, line in enumerate(e.lines, start=1):
            table.add_row(
                str(number),
                escape(line.full_name),
                _vn(line.birth_date),
                line.card_number or "",
                escape(line.branch),
                _vn(line.on),
                line.what,
                escape(line.other_side),
                escape(line.source),
            )
        out.print(table)
    if len(e.lines) != e.figure:
        err.print(
            f"[red]Số dòng liệt kê ({number_vi(len(e.lines))}) khác số liệu "
            f"({number_vi(e.figure)}).[/red] Hãy báo cho người quản trị tcxd."
        )
