"""Realistic report dicts (docs/reports.md) without a database, for the writer tests.

Every unit's figures are consistent: D = A + B − C, B = B1 + B2 + B3, the attribute rows of
Biểu 2 / Biểu 3 add up to their totals, Biểu 5 tccsd = đảng bộ cơ sở + chi bộ cơ sở, rated +
not rated = total for the ratings. The unit's forms are the sums of its subordinate units'.
"""

from __future__ import annotations

import random
from typing import Any

from tcxd.core.periods import Period
from tcxd.reports.forms import attribute_mappings, load_form, place_groups_of, unknown_code

HOSTILE_NAMES = [
    '=HYPERLINK("http://x.invalid","bấm")',
    "+1",
    "@SUM(A1)",
    "-2+3",
    "=1+1",
    "Chi bộ http://example.invalid",
]
UNIT_NAMES = [
    "Chi bộ Khu phố 1",
    "Chi bộ Khu phố 2",
    "Chi bộ Khu phố 3",
    "Đảng bộ Trường THPT Nguyễn Du",
    "Chi bộ Trường THCS Lê Lợi",
    "Chi bộ Trường Tiểu học An Lạc",
    "Đảng bộ Công an phường An Lạc",
    "Chi bộ Quân sự phường",
    "Chi bộ Trạm Y tế phường",
    "Chi bộ Công ty Cổ phần May Bình Minh",
    "Chi bộ Hợp tác xã Nông nghiệp An Lạc",
    "Chi bộ Khu phố 4",
    "Chi bộ Khu phố 5",
    "Chi bộ Khu phố 6",
    "Chi bộ Khu phố 7",
    "Chi bộ Khu phố 8",
    "Chi bộ Khu phố 9",
    "Chi bộ Cơ quan Ủy ban nhân dân phường",
]


def _split(rng: random.Random, total: int, parts: list[str]) -> dict[str, int]:
    """`total` spread over `parts` (sums to total)."""
    cuts = sorted(rng.randint(0, total) for _ in range(len(parts) - 1))
    bounds = [0, *cuts, total]
    return {part: bounds[i + 1] - bounds[i] for i, part in enumerate(parts)}


def _some(rng: random.Random, total: int, share: float) -> int:
    return min(total, round(total * share * rng.uniform(0.6, 1.4)))


