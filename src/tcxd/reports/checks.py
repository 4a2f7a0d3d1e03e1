"""The checks of spec reports.md (the "Kiểm tra" sheet and `tcxd check`).

Each check row names the unit, the file and the Excel row it comes from, so that a clerk can
open the unit's file and find it. Rows show a member's name, never a CCCD number.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
import pandas as pd
from sqlalchemy import text

from tcxd.core import vocab
from tcxd.core.formatting import date_vi, distinct_names
from tcxd.core.vocab import branch_types
from tcxd.db.bulk import read_frame
from tcxd.db.identities import implausible
from tcxd.reports.figures import PeriodFigures, Scope
from tcxd.reports.forms import load_form

# What each check's rows say in "Nội dung": written once, with the summary, in kiem_tra.yaml.
DESCRIPTIONS = {number: name.row for number, name in load_form("kiem_tra").checks.items()}
MIN_FULL_MEMBERS = 3
MAX_CHI_BO_CO_SO = 30


def _row(check: int, unit: str | None, file: str | None, row, detail: str) -> dict:
    return {
        "check": check,
        "description": DESCRIPTIONS[check],
        "unit": unit or "",
        "file": file or "",
        "row": int(row) if row is not None and row == row else None,
        "detail": detail,
    }


def run_checks(figures: PeriodFigures, scope: Scope) -> list[dict]:
    """Every check for a unit (district or province) and a period; empty when all is well."""
    names, files = _labels(figures)
    rows: list[dict] = []
    rows += _balance(figures, scope, names)
    rows += _not_submitted(figures, scope, names)
    rows += _history_notes(figures, scope, names, files)
    if figures.ratings_available():
        rows += _evaluation_mismatch(figures, scope, names, files)
        rows += _rating_differences(figures, scope, names, files)
        rows += _rating_soundness(figures, scope, names, files)
    rows += _unit_sizes(figures, scope, names)
    rows += _member_details(figures, scope, names, files)
    rows += stale_ratings(figures, scope)
    return sorted(rows, key=lambda r: (r["check"], r["unit"], r["file"], r["row"] or 0))


def _labels(figures: PeriodFigures) -> tuple[dict[int, str], dict[int, str]]:
    """The names the check rows show: of the units, and of the imported files."""
    conn = figures.conn
    names = figures.once(("unit_labels",), lambda: _unit_labels(figures))
    files = figures.once(
        ("files",),
        lambda: distinct_names(
            dict(conn.execute(text("SELECT id, file_path FROM import_batch")).fetchall())
        ),
    )
    return names, files


def _unit_labels(figures: PeriodFigures) -> dict[int, str]:
    """Names as a clerk finds the unit: "Chi bộ 1" is written "Đảng bộ Trường X / Chi bộ 1"."""
    names: dict[int, str] = dict(
        figures.conn.execute(text("SELECT id, name FROM organization")).fetchall()
    )
    tree = figures.tree(figures.end)
    labels = dict(names)
    for org_id, tccsd in zip(tree.index, tree["tccsd_id"], strict=True):
        if tccsd == tccsd and tccsd is not None and int(tccsd) != org_id:
            labels[org_id] = f"{names[int(tccsd)]} / {names[org_id]}"
    return labels


def _balance(figures, scope, names) -> list[dict]:
    rows = []
    units = [(scope, names.get(scope.org_id, "Toàn tỉnh"))]
    units += [(Scope(_child(scope), u["id"]), u["name"]) for u in figures.unit_rows(scope)]
    for unit_scope, name in units:
        b = figures.bieu1(unit_scope)
        if b["D"] != b["A"] + b["B"] - b["C"]:
            rows.append(
                _row(1, name, None, None, f"A = {b['A']}, B = {b['B']}, C = {b['C']}, D = {b['D']}")
            )
    return rows


def _child(scope: Scope) -> str:
    return "district" if scope.level == "province" else "tccsd"


def _newest_files(figures) -> dict:
    """When each unit's newest file was imported."""
    return figures.once(
        ("newest",),
        lambda: dict(
            figures.conn.execute(
                text("SELECT unit_id, MAX(imported_at) FROM import_batch GROUP BY unit_id")
            ).fetchall()
        ),
    )


def _not_submitted(figures, scope, names) -> list[dict]:
    newest = _newest_files(figures)
    rows = []
    for unit in figures.reporting_units(scope):
        if not unit["submitted"]:
            last = newest.get(unit["id"])
            detail = "Chưa có tệp nào cho kỳ này"
            if last:
                detail += f"; tệp mới nhất nhập ngày {date_vi(last)}"
            rows.append(_row(2, unit["name"], None, None, detail))
    return rows


