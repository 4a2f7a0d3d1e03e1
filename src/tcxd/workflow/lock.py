"""Closing a period (`tcxd lock`, `tcxd unlock`): the figures as sent are kept, and every later
change to them is made visible (docs/lock.md).

- `lock_period` stores, for the province and each district, the unit's JSON twin (spec
  reports.md) as computed now, with who locked it and when. A period with no data is refused; a
  locked period must be unlocked before it is locked again.
- `locked_changes` computes the figures of locked periods again and lists each figure that
  differs from the one sent (the import summary and `tcxd check` show them). Importing into a
  locked period is never refused: units send late files.
- `unlock_period` removes a period's locks (the CLI asks for a confirmation first).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, text

from tcxd.core.errors import PeriodLockError
from tcxd.core.periods import Period
from tcxd.db.bulk import table_of
from tcxd.db.engine import write_transaction
from tcxd.db.models import PeriodLock
from tcxd.db.province import load_province
from tcxd.reports.figures import PeriodFigures, Scope
from tcxd.reports.locked import differences, load_locks
from tcxd.reports.locked import when_text as _when


def short_label(period: Period) -> str:
    """ "Quý I/2026", "6 tháng đầu năm 2026", "Năm 2026": the period in one-line messages."""
    if period.quarter:
        return f"Quý {['I', 'II', 'III', 'IV'][period.quarter - 1]}/{period.year}"
    return period.label


@dataclass
class LockedUnit:
    name: str
    level: str
    members_end: int | None
    locked_at: datetime
    locked_by: str


@dataclass
class PeriodLocks:
    period: Period
    units: list[LockedUnit] = field(default_factory=list)


@dataclass
class FigureChange:
    """One figure of a locked period and unit that the database now gives differently."""

    period: Period
    unit: str
    sheet: str
    label: str
    sent: float | int | None
    current: float | int | None
    difference: float | int | None


def _units(figures: PeriodFigures, province: dict) -> list[tuple[Scope, str, str | None]]:
    """The province and its districts on the period's last day: (scope, name, parent name)."""
    from tcxd.reports.build import _districts

    units: list[tuple[Scope, str, str | None]] = [
        (Scope("province", province["org_id"]), province["name"], None)
    ]
    units += [
        (Scope("district", org_id), name, province["name"]) for org_id, name in _districts(figures)
    ]
    return units


def _twin(
    figures: PeriodFigures, scope: Scope, name: str, parent: str | None, units: bool = True
) -> dict:
    """The unit's JSON twin without the checks (they describe the data, not the figures);
    `units` False leaves out the per-unit rows too (comparing needs the forms only)."""
    from tcxd.reports.workbook import twin

    report = {
        "unit": {"id": scope.org_id, "name": name, "level": scope.level, "parent_name": parent},
        "period": figures.period.as_dict(),
        "forms": figures.forms(scope),
        "by_unit": figures.by_unit(scope) if units else [],
        "checks": [],
        "ratings_available": figures.ratings_available(),
    }
    return twin(report)


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (a service account)
        return "không rõ"


def lock_period(engine: Engine, period: Period, by: str | None = None) -> PeriodLocks:
    """Lock `period` for the province and every district: store the figures as they are now."""
    province = load_province(engine)
    by = (by or "").strip() or default_user()
    now = datetime.now(UTC)
    done = PeriodLocks(period)
    with write_transaction(engine) as conn:
        existing = load_locks(conn, period)
        if existing:
            first = min(existing.values(), key=lambda lock: lock["locked_at"])
            raise PeriodLockError(
                f"{period.label} đã khóa từ {_when(first['locked_at'])} "
                f"(người khóa: {first['locked_by']}). Muốn khóa lại với số liệu hiện có, hãy mở "
                f"khóa trước: tcxd unlock --period {period.code} --year {period.year}."
            )
        figures = PeriodFigures(conn, period)
        if not figures.submitted_units():
            raise PeriodLockError(
                f"{period.label} chưa có số liệu: chưa đơn vị nào gửi tệp cho kỳ này "
                f"(danh sách đảng viên tính đến ngày trong kỳ, biến động hoặc xếp loại năm "
                f"{period.year}). Không khóa một kỳ chưa có số liệu; xem tcxd status "
                f"--period {period.code} --year {period.year}."
            )
        rows = []
        for scope, name, parent in _units(figures, province):
            data = _twin(figures, scope, name, parent)
            rows.append(
                {
                    "year": period.year,
                    "period_code": period.code,
                    "org_id": scope.org_id,
                    "level": scope.level,
                    "unit_name": name,
                    "figures": data,
                    "locked_by": by,
                    "locked_at": now,
                }
            )
            done.units.append(
                LockedUnit(name, scope.level, data["forms"]["bieu1"].get("D"), now, by)
            )
        conn.execute(insert(table_of(PeriodLock)), rows)
    return done


