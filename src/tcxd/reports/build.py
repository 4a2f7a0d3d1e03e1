"""`tcxd report` and `tcxd check`: figures for a period → one workbook per district + the
province (spec reports.md). Figures are computed once per period for every unit, then each
workbook is laid out from its slice."""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine

from tcxd.core.errors import OutputError, UnknownUnitError, UserInputError
from tcxd.core.forked import beside
from tcxd.core.periods import Period, short_date
from tcxd.core.text import slug
from tcxd.db.province import load_province
from tcxd.db.units import OrgIndex
from tcxd.reports.checks import run_checks, stale_ratings
from tcxd.reports.figures import PeriodFigures, Scope
from tcxd.reports.locked import as_sent, load_locks

PROVINCE_FILE = "tinh"
FORMATS = {"xlsx": ("xlsx",), "json": ("json",), "all": ("xlsx", "json")}


@dataclass
class UnitReport:
    name: str
    level: str
    files: list[Path] = field(default_factory=list)
    members_end: int = 0
    checks: int = 0
    changed_since_lock: int | None = None  # a locked period: figures that differ from the sent


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
    report: dict[str, Any] = {
        "unit": {
            "id": scope.org_id,
            "name": name,
            "level": scope.level,
            "parent_name": parent_name,
        },
        "period": period.as_dict(),
        "forms": figures.forms(scope),
        "previous_year": {"forms": previous.comparable_forms(scope)} if previous else None,
        "by_unit": figures.by_unit(scope),
        "checks": run_checks(figures, scope),
        "ratings_available": figures.ratings_available(),
        "completeness": completeness_line(figures.reporting_units(scope)),
    }
    for figures_, forms in (
        (figures, report["forms"]),
        (previous, (report["previous_year"] or {}).get("forms")),
    ):
        if forms is not None and figures_ is not None and not figures_.ratings_available():
            forms["xl_dang_vien"] = forms["xl_to_chuc"] = None
    return report


def _previous_year(conn, period: Period, figures: PeriodFigures) -> PeriodFigures | None:
    """The same period of the year before, when the database holds data of it; else None:
    the comparison columns say "không có số liệu" rather than a figure carried back from
    later files (spec reports.md, Layout)."""
    previous = PeriodFigures(conn, period.same_period_last_year(), figures.shared)
    return previous if previous.has_data() else None


def completeness_line(units: list[dict]) -> str | None:
    """ "SỐ LIỆU CHƯA ĐỦ: n/N đơn vị chưa nộp" under the title of every sheet, when n of the N
    TCCSĐ of the report have sent no file for the period (spec reports.md); None when all have."""
    missing = sum(not unit["submitted"] for unit in units)
    return f"SỐ LIỆU CHƯA ĐỦ: {missing}/{len(units)} đơn vị chưa nộp" if missing else None


def refuse_without_data(figures: PeriodFigures) -> None:
    """A period no imported file is of gets no report: its figures would only carry members
    forward from other years (spec reports.md, "Reports a clerk can sign")."""
    if figures.has_data():
        return
    period = figures.period
    span = figures.data_span()
    held = (
        f"Cơ sở dữ liệu có số liệu từ ngày {short_date(span[0])} đến ngày {short_date(span[1])}."
        if span
        else "Cơ sở dữ liệu chưa có tệp nào (tcxd import …)."
    )
    raise UserInputError(
        f"Không có số liệu cho {period.label[0].lower()}{period.label[1:]}: chưa đơn vị nào nộp "
        "tệp có số liệu của kỳ này (danh sách đảng viên tính đến một ngày trong kỳ, biến động "
        f"trong kỳ hoặc kết quả đánh giá của kỳ). {held} Không lập báo cáo."
    )


