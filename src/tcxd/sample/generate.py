"""Write the sample province: per-unit spreadsheets, tinh.yaml and truth.json."""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from tcxd.core import vocab
from tcxd.core.text import strip_accents
from tcxd.sample import files as F
from tcxd.sample.dates import NONE, ROSTER0, Y_END, day, iso, to_date
from tcxd.sample.ratings import rate_world
from tcxd.sample.truth import Truth, level_name
from tcxd.sample.world import LEVELS, Rng, World, build_world, data
from tcxd.sample.writers import Sheet, write

TRUTH_VERSION = 1


@dataclass
class SampleSummary:
    districts: int
    tccsd: int
    chi_bo: int
    members: int
    files: int
    truth_path: Path
    out_dir: Path


# ------------------------------------------------------------------------------------------- names


def folder_name(i: int, name: str, rng: Rng, mess: bool) -> str:
    if not mess:
        return f"{i:02d}. {name}"
    v = int(rng.integers(0, 6))
    return [
        f"{i:02d}. {name}",
        f"{i:02d}. {strip_accents(name)}",
        f"{i:02d}. {name.upper()}",
        f"{i:02d}_{strip_accents(name).upper().replace(' ', '_')}",
        f"{i}. {name}",
        f"{i:02d}. {strip_accents(name)}",
    ][v].replace("/", "-")


FILE_NAMES = {
    "roster": [
        "Danh sách đảng viên đến 31.12.{y}",
        "DSDV 31-12-{y}",
        "Danh sach dang vien den 31.12.{y}",
        "DS đảng viên năm {y}",
        "dsdv T12-{y}",
    ],
    "changes": ["Biến động đảng viên năm {y}", "Bien dong DV {y}", "BĐ đảng viên {y}"],
    "member_evaluations": [
        "Kết quả xếp loại đảng viên năm {y}",
        "XL dang vien {y}",
        "Đánh giá xếp loại ĐV năm {y}",
    ],
    "organizations": [
        "Danh sách tổ chức đảng",
        "DS to chuc dang truc thuoc",
        "Danh sách tổ chức cơ sở đảng",
    ],
    "organization_evaluations": [
        "Kết quả xếp loại tổ chức đảng năm {y}",
        "XL to chuc dang {y}",
        "Xếp loại TCĐ năm {y}",
    ],
}
SHEET_NAMES = {
    "roster": ["DSDV", "Sheet1", "Danh sách"],
    "changes": ["Biến động", "Sheet1", "BD"],
    "member_evaluations": ["Xếp loại", "Sheet1", "KQ XL"],
    "organizations": ["Tổ chức", "Sheet1"],
    "organization_evaluations": ["XL tổ chức", "Sheet1"],
}


def file_name(kind: str, year: int, style: F.Style, rng: Rng) -> str:
    names = FILE_NAMES[kind]
    base = names[0] if not style.mess else names[int(rng.integers(0, len(names)))]
    ext = style.fmt.split(":")[0]
    return base.format(y=year) + "." + ext


def sheet_name(kind: str, style: F.Style, rng: Rng) -> str:
    names = SHEET_NAMES[kind]
    return names[0] if not style.mess else names[int(rng.integers(0, len(names)))]


# ----------------------------------------------------------------------------------------- context


class Ctx:
    """Arrays of the world the file builders read (picklable for worker processes)."""

    def __init__(self, world: World, mess: bool):
        self.mess = mess
        self.seed = world.seed
        o = world.orgs
        self.org_name = o["name"].to_numpy()
        self.org_type = o["type"].to_numpy()
        self.org_parent = o["parent"].to_numpy()
        self.org_parent_final = o["parent_final"].to_numpy()
        self.org_kind = o["kind"].to_numpy()
        self.org_code = o["code"].to_numpy()
        self.org_founded = o["founded"].to_numpy()
        self.org_tccsd = o["tccsd"].to_numpy()
        self.org_district = o["district"].to_numpy()
        self.org_district_final = o["district_final"].to_numpy()
        self.org_place = o["place"].to_numpy()
        self.move = world.move
        m = world.members
        self.m = {
            c: m[c].to_numpy()
            for c in [
                "name",
                "gender",
                "ethnicity",
                "religion",
                "birth",
                "birth_year_only",
                "admitted",
                "official",
                "occupation",
                "school",
                "degree",
                "theory",
                "youth",
                "card",
                "cccd",
                "profile",
                "exempt_since",
                "exempt_mark_date",
                "exempt_event",
                "org0",
                "roster25_org",
            ]
        }
        self.records = world.records
        self.mr = world.member_ratings
        self.orat = world.org_ratings
        self.pool_cfg = world.member_files
        self.dist_cfg = world.org_files


def _chi_bo_col(ctx: Ctx, tccsd: int) -> bool:
    return ctx.org_type[tccsd] == "dang_bo_co_so"


def _title_left(ctx: Ctx, tccsd: int, district: int) -> list[str]:
    return [ctx.org_name[district].upper(), ctx.org_name[tccsd].upper()]


def _signer(ctx: Ctx, tccsd: int) -> str:
    return "T/M ĐẢNG ỦY" if ctx.org_type[tccsd] == "dang_bo_co_so" else "T/M CHI ỦY"


# ---------------------------------------------------------------------------------------- builders


