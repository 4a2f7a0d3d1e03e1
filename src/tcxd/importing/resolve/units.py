"""The unit of a file (title, --unit, folders, file name) and of each row (its chi bộ column);
chi bộ named on rows but unknown defer the file, or are created with --create-units."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from tcxd.core.encodings import decode
from tcxd.core.text import clean, fold, key
from tcxd.db.bulk import bulk_insert, insert_one, table_of
from tcxd.db.models import (
    Organization,
    OrganizationParent,
)
from tcxd.db.units import MEMBER_HOLDING_TYPES, accented_words, folded_words
from tcxd.importing.context import MAX_PROBLEMS, Deferred
from tcxd.importing.values import is_missing, quoted, row_ranges


def folder_candidates(path: Path) -> list[str]:
    """The three folders above the file, outermost first (clerks keep a folder per district
    and one per unit inside it; folders higher up are the clerk's own filing, not units)."""
    parts = list(path.resolve().parent.parts)[-3:]
    return [p for p in parts if p not in ("/", "")]


@lru_cache(maxsize=4096)
def spellings(name: str) -> tuple[str, ...]:
    """A name as written, then as TCVN3 or VNI text would read: a column holding nothing but
    "Chi bé 1" is too short for the reader to tell it is TCVN3 for "Chi bộ 1". (Cached: files
    of a province name the same chi bộ over and over.)"""
    readings = [name]
    if not name.isascii():
        for encoding in ("tcvn3", "vni"):
            decoded = decode(name, encoding)
            if decoded not in readings:
                readings.append(decoded)
    return tuple(readings)


def file_unit(file, table, last_try: bool) -> int | None:
    """The unit of a sheet: title rows, then --unit, then folders, then the file name."""
    candidates = [*table.unit_names]
    if file.options.unit:
        candidates.append(file.options.unit)
    candidates += [*folder_candidates(file.path), file.path.stem]
    unit, tried = file.index.resolve_path(candidates)
    file.names_tried = tried
    has_row_units = "branch" in table.rows.columns and table.rows["branch"].notna().any()
    if unit is not None and file.options.create_units and not has_row_units:
        return title_unit(file, table, unit)
    if unit is not None:
        return unit
    if table.kind == "organizations":
        return None  # rows name their parents; the province is the default
    if table.kind == "organization_evaluations" or has_row_units:
        return None  # rows name their unit
    if not last_try:
        raise Deferred
    names = quoted(tried)
    file.problem(
        table.sheet,
        None,
        None,
        None,
        f"không xác định được đơn vị của tệp. Đã thử các tên: {names}. "
        "Hãy nhập tổ chức đảng trước (tcxd init hoặc danh sách tổ chức), "
        "hoặc chỉ rõ bằng --unit.",
    )
    return None


def title_unit(file, table, unit: int) -> int:
    """--create-units for a file whose title names a chi bộ the database does not hold:
    the chi bộ (as the title writes it) under the unit the folder, --unit or the title
    found. Only for lists of members, and only when no organisation anywhere has the name."""
    if table.kind not in ("members", "changes", "member_evaluations"):
        return unit
    if not can_hold_chi_bo(file, unit):
        return unit
    named = [
        name
        for name in table.unit_names
        if fold(name).startswith("chi bo") and file.index.find(name, None, exact=True) is None
    ]
    if not named:
        return unit
    return create_unit(file, table, named[-1], unit, table.header_row or 1)


def row_units(file, table, unit: int | None, holding_only: bool) -> list[int | None]:
    """The organisation of each row (by position): its branch column under the file's
    unit, or the unit. Chi bộ the database does not know yet get one message for the file
    (or are created, with --create-units)."""
    rows = table.rows
    result: list[int | None] = [unit] * len(rows)
    source_rows = rows["source_row"].tolist()
    has_branch = "branch" in rows.columns
    if has_branch:
        cache: dict[str, int | None] = {}
        cleaned: dict[object, str] = {}  # value as read → cleaned (a chi bộ on many rows)
        branches = rows["branch"].tolist()
        has_branch = any(not is_missing(value) for value in branches)
        unknown: dict[str, list[int]] = {}  # name as written → its Excel rows
        for position, value in enumerate(branches):
            if is_missing(value) or not str(value).strip():
                continue
            name = cleaned.get(value)
            if name is None:
                name = cleaned[value] = clean(str(value))
            if name not in cache:
                cache[name] = find_branch(file, name, unit)
            found = cache[name]
            if found is None:
                unknown.setdefault(name, []).append(int(source_rows[position]))
            result[position] = found
        if unknown:
            created = unknown_units(file, table, unit, unknown)
            if created is None:
                return result
            result = [
                created.get(clean(str(value)), org)
                if org is None and not is_missing(value)
                else org
                for value, org in zip(branches, result, strict=True)
            ]
    if holding_only:
        if not has_branch:
            if unit is not None and file.index.types.get(unit) not in MEMBER_HOLDING_TYPES:
                if not file.last_try:
                    raise Deferred  # an organisation list of this run may name its chi bộ
                file.problem(
                    table.sheet,
                    None,
                    None,
                    None,
                    f'tệp thuộc "{file.index.names[unit]}", là đảng bộ chứ không phải chi '
                    "bộ, và không tên nào ở tiêu đề, thư mục, tên tệp khớp một chi bộ của "
                    f"đảng bộ này (đã thử: {quoted(file.names_tried)}). Hãy "
                    "nhập danh sách tổ chức đảng của đơn vị trước, hoặc ghi đúng tên chi bộ "
                    'ở tiêu đề, hoặc thêm cột "Chi bộ" cho từng đảng viên; nếu chi bộ ghi ở '
                    "tiêu đề là chi bộ mới, chạy lại với --create-units để tạo nó trực thuộc "
                    f'"{file.index.names[unit]}".',
                )
            return result
        types = file.index.types
        for position, org in enumerate(result):
            if org is not None and types.get(org) in MEMBER_HOLDING_TYPES:
                continue
            if org is None:
                file.problem(
                    table.sheet,
                    source_rows[position],
                    file.column_label(table, "branch"),
                    None,
                    "thiếu tên chi bộ sinh hoạt.",
                )
            else:
                file.problem(
                    table.sheet,
                    source_rows[position],
                    file.column_label(table, "branch"),
                    file.index.names[org],
                    "là đảng bộ, không phải chi bộ: cần tên chi bộ sinh hoạt.",
                )
            if len(file.problems) >= MAX_PROBLEMS:
                break
    return result


def unknown_units(file, table, unit: int | None, unknown: dict[str, list[int]]):
    """Chi bộ named on rows that the database does not hold: created under the file's unit
    with --create-units ({name: id}); else the file waits for the run's other files, then
    gets one problem that names them and says how to go on (None)."""
    if file.options.create_units and unit is not None and can_hold_chi_bo(file, unit):
        return {
            name: create_unit(file, table, name, unit, rows[0]) for name, rows in unknown.items()
        }
    if not file.last_try:
        raise Deferred  # an organisation list of this run may name them
    where = file.index.names[unit] if unit is not None else None
    listed = "; ".join(f'"{name}" (dòng {row_ranges(rows)})' for name, rows in unknown.items())
    said = (
        f"chưa có trong cơ sở dữ liệu các chi bộ: {listed}"
        + (f', trong "{where}"' if where else "")
        + ". Hãy nhập danh sách tổ chức đảng của đơn vị trước rồi nhập lại tệp này"
    )
    if unit is None:
        said += (
            "; hoặc, nếu đây là các chi bộ mới, chạy lại với --create-units --unit "
            '"<tên đảng bộ cấp trên của các chi bộ>" để tạo chúng.'
        )
    elif not can_hold_chi_bo(file, unit):
        said += f'; "{where}" là chi bộ, không có chi bộ trực thuộc: hãy chỉ rõ --unit.'
    else:
        said += f'; hoặc chạy lại với --create-units để tạo chúng trực thuộc "{where}".'
    file.problem(table.sheet, None, file.column_label(table, "branch"), None, said)
    return None


def can_hold_chi_bo(file, unit: int) -> bool:
    return file.index.types.get(unit) not in (*MEMBER_HOLDING_TYPES, "province")


def create_unit(file, table, name: str, parent: int, source_row: int) -> int:
    """A chi bộ the rows name, created under `parent` (--create-units); recorded with the
    file's batch and the first row naming it, and listed in the import summary."""
    name = file.index.cased_like_neighbours(name, parent)
    parent_type = file.index.types.get(parent)
    org_type = "chi_bo_co_so" if parent_type in ("district", "province") else ("chi_bo_truc_thuoc")
    values = {
        "name": name,
        "name_key": key(name),
        "name_fold": fold(name),
        "org_type": org_type,
    }
    org_id = insert_one(
        file.conn,
        table_of(Organization),
        {
            **values,
            "batch_id": file.batch_id,
            "source_sheet": table.sheet,
            "source_row": int(source_row),
        },
    )
    link_parent(file, org_id, parent, None, None)
    file.index.add(org_id, name, org_type, parent, None)
    file.created.append(org_id)
    file.outcome.created_units.append(f"{name} (trực thuộc {file.index.names[parent]})")
    return org_id


def link_parent(file, org_id: int, parent: int, valid_from, valid_to) -> None:
    bulk_insert(
        file.conn,
        table_of(OrganizationParent),
        [
            {
                "org_id": org_id,
                "parent_id": parent,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "batch_id": file.batch_id,
            }
        ],
    )


def find_parent(file, name: str, unit: int | None) -> int | None:
    """A parent named in a row: the file's unit itself, something under it, or elsewhere."""
    if unit is not None and accented_words(name) == accented_words(file.index.names[unit]):
        return unit
    if unit is not None and folded_words(name) == folded_words(file.index.names[unit]):
        return unit
    return file.index.find(name, unit, exact=True) or file.index.find(name, None, exact=True)


def find_branch(file, name: str, unit: int | None) -> int | None:
    if unit is not None and fold(name) == fold(file.index.names.get(unit, "")):
        return unit  # a chi bộ's own file naming itself on every row
    for candidate in spellings(name):
        found = file.index.find(candidate, unit, exact=True)
        if found is None and not fold(candidate).startswith(("chi bo", "dang bo")):
            found = file.index.find(f"Chi bộ {candidate}", unit, exact=True)
        if found is not None:
            return found
    return None