def refuse_stale_ratings(figures: PeriodFigures, scope: Scope) -> None:
    """Ratings older than a file they rest on are not reported: the clerk reruns classify
    (docs/report-trust.md says why tcxd does not rerun it by itself)."""
    rows = stale_ratings(figures, scope)
    if not rows:
        return
    period = figures.period
    quarter = figures.rating_quarter()
    command = f"tcxd classify --year {period.year}" + (f" --quarter {quarter}" if quarter else "")
    files = ", ".join(dict.fromkeys(f'"{row["file"]}"' for row in rows[:3]))
    more = f" và {len(rows) - 3} tệp khác" if len(rows) > 3 else ""
    raise UserInputError(
        f"Kết quả xếp loại {period.label[0].lower()}{period.label[1:]} đã cũ: sau lần xếp loại "
        f"đã nhập {len(rows)} tệp mà kết quả dựa vào ({files}{more}). Chạy lại {command} rồi "
        "lập báo cáo; chưa ghi tệp nào."
    )


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
    workers: int | None = None,  # processes writing workbooks (None: one per CPU, at most 4)
) -> ReportRun:
    province = load_province(engine)
    folder = Path(out_dir) / period.slug
    run = ReportRun(period=period, folder=folder)
    with _snapshot(engine) as conn:
        figures = PeriodFigures(conn, period)
        refuse_without_data(figures)
        previous = _previous_year(conn, period, figures)
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
        refuse_stale_ratings(
            figures,
            Scope("district", districts[0][0])
            if unit is not None
            else Scope("province", province["org_id"]),
        )
        targets = [(Scope("district", org_id), name, slug(name)) for org_id, name in districts]
        if unit is None:
            targets.append((Scope("province", province["org_id"]), province["name"], PROVINCE_FILE))
        with _staging(folder) as staging:
            job = _Job(figures, previous, province, staging, fmt, targets)
            job.locks = load_locks(conn, period)
            workers = min(report_workers(workers), len(targets) // POOL_MIN_UNITS)
            if workers >= 2:
                run.units = _write_in_processes(engine, job, workers, on_unit)
            else:
                for number in range(len(targets)):
                    if on_unit:
                        on_unit(targets[number][1], number + 1, len(targets))
                    run.units.append(job.write(number))
            names = [path.name for done in run.units for path in done.files]
            publish(staging, folder, names)
    for done in run.units:
        done.files = [folder / path.name for path in done.files]
    return run


# ----------------------------------------------------------------------------- all or nothing


@contextlib.contextmanager
def _staging(folder: Path):
    """A temporary folder beside the period's folder (same file system: moves are renames),
    removed afterwards whatever happens. Created 0700: the workbooks hold members' data."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, folder: Path, names: list[str]) -> None:
    """Move the run's files from `staging` into `folder`, all or nothing (spec reports.md): the
    old files are first moved aside, then the new ones in; when any move fails, the moves done
    are undone, so the folder holds the old set as it was, and the error names the file."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (folder / name).is_dir():
            raise OutputError(
                f"Không ghi được tệp {folder / name}: ở đó đang có một thư mục cùng tên. "
                f"Chưa tệp nào của lần lập biểu này được ghi; các tệp cũ trong {folder} giữ nguyên."
            )
    aside = Path(tempfile.mkdtemp(prefix=".cu.", suffix=".tmp", dir=folder))
    keep_aside = False  # an old file that could not be put back stays there
    set_aside: list[str] = []
    placed: list[str] = []
    current = names[0] if names else ""
    try:
        for current in names:
            if (folder / current).exists():
                os.replace(folder / current, aside / current)
                set_aside.append(current)
        for current in names:
            os.replace(staging / current, folder / current)
            placed.append(current)
    except OSError as error:
        for name in placed:
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
        for name in list(set_aside):
            with contextlib.suppress(OSError):
                os.replace(aside / name, folder / name)
                set_aside.remove(name)
        if set_aside:  # an old file could not be put back: keep it where it is, and say so
            keep_aside = True
            raise OutputError(
                f"Không ghi được tệp {folder / current}, và không đặt lại được các tệp cũ "
                f"{', '.join(set_aside)}: chúng còn nguyên trong thư mục ẩn .cu.*.tmp của {folder}."
            ) from error
        raise OutputError(
            f"Không ghi được tệp {folder / current}: tệp đang mở (chẳng hạn trong Excel) hoặc "
            "không có quyền ghi. Chưa tệp nào của lần lập biểu này được ghi; các tệp cũ trong "
            f"{folder} giữ nguyên. Đóng tệp rồi chạy lại lệnh."
        ) from error
    finally:
        if not keep_aside:
            shutil.rmtree(aside, ignore_errors=True)


# ----------------------------------------------------------------------------- several processes

POOL_MIN_UNITS = 8  # units per process below which one process writes everything


def report_workers(configured: int | None = None) -> int:
    """Processes writing workbooks: `configured` (the CLI takes it from TCXD_REPORT_WORKERS),
    else one per CPU (at most 4)."""
    if configured is not None:
        return max(1, configured)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


@dataclass
class _Job:
    figures: PeriodFigures
    previous: PeriodFigures | None
    province: dict
    folder: Path
    fmt: str
    targets: list

    locks: dict[int, dict] = field(default_factory=dict)  # a locked period: org id → lock

    def report(self, number: int) -> dict:
        scope, name, _ = self.targets[number]
        parent = self.province["name"] if scope.level == "district" else None
        report = unit_report(self.figures, self.previous, scope, name, parent)
        lock = self.locks.get(scope.org_id)
        if lock is not None:
            from tcxd.reports.workbook import twin

            report = as_sent(report, lock, twin(report))
        return report

    def write(self, number: int) -> UnitReport:
        from tcxd.reports.workbook import write_json_twin, write_unit_workbook

        scope, name, file_stem = self.targets[number]
        report = self.report(number)
        done = UnitReport(name=name, level=scope.level,
                          members_end=report["forms"]["bieu1"]["D"],
                          checks=len(report["checks"]))  # fmt: skip
        if report.get("locked"):
            done.changed_since_lock = len(report["locked"]["differences"])
        for extension in FORMATS[self.fmt]:
            path = self.folder / f"{file_stem}.{extension}"
            if extension == "xlsx":
                write_unit_workbook(path, report, self.province)
            else:
                write_json_twin(path, report)
            done.files.append(path)
        return done


_CHILD: dict = {}


def _child_start(engine: Engine, job: _Job) -> None:
    """In a forked process: its own database connection (never the parent's)."""
    engine.dispose(close=False)
    conn = engine.connect()
    job.figures.conn = conn
    if job.previous is not None:
        job.previous.conn = conn
    _CHILD["job"] = job


def _child_write(numbers: list[int]) -> list[tuple[int, UnitReport]]:
    job = _CHILD["job"]
    return [(number, job.write(number)) for number in numbers]


def _write_in_processes(engine: Engine, job: _Job, workers: int, on_unit) -> list[UnitReport]:
    """The same workbooks, written by `workers` processes forked once the period's figures are
    loaded (they share them). What every unit reads (the figures of every unit of a level, the
    rows the checks look at) is computed first (`_share_the_work`), which the processes then
    share instead of each computing it; each builds the reports it writes. Units are handed out
    one at a time, the province (the largest workbook) first, so that neither process waits for
    the other."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    total = len(job.targets)
    order = list(range(total))
    if job.targets[-1][0].level == "province":
        order = [total - 1, *order[:-1]]
    _share_the_work(engine, job)
    done: dict[int, UnitReport] = {}
    context = multiprocessing.get_context("fork")
    # The forked processes share the loaded figures page by page until a page is written to;
    # the garbage collector of each would write to every object it visits: frozen, it leaves
    # the objects that exist at the fork alone.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_child_start, initargs=(engine, job)
        ) as pool:
            futures = {pool.submit(_child_write, [number]): number for number in order}
            for future in as_completed(futures):
                for number, unit_done in future.result():
                    done[number] = unit_done
                    if on_unit:
                        on_unit(job.targets[number][1], len(done), total)
    finally:
        gc.unfreeze()
    return [done[number] for number in range(total)]


# ----------------------------------------------------------------------------- what all share

SENT_ROWS_AT_MOST = 20_000  # a frame this long the helper leaves for this process to make


class _NoReading:
    """The database connection of the helper process: it must read nothing (its reads would
    not see the parent's snapshot), so any use of it raises and the parent does the work."""

    def __getattr__(self, name: str):
        raise RuntimeError(f"the helper process does not read the database ({name})")


def _share_the_work(engine: Engine, job: _Job) -> None:
    """What every unit's report reads (the forms of every unit of a level, the checks' rows of
    the whole province, the year before's forms), computed by two processes before the
    writers start. What the forms read is read first here, in this process's snapshot; a
    forked helper then computes, reading nothing, the year before's forms, the period's
    Biểu 3 and the rows per unit (`_helper_takes_unit_rows`), while this process computes the
    checks (reading what they read) and the period's other forms; the helper's results are
    then taken as if computed here. The helper starts before the checks' reads, and the
    shares are about even (≈ 5 s each on the large province, year). Should the helper fail (a
    read it would need raises), this process computes the same itself when the reports ask
    for it: the reports never depend on the helper, only their time does (`core.forked`)."""
    figures, previous = job.figures, job.previous
    _read_ahead(job)
    scopes = [scope for scope, _, _ in job.targets]

    def here() -> None:
        run_checks(figures, scopes[0])  # a district's checks compute every district's rows
        for scope in _level_scopes(scopes):
            for name in _forms_here(figures):
                getattr(figures, name)(scope)
            if not _helper_takes_unit_rows(job):
                figures.reporting_units(scope)

    computed, _ = beside(lambda: _helper_compute(engine, job, scopes), here)
    if computed is not None:
        figures.take_computed(computed["figures"])
        if previous is not None:
            previous.take_computed(computed["previous"])


def _level_scopes(scopes: list) -> list:
    """A district and the province: their forms are computed for every unit of their level."""
    return scopes[:1] + scopes[-1:]


def _forms_here(figures: PeriodFigures) -> list[str]:
    """The period's forms this process computes while the helper works: all but Biểu 3."""
    names = ["bieu1", "bieu2", "bieu5"]
    if figures.ratings_available():
        names += ["xl_dang_vien", "xl_to_chuc"]
    return names


def _helper_takes_unit_rows(job: _Job) -> bool:
    """The rows per unit (≈ 1 s with ratings) go to the helper when it also has the year
    before's forms to compute, else to this process (without the year before, the helper's
    Biểu 3 alone is the longer share: q1 of the large province, 2.2 s against 1.3 s)."""
    return job.previous is not None


def _read_ahead(job: _Job) -> None:
    """Everything the helper's work reads, read here (in the report's snapshot)."""
    job.figures.read_ahead()
    if job.previous is not None:
        job.previous.read_ahead()


def _helper_compute(engine: Engine, job: _Job, scopes: list) -> dict:
    """In the forked helper: the year before's forms, the period's Biểu 3 and rows per unit,
    from what the parent has read; returns what it computed (small enough to send back)."""
    engine.dispose(close=False)  # the parent's connections stay the parent's
    figures, previous = job.figures, job.previous
    no_reading = cast(Connection, _NoReading())  # (stands where the connection was)
    figures.conn = no_reading
    seen = figures.computed_keys()
    for scope in _level_scopes(scopes):
        figures.bieu3(scope)
        if _helper_takes_unit_rows(job):
            figures.reporting_units(scope)
    result = {"figures": figures.computed_since(seen, SENT_ROWS_AT_MOST), "previous": {}}
    if previous is not None:
        previous.conn = no_reading
        seen = previous.computed_keys()
        for scope in _level_scopes(scopes):
            previous.comparable_forms(scope)
        result["previous"] = previous.computed_since(seen, SENT_ROWS_AT_MOST)
    return result


def _snapshot(engine: Engine):
    """A connection whose reads all see one state of the database, even while an import runs:
    SQLite's WAL gives that to any read transaction; PostgreSQL needs REPEATABLE READ."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def check_period(engine: Engine, period: Period, unit: str | None = None) -> list[dict]:
    """The checks of `tcxd check`: for one district, or the province (all districts)."""
    province = load_province(engine)
    with _snapshot(engine) as conn:
        figures = PeriodFigures(conn, period)
        refuse_without_data(figures)
        if unit is None:
            scope = Scope("province", province["org_id"])  # every district's rows too
        else:
            wanted = OrgIndex.load(conn).find(unit)
            if wanted is None:
                raise UnknownUnitError(f'Không tìm thấy đơn vị "{unit}".')
            scope = Scope("district", wanted)
        rows = run_checks(figures, scope)
    return rows