def roster_sheet(
    ctx: Ctx,
    tccsd: int,
    district: int,
    members: np.ndarray,
    branch: np.ndarray,
    as_of: int,
    style: F.Style,
    rng: Rng,
) -> Sheet:
    c = F.Cells(style, rng)
    m = ctx.m
    ids = list(members)
    cols: list[F.Col] = [F.Col("full_name", [c.text(m["name"][i]) for i in ids], width=26)]
    cols.append(
        F.Col(
            "birth_date",
            [c.date(m["birth"][i], year_only=bool(m["birth_year_only"][i])) for i in ids],
            width=12,
        )
    )
    g = [m["gender"][i] for i in ids]
    if style.gender_style == "two_x":
        cols.append(
            F.Col(
                "gender_nam",
                [c.mark(x == "nam") for x in g],
                group="Giới tính",
                header="Nam",
                width=5,
            )
        )
        cols.append(
            F.Col(
                "gender_nu", [c.mark(x == "nu") for x in g], group="Giới tính", header="Nữ", width=5
            )
        )
    elif style.gender_style == "nu_x":
        cols.append(F.Col("gender_nu", [c.mark(x == "nu") for x in g], header="Nữ", width=5))
    else:
        cols.append(F.Col("gender", ["Nữ" if x == "nu" else "Nam" for x in g], width=8))
    cols.append(F.Col("ethnicity", [c.text(m["ethnicity"][i]) for i in ids], width=9))
    cols.append(F.Col("religion", [c.text(m["religion"][i]) for i in ids], width=10))
    cols.append(F.Col("card_number", [m["card"][i] for i in ids], width=11))
    if not style.mess or rng.random() < 0.7:
        cols.append(F.Col("profile_number", [m["profile"][i] for i in ids], width=11))
    cols.append(F.Col("citizen_id", [m["cccd"][i] for i in ids], width=14))
    adm = [c.date(m["admitted"][i]) for i in ids]
    off = [
        c.date(m["official"][i])
        if (m["official"][i] != NONE and m["official"][i] <= as_of)
        else None
        for i in ids
    ]
    if style.two_row:
        cols.append(F.Col("admitted_on", adm, group="Ngày vào Đảng", header="Dự bị", width=12))
        cols.append(F.Col("official_on", off, group="Ngày vào Đảng", header="Chính thức", width=12))
    else:
        cols.append(F.Col("admitted_on", adm, width=12))
        cols.append(F.Col("official_on", off, width=12))
    if _chi_bo_col(ctx, tccsd):
        cols.append(F.Col("branch", [c.text(ctx.org_name[b]) for b in branch], width=22))
    cols.append(F.Col("occupation", [c.text(m["occupation"][i]) for i in ids], width=16))
    cols.append(F.Col("school_level", [m["school"][i] for i in ids], width=8))
    cols.append(F.Col("degree", [c.text(m["degree"][i]) for i in ids], width=12))
    cols.append(F.Col("theory_level", [c.text(m["theory"][i]) for i in ids], width=10))
    cols.append(F.Col("youth_union", [c.mark(bool(m["youth"][i])) for i in ids], width=7))
    ex = []
    for i in ids:
        since = min(x for x in (m["exempt_since"][i], m["exempt_event"][i], 10**9) if x != NONE)
        if since > as_of:
            ex.append("")
        elif as_of > ROSTER0 or m["exempt_mark_date"][i] != NONE:
            ex.append(c.date(since))  # the newer roster always dates the mark
        else:
            ex.append(c.mark(True))
    cols.append(F.Col("exempt", ex, width=10))
    notes = []
    for i in ids:
        note = ""
        if m["admitted"][i] != NONE and m["admitted"][i] < day(1985, 1, 1) and rng.random() < 0.3:
            years = 30 if m["admitted"][i] > day(1985, 1, 1) - 40 * 365 else 40
            note = f"Huy hiệu {years} năm tuổi Đảng"
        if style.formula_notes and rng.random() < 0.08:
            note = str(
                rng.choice(
                    [
                        "=> chuyển sinh hoạt tạm thời",
                        "+ Huy hiệu 30 năm",
                        "-Đang học tập ở nước ngoài",
                        "@ liên hệ chi ủy",
                        "=1+1 (ghi nhầm)",
                    ]
                )
            )
        notes.append(c.text(note))
    cols.append(F.Col("note", notes, width=18))
    d = to_date(as_of)
    titles = ["DANH SÁCH ĐẢNG VIÊN", F.title_period_line(style, as_of)]
    del d
    return F.build_sheet(
        sheet_name("roster", style, rng),
        _title_left(ctx, tccsd, district),
        titles,
        cols,
        style,
        rng,
        signer_right=_signer(ctx, tccsd),
        place=_place(ctx, district),
        signed_on=as_of + 5,
        names=_sign_names(ctx, ids),
    )


def _place(ctx: Ctx, district: int) -> str:
    return ctx.org_place[district] or "Bình Minh"


def _sign_names(ctx: Ctx, ids: list) -> tuple[str, str]:
    if not ids:
        return ("", "")
    return (str(ctx.m["name"][ids[-1]]), str(ctx.m["name"][ids[0]]))


CHANGE_ALIASES = {
    "admitted": ["Kết nạp", "Kết nạp mới"],
    "readmitted": ["Kết nạp lại"],
    "transferred_in": ["Chuyển đến", "Chuyển sinh hoạt đến"],
    "transferred_out": ["Chuyển đi", "Chuyển sinh hoạt đi"],
    "died": ["Từ trần", "Qua đời"],
    "expelled": ["Khai trừ"],
    "removed": ["Xóa tên", "Xoá tên"],
    "resigned": ["Xin ra khỏi Đảng"],
    "reinstated": ["Phục hồi đảng tịch"],
    "made_official": ["Chuyển chính thức", "Công nhận chính thức"],
    "exempted": ["Miễn sinh hoạt", "Miễn công tác và sinh hoạt đảng"],
    "suspended": ["Đình chỉ sinh hoạt"],
}
SCOPE_ALIASES = {
    "in_province": ["Trong tỉnh", "Nội tỉnh", "Đảng bộ khác trong tỉnh"],
    "out_province": ["Ngoài tỉnh", "Tỉnh khác"],
}


