"""`tcxd report` and `tcxd check`: figures for a period → one workbook per district + the
province (spec reports.md). Figures are computed once per period for every unit, then each
workbook is laid out from its slice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from tcxd.errors import UnknownUnitError
from tcxd.periods import Period
from tcxd.province import load_province
from tcxd.reports.checks import run_checks
from tcxd.reports.figures import PeriodFigures, Scope
from tcxd.text import slug
from tcxd.units import OrgIndex

PROVINCE_FILE = "tinh"
FORMATS = {"xlsx": ("xlsx",), "json": ("json",), "all": ("xlsx", "json")}


@dataclass
class UnitReport:
    name: str
    level: str
    files: list[Path] = field(default_factory=list)
    members_end: int = 0
    checks: int = 0


@dataclass
class ReportRun:
    period: Period
    folder: Path
    units: list[UnitReport] = field(default_factory=list)
    ratings_available: bool = False


def unit_report(figures: PeriodFigures, previous: PeriodFigures | None, scope: Scope,
                name: str, parent_name: str | None) -> dict:  # fmt: skip
    """The report dict of docs/reports.md for one unit."""
    period = figures.period
    report = {
        "unit": {
            "id": scope.org_id,
            "name": name,
            "level": scope.level,
            "parent_name": parent_name,
        },
        "period": period.as_dict(),
        "forms": figures.forms(scope),
        "previous_year": {"forms": previous.forms(scope)} if previous else None,
        "by_unit": figures.by_unit(scope),
        "checks": run_checks(figures, scope),
        "ratings_available": figures.ratings_available(),
    }
    for figures_, forms in (
        (figures, report["forms"]),
        (previous, (report["previous_year"] or {}).get("forms")),
    ):
        if forms is not None and not figures_.ratings_available():
            forms["xl_dang_vien"] = forms["xl_to_chuc"] = None
    return report


def _districts(figures: PeriodFigures) -> list[tuple[int, str]]:
    tree = figures.tree(figures.end).reset_index()
    districts = tree[tree["org_type"] == "district"]
    return sorted(zip(districts["org_id"].astype(int), districts["name"], strict=True),
                  key=lambda t: t[1])  # fmt: skip


def build_reports(
    engine: Engine,
    period: Period,
    out_dir: Path,
    unit: str | None = None,
    fmt: str = "xlsx",
    on_unit: Callable[[str, int, int], None] | None = None,
) -> ReportRun:
    from tcxd.reports.workbook import write_json_twin, write_unit_workbook

    province = load_province(engine)
    folder = Path(out_dir) / period.slug
    run = ReportRun(period=period, folder=folder)
    with engine.connect() as conn:
        figures = PeriodFigures(conn, period)
        previous = PeriodFigures(conn, period.same_period_last_year(), figures.attributes)
        run.ratings_available = figures.ratings_available()
        districts = _districts(figures)
        if unit is not None:
            wanted = OrgIndex.load(conn).find(unit)
            districts = [d for d in districts if d[0] == wanted]
            if not districts:
                raise UnknownUnitError(
                    f'Không tìm thấy đảng bộ cấp trên cơ sở "{unit}". '
                    "Xem tên các đơn vị bằng tcxd status hoặc trong tệp cấu hình của tỉnh."
                )
        targets = [(Scope("district", org_id), name, slug(name)) for org_id, name in districts]
        if unit is None:
            targets.append((Scope("province", province["org_id"]), province["name"], PROVINCE_FILE))
        for number, (scope, name, file_stem) in enumerate(targets, start=1):
            if on_unit:
                on_unit(name, number, len(targets))
            parent = province["name"] if scope.level == "district" else None
            report = unit_report(figures, previous, scope, name, parent)
            done = UnitReport(name=name, level=scope.level,
                              members_end=report["forms"]["bieu1"]["D"],
                              checks=len(report["checks"]))  # fmt: skip
            for extension in FORMATS[fmt]:
                path = folder / f"{file_stem}.{extension}"
                if extension == "xlsx":
                    write_unit_workbook(path, report, province)
                else:
                    write_json_twin(path, report)
                done.files.append(path)
            run.units.append(done)
    return run


def check_period(engine: Engine, period: Period, unit: str | None = None) -> list[dict]:
    """The checks of `tcxd check`: for one district, or the province (all districts)."""
    province = load_province(engine)
    with engine.connect() as conn:
        figures = PeriodFigures(conn, period)
        if unit is None:
            scope = Scope("province", province["org_id"])  # every district's rows too
        else:
            wanted = OrgIndex.load(conn).find(unit)
            if wanted is None:
                raise UnknownUnitError(f'Không tìm thấy đơn vị "{unit}".')
            scope = Scope("district", wanted)
        rows = run_checks(figures, scope)
    return rows
