"""The sample province generator: determinism, truth consistency, readable files."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest
import yaml
from python_calamine import CalamineWorkbook

from tcxd.sample import generate
from tcxd.sample.files import legacy_encoder
from tcxd.sample.truth import BIEU1

SEED = 11
PERIOD_KEYS = [f"2025-{p}" for p in ("q1", "q2", "q3", "q4", "h1", "9m", "year")]


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> tuple[Path, dict, float]:
    out = tmp_path_factory.mktemp("messy")
    t0 = time.perf_counter()
    summary = generate(out, members=2000, seed=SEED)
    elapsed = time.perf_counter() - t0
    truth = json.loads(summary.truth_path.read_text("utf-8"))
    return out, truth, elapsed


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("clean")
    summary = generate(out, members=1500, seed=5, mess=False)
    return out, json.loads(summary.truth_path.read_text("utf-8"))


def g(form: dict, code: str) -> int:
    return form.get(code, 0)


# ------------------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_truth_and_files(messy, tmp_path):
    out, _, _ = messy
    generate(tmp_path, members=2000, seed=SEED)
    assert (tmp_path / "truth.json").read_bytes() == (out / "truth.json").read_bytes()
    assert (tmp_path / "tinh.yaml").read_bytes() == (out / "tinh.yaml").read_bytes()
    first = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    second = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert first == second
    csvs = [p for p in first if p.suffix == ".csv"]
    assert csvs
    for rel in first:  # CSV, xlsx, xls and ods alike are byte-identical
        assert (out / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_another_seed_gives_another_province(messy, tmp_path):
    _, truth, _ = messy
    generate(tmp_path, members=2000, seed=SEED + 1)
    other = json.loads((tmp_path / "truth.json").read_text("utf-8"))
    assert other["units"] != truth["units"] or other["members"] != truth["members"]


# ------------------------------------------------------------------------------------------- truth


def test_flows_add_up_for_every_unit_and_period(messy):
    _, truth, _ = messy
    for key in PERIOD_KEYS:
        for unit, forms in truth["figures"][key].items():
            b = forms["bieu1"]
            assert g(b, "B") == g(b, "B1") + g(b, "B2") + g(b, "B3"), (key, unit)
            assert g(b, "B2") == g(b, "B2a") + g(b, "B2b"), (key, unit)
            assert g(b, "C5") == g(b, "C5a") + g(b, "C5b"), (key, unit)
            assert g(b, "C") == sum(g(b, c) for c in ("C1", "C2", "C3", "C4", "C5")), (key, unit)
            assert g(b, "C3a") <= g(b, "C3")
            assert g(b, "D") == g(b, "A") + g(b, "B") - g(b, "C"), (key, unit)
            assert g(forms["bieu3"], "total") == g(b, "D"), (key, unit)
            assert forms["bieu5"]["total"]["members"] == g(b, "D"), (key, unit)


def test_periods_chain_and_add_up(messy):
    _, truth, _ = messy
    f = truth["figures"]
    for unit in f["2025-year"]:
        q = [f[f"2025-q{i}"].get(unit) for i in range(1, 5)]
        for a, b in itertools.pairwise(q):
            if a is not None and b is not None:
                assert g(a["bieu1"], "D") == g(b["bieu1"], "A"), unit
        if all(x is not None for x in q):
            for code in BIEU1:
                if code in ("A", "D"):
                    continue
                flows = [g(x["bieu1"], code) for x in q]
                assert g(f["2025-h1"][unit]["bieu1"], code) == sum(flows[:2]), (unit, code)
                assert g(f["2025-9m"][unit]["bieu1"], code) == sum(flows[:3]), (unit, code)
                assert g(f["2025-year"][unit]["bieu1"], code) == sum(flows), (unit, code)
            assert g(f["2025-h1"][unit]["bieu2"], "total") == sum(
                g(x["bieu2"], "total") for x in q[:2]
            )


def test_province_is_the_sum_of_its_districts(messy):
    _, truth, _ = messy
    province = truth["units"]["province"]
    districts = truth["units"]["districts"]
    for key in PERIOD_KEYS:
        per = truth["figures"][key]
        for form in ("bieu1", "bieu2", "bieu3", "xl_dang_vien"):
            if form not in per[province]:
                continue
            codes = set().union(*(per[d][form] for d in districts)) - {"age_mean"}
            for code in codes:
                if per[districts[0]][form].get(code, 0) is None:  # no file gives it: null
                    assert per[province][form][code] is None, (key, form, code)
                    continue
                assert g(per[province][form], code) == sum(
                    g(per[d][form], code) for d in districts
                ), (key, form, code)
        for row, cols in per[province]["bieu5"].items():
            for col, n in cols.items():
                assert n == sum(per[d]["bieu5"].get(row, {}).get(col, 0) for d in districts)
    year = truth["figures"]["2025-year"][province]["bieu1"]
    # moves between districts net out at province level, except the transfer sent but never received
    one_sided = [c for c in truth["expected_checks"] if c["check"] == "transfer_one_side"]
    assert g(year, "C5b") - g(year, "B2b") == len(one_sided)


def test_rating_figures_add_up_and_match_the_member_list(messy):
    _, truth, _ = messy
    year = truth["figures"]["2025-year"]
    for unit, forms in year.items():
        x = forms["xl_dang_vien"]
        assert g(x, "total") == g(forms["bieu3"], "total"), unit
        assert g(x, "total") == g(x, "rated") + g(x, "not_rated")
        assert g(x, "not_rated") == sum(g(x, c) for c in ("exempt", "new", "suspended", "other"))
        assert g(x, "rated") == sum(g(x, c) for c in ("htxs", "htt", "ht", "kht"))
        assert g(x, "kht") == sum(g(x, c) for c in ("kht_discipline", "kht_score", "kht_other"))
        t = forms["xl_to_chuc"]
        b5 = forms["bieu5"]["total"]
        assert t["tccsd_total"]["total"] == b5["tccsd"], unit
        assert t["cbtt_total"]["total"] == b5["chi_bo_truc_thuoc"], unit
        assert t["dbbp_total"]["total"] == b5["dang_bo_bo_phan"], unit
        for p in ("tccsd", "cbtt", "dbbp"):
            assert (
                t[f"{p}_total"]["total"] == t[f"{p}_rated"]["total"] + t[f"{p}_not_rated"]["total"]
            )
            assert t[f"{p}_rated"]["total"] == sum(
                t[f"{p}_{lv}"]["total"] for lv in ("htxs", "htt", "ht", "kht")
            )
    prov = year[truth["units"]["province"]]["xl_dang_vien"]
    members = [e for unit in truth["members"].values() for e in unit.values()]
    assert len(members) == prov["total"]
    levels = {"HTXSNV": "htxs", "HTTNV": "htt", "HTNV": "ht", "KHTNV": "kht"}
    for level, code in levels.items():
        assert sum(
            1 for e in members if e.get("status", "rated") == "rated" and e["level"] == level
        ) == g(prov, code)
    assert sum(1 for e in members if e.get("capped")) == g(prov, "capped") > 0
    # every TCCSĐ keeps its HTXSNV within 20 % of its HTTNV (after the cap)
    for unit, entries in truth["members"].items():
        comp = [
            e.get("computed", e.get("level"))
            for e in entries.values()
            if e.get("status", "rated") == "rated"
        ]
        assert 5 * comp.count("HTXSNV") <= comp.count("HTTNV"), unit
    # TCCSĐ rows of XL tổ chức match the organisation list
    orgs = truth["organizations"]
    tccsd = [e for p, e in orgs.items() if e["type"] in ("dang_bo_co_so", "chi_bo_co_so")]
    assert len(tccsd) == year[truth["units"]["province"]]["xl_to_chuc"]["tccsd_total"]["total"]


def test_expected_checks_and_tree(messy):
    _, truth, _ = messy
    kinds = {c["check"] for c in truth["expected_checks"]}
    for k in (
        "roster_after_death",
        "missing_from_newer_roster",
        "transfer_one_side",
        "capped",
        "decided_differs",
        "needs_decision",
        "no_evaluation",
    ):
        assert k in kinds, k
    moved = truth["moved_organization"]
    assert moved["date"] == "2025-07-01" and moved["from"] != moved["to"]
    entry = next(t for t in truth["tree"] if t["path"] == moved["unit"])
    assert [p["parent"] for p in entry["parents"]] == [moved["from"], moved["to"]]
    founded_2025 = [t for t in truth["tree"] if (t["founded_on"] or "").startswith("2025")]
    assert all((t["founded_on"] or "") <= "2025-12-31" for t in truth["tree"])
    assert len(founded_2025) >= 3
    assert truth["sizes"]["members_at_2024_12_31"] == 2000


# ------------------------------------------------------------------------------------------- files


def _rows(path: Path) -> list[list]:
    if path.suffix == ".csv":
        raw = path.read_bytes()
        for enc in ("utf-16", "utf-8-sig", "cp1258"):
            try:
                text = raw.decode(enc)
                if enc == "utf-16" and not raw.startswith(b"\xff\xfe"):
                    continue
                break
            except UnicodeDecodeError:
                continue
        import csv
        import io

        delim = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
        return list(csv.reader(io.StringIO(text), delimiter=delim))
    wb = CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_index(0).to_python()


def test_every_file_is_readable_and_listed(messy):
    out, truth, _ = messy
    listed = {f["path"] for f in truth["files"]}
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} - {
        "truth.json",
        "tinh.yaml",
    }
    assert listed == on_disk
    formats = {f["format"] for f in truth["files"]}
    assert {"xlsx", "xls", "ods", "csv:utf-8-sig", "csv:utf-16", "csv:cp1258"} <= formats
    if legacy_encoder() is not None:  # tcxd.core.encodings is there: some units write TCVN3 and VNI
        assert {f.get("legacy") for f in truth["files"]} >= {"tcvn3", "vni"}
    features = {x for f in truth["files"] for x in f.get("features", [])}
    for feat in (
        "two_row_header",
        "column_numbers_row",
        "blank_rows",
        "totals_row",
        "signature_block",
        "odd_headers",
        "dates_serial",
        "dates_dot",
        "nfd_text",
        "decimal_comma",
        "formula_like_notes",
    ):
        assert feat in features, feat
    for f in truth["files"]:
        rows = _rows(out / f["path"])
        assert len(rows) > 5, f["path"]


def test_clean_files_have_the_expected_headers(clean):
    out, truth = clean
    expected = {
        "members": [
            "Họ và tên",
            "Ngày sinh",
            "Số thẻ đảng viên",
            "Số CCCD",
            "Ngày vào Đảng",
            "Ngày chính thức",
        ],
        "changes": ["Họ và tên", "Ngày sinh", "Loại biến động", "Ngày quyết định", "Phạm vi"],
        "member_evaluations": ["Họ và tên", "Tổng điểm"],
        "organizations": [
            "Mã tổ chức",
            "Tên tổ chức đảng",
            "Loại tổ chức",
            "Trực thuộc",
            "Loại hình",
            "Ngày thành lập",
        ],
        "organization_evaluations": ["Tên tổ chức đảng", "Trực thuộc", "Tổng điểm"],
    }
    assert {f["format"] for f in truth["files"]} == {"xlsx"}
    kinds = set()
    for f in truth["files"]:
        rows = _rows(out / f["path"])
        header = next(r for r in rows if r and r[0] == "STT")
        for h in expected[f["kind"]]:
            assert h in header, (f["path"], h)
        kinds.add(f["kind"])
        if f["kind"] == "members":
            title = [r[0] for r in rows[:6]]
            assert "DANH SÁCH ĐẢNG VIÊN" in title
            assert any(str(t).startswith("Tính đến ngày 31/12/202") for t in title)
            card = header.index("Số thẻ đảng viên")
            cards = [r[card] for r in rows[rows.index(header) + 1 :] if r[card]]
            assert all(isinstance(c, str) and len(c) == 8 for c in cards)
    assert kinds == set(expected)


def test_tinh_yaml(messy):
    out, truth, _ = messy
    tinh = yaml.safe_load((out / "tinh.yaml").read_text("utf-8"))
    assert tinh["province"] == "Tỉnh ủy Bình Minh" and tinh["place"] == "Bình Minh"
    names = [d["name"] if isinstance(d, dict) else d for d in tinh["districts"]]
    assert names == truth["units"]["districts"]
    # a xã, phường or đặc khu committee gives its loại hình (Biểu 2, 3: commune staff)
    kinds = {d["kind_of_place"] for d in tinh["districts"] if isinstance(d, dict)}
    assert kinds and kinds <= {"Xã", "Phường", "Đặc khu"}
    assert tinh["signers"]["preparer"]["title"] == "NGƯỜI LẬP BIỂU"