def changes_sheet(
    ctx: Ctx, tccsd: int, district: int, recs: pd.DataFrame, style: F.Style, rng: Rng
) -> Sheet:
    c = F.Cells(style, rng)
    m = ctx.m
    ids = recs["member"].to_numpy()
    kinds = recs["kind"].to_numpy()
    cols = [
        F.Col("full_name", [c.text(m["name"][i]) for i in ids], width=26),
        F.Col(
            "birth_date",
            [c.date(m["birth"][i], year_only=bool(m["birth_year_only"][i])) for i in ids],
            width=12,
        ),
        F.Col("card_number", [m["card"][i] for i in ids], width=11),
        F.Col("citizen_id", [m["cccd"][i] for i in ids], width=14),
    ]
    if _chi_bo_col(ctx, tccsd):
        cols.append(F.Col("branch", [c.text(ctx.org_name[o]) for o in recs["org"]], width=22))

    def label(k: str) -> str:
        v = CHANGE_ALIASES[k]
        return v[0] if not style.mess else v[int(rng.integers(0, len(v)))]

    def scope(s: str) -> str:
        if not s:
            return ""
        v = SCOPE_ALIASES[s]
        return v[0] if not style.mess else v[int(rng.integers(0, len(v)))]

    cols.append(F.Col("change", [c.text(label(k)) for k in kinds], width=16))
    cols.append(F.Col("date", [c.date(int(d)) for d in recs["date"]], width=12))
    cols.append(
        F.Col(
            "decision",
            [
                f"{int(rng.integers(1, 999)):02d}-QĐ/{'ĐU' if rng.random() < 0.8 else 'CB'}"
                if k != "exempted" or rng.random() < 0.5
                else ""
                for k in kinds
            ],
            width=12,
        )
    )
    cols.append(F.Col("scope", [scope(s) for s in recs["scope"]], width=12))
    cols.append(F.Col("place", [c.text(p) for p in recs["place"]], width=30))
    notes = []
    for k in kinds:
        note = ""
        if style.formula_notes and rng.random() < 0.15:
            note = str(
                rng.choice(["-Đã nộp hồ sơ", "+ Đã bàn giao", "=> Cấp ủy đã nhận", "@Văn phòng"])
            )
        elif k == "removed" and rng.random() < 0.5:
            note = "Bỏ sinh hoạt đảng"
        notes.append(c.text(note))
    cols.append(F.Col("note", notes, width=18))
    titles = ["DANH SÁCH BIẾN ĐỘNG ĐẢNG VIÊN NĂM 2025", F.year_end_line(style)]
    return F.build_sheet(
        sheet_name("changes", style, rng),
        _title_left(ctx, tccsd, district),
        titles,
        cols,
        style,
        rng,
        signer_right=_signer(ctx, tccsd),
        place=_place(ctx, district),
        signed_on=Y_END + 6,
        names=_sign_names(ctx, list(ids)),
        unit_count_label="trường hợp",
    )


DISC_LABELS = {"khien_trach": "Khiển trách", "canh_cao": "Cảnh cáo", "cach_chuc": "Cách chức"}


def _leader_cols(ctx: Ctx, c: F.Cells, rows: pd.DataFrame, want: set) -> list[F.Col]:
    """Leaders (QĐ 366 Điều 11): the mark, the unit they lead (their chi bộ) and its figures,
    and the share of low-confidence votes; empty for members who lead nothing."""
    if "leader" not in want:
        return []
    lead = rows["leader"].to_numpy(dtype=bool)

    def only(values):
        return [v if is_leader else None for v, is_leader in zip(values, lead, strict=True)]

    cols = [
        F.Col("leader", [c.mark(bool(v)) for v in lead], width=8),
        F.Col("led_unit", only([c.text(ctx.org_name[o]) for o in rows["org"]]), width=22),
        F.Col(
            "led_unit_tasks_completed_pct",
            only([c.number(int(v)) for v in rows["led_unit_tasks_completed_pct"]]),
            width=10,
        ),
        F.Col(
            "led_unit_tasks_on_time",
            only([c.yes_no(bool(v)) for v in rows["led_unit_tasks_on_time"]]),
            width=10,
        ),
        F.Col(
            "led_unit_tasks_exceeding_pct",
            only([c.number(int(v)) for v in rows["led_unit_tasks_exceeding_pct"]]),
            width=10,
        ),
        F.Col(
            "led_unit_tasks_late_pct",
            only([c.number(int(v)) for v in rows["led_unit_tasks_late_pct"]]),
            width=10,
        ),
    ]
    if "low_confidence_votes_pct" in want:
        cols.append(
            F.Col(
                "low_confidence_votes_pct",
                [c.number(int(v)) if v else None for v in rows["low_confidence_votes_pct"]],
                width=10,
            )
        )
    return cols