def _members_in_scope(figures, scope) -> set[int]:
    ids = set(scope.select(figures.stock_end)["member_id"])
    ids |= set(scope.select(figures.stock_start)["member_id"])
    if not figures.flows.empty:
        ids |= set(figures.flows.loc[figures.scope_flows(scope).index, "member_id"])
    return ids


def _history_notes(figures, scope, names, files) -> list[dict]:
    notes = figures.once(("notes",), lambda: _all_notes(figures))
    if notes.empty:
        return []
    on = pd.to_datetime(notes["on_date"]).dt.date
    notes = notes[(on >= figures.start - timedelta(days=1)) & (on <= figures.end)]
    notes = notes[notes["member_id"].isin(_members_in_scope(figures, scope))]
    return [
        _row(
            int(n.check_no),
            names.get(n.org_id),
            files.get(n.batch_id),
            n.source_row,
            f"{n.full_name}: {n.detail}",
        )
        for n in notes.itertuples()
    ]


def _all_notes(figures) -> pd.DataFrame:
    return read_frame(
        figures.conn,
        'SELECT n.member_id, n."check" AS check_no, n.code, n."on" AS on_date, n.org_id, '
        "n.detail, n.batch_id, n.source_row, m.full_name FROM history_note n "
        "JOIN member m ON m.id = n.member_id",
    )


def _scoped_rows(figures, scope, key: tuple, compute) -> list[dict]:
    """The rows of one check for `scope`, made once for the whole province: `compute()` yields
    each row (in the order they are shown) with the districts it belongs to. The province
    shows every row that belongs to a district, a district its own rows."""

    def split() -> dict:
        parts: dict = {None: []}
        for districts, row in compute():
            if districts:
                parts[None].append(row)
            for district in districts:
                parts.setdefault(district, []).append(row)
        return parts

    parts = figures.once(key, split)
    wanted = None if scope.level == "province" else scope.org_id
    return [dict(row) for row in parts.get(wanted, [])]


def _stock_districts(figures) -> pd.DataFrame:
    """Each member of the stock at the end with a district, once per district (member_id,
    district_id)."""
    stock = figures.stock_end
    stock = stock[stock["district_id"].notna()]
    return stock[["member_id", "district_id"]].drop_duplicates()


def _evaluation_mismatch(figures, scope, names, files) -> list[dict]:
    quarter = figures.rating_quarter()
    rows = _scoped_rows(
        figures, scope, ("stray_rows",), lambda: _stray_evaluations(figures, quarter, names, files)
    )
    rows += _scoped_rows(
        figures, scope, ("not_evaluated_rows",), lambda: _not_evaluated(figures, quarter, names)
    )
    return rows


def _stray_evaluations(figures, quarter, names, files):
    """Evaluated members found in no roster, by the district of the evaluating unit."""
    evaluations = figures.once(("evaluations",), lambda: _evaluations(figures, quarter))
    district_of = figures.tree(figures.end)["district_id"]
    stray = evaluations[~evaluations["in_roster"].astype(bool)]
    for e in stray.itertuples():
        district = district_of.get(e.org_id)
        yield (
            (int(district),) if district is not None and pd.notna(district) else (),
            _row(
                4,
                names.get(e.org_id),
                files.get(e.batch_id),
                e.source_row,
                f"{e.full_name}: có kết quả đánh giá nhưng không có trong danh sách nào",
            ),
        )


def _not_evaluated(figures, quarter, names):
    """Members at the end of the period with no evaluation, by their district.
    Members the rules leave out (exempt, too recent, suspended) need no evaluation."""
    stock = figures.stock_end
    stock = stock[stock["district_id"].notna()]
    evaluations = figures.once(("evaluations",), lambda: _evaluations(figures, quarter))
    excused = figures.once(("excused",), lambda: _excused(figures, quarter))
    missing = stock[
        ~stock["member_id"].isin(evaluations["member_id"]) & ~stock["member_id"].isin(excused)
    ]
    if missing.empty:
        return
    people = figures.once(("people",), lambda: _people(figures))
    for m in missing.itertuples():
        yield (
            (int(m.district_id),),
            _row(
                4,
                names.get(m.org_id),
                None,
                None,
                f"{people.get(m.member_id)}: chưa có kết quả đánh giá, xếp loại",
            ),
        )