def unit_bieu1(rng: random.Random, size: int) -> dict[str, int]:
    f = {
        "A": size,
        "B1": rng.randint(0, max(1, size // 15)),
        "B2a": rng.randint(0, 2),
        "B2b": rng.randint(0, 3),
        "B3": rng.choice([0, 0, 0, 1]),
        "C1": rng.randint(0, max(1, size // 40)),
        "C2": rng.choice([0, 0, 1]),
        "C3": rng.choice([0, 0, 1, 2]),
        "C4": rng.choice([0, 0, 0, 1]),
        "C5a": rng.randint(0, 2),
        "C5b": rng.randint(0, 3),
    }
    f["C3a"] = rng.randint(0, f["C3"])
    f["B2"] = f["B2a"] + f["B2b"]
    f["B"] = f["B1"] + f["B2"] + f["B3"]
    f["C5"] = f["C5a"] + f["C5b"]
    f["C"] = f["C1"] + f["C2"] + f["C3"] + f["C4"] + f["C5"]
    f["D"] = f["A"] + f["B"] - f["C"]
    return {code: f[code] for code in load_form("bieu1").empty_figures()}


def _people(rng: random.Random, total: int, form: str, mean_age: float) -> dict[str, Any]:
    result = dict(load_form(form).empty_figures())
    result["total"] = total
    for code, share in (("women", 0.45), ("ethnic_minority", 0.1), ("religious", 0.06)):
        result[code] = _some(rng, total, share)
    result["youth_union"] = _some(rng, total, 0.3 if form == "bieu2" else 0.12)
    result["private_business_owner"] = _some(rng, total, 0.01)
    bands = [b["code"] for b in attribute_mappings()["age_bands"]]
    result.update(_split(rng, total, [*bands, unknown_code("age")]))
    result["age_mean"] = round(mean_age + rng.uniform(-3, 3), 1) if total else 0
    school = list(attribute_mappings()["school_level"]["labels"])
    result.update(_split(rng, total, [*school, unknown_code("school_level")]))
    degrees = list(attribute_mappings()["degree"]["labels"])
    result.update(_split(rng, total, [*degrees, unknown_code("degree")]))
    occupations = attribute_mappings()["occupations"]
    groups = [g["code"] for g in occupations["groups"]] + [occupations["unknown"]["code"]]
    if form == "bieu2":
        result["readmitted"] = rng.choice([0, 0, 0, 1]) if total else 0
        result.update(_split(rng, total, groups))
    else:
        result["probationary"] = _some(rng, total, 0.04)
        result.update(_split(rng, total, [*groups, "retired"]))
        result["exempt"] = _some(rng, result["retired"], 0.3)
        joined = [b["code"] for b in attribute_mappings()["joined_bands"]]
        result.update(_split(rng, total, [*joined[1:], unknown_code("joined")]) | {joined[0]: 0})
        theory = list(attribute_mappings()["theory_level"]["labels"])
        result.update(_split(rng, total, [*theory, unknown_code("theory_level")]))
    return result


def unit_xl_dang_vien(rng: random.Random, total: int) -> dict[str, int]:
    r = {"total": total}
    r["exempt"] = _some(rng, total, 0.05)
    r["new"] = _some(rng, total - r["exempt"], 0.02)
    r["suspended"] = rng.choice([0, 0, 1]) if total - r["exempt"] - r["new"] > 0 else 0
    r["other"] = _some(rng, total - r["exempt"] - r["new"] - r["suspended"], 0.01)
    r["not_rated"] = r["exempt"] + r["new"] + r["suspended"] + r["other"]
    r["rated"] = total - r["not_rated"]
    htt_share = rng.uniform(0.6, 0.8)
    r["htt"] = int(r["rated"] * htt_share)
    r["htxs"] = min(int(r["htt"] * 0.2), r["rated"] - r["htt"])
    r["kht"] = min(rng.choice([0, 0, 1, 2]), r["rated"] - r["htt"] - r["htxs"])
    r["ht"] = r["rated"] - r["htt"] - r["htxs"] - r["kht"]
    r["kht_discipline"] = rng.randint(0, r["kht"])
    r["kht_score"] = r["kht"] - r["kht_discipline"]
    r["kht_other"] = 0
    r["capped"] = rng.choice([0, 0, 1])
    r["exemplary"] = min(r["htxs"], rng.choice([0, 1]))
    r["assumed"] = _some(rng, r["htxs"] + r["htt"], 0.3)
    r["decided_not_allowed"] = rng.choice([0, 0, 1])
    return {code: r[code] for code in load_form("xl_dang_vien").empty_figures()}


def _add(total: dict, part: dict) -> None:
    for key, value in part.items():
        if isinstance(value, dict):
            _add(total.setdefault(key, {}), value)
        elif value is None:  # a figure tcxd cannot know
            total[key] = None
        else:
            total[key] = total.get(key, 0) + value


def _xl_to_chuc(rng: random.Random, kinds: dict[str, int]) -> dict[str, dict[str, int]]:
    """kinds: loại hình -> number of TCCSĐ."""
    result = load_form("xl_to_chuc").empty_figures()
    columns = set(result["tccsd_total"])
    for prefix, factor in (("tccsd", 1), ("dbbp", 0), ("cbtt", 3)):
        for kind, count in kinds.items():
            n = count * factor + (rng.randint(0, 2) if prefix == "dbbp" and count else 0)
            new = rng.choice([0, 0, 1]) if n else 0
            rated = n - new
            htt = int(rated * 0.7)
            htxs = min(rated - htt, int(htt * 0.2))
            kht = 1 if rated - htt - htxs > 2 and rng.random() < 0.3 else 0
            ht = rated - htt - htxs - kht
            values = {
                "total": n,
                "rated": rated,
                "not_rated": new,
                "new": new,
                "htxs": htxs,
                "htt": htt,
                "ht": ht,
                "kht": kht,
                "exemplary": min(htxs, 1),
            }
            for measure, value in values.items():
                for row in {*place_groups_of(kind), "total"} & columns:
                    result[f"{prefix}_{measure}"][row] += value
    return result


def make_report(
    *,
    seed: int = 7,
    units: int = 12,
    ratings: bool = True,
    previous: bool = True,
    level: str = "district",
    period: tuple[str, int] = ("year", 2025),
    hostile: bool = False,
    checks: int = 9,
    not_submitted: int = 2,
) -> dict[str, Any]:
    rng = random.Random(seed)
    p = Period.parse(*period)
    names = [
        UNIT_NAMES[i % len(UNIT_NAMES)]
        + (f" ({i // len(UNIT_NAMES)})" if i >= len(UNIT_NAMES) else "")
        for i in range(units)
    ]
    if level == "province":
        names = [f"Đảng bộ xã Phú {chr(65 + i % 26)}{i // 26 or ''}" for i in range(units)]
    if hostile:
        names[: len(HOSTILE_NAMES)] = HOSTILE_NAMES[:units]
    by_unit = []
    totals: dict[str, Any] = {}
    kind_count: dict[str, int] = {}
    bieu5 = load_form("bieu5").empty_figures()
    for index, name in enumerate(names):
        size = rng.randint(15, 180) if level == "district" else rng.randint(300, 4000)
        b1 = unit_bieu1(rng, size)
        kind = rng.choice(
            [
                "phuong",
                "su_nghiep_cong_lap",
                "cong_an",
                "quan_doi",
                "dn_tnhh",
                "hop_tac_xa",
                "co_quan_nha_nuoc",
            ]
        )
        tccsd = 1 if level == "district" else rng.randint(8, 40)
        dbcs = tccsd // 4 if level == "province" else int(size >= 30)
        kind_count[kind] = kind_count.get(kind, 0) + tccsd
        dbbp = rng.choice([0, 0, 1]) if dbcs else 0
        for row in place_groups_of(kind):  # the row of the loại hình, its groups and Cộng
            row5 = bieu5[row]
            row5["dang_bo_co_so"] += dbcs
            row5["chi_bo_co_so"] += tccsd - dbcs
            row5["tccsd"] += tccsd
            row5["chi_bo_truc_thuoc"] += dbcs * 3
            row5["dang_bo_bo_phan"] += dbbp
            row5["members"] += b1["D"]
        xl = unit_xl_dang_vien(rng, b1["D"])
        unit = {
            "id": 100 + index,
            "name": name,
            "submitted": index >= not_submitted,
            "bieu1": b1,
            "members_end": b1["D"],
            "ratings": {k: xl[k] for k in ("rated", "htxs", "htt", "ht", "kht", "not_rated")}
            if ratings
            else {},
        }
        by_unit.append(unit)
        _add(
            totals,
            {
                "bieu1": b1,
                "bieu2": _people(rng, b1["B1"], "bieu2", 29),
                "bieu3": _people(rng, b1["D"], "bieu3", 47),
                "xl_dang_vien": xl,
            },
        )
    for form, mean in (("bieu2", 29), ("bieu3", 47)):
        people = totals[form]["total"]
        totals[form]["age_mean"] = round(mean + rng.uniform(-2, 2), 1) if people else 0
    forms = {
        "bieu1": totals["bieu1"],
        "bieu2": totals["bieu2"],
        "bieu3": totals["bieu3"],
        "bieu5": bieu5,
        "xl_to_chuc": _xl_to_chuc(rng, kind_count) if ratings else None,
        "xl_dang_vien": totals["xl_dang_vien"] if ratings else None,
    }
    if level == "district":
        unit = {
            "id": 3,
            "name": "Đảng bộ phường An Lạc",
            "level": "district",
            "parent_name": "Tỉnh ủy Bình Minh",
        }
    else:
        unit = {"id": 1, "name": "Tỉnh ủy Bình Minh", "level": "province", "parent_name": None}
    check_rows = []
    samples = [
        (
            1,
            "D kỳ trước khác A kỳ này",
            "Chi bộ Khu phố 1",
            None,
            None,
            "D quý III = 118, A quý IV = 117",
        ),
        (2, "Đơn vị chưa nộp báo cáo", names[0], None, None, "Tệp mới nhất: 31/12/2024"),
        (
            3,
            "Có trong danh sách sau khi đã từ trần",
            "Chi bộ Khu phố 2",
            "DSDV_KP2_2025.xlsx",
            17,
            "Nguyễn Văn An, sinh 1948; từ trần 12/3/2025",
        ),
        (
            4,
            "Có kết quả đánh giá nhưng không có trong danh sách",
            "Chi bộ Khu phố 3",
            "XL_2025_KP3.xlsx",
            23,
            "Trần Thị Bình, sinh 1980, số thẻ 01234567",
        ),
        (
            5,
            "Chuyển đi trong tỉnh, chưa thấy đơn vị nhận",
            "Chi bộ Trạm Y tế phường",
            "BD_2025.xlsx",
            5,
            "Lê Văn Cường: chuyển đi 5/6/2025",
        ),
        (
            6,
            "Chi bộ dưới 3 đảng viên chính thức",
            "Chi bộ Khu phố 9",
            None,
            None,
            "2 đảng viên chính thức",
        ),
        (
            7,
            "Mức đề xuất khác mức tính được",
            "Chi bộ Khu phố 1",
            "XL_2025_KP1.xlsx",
            9,
            "Phạm Thị Dung: đề xuất HTXSNV, tính được HTTNV (CCCD 001234567890)",
        ),
        (4, '=HYPERLINK("http://x.invalid")', "+1", "@SUM(A1).xlsx", 3, "-2+3"),
    ]
    for i in range(checks):
        number, description, unit_name, file, row, detail = samples[i % len(samples)]
        check_rows.append(
            {
                "check": number,
                "description": description,
                "unit": unit_name,
                "file": file,
                "row": row,
                "detail": detail,
            }
        )
    report = {
        "unit": unit,
        "period": p.as_dict(),
        "forms": forms,
        "previous_year": None,
        "by_unit": by_unit,
        "checks": check_rows,
        "ratings_available": ratings,
    }
    if previous:
        last = make_report(
            seed=seed + 1000,
            units=units,
            ratings=ratings,
            previous=False,
            level=level,
            period=(p.code, p.year - 1),
            checks=0,
        )
        report["previous_year"] = {"forms": last["forms"]}
    return report


SETTINGS = {
    "place_name": "Bình Minh",
    "issuing_body": "BAN TỔ CHỨC",
    "preparer_name": "Nguyễn Thị Lan",
    "signer_title": "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ",
    "signer_name": "Trần Văn Hùng",
    "units": {
        "dang-bo-phuong-an-lac": {
            "preparer_name": "Lê Thị Hoa",
            "signer_title": "T/M ĐẢNG ỦY\nBÍ THƯ",
            "signer_name": "Võ Minh Tuấn",
        }
    },
}


# --- reading written workbooks back ---------------------------------------------------------------


def read_sheets(path) -> dict[str, list[list[Any]]]:
    """Every sheet's values as python-calamine reads them."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def sheet_xml(path) -> dict[str, str]:
    """Sheet name -> the XML of its worksheet part (zip), for layout checks."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
        targets |= {k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)}
        result = {}
        for name, rid in re.findall(
            r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', workbook
        ):
            import html

            result[html.unescape(name)] = archive.read("xl/" + targets[rid]).decode()
        return result


def find_row(rows: list[list[Any]], column: int, value: Any) -> list[Any]:
    for row in rows:
        if len(row) > column and row[column] == value:
            return row
    raise AssertionError(f"no row with {value!r} in column {column}")