def member_eval_sheet(
    ctx: Ctx, tccsd: int, district: int, rows: pd.DataFrame, style: F.Style, rng: Rng
) -> Sheet:
    c = F.Cells(style, rng)
    m = ctx.m
    cfg = ctx.pool_cfg[int(tccsd)]
    want = cfg["columns"]
    ids = rows.index.to_numpy()
    cols = [
        F.Col("full_name", [c.text(m["name"][i]) for i in ids], width=26),
        F.Col(
            "birth_date",
            [c.date(m["birth"][i], year_only=bool(m["birth_year_only"][i])) for i in ids],
            width=12,
        ),
        F.Col("card_number", [m["card"][i] for i in ids], width=11),
        F.Col("citizen_id", [m["cccd"][i] for i in ids], width=14),
    ]
    if _chi_bo_col(ctx, tccsd):
        cols.append(F.Col("branch", [c.text(ctx.org_name[o]) for o in rows["org"]], width=22))
    if "general_score" in want:
        cols.append(
            F.Col(
                "general_score",
                [c.number(int(v), tenths=True) for v in rows["general_score"]],
                width=9,
            )
        )
        cols.append(
            F.Col(
                "task_score", [c.number(int(v), tenths=True) for v in rows["task_score"]], width=9
            )
        )
    cols.append(F.Col("score", [c.number(int(v), tenths=True) for v in rows["score"]], width=8))
    for f_ in [
        "tasks_completed_pct",
        "tasks_on_time",
        "tasks_exceeding_pct",
        "tasks_late_pct",
        "tasks_not_completed_pct",
        "prior_shortcomings_fixed",
    ]:
        if f_ not in want:
            continue
        if f_ == "tasks_on_time":
            vals = [c.yes_no(bool(v)) for v in rows[f_]]
        elif f_ == "prior_shortcomings_fixed":
            vals = list(rows[f_])
        else:
            vals = [c.number(int(v)) for v in rows[f_]]
        cols.append(F.Col(f_, vals, width=10))
    if "discipline" in want:
        cols.append(
            F.Col("discipline", [DISC_LABELS.get(v, "") for v in rows["discipline"]], width=11)
        )
        if "discipline_on" in want:
            cols.append(
                F.Col(
                    "discipline_on",
                    [c.date(int(v)) if v != NONE else None for v in rows["discipline_on"]],
                    width=12,
                )
            )
    for f_ in ["degradation_concluded", "forbidden_acts_violation", "example_duty_violation"]:
        if f_ in want:
            cols.append(F.Col(f_, [c.mark(t == f_) for t in rows["trigger"]], width=10))
    if "self_reported_remedied" in want:
        cols.append(
            F.Col(
                "self_reported_remedied",
                [c.mark(bool(v)) for v in rows["self_reported_remedied"]],
                width=10,
            )
        )
    cols += _leader_cols(ctx, c, rows, want)
    if "violation_year" in want:
        cols.append(
            F.Col(
                "violation_year",
                [int(v) if v else None for v in rows["violation_year"]],
                width=8,
            )
        )
    grp = "Xếp loại" if style.two_row else None
    if cfg["proposed"]:
        cols.append(
            F.Col(
                "proposed_level", [c.level(int(v)) for v in rows["proposed"]], group=grp, width=14
            )
        )
    if cfg["decided"]:
        cols.append(
            F.Col("decided_level", [c.level(int(v)) for v in rows["decided"]], group=grp, width=14)
        )
    notes = []
    for o, r in zip(rows["outcome"], rows["self_reported_remedied"], strict=True):
        note = ""
        if o == "ND_late":
            note = "Chậm tiến độ nhiều"
        elif r:
            note = "Đã tự phát hiện và khắc phục"
        if style.formula_notes and rng.random() < 0.05:
            note = str(
                rng.choice(["-Nghỉ thai sản 6 tháng", "+ Khen thưởng", "=> đề nghị xem xét"])
            )
        notes.append(c.text(note))
    cols.append(F.Col("note", notes, width=18))
    titles = ["KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN NĂM 2025"]
    return F.build_sheet(
        sheet_name("member_evaluations", style, rng),
        _title_left(ctx, tccsd, district),
        titles,
        cols,
        style,
        rng,
        signer_right=_signer(ctx, tccsd),
        place=_place(ctx, district),
        signed_on=Y_END + 10,
        names=_sign_names(ctx, list(ids)),
    )


TYPE_ABBR = {
    "dang_bo_co_so": "ĐBCS",
    "chi_bo_co_so": "CBCS",
    "dang_bo_bo_phan": "ĐBBP",
    "chi_bo_truc_thuoc": "CBTT",
}
TERRITORIAL = ("xa", "phuong", "dac_khu")
KIND_ABBR = {
    "dn_ngoai_nha_nuoc": "DN ngoài NN",
    "su_nghiep_cong_lap": "ĐVSN công lập",
    "co_quan_nha_nuoc": "CQ Nhà nước",
    "hop_tac_xa": "HTX",
}


def _district_orgs(ctx: Ctx, district: int) -> list[int]:
    """TCCSĐ of a district (on 31/12/2025) each followed by its đảng bộ bộ phận and chi bộ."""
    out = []
    tccsd = [
        o
        for o in range(len(ctx.org_type))
        if ctx.org_type[o] in ("dang_bo_co_so", "chi_bo_co_so")
        and ctx.org_district_final[o] == district
    ]
    for t in tccsd:
        out.append(t)
        subs = [o for o in range(len(ctx.org_type)) if ctx.org_tccsd[o] == t and o != t]
        bps = [o for o in subs if ctx.org_type[o] == "dang_bo_bo_phan"]
        for o in subs:
            if ctx.org_type[o] == "chi_bo_truc_thuoc" and ctx.org_parent[o] == t:
                out.append(o)
        for bp in bps:
            out.append(bp)
            out.extend(o for o in subs if ctx.org_parent[o] == bp)
    return out