def _people(figures) -> dict[int, str]:
    """Every member's name by id (from the records check 9 reads: one read of `member`)."""
    records = _member_records(figures)
    return dict(zip(records.index.tolist(), records["full_name"].tolist(), strict=True))


def _evaluations(figures, quarter) -> pd.DataFrame:
    """The period's evaluations (in the order of their index, which decides the order of
    check 4 rows that sort alike) with each member's name and whether any roster lists them:
    joined here, to the names already in memory and the members of the rosters, rather than
    by the database per evaluation (twice as long)."""
    evaluations = read_frame(
        figures.conn,
        "SELECT member_id, org_id, batch_id, source_row FROM member_evaluation "
        "WHERE year = :y AND quarter = :q",
        {"y": figures.period.year, "q": quarter},
    )
    if evaluations.empty:
        return evaluations.assign(full_name=None, in_roster=0)
    listed = read_frame(
        figures.conn, "SELECT DISTINCT member_id FROM roster_entry WHERE member_id IS NOT NULL"
    )["member_id"]
    evaluations["full_name"] = evaluations["member_id"].map(_member_records(figures)["full_name"])
    evaluations["in_roster"] = evaluations["member_id"].isin(listed).astype("int64")
    return evaluations


def _excused(figures, quarter) -> pd.Series:
    return read_frame(
        figures.conn,
        "SELECT member_id FROM member_rating WHERE year = :y AND quarter = :q "
        "AND status = 'not_reviewed'",
        {"y": figures.period.year, "q": quarter},
    )["member_id"]


def _rating_differences(figures, scope, names, files) -> list[dict]:
    quarter = figures.rating_quarter()
    return _scoped_rows(
        figures, scope, ("rating_difference_rows",),
        lambda: _all_rating_differences(figures, quarter, names, files),
    )  # fmt: skip


def _all_rating_differences(figures, quarter, names, files):
    """The check 7 rows of every rating of a member in the stock at the end, with the
    districts the member is in."""
    ratings = figures.once(("rating_rows",), lambda: _rating_rows(figures))
    ratings = _with_rating_checks(ratings).reset_index(drop=True)
    pairs = ratings[["member_id"]].reset_index().merge(_stock_districts(figures), on="member_id")
    districts: dict[int, list[int]] = {}
    for position, district in zip(pairs["index"].to_numpy(), pairs["district_id"], strict=True):
        districts.setdefault(int(position), []).append(int(district))
    for position, r in zip(ratings.index, ratings.itertuples(), strict=True):
        if position in districts:
            for row in _rating_row_checks(r, names, files):
                yield districts[position], row


def _rating_rows(figures) -> pd.DataFrame:
    """Check 7's view of the period's ratings, in the order they were read (it decides the
    order of rows that sort alike): the forms' read of them (`PeriodFigures.ratings`) with
    each member's name."""
    ratings = figures.ratings.reset_index()[
        ["member_id", "status", "level", "computed_level", "decided_level", "proposed_level",
         "capped", "batch_id", "source_row", "org_id"]
    ]  # fmt: skip
    return _with_names(figures, ratings)


def _with_names(figures, ratings: pd.DataFrame) -> pd.DataFrame:
    """`ratings` with each member's full name (a rating's member always exists)."""
    ratings = ratings.copy()
    ratings["full_name"] = ratings["member_id"].map(_member_records(figures)["full_name"])
    return ratings


RATING_FIELDS = ["capped", "status", "decided_level", "computed_level", "proposed_level"]


def _with_rating_checks(ratings: pd.DataFrame) -> pd.DataFrame:
    """The ratings that have check 7 rows (in their order). Whether a rating has any depends
    only on its RATING_FIELDS: each distinct combination of them is asked once."""
    ratings = ratings.reset_index(drop=True)
    combinations = ratings[RATING_FIELDS].drop_duplicates()
    nobody = {"full_name": "", "org_id": None, "batch_id": None, "source_row": None}
    flagged = combinations[
        [
            bool(_rating_row_checks(SimpleNamespace(**nobody, **values), {}, {}))
            for values in combinations.to_dict("records")
        ]
    ]
    if flagged.empty:
        return ratings.iloc[0:0]
    kept = ratings[RATING_FIELDS].reset_index(names="_position").merge(flagged, on=RATING_FIELDS)
    return ratings.iloc[sorted(kept["_position"])]


