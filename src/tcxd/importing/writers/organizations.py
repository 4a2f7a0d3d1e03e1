"""An organisations list: the tree built or changed (codes, names, parents, moves), never
with a loop."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from tcxd.core import vocab
from tcxd.core.text import clean, fold, key
from tcxd.core.vocab import is_branch_name, org_type_in_tree, org_type_under
from tcxd.db.bulk import insert_one, plain, table_of
from tcxd.db.models import (
    Organization,
    OrganizationParent,
)
from tcxd.importing.context import Deferred
from tcxd.importing.resolve.units import find_parent, link_parent
from tcxd.importing.values import differs


def write_organizations(file, table, unit: int | None) -> None:
    """Build or change the tree: a row is matched by code, else by name under its parent.
    One code is one unit, one unit one row, and the tree never gets a loop."""
    # Rows as plain dicts: a pandas row per organisation and pass costs more than its SQL.
    pending = table.rows.to_dict("records")
    check_codes(file, table, pending)
    if file.problems:
        return
    file.org_rows = {}  # organisation → the row of this file that gave it
    scope = unit if unit is not None else file.index.province_id
    change_date = table.as_of or file.options.as_of or date.today()
    for _round in range(6):  # parents listed below their children need another pass
        waiting = [
            row
            for row in pending
            if not write_organization(file, table, row, scope, change_date, final=False)
        ]
        if len(waiting) == len(pending):
            break
        pending = waiting
    for row in pending:
        write_organization(file, table, row, scope, change_date, final=True)


def check_codes(file, table, rows: list[dict]) -> None:
    """Two rows with one code would be one unit renamed and moved by the second row."""
    first: dict[str, dict] = {}
    for row in rows:
        code = plain(row.get("code"))
        if not code:
            continue
        code = str(code)
        if code not in first:
            first[code] = row
            continue
        earlier = first[code]
        file.problem(
            table.sheet,
            row["source_row"],
            file.column_label(table, "code"),
            code,
            f'trùng mã với dòng {earlier["source_row"]} ("{clean(str(earlier["name"]))}"); '
            "một mã chỉ dùng cho một tổ chức.",
        )


def write_organization(file, table, row, scope, change_date, final: bool) -> bool:
    org_type = plain(row.get("org_type"))
    name = clean(str(row["name"]))
    parent_name = plain(row.get("parent"))
    if org_type == "province":
        return True
    if parent_name:
        parent = find_parent(file, str(parent_name), scope)
    else:
        parent = scope if org_type != "district" else file.index.province_id
        if parent == file.index.province_id and org_type is None and is_branch_name(name):
            # Nothing says where this chi bộ belongs: under the province it would become a
            # district-level committee. The clerk names the parent (column or --unit).
            file.problem(
                table.sheet,
                row["source_row"],
                file.column_label(table, "name"),
                name,
                "không rõ tổ chức cấp trên (chi bộ không trực thuộc thẳng tỉnh ủy): thêm cột "
                '"Trực thuộc", hoặc nhập với --unit "<tên đảng bộ cấp trên>".',
            )
            return True
    if parent is None:
        if final and not file.last_try:
            raise Deferred  # another organisation list of this run may hold the parent
        if final:
            file.problem(
                table.sheet,
                row["source_row"],
                file.column_label(table, "parent"),
                parent_name,
                "không khớp tổ chức cấp trên nào đã có.",
            )
        return False
    parent_type = file.index.types.get(parent)
    if org_type is None:  # no "Loại tổ chức" column: the tree says (reading/tables.py)
        org_type = org_type_in_tree(name, parent_type)
    elif (in_tree := org_type_under(org_type, parent_type)) != org_type:
        file.outcome.warnings.append(
            f'Trang "{table.sheet}", dòng {row["source_row"]}: "{name}" ghi loại '
            f'"{vocab.label("org_types", org_type)}" nhưng trực thuộc '
            f'{vocab.label("org_types", parent_type)} "{file.index.names.get(parent, "")}": '
            f'theo vị trí trong cây, lấy loại "{vocab.label("org_types", in_tree)}".'
        )
        org_type = in_tree
    code = plain(row.get("code"))
    existing = file.index.codes.get(str(code)) if code else None
    if existing is None:
        existing = file.index.find(name, parent, exact=True)
        if existing is not None and file.index.parent.get(existing) != parent:
            existing = None  # a namesake further down, not this organisation
    values = {
        "name": name,
        "name_key": key(name),
        "name_fold": fold(name),
        "org_type": org_type,
        "kind_of_place": plain(row.get("kind_of_place")),
        "code": str(code) if code else None,
        "founded_on": plain(row.get("founded_on")),
        "dissolved_on": plain(row.get("dissolved_on")),
    }
    organization = table_of(Organization)
    if existing is None:
        org_id = insert_one(
            file.conn,
            organization,
            {
                **values,
                "batch_id": file.batch_id,
                "source_sheet": table.sheet,
                "source_row": int(row["source_row"]),
            },
        )
        link_parent(file, org_id, parent, None, None)
        file.index.add(org_id, name, org_type, parent, values["code"])
        file.org_rows[org_id] = int(row["source_row"])
        record_move(file, table, row, org_id, parent)
        file.outcome.rows_new += 1
        return True
    if not one_row_per_unit(file, table, row, existing, code, name):
        return True
    moves = file.index.parent.get(existing) != parent
    if moves and file.index.within(parent, existing):
        refuse_loop(file, table, row, existing, parent, parent_name)
        return True
    stored = (
        file.conn.execute(select(organization).where(organization.c.id == existing))
        .mappings()
        .one()
    )
    # What the row gives and differs: an empty cell changes nothing.
    changed = {k: v for k, v in values.items() if v is not None and differs(stored[k], v)}
    if changed:
        file.conn.execute(
            update(organization).where(organization.c.id == existing).values(**changed)
        )
        # The index learns the new name, type and code after the file (as a fresh load for
        # the next file would): rows later in this file see the organisation as it was.
        file.renamed.append(
            (
                existing,
                changed.get("name", stored["name"]),
                changed.get("org_type", stored["org_type"]),
                changed.get("code", stored["code"]),
            )
        )
    if moves:
        moved_on = plain(row.get("moved_on")) or change_date
        link = table_of(OrganizationParent)
        file.conn.execute(
            update(link)
            .where(link.c.org_id == existing, link.c.valid_to.is_(None))
            .values(valid_to=moved_on)
        )
        link_parent(file, existing, parent, moved_on, None)
        file.index.move(existing, parent)
    if changed or moves:
        file.outcome.rows_updated += 1
    else:
        file.outcome.rows_unchanged += 1
    return True


def one_row_per_unit(file, table, row, existing: int, code, name: str) -> bool:
    """A unit already given by an earlier row of this file is a problem naming both."""
    earlier = file.org_rows.get(existing)
    row_number = int(row["source_row"])
    if earlier is None:
        file.org_rows[existing] = row_number
        return True
    column, value = ("code", str(code)) if code else ("name", name)
    file.problem(
        table.sheet,
        row_number,
        file.column_label(table, column),
        value,
        f'là cùng tổ chức "{file.index.names[existing]}" với dòng {earlier}; '
        "một tổ chức chỉ được ghi một lần.",
    )
    return False


def refuse_loop(file, table, row, org: int, parent: int, parent_name) -> None:
    """Putting a unit under itself or under one of its own units would make a loop."""
    names = file.index.names
    if parent == org:
        reason = f'"{names[org]}" không thể trực thuộc chính nó'
    else:
        reason = f'"{names[parent]}" là đơn vị cấp dưới của "{names[org]}"'
        given = file.org_rows.get(parent)
        if given is not None and given != int(row["source_row"]):
            reason += f" (dòng {given})"
    file.problem(
        table.sheet,
        row["source_row"],
        file.column_label(table, "parent"),
        parent_name or names[parent],
        f"{reason}: đặt như vậy sẽ tạo vòng lặp trong cây tổ chức.",
    )


def record_move(file, table, row, org_id: int, parent: int) -> None:
    """ "Chuyển từ đảng bộ" + "Ngày chuyển về": the organisation belonged to another parent
    before that day (spec: a report for a past period uses the tree as it was then)."""
    moved_from, moved_on = plain(row.get("moved_from")), plain(row.get("moved_on"))
    if not moved_from or not moved_on:
        return
    old_parent = find_parent(file, str(moved_from), None)
    if old_parent is None or old_parent == parent:
        file.problem(
            table.sheet,
            row["source_row"],
            file.column_label(table, "moved_from"),
            moved_from,
            "không khớp tổ chức cấp trên cũ nào đã có.",
        )
        return
    link = table_of(OrganizationParent)
    file.conn.execute(
        update(link)
        .where(link.c.org_id == org_id, link.c.valid_from.is_(None), link.c.valid_to.is_(None))
        .values(valid_from=moved_on)
    )
    link_parent(file, org_id, old_parent, None, moved_on)