def orgs_sheet(ctx: Ctx, district: int, style: F.Style, rng: Rng) -> Sheet:
    c = F.Cells(style, rng)
    ids = _district_orgs(ctx, district)
    mv = ctx.move
    cols = [
        F.Col("code", [ctx.org_code[o] for o in ids], width=12),
        F.Col("name", [c.text(ctx.org_name[o]) for o in ids], width=40),
    ]
    abbr = style.mess and rng.random() < 0.4
    cols.append(
        F.Col(
            "org_type",
            [
                TYPE_ABBR[ctx.org_type[o]] if abbr else vocab.label("org_types", ctx.org_type[o])
                for o in ids
            ],
            width=16,
        )
    )
    cols.append(
        F.Col("parent", [c.text(ctx.org_name[ctx.org_parent_final[o]]) for o in ids], width=30)
    )
    all_kinds = style.mess and rng.random() < 0.5
    kabbr = style.mess and rng.random() < 0.5

    def kind_label(o):
        if ctx.org_type[o] not in ("dang_bo_co_so", "chi_bo_co_so") and not all_kinds:
            return ""
        k = ctx.org_kind[o]
        return (
            KIND_ABBR.get(k, vocab.label("kinds_of_place", k))
            if kabbr
            else vocab.label("kinds_of_place", k)
        )

    cols.append(F.Col("kind_of_place", [kind_label(o) for o in ids], width=22))
    cols.append(F.Col("founded_on", [c.date(int(ctx.org_founded[o])) for o in ids], width=12))
    cols.append(F.Col("dissolved_on", [None for _ in ids], width=12))
    moved_here = mv["to"] == district
    if moved_here:
        cols.append(
            F.Col(
                "moved_from",
                [ctx.org_name[mv["from"]] if o == mv["org"] else "" for o in ids],
                header="Chuyển từ đảng bộ",
                width=24,
            )
        )
        cols.append(
            F.Col(
                "moved_on",
                [c.date(mv["date"]) if o == mv["org"] else None for o in ids],
                header="Ngày chuyển về",
                width=12,
            )
        )
    notes = []
    for o in ids:
        note = ""
        if o == mv["org"]:
            since = to_date(mv["date"]).strftime("%d/%m/%Y")
            note = (
                f"Chuyển từ {ctx.org_name[mv['from']]} về {ctx.org_name[mv['to']]} từ ngày {since}"
            )
        elif ctx.org_founded[o] != NONE and ctx.org_founded[o] >= day(2025, 1, 1):
            note = "Thành lập mới năm 2025"
        notes.append(c.text(note))
    cols.append(F.Col("note", notes, width=30))
    titles = ["DANH SÁCH TỔ CHỨC ĐẢNG TRỰC THUỘC", F.title_period_line(style, Y_END)]
    return F.build_sheet(
        sheet_name("organizations", style, rng),
        [ctx.org_name[district].upper(), "BAN TỔ CHỨC"],
        titles,
        cols,
        style,
        rng,
        signer_right="TRƯỞNG BAN",
        place=_place(ctx, district),
        signed_on=Y_END + 5,
        names=("Lê Thị Hồng", "Phạm Văn Đức"),
        unit_count_label="tổ chức",
    )


def org_eval_sheet(ctx: Ctx, district: int, style: F.Style, rng: Rng) -> Sheet | None:
    c = F.Cells(style, rng)
    r = ctx.orat
    order = _district_orgs(ctx, district)
    rows = r.loc[[o for o in order if o in r.index and r.at[o, "status"] == "rated"]]
    if rows.empty:
        return None
    cfg = ctx.dist_cfg[int(district)]
    want = cfg["columns"]
    ids = rows.index.to_numpy()
    cols = [
        F.Col("name", [c.text(ctx.org_name[o]) for o in ids], width=40),
        F.Col("parent", [c.text(ctx.org_name[ctx.org_parent_final[o]]) for o in ids], width=30),
        F.Col("score", [c.number(int(v), tenths=True) for v in rows["score"]], width=9),
    ]
    for f_ in ["tasks_completed_pct", "tasks_on_time", "tasks_exceeding_pct", "tasks_late_pct"]:
        if f_ in want:
            vals = (
                [c.yes_no(bool(v)) for v in rows[f_]]
                if f_ == "tasks_on_time"
                else [c.number(int(v)) for v in rows[f_]]
            )
            cols.append(F.Col(f_, vals, width=10))
    for f_ in [
        "leadership_member_disciplined",
        "subordinate_unit_disciplined",
        "personnel_wrongdoing_concluded",
    ]:
        if f_ in want:
            cols.append(F.Col(f_, [c.mark(bool(v)) for v in rows[f_]], width=12))
    grp = "Xếp loại" if style.two_row else None
    if cfg["decided"]:
        cols.append(
            F.Col("decided_level", [c.level(int(v)) for v in rows["decided"]], group=grp, width=14)
        )
        cols.append(
            F.Col("exemplary", [c.mark(bool(v)) for v in rows["exemplary"]], group=grp, width=9)
        )
    cols.append(F.Col("note", ["" for _ in ids], width=16))
    titles = ["KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG TỔ CHỨC ĐẢNG NĂM 2025"]
    return F.build_sheet(
        sheet_name("organization_evaluations", style, rng),
        [ctx.org_name[district].upper(), "BAN TỔ CHỨC"],
        titles,
        cols,
        style,
        rng,
        signer_right="TRƯỞNG BAN",
        place=_place(ctx, district),
        signed_on=Y_END + 12,
        names=("Lê Thị Hồng", "Phạm Văn Đức"),
        unit_count_label="tổ chức",
    )


def extra_sheet() -> Sheet:
    sh = Sheet(name="Hướng dẫn")
    sh.rows = [
        ["Ghi chú:"],
        ['- Cột "Số thẻ đảng viên" ghi đủ 8 chữ số.'],
        ["- Ngày tháng ghi theo dạng ngày/tháng/năm."],
    ]
    sh.widths = [60]
    return sh