def unlock_period(engine: Engine, period: Period) -> PeriodLocks:
    """Remove the locks of `period` (the figures as sent are dropped with them)."""
    with write_transaction(engine) as conn:
        existing = load_locks(conn, period)
        if not existing:
            raise PeriodLockError(f"{period.label} chưa khóa, không có gì để mở khóa.")
        conn.execute(
            text("DELETE FROM period_lock WHERE year = :year AND period_code = :code"),
            {"year": period.year, "code": period.code},
        )
    return PeriodLocks(period, [_locked_unit(lock) for lock in existing.values()])


def _locked_unit(lock: dict) -> LockedUnit:
    bieu1 = ((lock["figures"] or {}).get("forms") or {}).get("bieu1") or {}
    return LockedUnit(
        lock["unit_name"], lock["level"], bieu1.get("D"), lock["locked_at"], lock["locked_by"]
    )


def locked_periods(engine: Engine) -> list[Period]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT DISTINCT year, period_code FROM period_lock ORDER BY year, period_code")
        ).fetchall()
    periods = [Period.parse(code, year) for year, code in rows]
    return sorted(periods, key=lambda p: (p.year, p.start, p.end))


def list_locks(engine: Engine, period: Period | None = None) -> list[PeriodLocks]:
    """Every lock (or those of `period`), period by period, the province first."""
    found = []
    with engine.connect() as conn:
        for chosen in [period] if period else locked_periods(engine):
            locks = load_locks(conn, chosen)
            if not locks:
                continue
            units = sorted(
                (_locked_unit(lock) for lock in locks.values()),
                key=lambda unit: (unit.level != "province", unit.name),
            )
            found.append(PeriodLocks(chosen, units))
    return found


def locked_changes(
    engine: Engine, period: Period | None = None, unit: str | None = None
) -> list[FigureChange]:
    """Figures of locked periods (all, or `period`) that differ now from the ones sent; with
    `unit` (a district's name, as `tcxd check --unit`), only that district's."""
    from tcxd.db.units import OrgIndex
    from tcxd.reports.build import _snapshot

    periods = [period] if period else locked_periods(engine)
    changes: list[FigureChange] = []
    shared = None  # the history read once for every locked period
    with _snapshot(engine) as conn:
        wanted = None if unit is None else OrgIndex.load(conn).find(unit)
        for chosen in periods:
            locks = load_locks(conn, chosen)
            if unit is not None:
                locks = {org: lock for org, lock in locks.items() if org == wanted}
            if not locks:
                continue
            figures = PeriodFigures(conn, chosen, shared)
            shared = figures.shared
            ordered = sorted(
                locks.values(), key=lambda found: (found["level"] != "province", found["unit_name"])
            )
            for lock in ordered:
                scope = Scope(lock["level"], int(lock["org_id"]))
                sent = lock["figures"]
                parent = sent["unit"].get("parent_name")
                now = _twin(figures, scope, lock["unit_name"], parent, units=False)
                for change in differences(sent["forms"], now["forms"]):
                    changes.append(
                        FigureChange(
                            chosen,
                            lock["unit_name"],
                            change["sheet"],
                            change["label"],
                            change["sent"],
                            change["current"],
                            change["difference"],
                        )
                    )
    return changes