def _rating_row_checks(r, names, files) -> list[dict]:
    """The check 7 row of one rating (at most one: each member once, with one reason, spec
    reports.md). The reasons, most telling first: lowered by the cap, waiting for a decision,
    decided otherwise than computed, proposed otherwise than computed (a capped member's own
    proposal of HTXSNV differs from the computed HTTNV because of the cap: one row says it)."""
    return _rating_reasons(r, names, files)[:1]


def _rating_reasons(r, names, files) -> list[dict]:
    rows = []
    where = (names.get(r.org_id), files.get(r.batch_id), r.source_row)
    if bool(r.capped):
        rows.append(_row(7, *where, f"{r.full_name}: hạ từ HTXSNV xuống HTTNV do vượt tỷ lệ"))
    if r.status == "needs_decision" and not r.decided_level:
        rows.append(_row(7, *where, f"{r.full_name}: cần cấp có thẩm quyền xem xét, quyết định"))
    if r.decided_level and r.computed_level and r.decided_level != r.computed_level:
        rows.append(
            _row(
                7,
                *where,
                f"{r.full_name}: cấp ủy quyết định {r.decided_level}, "
                f"tính theo quy định {r.computed_level}",
            )
        )
    if r.proposed_level and r.computed_level and r.proposed_level != r.computed_level:
        rows.append(
            _row(
                7,
                *where,
                f"{r.full_name}: tự xếp loại {r.proposed_level}, "
                f"tính theo quy định {r.computed_level}",
            )
        )
    return rows


NOT_ALLOWED_TEXTS = {
    "below_band": "điểm {score} dưới mức tối thiểu của mức này",
    "over_cap": "vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ khi tính theo mức quyết định",
}


def _rating_soundness(figures, scope, names, files) -> list[dict]:
    """Check 8: decided levels the rules would not allow (below the band's score, over the cap
    of their pool once decided levels are counted), one row per member; and ratings resting on
    conditions taken as met for want of data, one row per unit and file with their count."""
    quarter = figures.rating_quarter()
    return _scoped_rows(
        figures, scope, ("rating_soundness_rows",),
        lambda: _all_rating_soundness(figures, quarter, names, files),
    )  # fmt: skip


def _key(value) -> int | None:
    """An id read from a column that may hold missing values (then float)."""
    return None if value is None or pd.isna(value) else int(value)


def _soundness_ratings(figures) -> pd.DataFrame:
    """The final ratings check 8 looks at (a decided level not allowed, or conditions taken as
    met), in the order they were read (`PeriodFigures.ratings`)."""
    ratings = figures.ratings.reset_index()
    kept = (ratings["status"] == "rated") & (
        ratings["decided_not_allowed"].notna() | ratings["assumed_conditions"].fillna(0).gt(0)
    )
    ratings = ratings.loc[
        kept.to_numpy(dtype=bool),
        ["member_id", "level", "decided_level", "decided_not_allowed", "assumed_conditions",
         "score", "batch_id", "source_row", "org_id"],
    ].reset_index(drop=True)  # fmt: skip
    return _with_names(figures, ratings)


def _all_rating_soundness(figures, quarter, names, files):
    ratings = figures.once(("soundness_ratings",), lambda: _soundness_ratings(figures))
    if ratings.empty:
        return
    pairs = ratings[["member_id"]].reset_index().merge(_stock_districts(figures), on="member_id")
    districts: dict[int, tuple[int, ...]] = {}
    for position, district in zip(pairs["index"].to_numpy(), pairs["district_id"], strict=True):
        districts[int(position)] = (*districts.get(int(position), ()), int(district))
    decided = ratings[ratings["decided_not_allowed"].notna()]
    for position, r in zip(decided.index, decided.itertuples(), strict=True):
        score = "" if pd.isna(r.score) else f"{r.score:g}".replace(".", ",")
        why = "; ".join(
            NOT_ALLOWED_TEXTS[cause].format(score=score)
            for cause in str(r.decided_not_allowed).split(",")
        )
        yield (
            districts.get(int(position), ()),
            _row(
                8,
                names.get(_key(r.org_id)),
                files.get(_key(r.batch_id)),
                r.source_row,
                f"{r.full_name}: cấp ủy quyết định {r.decided_level} nhưng {why}",
            ),
        )
    assumed = ratings[ratings["assumed_conditions"] > 0].copy()
    if assumed.empty:
        return
    yield from _assumed_rows(assumed, districts, names, files)