# -------------------------------------------------------------------------------------------- jobs

# the first units of a messy province use these formats (all their files), so that every format
# and legacy encoding appears even in a small province; later units draw theirs at random
FORCED_UNITS = [
    ("xls", None),
    ("ods", None),
    ("csv:utf-8-sig", None),
    ("xlsx", "tcvn3"),
    ("csv:utf-16", None),
    ("csv:cp1258", None),
    ("xls", "vni"),
    ("csv:utf-8", None),
]


@dataclass
class Job:
    index: int
    kind: str
    path: str  # relative to out
    unit: str  # unit path
    district: int
    tccsd: int
    as_of: int | None
    forced: tuple[str, str | None] | None
    # a roster: its members and their chi bộ; changes and member evaluations: their rows
    payload: tuple[np.ndarray, np.ndarray] | pd.DataFrame | None = None


def run_job(ctx: Ctx, out: Path, job: Job) -> dict:
    rng = Rng(ctx.seed, 100_000 + job.index)
    forced_fmt, legacy = job.forced if job.forced else (None, None)
    if ctx.mess and legacy is None and job.kind != "organizations" and rng.random() < 0.01:
        legacy = "tcvn3" if rng.random() < 0.5 else "vni"
    style = F.draw_style(rng, ctx.mess, forced_format=forced_fmt, legacy=legacy)
    payload = job.payload
    sh: Sheet | None
    if job.kind in ("roster", "roster_newer"):
        assert isinstance(payload, tuple) and job.as_of is not None  # as plan_jobs makes them
        ids, branch = payload
        sh = roster_sheet(ctx, job.tccsd, job.district, ids, branch, job.as_of, style, rng)
    elif job.kind == "changes":
        assert isinstance(payload, pd.DataFrame)
        sh = changes_sheet(ctx, job.tccsd, job.district, payload, style, rng)
    elif job.kind == "member_evaluations":
        assert isinstance(payload, pd.DataFrame)
        sh = member_eval_sheet(ctx, job.tccsd, job.district, payload, style, rng)
    elif job.kind == "organizations":
        sh = orgs_sheet(ctx, job.district, style, rng)
    else:
        sh = org_eval_sheet(ctx, job.district, style, rng)
    if sh is None:  # (a district without rated organisations: plan_jobs plans its file anyway)
        raise RuntimeError(f"{job.unit}: no organisation is rated, no {job.kind} file to write")
    kind_for_name = "roster" if job.kind == "roster_newer" else job.kind
    year = to_date(job.as_of).year if job.as_of else 2025
    name = file_name(kind_for_name, year, style, rng)
    rel = f"{job.path}/{name}"
    target = out / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    sheets = [sh]
    if style.extra_sheet:
        sheets.append(extra_sheet())
    write(target, sheets, style.fmt)
    info = {
        "path": rel,
        "kind": "members" if kind_for_name == "roster" else job.kind,
        "unit": job.unit,
        **(
            {"as_of": iso(job.as_of)}
            if job.as_of and kind_for_name in ("roster", "organizations")
            else {}
        ),
        **(
            {"period": "2025-year"}
            if job.kind in ("changes", "member_evaluations", "organization_evaluations")
            else {}
        ),
        **style.describe(),
    }
    if legacy and not style.legacy:
        info["legacy_skipped"] = legacy
    return info


_WORKER_CTX: Ctx | None = None


def _init_worker(ctx: Ctx) -> None:
    global _WORKER_CTX
    _WORKER_CTX = ctx


def _run_worker(args) -> dict:
    out, job = args
    assert _WORKER_CTX is not None
    return run_job(_WORKER_CTX, Path(out), job)


def plan_jobs(world: World, ctx: Ctx, unit_names: dict[int, str], mess: bool) -> list[Job]:
    orgs = world.orgs
    rng = Rng(world.seed, 7)
    jobs: list[Job] = []
    members = world.members
    org0 = members["org0"].to_numpy()
    r25 = members["roster25_org"].to_numpy()
    tccsd_of = orgs["tccsd"].to_numpy()
    rec_by_t = {int(t): g for t, g in world.records.groupby("tccsd", sort=True)}
    mr = world.member_ratings
    ev = mr[mr["has_eval"]]
    ev_by_t = {int(t): g for t, g in ev.groupby("tccsd", sort=True)}
    m_idx = np.arange(len(members))
    t0 = tccsd_of[np.maximum(org0, 0)]
    t25 = tccsd_of[np.maximum(r25, 0)]
    by_t0 = pd.Series(m_idx[org0 >= 0]).groupby(t0[org0 >= 0]).apply(np.asarray).to_dict()
    by_t25 = pd.Series(m_idx[r25 >= 0]).groupby(t25[r25 >= 0]).apply(np.asarray).to_dict()
    r25_set = set(world.roster2025.tolist())
    dists = orgs.index[orgs["type"] == "district"].tolist()
    unit_no = 0
    for di, d in enumerate(dists):
        dpath = folder_name(di + 1, orgs.at[d, "name"], rng, mess)
        jobs.append(Job(len(jobs), "organizations", dpath, unit_names[d], d, -1, Y_END, None))
        jobs.append(
            Job(len(jobs), "organization_evaluations", dpath, unit_names[d], d, -1, None, None)
        )
        tcc = [
            int(o)
            for o in orgs.index[
                (orgs["type"].isin(["dang_bo_co_so", "chi_bo_co_so"]))
                & (orgs["district_final"] == d)
            ]
        ]
        for ti, t in enumerate(tcc):
            forced = FORCED_UNITS[unit_no] if mess and unit_no < len(FORCED_UNITS) else None
            unit_no += 1
            tpath = f"{dpath}/{folder_name(ti + 1, orgs.at[t, 'name'], rng, mess)}"
            unit = unit_names[t]
            title_d = d
            if t == world.move["org"]:
                title_d = world.move[
                    "from"
                ]  # its roster of 2024 names the district it was under then
            if t in by_t0:
                ids = by_t0[t]
                jobs.append(
                    Job(
                        len(jobs),
                        "roster",
                        tpath,
                        unit,
                        title_d,
                        t,
                        ROSTER0,
                        forced,
                        (ids, org0[ids]),
                    )
                )
            if t in rec_by_t:
                jobs.append(Job(len(jobs), "changes", tpath, unit, d, t, None, forced, rec_by_t[t]))
            if t in r25_set and t in by_t25:
                ids = by_t25[t]
                jobs.append(
                    Job(
                        len(jobs), "roster_newer", tpath, unit, d, t, Y_END, forced, (ids, r25[ids])
                    )
                )
            if t in ev_by_t:
                jobs.append(
                    Job(
                        len(jobs), "member_evaluations", tpath, unit, d, t, None, forced, ev_by_t[t]
                    )
                )
    return jobs