def _assumed_rows(assumed: pd.DataFrame, districts: dict, names, files):
    """One check 8 row per (unit, file, districts) of the ratings resting on assumed
    conditions, in the order the groups first appear, with the count of each level: counted
    by one grouping, not group by group (a province has tens of thousands of such groups)."""
    where, shown_in = pd.factorize(pd.Series([districts.get(int(p), ()) for p in assumed.index]))
    assumed["where"] = where
    assumed["org_key"] = assumed["org_id"].fillna(-1)
    assumed["batch_key"] = assumed["batch_id"].fillna(-1)
    keys = ["org_key", "batch_key", "where"]
    sizes = assumed.groupby(keys, sort=False).size()
    levels = (
        assumed.groupby([*keys, "level"]).size().unstack("level", fill_value=0)
        .reindex(sizes.index, fill_value=0)
    )  # fmt: skip
    ranked = [level for level in vocab.ranked("levels") if level in levels.columns]
    counts = levels[ranked].to_numpy()
    for (org, batch, place), size, row in zip(sizes.index, sizes.to_numpy(), counts, strict=True):
        by_level = ", ".join(
            f"{level}: {int(n)}" for level, n in zip(ranked, row, strict=True) if n
        )
        yield (
            shown_in[place],
            _row(
                8,
                names.get(None if org == -1 else int(org)),
                files.get(None if batch == -1 else int(batch)),
                None,
                f"{int(size)} đảng viên được xếp loại dựa trên điều kiện coi như đạt vì tệp "
                f"không có số liệu ({by_level})",
            ),
        )


def _member_details(figures, scope, names, files) -> list[dict]:
    """Members at the end of the period whose records look wrong (the import warned of them
    too), and those with no admission date: members since before the records began."""
    stock = scope.select(figures.stock_end)
    if stock.empty:
        return []
    notes = figures.once(("member_notes",), lambda: _all_member_notes(figures))
    notes = notes[notes["member_id"].isin(stock["member_id"]).to_numpy()]
    if notes.empty:
        return []
    noted = stock[stock["member_id"].isin(notes["member_id"]).to_numpy()]
    org_of = dict(zip(noted["member_id"], noted["org_id"], strict=True))
    return [
        _row(9, names.get(org_of[member]), files.get(batch), row, f"{name}: {what}")
        for member, batch, row, name, what in zip(
            notes["member_id"], notes["batch_id"], notes["source_row"], notes["full_name"],
            notes["what"], strict=True,
        )
    ]  # fmt: skip


def _all_member_notes(figures) -> pd.DataFrame:
    """Check 9's notes of every member of the province's stock at the end (a district's are
    its members' among them, in the same order): the implausible values in the order of the
    members, then the members with no admission date. Plausibility is a matter of each
    member's own record, so it is judged once, not once per workbook."""
    stock = figures.stock_end
    members = _member_records(figures)
    in_stock = stock.loc[stock["district_id"].notna().to_numpy(), "member_id"].unique()
    found = members.loc[members.index.intersection(in_stock)]
    notes = implausible(found.reset_index(drop=True), date.today())
    notes += [
        (int(p), NO_ADMISSION) for p in np.flatnonzero(found["admitted_on"].isna().to_numpy())
    ]
    positions = [p for p, _ in notes]
    rows = found.iloc[positions][["batch_id", "source_row", "full_name"]].reset_index()
    rows["what"] = [what for _, what in notes]
    return rows


def _member_records(figures) -> pd.DataFrame:
    """What check 9 judges of every member, as stored (dates as the database gives them):
    read with the members' attributes (`figures.History`)."""
    return figures.shared.member_records


NO_ADMISSION = "không có ngày vào Đảng (đảng viên từ trước khi có hồ sơ)."


def _unit_sizes(figures, scope, names) -> list[dict]:
    tree = scope.select(figures.tree(figures.end).reset_index())
    holding = tree[tree["org_type"].isin(branch_types())]
    stock = scope.select(figures.stock_end)
    # as dicts: an empty stock groups into a Series whose .get(int) would mean a position
    sizes = stock.groupby("org_id").size().to_dict()
    full = stock[~stock["probationary"]].groupby("org_id").size().to_dict()
    rows = []
    for org in holding.itertuples():
        total, official = int(sizes.get(org.org_id, 0)), int(full.get(org.org_id, 0))
        if official < MIN_FULL_MEMBERS:
            rows.append(
                _row(
                    6,
                    org.name,
                    None,
                    None,
                    f"Chỉ có {official} đảng viên chính thức (tối thiểu {MIN_FULL_MEMBERS})",
                )
            )
        if org.org_type == "chi_bo_co_so" and total >= MAX_CHI_BO_CO_SO:
            rows.append(
                _row(
                    6,
                    org.name,
                    None,
                    None,
                    f"Chi bộ cơ sở có {total} đảng viên (từ {MAX_CHI_BO_CO_SO} trở lên "
                    "thường lập đảng bộ cơ sở)",
                )
            )
    return rows