# -------------------------------------------------------------------------------------- truth json


def truth_document(
    world: World, truth: Truth, files: list[dict], mess: bool, members_param: int
) -> dict:
    orgs = world.orgs
    names = truth.unit_names
    m = world.members

    def path_of(o: int) -> str:
        t = int(orgs.at[o, "tccsd"])
        if t < 0:
            return names[o]
        base = names[t]
        return base if o == t else f"{base} / {orgs.at[o, 'name']}"

    tree = []
    for o in orgs.index:
        row = orgs.loc[o]
        if row["type"] == "province":
            continue
        entry = {
            "path": path_of(int(o)),
            "name": row["name"],
            "type": row["type"],
            "code": row["code"],
            "parent": names[int(row["parent"])]
            if row["type"] in ("district", "dang_bo_co_so", "chi_bo_co_so")
            else path_of(int(row["parent"])),
            "kind_of_place": row["kind"] or None,
            "founded_on": iso(int(row["founded"])),
        }
        if int(o) == world.move["org"]:
            entry["parent"] = names[world.move["to"]]
            entry["parents"] = [
                {"parent": names[world.move["from"]], "from": None, "to": iso(world.move["date"])},
                {"parent": names[world.move["to"]], "from": iso(world.move["date"]), "to": None},
            ]
        tree.append(entry)
    mr = world.member_ratings
    members_out: dict[str, dict[str, dict]] = {}
    keys = m["key"].to_numpy()
    for i, row in zip(mr.index, mr.itertuples(), strict=True):
        e: dict = {}
        if row.status != "rated":
            e["status"] = row.status
        if row.status == "not_reviewed":
            e["reason"] = row.not_reviewed
        if row.status == "rated":
            e["level"] = LEVELS[int(row.final)]
        if row.status in ("rated", "needs_decision") and (
            row.status != "rated" or row.computed != row.final
        ):
            e["computed"] = level_name(int(row.computed))
        if row.decided >= 0:
            e["decided"] = LEVELS[int(row.decided)]
        if row.capped:
            e["capped"] = True
        if row.kht_reason:
            e["kht"] = row.kht_reason
        if row.decided_not_allowed:
            e["decided_not_allowed"] = True
        if row.assumed:
            e["assumed"] = int(row.assumed)
        members_out.setdefault(names[int(row.tccsd)], {})[str(keys[i])] = e
    ors = world.org_ratings
    orgs_out = {}
    for o, row in zip(ors.index, ors.itertuples(), strict=True):
        e = {"status": row.status if row.status != "new" else "not_rated", "type": row.type}
        if row.status == "new":
            e["reason"] = "new"
        elif row.status == "no_evaluation":
            e["status"] = "not_rated"
            e["reason"] = "no_evaluation"
        else:
            e["computed"] = LEVELS[int(row.computed)]
            e["level"] = LEVELS[int(row.final)]
            if row.decided >= 0:
                e["decided"] = LEVELS[int(row.decided)]
            if row.exemplary:
                e["exemplary"] = True
        orgs_out[path_of(int(o))] = e
    checks = []
    for c in world.contradictions:
        checks.append(
            {
                "check": c["check"],
                "unit": names[int(orgs.at[c["org"], "tccsd"])],
                "member": str(keys[c["member"]]),
                "name": m.at[c["member"], "name"],
                "changes_counts": False,
            }
        )
    for c in world.one_sided:
        checks.append(
            {
                "check": c["check"],
                "unit": names[int(orgs.at[c["org"], "tccsd"])],
                "member": str(keys[c["member"]]),
                "name": m.at[c["member"], "name"],
                "date": iso(c["date"]),
                "place": path_of(int(orgs.at[c["dst"], "tccsd"])),
            }
        )
    capped = mr[mr["capped"]]
    for t, g in capped.groupby("tccsd", sort=True):
        checks.append(
            {"check": "capped", "unit": names[int(t)], "members": [str(keys[i]) for i in g.index]}
        )
    diff = mr[(mr["decided"] >= 0) & (mr["computed"] >= 0) & (mr["decided"] != mr["computed"])]
    for i, row in diff.iterrows():
        checks.append(
            {
                "check": "decided_differs",
                "unit": names[int(row.tccsd)],
                "member": str(keys[i]),
                "computed": LEVELS[int(row.computed)],
                "decided": LEVELS[int(row.decided)],
            }
        )
    noeval = mr[mr["status"] == "no_evaluation"]
    for i, row in noeval.iterrows():
        checks.append(
            {"check": "no_evaluation", "unit": names[int(row.tccsd)], "member": str(keys[i])}
        )
    nd = mr[mr["step3"] == -1]
    for i, row in nd.iterrows():
        checks.append(
            {
                "check": "needs_decision",
                "unit": names[int(row.tccsd)],
                "member": str(keys[i]),
                "decided": LEVELS[int(row.decided)] if row.decided >= 0 else None,
            }
        )
    odiff = ors[(ors["decided"] >= 0) & (ors["decided"] != ors["computed"])]
    for o, row in odiff.iterrows():
        checks.append(
            {
                "check": "organization_decided_differs",
                "unit": path_of(int(o)),
                "computed": LEVELS[int(row.computed)],
                "decided": LEVELS[int(row.decided)],
            }
        )
    no_org_eval = ors[ors["status"] == "no_evaluation"]
    for o in no_org_eval.index:
        checks.append({"check": "organization_no_evaluation", "unit": path_of(int(o))})
    otype = orgs["type"].to_numpy()
    tccsd_n = int(np.isin(otype, ["dang_bo_co_so", "chi_bo_co_so"]).sum())
    return {
        "format": "tcxd-sample-truth",
        "version": TRUTH_VERSION,
        "seed": world.seed,
        "mess": mess,
        "year": 2025,
        "province": orgs.at[0, "name"],
        "sizes": {
            "members_requested": members_param,
            "members_at_2024_12_31": int((m["org0"] >= 0).sum()),
            "members_at_2025_12_31": int((m["final_org"] >= 0).sum()),
            "persons": len(m),
            "districts": int((otype == "district").sum()),
            "tccsd": tccsd_n,
            "dang_bo_co_so": int((otype == "dang_bo_co_so").sum()),
            "chi_bo_co_so": int((otype == "chi_bo_co_so").sum()),
            "dang_bo_bo_phan": int((otype == "dang_bo_bo_phan").sum()),
            "chi_bo_truc_thuoc": int((otype == "chi_bo_truc_thuoc").sum()),
            "files": len(files),
        },
        "rules": {
            "regime": "qd366-2025",
            "cap_ratio": 0.2,
            "cap_pool": "tccsd",
            "missing_condition": "assume_met",
        },
        "units": {
            "province": names[0],
            "districts": [names[d] for d in orgs.index[orgs["type"] == "district"]],
            "tccsd": [
                names[int(t)]
                for t in orgs.index[orgs["type"].isin(["dang_bo_co_so", "chi_bo_co_so"])]
            ],
        },
        "tree": tree,
        "moved_organization": {
            "unit": names[world.move["org"]],
            "from": names[world.move["from"]],
            "to": names[world.move["to"]],
            "date": iso(world.move["date"]),
        },
        "figures": truth.figures(),
        "members": members_out,
        "organizations": orgs_out,
        "expected_checks": checks,
        "files": files,
    }


# -------------------------------------------------------------------------------------------- main


def generate(
    out_dir: Path,
    members: int,
    seed: int,
    districts: int | None = None,
    mess: bool = True,
    workers: int | None = None,
) -> SampleSummary:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world = rate_world(build_world(members, seed, districts), seed)
    truth = Truth(world)
    ctx = Ctx(world, mess)
    jobs = plan_jobs(world, ctx, truth.unit_names, mess)
    if workers is None:
        workers = 1 if len(jobs) < 200 else min(4, os.cpu_count() or 1)
    if workers > 1:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker, initargs=(ctx,)
        ) as pool:
            infos = list(pool.map(_run_worker, [(str(out), j) for j in jobs], chunksize=16))
    else:
        infos = [run_job(ctx, out, j) for j in jobs]
    cfg = data("world.yaml")
    # a xã, phường or đặc khu committee says so (its offices' staff are commune staff in Biểu 2, 3)
    dist_names = [
        {"name": truth.unit_names[d], "kind_of_place": vocab.label("kinds_of_place", profile)}
        if profile in TERRITORIAL
        else truth.unit_names[d]
        for d, profile in zip(
            world.orgs.index[world.orgs["type"] == "district"],
            world.orgs.loc[world.orgs["type"] == "district", "profile"],
            strict=True,
        )
    ]
    names = data("names.yaml")["signers"]
    tinh = {
        "province": cfg["province"],
        "place": cfg["place"],
        "districts": dist_names,
        "signers": {
            "preparer": {"title": "NGƯỜI LẬP BIỂU", "name": names["preparer"]},
            "signer": {
                "title": "T/M BAN THƯỜNG VỤ",
                "role": "PHÓ BÍ THƯ THƯỜNG TRỰC",
                "name": names["signer"],
            },
        },
    }
    (out / "tinh.yaml").write_text(
        yaml.safe_dump(tinh, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    doc = truth_document(world, truth, infos, mess, members)
    truth_path = out / "truth.json"
    with truth_path.open("w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=None, separators=(",", ":"))
        fh.write("\n")
    otype = world.orgs["type"].to_numpy()
    return SampleSummary(
        districts=int((otype == "district").sum()),
        tccsd=int(np.isin(otype, ["dang_bo_co_so", "chi_bo_co_so"]).sum()),
        chi_bo=int(np.isin(otype, ["chi_bo_co_so", "chi_bo_truc_thuoc"]).sum()),
        members=int((world.members["org0"] >= 0).sum()),
        files=len(infos),
        truth_path=truth_path,
        out_dir=out,
    )


__all__ = ["SampleSummary", "generate"]