# ----------------------------------------------------------------------------- stale ratings
# Ratings are derived facts (classify): a file imported after them that they rest on makes them
# stale. What they rest on: the evaluation files of the rated period, and the rosters, changes
# and organisation lists dated up to the period's end (who was a member where on the rating
# date). Each district's ratings are as old as its oldest result (`classify --unit` renews one
# district); a file with no district (the province's own) is compared with the oldest result.
EVALUATION_KINDS = ("member_evaluations", "organization_evaluations")
HISTORY_KINDS = ("members", "changes", "organizations")


def stale_ratings(figures: PeriodFigures, scope: Scope) -> list[dict]:
    """Check 10 rows: files imported after the ratings the report uses, for `scope`."""
    if not figures.ratings_available():
        return []
    rows = figures.once(("stale_ratings",), lambda: _stale_rows(figures))
    if scope.level == "province":
        return [dict(row) for _, row in rows]
    return [dict(row) for district, row in rows if district in (None, scope.org_id)]


def _stale_rows(figures: PeriodFigures) -> list[tuple[int | None, dict]]:
    conn, period, quarter = figures.conn, figures.period, figures.rating_quarter()
    tree = figures.tree(figures.end)
    district_of = tree["district_id"]
    # the earliest computation per organisation, grouped in SQL: the year has 500,000 results
    results = read_frame(
        conn,
        "SELECT org_id, MIN(computed_at) AS computed_at FROM ("
        "SELECT org_id, computed_at FROM member_rating WHERE year = :y AND quarter = :q "
        "UNION ALL SELECT org_id, computed_at FROM organization_rating "
        "WHERE year = :y AND quarter = :q) AS results GROUP BY org_id",
        {"y": period.year, "q": quarter},
    )
    results["at"] = pd.to_datetime(results["computed_at"], utc=True, format="mixed")
    results["district"] = results["org_id"].map(district_of)
    oldest = results["at"].min()
    rated_at = results.dropna(subset=["district"]).groupby("district")["at"].min().to_dict()
    batches = read_frame(
        conn,
        "SELECT id, file_name, kind, unit_id, as_of, period_year, period_quarter, imported_at "
        "FROM import_batch WHERE status = 'imported'",
    )
    if batches.empty or pd.isna(oldest):
        return []
    batches["at"] = pd.to_datetime(batches["imported_at"], utc=True, format="mixed")
    as_of = pd.to_datetime(batches["as_of"], errors="coerce")
    year = batches["period_year"]
    rests_on = (
        batches["kind"].isin(EVALUATION_KINDS)
        & (year == period.year)
        & (pd.to_numeric(batches["period_quarter"]).fillna(0) == quarter)
    ) | (
        batches["kind"].isin(HISTORY_KINDS)
        & ((as_of <= pd.Timestamp(period.end)) | (as_of.isna() & (year <= period.year)))
    )
    batches = batches[rests_on & (batches["at"] > oldest)]
    command = f"tcxd classify --year {period.year}" + (f" --quarter {quarter}" if quarter else "")
    rows = []
    for batch in batches.itertuples():
        district = district_of.get(batch.unit_id) if pd.notna(batch.unit_id) else None
        district = int(district) if district is not None and pd.notna(district) else None
        rated = rated_at.get(district, oldest)
        if batch.at <= rated:
            continue
        unit = tree["name"].get(batch.unit_id, "") if pd.notna(batch.unit_id) else ""
        rows.append(
            (
                district,
                _row(
                    10,
                    unit,
                    batch.file_name,
                    None,
                    f"Nhập lúc {_local(batch.at)}, sau lần xếp loại lúc {_local(rated)}: "
                    f"chạy lại {command}",
                ),
            )
        )
    return rows


def _local(moment: pd.Timestamp) -> str:
    """A UTC moment as the clerk's clock shows it: "7/12/2026 15:04"."""
    local = moment.to_pydatetime().astimezone()
    return f"{local.day}/{local.month}/{local.year} {local:%H:%M}"
