# ruff: noqa: E501  (a catalogue of files: long Vietnamese wordings read better on one line)
"""The foreign corpus: files written the way other software and other clerks write them.

`generate(root)` writes every file under `root` and returns one `Expect` per file: what tcxd must
do with it (import it, refuse it for a stated reason, or refuse it as not an input) and what the
database must hold afterwards. Deterministic: the same files and expectations on every run.
Nothing here imports `tcxd`: the corpus must not know how tcxd reads.

`python -m tests.foreign.generate DIR` writes the corpus to DIR (to look at the files).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from tests.foreign import layouts as L
from tests.foreign.world import (
    AN_HOA,
    BASE_AS_OF,
    BASE_ORGS,
    BASE_PEOPLE,
    BASE_UNIT,
    BEN_NGHE,
    BEN_NGHE_ORGS,
    DA_BAC,
    DA_BAC_TOWN,
    PROVINCE,
    SONG_CAU,
    VAN_LOC,
    People,
    Person,
)
from tests.foreign.writers import Sheet, to_tcvn3, to_vni, write

COUNTED = (
    "organization",
    "member",
    "roster_entry",
    "membership_event",
    "member_evaluation",
    "organization_evaluation",
)


@dataclass
class Expect:
    file: str  # path under the corpus root
    layout: str  # layout id: files sharing one differ only in format or encoding
    features: str  # what the file shows (for docs/foreign-corpus.md)
    kind: str  # members | organizations | changes | evaluations | not_input
    outcome: str  # imported | refused | not_input
    encoding: str = "-"
    setup: str = "units"  # bare: `tcxd init` only; units: + base organisations and roster
    needs: list[str] = field(default_factory=list)  # corpus files imported first
    args: list[str] = field(default_factory=list)
    message: list[str] = field(default_factory=list)  # fragments the output must hold
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows added (others: none)
    people: list[tuple[Person, str]] = field(default_factory=list)  # member, chi bộ of the entry
    orgs: list[tuple[str, str, str]] = field(default_factory=list)  # name, type code, parent
    events: list[tuple[str, str, date]] = field(default_factory=list)  # card, kind code, date
    evaluations: list[tuple] = field(default_factory=list)  # card, score, year, quarter (0: year)
    org_evaluations: list[tuple] = field(default_factory=list)  # name, score, year, quarter
    warnings: list[str] = field(default_factory=list)  # fragments the stored warnings hold
    year_only: list[str] = field(default_factory=list)  # cards whose birth is a year only
    fields: tuple[str, ...] = ()  # member fields checked besides name, birth and admission dates

    @property
    def format(self) -> str:
        return Path(self.file).suffix.lstrip(".")


CATALOGUE = []


def entry(function):
    CATALOGUE.append(function)
    return function


def titles(unit_lines, heading="DANH SÁCH ĐẢNG VIÊN", as_of="Tính đến ngày 30/9/2026"):
    return [*unit_lines, heading, *([as_of] if as_of else [])]


VL_TAY = ["ĐẢNG BỘ XÃ VẠN LỘC", "CHI BỘ THÔN TÂY"]
VL_BAC = ["ĐẢNG BỘ XÃ VẠN LỘC", "CHI BỘ THÔN BẮC"]
THPT = ["ĐẢNG BỘ HUYỆN SÔNG CẦU", "CHI BỘ TRƯỜNG THPT SÔNG CẦU"]
KP1 = ["ĐẢNG BỘ THỊ TRẤN ĐÁ BẠC", "CHI BỘ KHU PHỐ 1"]
KP2 = ["ĐẢNG BỘ THỊ TRẤN ĐÁ BẠC", "CHI BỘ KHU PHỐ 2"]
MINH_PHAT = ["ĐẢNG BỘ HUYỆN ĐÁ BẠC", "CHI BỘ CÔNG TY TNHH MINH PHÁT"]


def roster_expect(file, layout, features, people, unit, **kw) -> Expect:
    n = len(people)
    return Expect(
        file,
        layout,
        features,
        "members",
        "imported",
        counts={"member": n, "roster_entry": n},
        people=[(p, unit) for p in people],
        **kw,
    )


def one_sheet(root, file, built: L.Built, sheet="DS", font=None, **kw):
    write(root / file, [Sheet(sheet, built.rows, built.merges, font)], **kw)


# --- Organisations --------------------------------------------------------------------------------


def ben_nghe_rows(district_word: str, style: str = "label") -> list[list]:
    labels = {
        "dang_bo_co_so": "Đảng bộ cơ sở",
        "chi_bo_truc_thuoc": "Chi bộ trực thuộc",
        "chi_bo_co_so": "Chi bộ cơ sở",
    }
    short = {"dang_bo_co_so": "ĐBCS", "chi_bo_truc_thuoc": "CBTT", "chi_bo_co_so": "CBCS"}
    rows = [[BEN_NGHE, district_word, PROVINCE, ""]]
    for name, code, parent, place in BEN_NGHE_ORGS:
        rows.append([name, (short if style == "short" else labels)[code], parent, place])
    return rows


BN_EXPECTED = [(BEN_NGHE, "district", PROVINCE)] + [(n, c, p) for n, c, p, _ in BEN_NGHE_ORGS]


def orgs_expect(file, layout, features, **kw) -> Expect:
    return Expect(
        file,
        layout,
        features,
        "organizations",
        "imported",
        counts={"organization": len(BEN_NGHE_ORGS)},
        orgs=BN_EXPECTED,
        **kw,
    )


@entry
def o02(root):
    file = "to-chuc/ben-nghe-huyen-uy.xls"
    rows = [["ĐẢNG BỘ TỈNH HÀ LAM"], ["THỊ ỦY BẾN NGHÉ"], ["DANH SÁCH CÁC TỔ CHỨC CƠ SỞ ĐẢNG"]]
    rows += [[], ["TT", "Tên chi bộ, đảng bộ", "Loại", "Cấp trên", "Loại hình tổ chức cơ sở đảng"]]
    rows += [[i, *r] for i, r in enumerate(ben_nghe_rows("Đảng bộ huyện (trực thuộc Tỉnh ủy)"), 1)]
    rows += [[], ["", "Tổng cộng: 6 tổ chức"]]
    write(root / file, [Sheet("Sheet1", rows)])
    return orgs_expect(
        file,
        "O2",
        '"Đảng bộ huyện (trực thuộc Tỉnh ủy)"; headers Loại / Cấp trên; totals row; .xls',
        setup="bare",
    )


@entry
def o03(root):
    file = "to-chuc/ben-nghe-viet-tat.ods"
    rows = [["Tên tổ chức", "Loại tổ chức", "Thuộc đảng bộ", "Loại hình"]]
    rows += ben_nghe_rows("Đảng ủy trực thuộc Tỉnh ủy", style="short")
    rows[-1][3] = "Hợp tác xã"
    write(root / file, [Sheet("Bang 1", rows)])
    return orgs_expect(
        file,
        "O3",
        'no title; abbreviated types ĐBCS/CBTT/CBCS; "Đảng ủy trực thuộc Tỉnh ủy"; .ods',
        setup="bare",
    )


@entry
def o04(root):
    file = "to-chuc/to_chuc_export.csv"
    rows = [["ten_to_chuc", "loai_to_chuc", "truc_thuoc", "loai_hinh"]]
    rows += ben_nghe_rows("Đảng bộ cấp trên cơ sở")
    write(root / file, [Sheet("csv", rows)], encoding="utf-8")
    return orgs_expect(
        file, "O4", "snake_case headers (export of an app); UTF-8", encoding="utf-8", setup="bare"
    )


@entry
def o05(root):
    file = "to-chuc/toChucDang.csv"
    rows = [["id", "tenToChuc", "loaiToChuc", "capTren", "loaiHinh", "trangThai"]]
    rows += [[i, *r, "Hoạt động"] for i, r in enumerate(ben_nghe_rows("Huyện ủy"), 1)]
    write(root / file, [Sheet("csv", rows)], encoding="utf-8-sig", delimiter=";")
    return orgs_expect(
        file,
        "O5",
        "camelCase headers, id and status columns; `;`; UTF-8 with BOM",
        encoding="utf-8-sig",
        setup="bare",
    )


@entry
def o06(root):
    file = "to-chuc/ben-nghe-khong-cot-loai.xlsx"
    rows = [["DANH SÁCH TỔ CHỨC ĐẢNG THUỘC THỊ ỦY BẾN NGHÉ"], []]
    rows += [["STT", "Tên tổ chức đảng", "Trực thuộc", "Loại hình"]]
    rows += [[i, r[0], r[2], r[3]] for i, r in enumerate(ben_nghe_rows(""), 1)]
    write(root / file, [Sheet("TC", rows)])
    return orgs_expect(
        file,
        "O6",
        "no type column: the tree tells each level (district, TCCSĐ, chi bộ)",
        setup="bare",
    )


@entry
def o07(root):
    file = "to-chuc/ben-nghe-loai-mau-thuan.xlsx"
    rows = [["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"]]
    data = ben_nghe_rows("Đảng bộ trực thuộc Tỉnh ủy")
    data[2][1] = "Chi bộ cơ sở"  # a chi bộ under a đảng bộ cơ sở: the tree says trực thuộc
    rows += [[i, *r] for i, r in enumerate(data, 1)]
    write(root / file, [Sheet("TC", rows)])
    return orgs_expect(
        file,
        "O7",
        'a chi bộ typed "Chi bộ cơ sở" under a đảng bộ cơ sở: a warning, not a refusal',
        setup="bare",
    )


@entry
def o08(root):
    file = "to-chuc/ben-nghe-hai-dong-tieu-de.xlsx"
    rows = [
        ["THỊ ỦY BẾN NGHÉ"],
        ["*"],
        ["STT", "Tổ chức đảng", "", "Trực thuộc", "Ngày thành lập"],
        ["", "Tên", "Loại", "", ""],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
    ]
    data = ben_nghe_rows("Đảng bộ trực thuộc Tỉnh ủy")
    for i, r in enumerate(data, 1):
        rows.append([i, r[0], r[1], r[2], "15/08/1975" if i == 1 else "02/09/2001"])
    write(
        root / file, [Sheet("TC", rows, [(2, 1, 2, 2), (2, 0, 3, 0), (2, 3, 3, 3), (2, 4, 3, 4)])]
    )
    return orgs_expect(
        file,
        "O8",
        'two-row header: "Tổ chức đảng" over Tên / Loại; (1)…(5) number row; "*" line',
        setup="bare",
    )


# --- Rosters --------------------------------------------------------------------------------------


@entry
def m01(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Tay/DSDV thon Tay 30-9-2026.xlsx"
    people = People(file).many(6)
    built = L.roster(people, L.STANDARD, titles=titles(VL_TAY), tail=[["", "Tổng cộng", 6]])
    one_sheet(root, file, built)
    return roster_expect(
        file, "M1", 'plain roster, title block, "Tổng cộng" row', people, "Chi bộ thôn Tây"
    )


@entry
def m02(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Tay/DSDV thon Tay (ban xls).xls"
    people = People(file).many(5)
    built = L.roster(people, L.STANDARD, titles=titles(VL_TAY), tail=[["", "Tổng cộng", 5]])
    one_sheet(root, file, built)
    return roster_expect(file, "M1", "M1 as .xls (BIFF8)", people, "Chi bộ thôn Tây")


@entry
def m03(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Tay/DSDV thon Tay.ods"
    people = People(file).many(5)
    built = L.roster(people, L.STANDARD, titles=titles(VL_TAY), tail=[["", "Tổng cộng", 5]])
    one_sheet(root, file, built)
    return roster_expect(file, "M1", "M1 as .ods", people, "Chi bộ thôn Tây")


@entry
def m04(root):
    file = "02. Dang bo huyen Da Bac/KP1/ds dang vien kp1.xlsx"
    people = People(file).many(7)
    tail = [["Tổng số:", "7 đồng chí"], *L.signature("Đá Bạc")]
    built = L.roster(people, L.STANDARD, titles=titles(KP1), tail=tail)
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M2",
        'totals label in the STT column and "7 đồng chí" in the name column; signature block',
        people,
        "Chi bộ khu phố 1",
    )


@entry
def m05(root):
    file = "02. Dang bo huyen Da Bac/KP2/KP2 - danh sach.xlsx"
    people = People(file).many(8)
    tail = [
        ["Cộng", "42 đồng chí", "", "", "", "", "", "", ""],
        [],
        ["Ghi chú: danh sách do chi ủy lập."],
    ]
    built = L.roster(people, L.STANDARD, titles=titles(KP2), tail=tail)
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M2",
        '"Cộng" in STT, "42 đồng chí" in the name column; a footnote',
        people,
        "Chi bộ khu phố 2",
    )


@entry
def m06(root):
    file = "01. Dang bo huyen Song Cau/THPT/dsdv-thpt.xlsx"
    people = People(file).many(6)
    tail = [[f"Tổng số: {len(people)} đồng chí; trong đó nữ: 3 đồng chí"], *L.signature("Sông Cầu")]
    built = L.roster(people, L.STANDARD, titles=titles(THPT), tail=tail)
    built.merges.append((len(built.rows) - 7, 0, len(built.rows) - 7, 8))
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M3",
        'merged "Tổng số: … đồng chí; trong đó nữ …" row',
        people,
        "Chi bộ Trường THPT Sông Cầu",
    )


def hometown_header():
    top = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Quê quán",
        "",
        "",
        "Số thẻ đảng viên",
        "Ngày vào Đảng",
        "Ngày chính thức",
    ]
    sub = ["", "", "", "", "Quốc gia", "Tỉnh/Thành", "Chi tiết", "", "", ""]
    merges = [(0, 4, 0, 6)] + [(0, c, 1, c) for c in (0, 1, 2, 3, 7, 8, 9)]
    cols = [L.stt(), L.name(), L.birth(), L.gender(), L.const("", "Việt Nam"), L.const("", "Hà Lam"),
            L.const("", "thôn Bắc, xã Vạn Lộc"), L.card(), L.admitted(), L.official()]  # fmt: skip
    return [top, sub], merges, cols


@entry
def m07(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Bac/File nhap lieu thon Bac.xlsx"
    people = People(file).many(6)
    header, merges, cols = hometown_header()
    built = L.roster(people, cols, titles=titles(VL_BAC), header_rows=header, merges=merges)
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M4",
        'two-row header, "Quê quán" over Quốc gia / Tỉnh/Thành / Chi tiết',
        people,
        "Chi bộ thôn Bắc",
    )


@entry
def m08(root):
    file = "02. Dang bo huyen Da Bac/Minh Phat/ds-dv-minh-phat.xlsx"
    people = People(file).many(5)
    top = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Chức vụ",
        "",
        "",
        "Số thẻ đảng viên",
        "Ngày vào Đảng",
        "",
    ]
    sub = ["", "", "", "Đảng", "Chính quyền", "Đoàn thể", "", "Ngày kết nạp", "Ngày chính thức"]
    numbers = [f"({i})" for i in range(1, 10)]
    cols = [L.stt(), L.name(), L.birth(), L.const("", "Đảng viên"), L.const("", "Nhân viên"),
            L.const("", ""), L.card(), L.admitted(), L.official()]  # fmt: skip
    merges = [(0, 3, 0, 5), (0, 7, 0, 8)] + [(0, c, 1, c) for c in (0, 1, 2, 6)]
    built = L.roster(
        people,
        cols,
        titles=titles(MINH_PHAT),
        header_rows=[top, sub],
        merges=merges,
        number_row=numbers,
    )
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M5",
        '"Chức vụ" over Đảng / Chính quyền / Đoàn thể; Ngày vào Đảng over two dates; (1)…(9) row',
        people,
        "Chi bộ Công ty TNHH Minh Phát",
    )


@entry
def m09(root):
    file = "02. Dang bo huyen Da Bac/KP1/DS KP1 mau 37 cot.xlsx"
    people = People(file).many(5)
    top = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "",
        "Ngày vào Đảng",
        "",
        "Số thẻ đảng viên",
    ]
    top += ["Trình độ", "", "", ""]
    sub = [
        "",
        "",
        "",
        "Nam",
        "Nữ",
        "Dự bị",
        "Chính thức",
        "",
        "GDPT",
        "Chuyên môn",
        "LLCT",
        "Ngoại ngữ",
    ]
    cols = [L.stt(), L.name(), L.birth(), L.Col("", lambda p: "x" if p.gender == "nam" else ""),
            L.Col("", lambda p: "x" if p.gender == "nu" else ""), L.admitted(), L.official(), L.card(),
            L.const("", "12/12"), L.const("", "Đại học"), L.const("", "Sơ cấp"), L.const("", "B1")]  # fmt: skip
    merges = [(0, 3, 0, 4), (0, 5, 0, 6), (0, 8, 0, 11)] + [(0, c, 1, c) for c in (0, 1, 2, 7)]
    numbers = [str(i) for i in range(1, 13)]
    built = L.roster(
        people, cols, titles=titles(KP1), header_rows=[top, sub], merges=merges, number_row=numbers
    )
    one_sheet(root, file, built)
    return replace(
        roster_expect(
            file,
            "M6",
            "Giới tính over Nam/Nữ x marks; Ngày vào Đảng over Dự bị/Chính thức; Trình độ over 4 levels; 1…12 row",
            people,
            "Chi bộ khu phố 1",
        ),
        fields=("gender", "official"),
    )


@entry
def m10(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Tay/HO TEN KHAI SINH.xls"
    people = People(file).many(5)
    cols = [L.stt(), L.name("HỌ TÊN KHAI SINH"), L.name("HỌ TÊN ĐANG DÙNG"), L.birth("NGÀY SINH"),
            L.card("SỐ THẺ ĐẢNG"), L.admitted("NGÀY VÀO ĐẢNG"), L.official("NGÀY CHÍNH THỨC")]  # fmt: skip
    built = L.roster(people, cols, titles=titles(VL_TAY, "DANH SÁCH ĐẢNG VIÊN ĐANG QUẢN LÝ"))
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M7",
        "capital headers HỌ TÊN KHAI SINH / HỌ TÊN ĐANG DÙNG / SỐ THẺ ĐẢNG; .xls",
        people,
        "Chi bộ thôn Tây",
    )


@entry
def m11(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Bac/ten dang dung.xlsx"
    people = People(file).many(5)
    cols = [L.stt("Số TT"), L.name("Tên đang dùng"), L.birth("Ngày, tháng, năm sinh"),
            L.card("Số thẻ"), L.admitted("Ngày kết nạp"), L.official()]  # fmt: skip
    built = L.roster(people, cols, titles=titles(VL_BAC))
    one_sheet(root, file, built)
    return roster_expect(
        file, "M8", 'name column headed "Tên đang dùng"', people, "Chi bộ thôn Bắc"
    )


@entry
def m12(root):
    file = "01. Dang bo huyen Song Cau/THPT/mau nhap (co dau sao).xlsx"
    people = People(file).many(5)
    cols = [L.stt(), L.name("Họ và tên (*)"), L.birth("Ngày sinh *"), L.gender("Giới tính*"),
            L.card("Số thẻ đảng viên (*)"), L.admitted("Ngày vào Đảng (*)"), L.official()]  # fmt: skip
    above = [["Các cột có dấu (*) là bắt buộc nhập"]]
    built = L.roster(people, cols, titles=titles(THPT), above_header=above)
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M9",
        '"*" and "(*)" marks on required headers; a note line above',
        people,
        "Chi bộ Trường THPT Sông Cầu",
    )


@entry
def m13(root):
    file = "02. Dang bo huyen Da Bac/KP2/DS dang vien dang quan ly KP2.xlsx"
    people = People(file).many(6)
    cols = [L.stt(), L.name("HỌ TÊN KHAI SINH"), L.birth("NGÀY SINH"), L.card("SỐ THẺ ĐẢNG"),
            L.admitted("NGÀY VÀO ĐẢNG"), L.official("NGÀY CHÍNH THỨC")]  # fmt: skip
    above = [["Chi bộ: ………………………… Tuổi Đảng: ………… Giới tính: ……"]]
    built = L.roster(
        people, cols, titles=titles(KP2, "DANH SÁCH ĐẢNG VIÊN ĐANG QUẢN LÝ"), above_header=above
    )
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M10",
        'filter line "Chi bộ: …… Tuổi Đảng: ……" above the header',
        people,
        "Chi bộ khu phố 2",
    )


@entry
def m14(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Tay/don vi cong tac.xlsx"
    people = People(file).many(5)
    cols = [L.stt(), L.name(), L.birth(), L.card(), L.admitted(), L.official(),
            L.Col("Đơn vị", lambda p: {"Giáo viên": "Trường Tiểu học Vạn Lộc", "Cán bộ xã": "UBND xã Vạn Lộc"}.get(p.job, "Tự do"))]  # fmt: skip
    built = L.roster(people, cols, titles=titles(VL_TAY))
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M11",
        '"Đơn vị" column holds the workplace (UBND xã, Trường Tiểu học), the chi bộ is in the title',
        people,
        "Chi bộ thôn Tây",
    )


@entry
def m15(root):
    file = "02. Dang bo huyen Da Bac/KP1/dang_vien_kp1.csv"
    people = People(file).many(6)
    cols = [L.name("ho_ten"), L.birth("ngay_sinh"), L.gender("gioi_tinh"), L.card("so_the_dang_vien"),
            L.cccd("so_cccd"), L.admitted("ngay_vao_dang"), L.official("ngay_chinh_thuc"),
            L.const("chi_bo", "Chi bộ khu phố 1")]  # fmt: skip
    built = L.roster(people, cols)
    write(root / file, [Sheet("csv", built.rows)], encoding="utf-8")
    return roster_expect(
        file,
        "M12",
        "snake_case headers, chi bộ per row, no title; UTF-8",
        people,
        "Chi bộ khu phố 1",
        encoding="utf-8",
    )


@entry
def m16(root):
    file = "02. Dang bo huyen Da Bac/KP2/dangVienExport.csv"
    people = People(file).many(6)
    cols = [L.stt("stt"), L.name("hoTen"), L.birth("ngaySinh"), L.card("soTheDangVien"), L.cccd("soCCCD"),
            L.admitted("ngayVaoDang"), L.official("ngayChinhThuc"), L.const("chiBo", "Chi bộ khu phố 2")]  # fmt: skip
    built = L.roster(people, cols)
    write(root / file, [Sheet("csv", built.rows)], encoding="utf-8-sig")
    return roster_expect(
        file,
        "M13",
        "camelCase headers, chi bộ per row; UTF-8 with BOM",
        people,
        "Chi bộ khu phố 2",
        encoding="utf-8-sig",
    )


def so_danh_sach(people, unit_titles):
    """The official "Sổ danh sách đảng viên": composite cells and a card one digit per cell."""
    top = ["Số TT", "Họ và tên\nNgày sinh", "Nam nữ, dân tộc, tôn giáo", "Quê quán",
           "Ngày vào Đảng, ngày chính thức", "Số thẻ đảng viên", "", "", "", "", "", "", "", "Nghề nghiệp"]  # fmt: skip
    rows = [[t] for t in unit_titles] + [
        ["SỔ DANH SÁCH ĐẢNG VIÊN"],
        ["Tính đến ngày 30/9/2026"],
        [],
    ]
    header_at = len(rows)
    rows.append(top)
    rows.append(["1", "2", "3", "4", "5", "6", "", "", "", "", "", "", "", "7"])
    row_of = []
    for i, p in enumerate(people, 1):
        dates = f"{L.dmy(p.admitted)}\n{L.dmy(p.official)}" if p.official else L.dmy(p.admitted)
        rows.append(
            [
                i,
                f"{p.full_name}\n{L.dmy(p.birth)}",
                f"{p.gender_label}, {p.ethnicity}, {p.religion}",
                "Hà Lam",
                dates,
                *list(p.card),
                p.job,
            ]
        )
        row_of.append(len(rows))
    merges = [(header_at, 5, header_at, 12), (header_at + 1, 5, header_at + 1, 12)]
    return L.Built(rows, merges, row_of)


@entry
def m17(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Bac/So danh sach dang vien.xlsx"
    people = People(file).many(6)
    one_sheet(root, file, so_danh_sach(people, VL_BAC), sheet="So DS")
    return replace(
        roster_expect(
            file,
            "M14",
            'official "Sổ danh sách đảng viên": name + birth in one cell on two lines; "Nam nữ, dân tộc, '
            'tôn giáo" in one cell; two dates in one cell; card one digit per cell',
            people,
            "Chi bộ thôn Bắc",
        ),
        fields=("official", "gender"),
    )


@entry
def m18(root):
    file = "02. Dang bo huyen Da Bac/Minh Phat/so danh sach (ban xls).xls"
    people = People(file).many(5)
    one_sheet(root, file, so_danh_sach(people, MINH_PHAT), sheet="So DS")
    return replace(
        roster_expect(file, "M14", "M14 as .xls", people, "Chi bộ Công ty TNHH Minh Phát"),
        fields=("official", "gender"),
    )


@entry
def m19(root):
    file = "02. Dang bo huyen Da Bac/KP1/ten va ngay sinh mot o.xlsx"
    people = People(file).many(5)
    cols = [L.stt(), L.Col("Họ và tên\nNgày sinh", lambda p: f"{p.full_name}\n{L.dmy(p.birth)}"),
            L.card(), L.admitted(), L.official()]  # fmt: skip
    built = L.roster(people, cols, titles=titles(KP1))
    one_sheet(root, file, built)
    return roster_expect(
        file, "M15", "name and birth date in one cell on two lines", people, "Chi bộ khu phố 1"
    )


@entry
def m20(root):
    file = "01. Dang bo huyen Song Cau/THPT/ho dem va ten.xlsx"
    people = People(file).many(6)
    cols = [L.stt(), L.Col("Họ đệm", lambda p: p.first_part), L.Col("Tên", lambda p: p.given),
            L.birth(), L.card(), L.admitted(), L.official()]  # fmt: skip
    built = L.roster(people, cols, titles=titles(THPT))
    one_sheet(root, file, built)
    return roster_expect(
        file, "M16", '"Họ đệm" and "Tên" in two columns', people, "Chi bộ Trường THPT Sông Cầu"
    )


@entry
def m21(root):
    file = "02. Dang bo huyen Da Bac/KP2/the dang tung o.xlsx"
    people = People(file).many(5)
    top = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Số thẻ đảng viên",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Ngày vào Đảng",
    ]
    cols = [L.stt(), L.name(), L.birth()]
    cols += [L.Col("", lambda p, i=i: p.card[i]) for i in range(8)]
    cols += [L.admitted()]
    built = L.roster(people, cols, titles=titles(KP2), header_rows=[top], merges=[(0, 3, 0, 10)])
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M17",
        "card number written one digit per cell under a merged header",
        people,
        "Chi bộ khu phố 2",
    )


@entry
def m22(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Tay/hai ngay mot o.xlsx"
    people = People(file).many(5)
    cols = [L.stt(), L.name(), L.birth(), L.card(),
            L.Col("Ngày vào Đảng, ngày chính thức", lambda p: f"{L.dmy(p.admitted)}\n{L.dmy(p.official)}".strip())]  # fmt: skip
    built = L.roster(people, cols, titles=titles(VL_TAY))
    one_sheet(root, file, built)
    return replace(
        roster_expect(
            file,
            "M18",
            '"Ngày vào Đảng, ngày chính thức": two dates in one cell',
            people,
            "Chi bộ thôn Tây",
        ),
        fields=("official",),
    )


@entry
def m23(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Bac/gioi tinh dan toc ton giao.ods"
    people = People(file).many(5)
    cols = [L.stt(), L.name(), L.birth(), L.Col("Giới tính, dân tộc, tôn giáo",
            lambda p: f"{p.gender_label}, {p.ethnicity}, {p.religion}"), L.card(), L.admitted()]  # fmt: skip
    built = L.roster(people, cols, titles=titles(VL_BAC))
    one_sheet(root, file, built)
    return replace(
        roster_expect(
            file,
            "M19",
            '"Giới tính, dân tộc, tôn giáo" in one cell; .ods',
            people,
            "Chi bộ thôn Bắc",
        ),
        fields=("gender",),
    )


@entry
def m24(root):
    """A 12-sheet register: the full list with chi bộ per row, and subsets of it."""
    file = "01. Dang bo huyen Song Cau/Van Loc/So quan ly dang vien Van Loc.xlsx"
    gen = People(file)
    west, north = gen.many(6), gen.many(5)
    north[1] = replace(north[1], official=None)
    west[2] = replace(west[2], official=None)
    people = west + north
    branch = {p: ("Chi bộ thôn Tây" if p in west else "Chi bộ thôn Bắc") for p in people}
    cols = [L.stt(), L.name(), L.birth(), L.card(), L.admitted(), L.official(),
            L.Col("Chi bộ", lambda p: branch[p])]  # fmt: skip
    unit = ["ĐẢNG BỘ XÃ VẠN LỘC"]

    def sheet(name, members, heading, columns=cols):
        built = L.roster(members, columns, titles=titles(unit, heading))
        return Sheet(name, built.rows, built.merges)

    probation = [p for p in people if p.official is None]
    sheets = [
        Sheet("Bia", [["SỔ QUẢN LÝ ĐẢNG VIÊN"], ["ĐẢNG BỘ XÃ VẠN LỘC"], ["Năm 2026"]]),
        Sheet("Huong dan", [['Hướng dẫn: nhập đảng viên vào trang "DS chung".']]),
        sheet("DS chung", people, "DANH SÁCH ĐẢNG VIÊN"),
        sheet("Thon Tay", west, "DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN TÂY"),
        sheet("Thon Bac", north, "DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN BẮC"),
        sheet("Du bi", probation, "DANH SÁCH ĐẢNG VIÊN DỰ BỊ"),
        sheet("Thieu ho so", people[:3], "ĐẢNG VIÊN CÒN THIẾU HỒ SƠ", cols[:4] + cols[6:]),
        sheet("Mien SH", [], "ĐẢNG VIÊN MIỄN SINH HOẠT"),
        Sheet(
            "Tong hop", [["TỔNG HỢP"], ["Chi bộ", "Số đảng viên"], ["Thôn Tây", 6], ["Thôn Bắc", 5]]
        ),
        Sheet(
            "Chuyen di", [["ĐẢNG VIÊN CHUYỂN ĐI"], ["STT", "Họ và tên", "Ngày chuyển", "Nơi đến"]]
        ),
        Sheet("Danh muc", [["Dân tộc"], ["Kinh"], ["Tày"], ["Mường"]]),
        Sheet("Mau in", []),
    ]
    write(root / file, sheets)
    exp = roster_expect(
        file,
        "M20",
        "12 sheets: cover, guide, full list (chi bộ per row), two per-chi-bộ lists, probationary, "
        "missing dossiers, exempt (empty), summary, transfers (empty), lists, blank",
        people,
        "",
    )
    exp.people = [(p, branch[p]) for p in people]
    return exp


@entry
def m25(root):
    file = "02. Dang bo huyen Da Bac/KP1/DS KP1 va du bi.xlsx"
    people = People(file).many(6)
    people[0] = replace(people[0], official=None)
    people[3] = replace(people[3], official=None)
    full = L.roster(people, L.STANDARD, titles=titles(KP1))
    part = L.roster([people[0], people[3]], L.STANDARD, titles=titles(KP1, "ĐẢNG VIÊN DỰ BỊ"))
    write(root / file, [Sheet("Du bi", part.rows), Sheet("Danh sach", full.rows)])
    return roster_expect(
        file, "M21", "probationary subset sheet before the full list", people, "Chi bộ khu phố 1"
    )


@entry
def m26(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Tay/thieu ngay sinh.xlsx"
    people = People(file).many(6)
    people[1] = replace(people[1], birth=None)
    people[4] = replace(people[4], birth=None)
    built = L.roster(people, L.STANDARD, titles=titles(VL_TAY))
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M22",
        "two members with a card and no birth date on record",
        people,
        "Chi bộ thôn Tây",
    )


@entry
def m27(root):
    file = "02. Dang bo huyen Da Bac/KP2/thieu ngay vao dang.xls"
    people = People(file).many(6)
    people[0] = replace(people[0], admitted=None, official=None)
    people[5] = replace(people[5], admitted=None, official=None, birth=None)
    built = L.roster(people, L.STANDARD, titles=titles(KP2))
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M23",
        "members with a card and no admission date (one with no birth date either); .xls",
        people,
        "Chi bộ khu phố 2",
    )


@entry
def m28(root):
    file = "02. Dang bo huyen Da Bac/KP7/ds kp7.xlsx"
    people = People(file).many(4)
    built = L.roster(
        people, L.STANDARD, titles=titles(["ĐẢNG BỘ THỊ TRẤN ĐÁ BẠC", "CHI BỘ KHU PHỐ 7"])
    )
    one_sheet(root, file, built)
    return Expect(
        file,
        "M24",
        'roster of a chi bộ not yet in the database ("Chi bộ khu phố 7")',
        "members",
        "refused",
        message=["khu phố 7", "--create-units"],
    )


@entry
def m29(root):
    file = "02. Dang bo huyen Da Bac/KP7/ds kp7 (tao don vi).xlsx"
    people = People(file).many(4)
    built = L.roster(
        people, L.STANDARD, titles=titles(["ĐẢNG BỘ THỊ TRẤN ĐÁ BẠC", "CHI BỘ KHU PHỐ 7"])
    )
    one_sheet(root, file, built)
    exp = roster_expect(
        file,
        "M24",
        "M24 imported with --create-units: the chi bộ is created under its đảng bộ",
        people,
        "Chi bộ khu phố 7",
    )
    exp.args = ["--create-units"]
    exp.counts["organization"] = 1
    exp.orgs = [("Chi bộ khu phố 7", "chi_bo_truc_thuoc", DA_BAC_TOWN)]
    return exp


@entry
def m30(root):
    file = "01. Dang bo huyen Song Cau/Van Loc/ds theo chi bo.xlsx"
    gen = People(file)
    west, north = gen.many(4), gen.many(3)
    branch = {p: "Thôn Tây" if p in west else "Thôn Bắc" for p in west + north}
    cols = [
        L.stt(),
        L.name(),
        L.birth(),
        L.card(),
        L.admitted(),
        L.Col(
            "Sinh hoạt tại chi bộ", lambda p: f"Chi bộ {branch[p].lower().replace('thôn', 'thôn')}"
        ),
    ]
    rows = [["ĐẢNG BỘ XÃ VẠN LỘC"], ["DANH SÁCH ĐẢNG VIÊN"], ["Tính đến ngày 30/9/2026"], []]
    rows.append([c.header for c in cols])
    rows.append(["I", "Chi bộ thôn Tây"])
    rows += L.body(west, cols, 0)[0]
    rows.append([])
    rows.append(["II", "Chi bộ thôn Bắc"])
    rows += L.body(north, cols, 0)[0]
    write(root / file, [Sheet("DS", rows)])
    exp = roster_expect(
        file,
        "M25",
        'chi bộ per row ("Sinh hoạt tại chi bộ"); section rows "I / Chi bộ thôn Tây"; a blank row',
        west + north,
        "",
    )
    exp.people = [(p, "Chi bộ thôn Tây" if p in west else "Chi bộ thôn Bắc") for p in west + north]
    return exp


@entry
def m31(root):
    file = "02. Dang bo huyen Da Bac/Minh Phat/ngay thang nhieu kieu.xlsx"
    people = People(file).many(6)
    styles = ["serial", "dash", "dot", "year", "date", "short"]

    def cell(day, style):
        if day is None:
            return ""
        if style == "serial":
            return (day - date(1899, 12, 30)).days
        if style == "date":
            return day
        if style == "year":
            return str(day.year)
        return L.dmy(day, style)

    cols = [L.stt(), L.name(), L.Col("Ngày sinh", lambda p: cell(p.birth, styles[people.index(p)])),
            L.card(), L.Col("Ngày vào Đảng", lambda p: cell(p.admitted, styles[people.index(p)] if styles[people.index(p)] != "year" else "slash"))]  # fmt: skip
    built = L.roster(people, cols, titles=titles(MINH_PHAT))
    one_sheet(root, file, built)
    exp = roster_expect(
        file,
        "M26",
        "dates as Excel serial numbers, 5-3-1980, 05.03.1980, year only, real dates, d/m/yyyy",
        people,
        "Chi bộ Công ty TNHH Minh Phát",
    )
    exp.year_only = [people[3].card]  # birth given as a year: the year is kept and flagged
    return exp


@entry
def m32(root):
    import unicodedata

    file = "02. Dang bo huyen Da Bac/KP1/nfd va khoang trang.xlsx"
    people = People(file).many(5)
    nbsp = "\u00a0"
    cols = [L.stt(), L.Col(unicodedata.normalize("NFD", f"Họ  và{nbsp}tên"), lambda p: unicodedata.normalize("NFD", f" {p.surname}{nbsp}{p.middle}  {p.given} ")),
            L.birth(unicodedata.normalize("NFD", "Ngày sinh")), L.card(f"Số thẻ{nbsp}đảng viên"), L.admitted()]  # fmt: skip
    built = L.roster(people, cols, titles=[unicodedata.normalize("NFD", t) for t in titles(KP1)])
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M27",
        "NFD text, non-breaking and double spaces in headers and names",
        people,
        "Chi bộ khu phố 1",
    )


@entry
def m33(root):
    file = "01. Dang bo huyen Song Cau/THPT/khong dau.xlsx"
    people = People(file).many(5)
    cols = [L.stt("stt"), L.name("HO VA\nTEN"), L.birth("ngay   SINH"), L.card("So the Dang vien"),
            L.admitted("Ngay vao Dang"), L.official("NGAY CHINH THUC")]  # fmt: skip
    built = L.roster(people, cols, titles=titles(THPT))
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M28",
        "headers without diacritics, odd case, line break and runs of spaces inside",
        people,
        "Chi bộ Trường THPT Sông Cầu",
    )


def csv_roster(root, file, layout, titles_, unit, encoding, delimiter, features):
    people = People(file).many(5)
    cols = [L.stt(), L.name(), L.Col("Ngày sinh", lambda p: L.dmy(p.birth, "short")), L.gender(),
            L.card(), L.admitted(style="short"), L.official(style="short")]  # fmt: skip
    built = L.roster(people, cols, titles=titles_, blank_after_title=False)
    write(root / file, [Sheet("csv", built.rows)], encoding=encoding, delimiter=delimiter)
    return roster_expect(file, layout, features, people, unit, encoding=encoding)


@entry
def m34(root):
    return csv_roster(root, "01. Dang bo huyen Song Cau/Chi bo thon Tay/xuat tu phan mem (utf16).csv", "M29",
                      titles(VL_TAY), "Chi bộ thôn Tây", "utf-16", "\t", "title rows in a CSV; UTF-16 with BOM; tab-separated")  # fmt: skip


@entry
def m35(root):
    return csv_roster(root, "02. Dang bo huyen Da Bac/KP2/ds kp2 cp1258.csv", "M30", titles(KP2),
                      "Chi bộ khu phố 2", "cp1258", ";", "Windows-1258 (tones as combining marks); `;`")  # fmt: skip


@entry
def m36(root):
    return csv_roster(root, "01. Dang bo huyen Song Cau/THPT/ds thpt.csv", "M31", titles(THPT),
                      "Chi bộ Trường THPT Sông Cầu", "utf-8-sig", ",", "UTF-8 with BOM; d/m/yyyy without leading zeros")  # fmt: skip


def legacy_roster(root, file, layout, encode, font, unit_titles, unit, features):
    people = People(file).many(5)
    cols = [L.stt(), L.Col(encode("Họ và tên"), lambda p: encode(p.full_name)), L.birth(encode("Ngày sinh")),
            L.Col(encode("Dân tộc"), lambda p: encode(p.ethnicity)), L.card(encode("Số thẻ đảng viên")),
            L.admitted(encode("Ngày vào Đảng"))]  # fmt: skip
    built = L.roster(people, cols, titles=[encode(t) for t in titles(unit_titles)])
    one_sheet(root, file, built, font=font)
    return roster_expect(file, layout, features, people, unit, encoding=font)


@entry
def m37(root):
    return legacy_roster(root, "01. Dang bo huyen Song Cau/Chi bo thon Bac/ds VNI.xlsx", "M32", to_vni,
                         "VNI-Times", VL_BAC, "Chi bộ thôn Bắc", "every cell typed in VNI-Windows (font VNI-Times)")  # fmt: skip


@entry
def m38(root):
    def tcvn3_upper_safe(text):
        return to_tcvn3(text)

    return legacy_roster(root, "02. Dang bo huyen Da Bac/KP1/ds TCVN3.xls", "M33", tcvn3_upper_safe,
                         ".VnTime", KP1, "Chi bộ khu phố 1", "every cell typed in TCVN3 (font .VnTime); .xls")  # fmt: skip


@entry
def m39(root):
    file = "02. Dang bo huyen Da Bac/Minh Phat/nam nu danh dau.xls"
    people = People(file).many(6)
    cols = [L.stt(), L.name(), L.birth(), L.Col("Nam", lambda p: "x" if p.gender == "nam" else ""),
            L.Col("Nữ", lambda p: "x" if p.gender == "nu" else ""), L.card(), L.admitted()]  # fmt: skip
    built = L.roster(people, cols, titles=titles(MINH_PHAT))
    one_sheet(root, file, built)
    return replace(
        roster_expect(
            file,
            "M34",
            'two columns "Nam" and "Nữ" with x marks; .xls',
            people,
            "Chi bộ Công ty TNHH Minh Phát",
        ),
        fields=("gender",),
    )


@entry
def m40(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Tay/cot nu.ods"
    people = People(file).many(5)
    cols = [L.stt(), L.name(), L.birth(), L.Col("Nữ", lambda p: "x" if p.gender == "nu" else ""),
            L.card(), L.admitted(), L.Col("Ghi chú", lambda p: "=chuyển về từ xã khác" if p is people[0] else "-")]  # fmt: skip
    built = L.roster(people, cols, titles=titles(VL_TAY))
    one_sheet(root, file, built)
    return replace(
        roster_expect(
            file,
            "M35",
            'one "Nữ" column with x; notes starting with = and -; .ods',
            people,
            "Chi bộ thôn Tây",
        ),
        fields=("gender",),
    )


@entry
def m41(root):
    file = "02. Dang bo huyen Da Bac/KP2/du bi va chinh thuc.xlsx"
    people = People(file).many(6)
    probation = [replace(p, official=None) for p in people[:2]]
    full = people[2:]
    cols = L.STANDARD
    rows = [[t] for t in titles(KP2)] + [[]]
    rows.append([c.header for c in cols])
    rows.append(["1", "2", "3", "4", "5", "6", "7", "8", "9"])
    rows.append(["A", "ĐẢNG VIÊN CHÍNH THỨC"])
    rows += L.body(full, cols, 0)[0]
    rows.append(["B", "ĐẢNG VIÊN DỰ BỊ"])
    rows += L.body(probation, cols, 0)[0]
    rows.append(["", "Cộng: 6"])
    write(root / file, [Sheet("DS", rows)])
    return roster_expect(
        file,
        "M36",
        'number row; section rows "A / ĐẢNG VIÊN CHÍNH THỨC", "B / ĐẢNG VIÊN DỰ BỊ"; "Cộng: 6"',
        full + probation,
        "Chi bộ khu phố 2",
    )


@entry
def m42(root):
    file = "01. Dang bo huyen Song Cau/THPT/cot co ghi chu.xlsx"
    people = People(file).many(5)
    cols = [L.stt("TT"), L.name("Họ và tên\n(viết chữ in thường)"), L.birth("Ngày sinh\n(dd/mm/yyyy)"),
            L.card("Số thẻ đảng viên\n(ghi đủ 8 chữ số)"), L.cccd("Số định danh cá nhân\n(12 số)"),
            L.admitted("Ngày vào Đảng\n(theo quyết định)")]  # fmt: skip
    letters = ["A", "B", "C", "D", "E", "F"]
    built = L.roster(people, cols, titles=titles(THPT), number_row=letters)
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M37",
        "header cells with a note on their second line; A, B, C… letter row",
        people,
        "Chi bộ Trường THPT Sông Cầu",
    )


@entry
def m43(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Bac/DSDV T9-2026 den 30.9.2026.xlsx"
    people = People(file).many(5)
    built = L.roster(people, L.STANDARD, titles=[*VL_BAC, "DANH SÁCH ĐẢNG VIÊN"])
    one_sheet(root, file, built)
    exp = roster_expect(
        file, "M38", 'as-of date only in the file name ("den 30.9.2026")', people, "Chi bộ thôn Bắc"
    )
    return exp


@entry
def m44(root):
    file = "02. Dang bo huyen Da Bac/05. Dang bo thi tran Da Bac/Chi bo khu pho 1/danh sach.xlsx"
    people = People(file).many(4)
    built = L.roster(people, L.STANDARD, titles=["DANH SÁCH ĐẢNG VIÊN", "Tính đến ngày 30/9/2026"])
    one_sheet(root, file, built)
    return roster_expect(
        file,
        "M39",
        'no unit in the title: the folders name it ("05. Dang bo thi tran Da Bac/Chi bo khu pho 1")',
        people,
        "Chi bộ khu phố 1",
    )


# --- Rosters that must be refused, or imported with warnings ---------------------------------------


@entry
def p01(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Tay/ngay bat thuong.xlsx"
    gen = People(file)
    people = gen.many(5)
    people[0] = replace(
        people[0], birth=date(1990, 4, 4), admitted=date(1988, 6, 1), official=date(1989, 6, 1)
    )
    people[1] = replace(
        people[1], birth=date(2001, 2, 2), admitted=date(2016, 3, 3), official=date(2017, 3, 3)
    )
    people[2] = replace(people[2], admitted=date(2012, 5, 5), official=date(2012, 8, 5))
    people[3] = replace(people[3], admitted=date(2027, 1, 10), official=None)
    built = L.roster(people, L.STANDARD, titles=titles(VL_TAY))
    one_sheet(root, file, built)
    exp = roster_expect(
        file,
        "P1",
        "implausible dates: born after admission, admitted at 15, official 3 months after admission, "
        "admission in the future",
        people,
        "Chi bộ thôn Tây",
    )
    exp.warnings = [f"dòng {built.row_of[i]}" for i in range(4)]
    return exp


@entry
def p02(root):
    file = "02. Dang bo huyen Da Bac/KP1/the 7 so.csv"
    people = People(file).many(4)
    people[1] = replace(people[1], card=people[1].card[1:])
    people[2] = replace(people[2], cccd=people[2].cccd[:11])
    cols = [
        L.stt(),
        L.name(),
        L.birth(),
        L.card(),
        L.cccd(),
        L.admitted(),
        L.const("Chi bộ", "Chi bộ khu phố 1"),
    ]
    built = L.roster(people, cols)
    write(root / file, [Sheet("csv", built.rows)], encoding="utf-8", delimiter=";")
    exp = roster_expect(
        file,
        "P2",
        "a 7-digit card and an 11-digit CCCD: warnings saying how many digits",
        people,
        "Chi bộ khu phố 1",
        encoding="utf-8",
    )
    exp.warnings = ["7 chữ số", "11 chữ số"]
    return exp


@entry
def p03(root):
    file = "01. Dang bo huyen Song Cau/THPT/ngay khong co that.xlsx"
    people = People(file).many(4)
    built = L.roster(people, L.STANDARD, titles=titles(THPT))
    row = built.row_of[2] - 1
    built.rows[row][2] = "31/02/1980"
    one_sheet(root, file, built)
    return Expect(
        file,
        "P3",
        "an impossible date 31/02/1980: refused naming row, column and value",
        "members",
        "refused",
        message=[f"dòng {built.row_of[2]}", "Ngày sinh", "31/02/1980"],
    )


@entry
def p04(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Bac/trung the voi nguoi khac.xlsx"
    people = People(file).many(4)
    clash = BASE_PEOPLE[0]
    people[2] = replace(people[2], card=clash.card)
    built = L.roster(people, L.STANDARD, titles=titles(VL_BAC))
    one_sheet(root, file, built)
    return Expect(
        file,
        "P4",
        "a card the database holds for another person (other name and birth date)",
        "members",
        "refused",
        message=[f"dòng {built.row_of[2]}", clash.card, clash.full_name],
    )


@entry
def p05(root):
    file = "02. Dang bo huyen Da Bac/KP2/dong lap lai.xlsx"
    people = People(file).many(5)
    people.append(people[1])
    built = L.roster(people, L.STANDARD, titles=titles(KP2))
    one_sheet(root, file, built)
    return Expect(
        file,
        "P5",
        "the same member twice (copy-pasted row)",
        "members",
        "refused",
        message=[f"dòng {built.row_of[1]}", f"dòng {built.row_of[5]}", people[1].card],
    )


@entry
def p06(root):
    file = "02. Dang bo huyen Da Bac/Minh Phat/trung cccd.csv"
    people = People(file).many(4)
    people[3] = replace(people[3], cccd=people[0].cccd)
    cols = [
        L.stt(),
        L.name(),
        L.birth(),
        L.card(),
        L.cccd(),
        L.admitted(),
        L.const("Chi bộ", "Chi bộ Công ty TNHH Minh Phát"),
    ]
    built = L.roster(people, cols)
    write(root / file, [Sheet("csv", built.rows)], encoding="utf-8")
    return Expect(
        file,
        "P6",
        "two people with one CCCD (different cards) in one file; UTF-8 CSV",
        "members",
        "refused",
        encoding="utf-8",
        message=[f"dòng {built.row_of[0]}", f"dòng {built.row_of[3]}", people[0].cccd],
    )


@entry
def p07(root):
    file = "01. Dang bo huyen Song Cau/Van Loc/hai danh sach.xlsx"
    gen = People(file)
    a, b, c = gen.many(3), gen.many(3), gen.many(2)
    cols = L.STANDARD
    one = L.roster(a + c, cols, titles=titles(VL_TAY))
    two = L.roster(b + c, cols, titles=titles(VL_TAY))
    write(root / file, [Sheet("Danh sach 1", one.rows), Sheet("Danh sach 2", two.rows)])
    return Expect(
        file,
        "P7",
        "two overlapping lists, neither a subset of the other: refused naming both sheets",
        "members",
        "refused",
        message=["Danh sach 1", "Danh sach 2", "--sheet"],
    )


@entry
def p08(root):
    file = "01. Dang bo huyen Song Cau/Van Loc/hai danh sach (chon trang).xlsx"
    gen = People(file)
    a, b, c = gen.many(3), gen.many(3), gen.many(2)
    one = L.roster(a + c, L.STANDARD, titles=titles(VL_TAY))
    two = L.roster(b + c, L.STANDARD, titles=titles(VL_TAY))
    write(root / file, [Sheet("Danh sach 1", one.rows), Sheet("Danh sach 2", two.rows)])
    exp = roster_expect(file, "P7", 'P7 with --sheet "Danh sach 2"', b + c, "Chi bộ thôn Tây")
    exp.args = ["--sheet", "Danh sach 2"]
    return exp


@entry
def p09(root):
    file = "02. Dang bo huyen Da Bac/KP1/trung cccd voi nguoi khac.xlsx"
    people = People(file).many(4)
    clash = BASE_PEOPLE[1]
    people[1] = replace(people[1], cccd=clash.cccd)
    cols = [L.stt(), L.name(), L.birth(), L.cccd("Số định danh cá nhân"), L.card(), L.admitted()]
    built = L.roster(people, cols, titles=titles(KP1))
    one_sheet(root, file, built)
    return Expect(
        file,
        "P8",
        "a CCCD the database holds for another person (the card is the file's own)",
        "members",
        "refused",
        message=[f"dòng {built.row_of[1]}", clash.cccd, clash.full_name],
    )


@entry
def p10(root):
    file = "01. Dang bo huyen Song Cau/THPT/khong the trung ten ngay sinh.csv"
    people = People(file).many(4)
    people = [replace(p, card=None, cccd=None) for p in people]
    people.append(people[2])
    cols = [
        L.stt(),
        L.name(),
        L.birth(),
        L.admitted(),
        L.const("Chi bộ", "Chi bộ Trường THPT Sông Cầu"),
    ]
    built = L.roster(people, cols)
    write(root / file, [Sheet("csv", built.rows)], encoding="utf-8", delimiter=";")
    return Expect(
        file,
        "P9",
        "no cards: the same name and birth date twice; UTF-8 CSV with `;`",
        "members",
        "refused",
        encoding="utf-8",
        message=[f"dòng {built.row_of[2]}", f"dòng {built.row_of[4]}", people[2].full_name],
    )


@entry
def m45(root):
    file = "02. Dang bo huyen Da Bac/Minh Phat/bang lech cot.xlsx"
    people = People(file).many(5)
    built = L.roster(people, L.STANDARD, titles=titles(MINH_PHAT))
    rows = [[], [], *[["", "", *r] if r else [] for r in built.rows]]
    write(root / file, [Sheet("DS", rows)])
    return roster_expect(
        file,
        "M40",
        "the whole table starts at C3: two empty columns and rows before it",
        people,
        "Chi bộ Công ty TNHH Minh Phát",
    )


@entry
def m46(root):
    file = "01. Dang bo huyen Song Cau/tong hop/ds.xlsx"
    people = People(file).many(5)
    built = L.roster(people, L.STANDARD)
    one_sheet(root, file, built, sheet="Sheet1")
    exp = roster_expect(
        file, "M41", "header on row 1, no title, no unit anywhere: the unit comes from --unit, the as-of date from --as-of",
        people, "Chi bộ thôn Bắc",
    )  # fmt: skip
    exp.args = ["--unit", "Chi bộ thôn Bắc", "--as-of", "30/09/2026"]
    return exp


# --- Changes ----------------------------------------------------------------------------------


def base(i):
    return BASE_PEOPLE[i]


def changes_rows(cols_header, rows):
    return [cols_header, *rows]


@entry
def c01(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Dong/bien dong 2026.xlsx"
    newcomer = People(file).person(admitted=date(2026, 4, 10), official=None)
    head = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Số thẻ đảng viên",
        "Loại biến động",
        "Ngày quyết định",
        "Số quyết định",
    ]
    data = [
        [
            1,
            base(0).full_name,
            L.dmy(base(0).birth),
            base(0).card,
            "Từ trần",
            "04/03/2026",
            "12-QĐ/ĐU",
        ],
        [
            2,
            base(4).full_name,
            L.dmy(base(4).birth),
            base(4).card,
            "Khai trừ khỏi Đảng",
            "20/05/2026",
            "45-QĐ/HU",
        ],
        [
            3,
            newcomer.full_name,
            L.dmy(newcomer.birth),
            newcomer.card,
            "Kết nạp",
            "10/04/2026",
            "30-QĐ/HU",
        ],
    ]
    rows = [
        ["ĐẢNG BỘ XÃ VẠN LỘC"],
        ["CHI BỘ THÔN ĐÔNG"],
        ["DANH SÁCH BIẾN ĐỘNG ĐẢNG VIÊN NĂM 2026"],
        [],
        head,
        *data,
    ]
    write(root / file, [Sheet("Bien dong", rows)])
    return Expect(
        file,
        "C1",
        'change "Khai trừ khỏi Đảng" (leading words of Khai trừ); Từ trần; Kết nạp of a new member',
        "changes",
        "imported",
        counts={"membership_event": 3, "member": 1},
        events=[
            (base(0).card, "died", date(2026, 3, 4)),
            (base(4).card, "expelled", date(2026, 5, 20)),
            (newcomer.card, "admitted", date(2026, 4, 10)),
        ],
    )


@entry
def c02(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Dong/bien dong (cach viet khac).xls"
    head = [
        "TT",
        "Họ tên",
        "Năm sinh",
        "Số thẻ ĐV",
        "Nội dung",
        "Ngày",
        "Số QĐ",
        "Phạm vi",
        "Nơi đến",
    ]
    data = [
        [1, base(1).full_name, L.dmy(base(1).birth), base(1).card, "Chuyển sinh hoạt đảng đi (chính thức)", "02/02/2026", "", "Tỉnh khác", "Đảng bộ tỉnh Bình Định"],
        [2, base(2).full_name, L.dmy(base(2).birth), base(2).card, "Xoá tên khỏi danh sách", "15/06/2026", "7-QĐ/ĐU", "", ""],
        [3, base(3).full_name, L.dmy(base(3).birth), base(3).card, "Miễn công tác và sinh hoạt đảng", "01/07/2026", "", "", ""],
    ]  # fmt: skip
    rows = [
        ["CHI BỘ THÔN ĐÔNG - ĐẢNG BỘ XÃ VẠN LỘC"],
        ["BÁO CÁO BIẾN ĐỘNG ĐẢNG VIÊN NĂM 2026"],
        [],
        head,
        *data,
    ]
    write(root / file, [Sheet("BD", rows)])
    return Expect(
        file,
        "C2",
        'kinds with trailing words ("Chuyển sinh hoạt đảng đi (chính thức)", "Xoá tên khỏi danh sách"); '
        'scope "Tỉnh khác"; .xls',
        "changes",
        "imported",
        counts={"membership_event": 3},
        events=[
            (base(1).card, "transferred_out", date(2026, 2, 2)),
            (base(2).card, "removed", date(2026, 6, 15)),
            (base(3).card, "exempted", date(2026, 7, 1)),
        ],
    )


@entry
def c03(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Dong/bd_dang_vien.csv"
    head = ["ho_ten", "ngay_sinh", "so_the", "hinh_thuc", "ngay_bien_dong", "chi_bo"]
    data = [
        [
            base(0).full_name,
            L.dmy(base(0).birth),
            base(0).card,
            "Từ trần (bệnh)",
            "04/03/2026",
            "Chi bộ thôn Đông",
        ],
        [
            base(3).full_name,
            L.dmy(base(3).birth),
            base(3).card,
            "Đình chỉ sinh hoạt đảng 90 ngày",
            "11/08/2026",
            "Chi bộ thôn Đông",
        ],
    ]
    write(root / file, [Sheet("csv", [head, *data])], encoding="utf-8")
    return Expect(
        file,
        "C3",
        'snake_case changes export; kinds with trailing words ("Từ trần (bệnh)", "Đình chỉ … 90 ngày")',
        "changes",
        "imported",
        encoding="utf-8",
        counts={"membership_event": 2},
        events=[
            (base(0).card, "died", date(2026, 3, 4)),
            (base(3).card, "suspended", date(2026, 8, 11)),
        ],
    )


@entry
def c04(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Dong/bien dong hai dong tieu de.xlsx"
    top = ["STT", "Đảng viên", "", "", "Biến động", "", ""]
    sub = ["", "Họ và tên", "Ngày sinh", "Số thẻ", "Hình thức", "Ngày", "Số quyết định"]
    data = [
        [
            1,
            base(4).full_name,
            L.dmy(base(4).birth),
            base(4).card,
            "Bị khai trừ ra khỏi Đảng",
            "20/05/2026",
            "45-QĐ/HU",
        ],
        [
            2,
            base(1).full_name,
            L.dmy(base(1).birth),
            base(1).card,
            "Xin ra khỏi Đảng",
            "09/09/2026",
            "",
        ],
    ]
    rows = [["CHI BỘ THÔN ĐÔNG"], ["BIẾN ĐỘNG NĂM 2026"], [], top, sub, *data]
    write(root / file, [Sheet("BD", rows, [(3, 1, 3, 3), (3, 4, 3, 6), (3, 0, 4, 0)])])
    return Expect(
        file,
        "C4",
        'two-row header (Đảng viên / Biến động groups); "Bị khai trừ ra khỏi Đảng"',
        "changes",
        "imported",
        counts={"membership_event": 2},
        events=[
            (base(4).card, "expelled", date(2026, 5, 20)),
            (base(1).card, "resigned", date(2026, 9, 9)),
        ],
    )


# --- Evaluations ----------------------------------------------------------------------------------


SCORES = [92.5, 85, 78.25, 96, 70]


@entry
def e01(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Dong/Ket qua xep loai nam 2025.xlsx"
    head = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Số thẻ đảng viên",
        "Tổng điểm",
        "Tự xếp loại",
        "Kỷ luật trong năm",
    ]
    data = [[i, p.full_name, L.dmy(p.birth), p.card, str(s).replace(".", ","), "Hoàn thành tốt nhiệm vụ", ""]
            for i, (p, s) in enumerate(zip(BASE_PEOPLE, SCORES, strict=True), 1)]  # fmt: skip
    rows = [
        ["CHI BỘ THÔN ĐÔNG"],
        ["KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN NĂM 2025"],
        [],
        head,
        *data,
    ]
    write(root / file, [Sheet("XL", rows)])
    return Expect(
        file, "E1", "member evaluations, scores with a decimal comma as text", "evaluations", "imported",
        counts={"member_evaluation": 5},
        evaluations=[(p.card, s, 2025, 0) for p, s in zip(BASE_PEOPLE, SCORES, strict=True)],
    )  # fmt: skip


@entry
def e02(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Dong/XL quy 3-2026.xls"
    top = ["STT", "Họ và tên", "Số thẻ ĐV", "Điểm đánh giá", "", "", "Xếp loại", ""]
    sub = ["", "", "", "Tiêu chí chung", "Thực hiện nhiệm vụ", "Tổng", "Chi bộ đề xuất", "Kỷ luật"]
    data = [[i, p.full_name, p.card, min(30, s - 50), s - min(30, s - 50), s, "HTTNV", "Khiển trách" if i == 2 else ""]
            for i, (p, s) in enumerate(zip(BASE_PEOPLE, SCORES, strict=True), 1)]  # fmt: skip
    rows = [["CHI BỘ THÔN ĐÔNG"], ["KẾT QUẢ XẾP LOẠI ĐẢNG VIÊN"], [], top, sub, *data]
    write(root / file, [Sheet("Q3", rows, [(3, 3, 3, 5), (3, 6, 3, 7)])])
    return Expect(
        file,
        "E2",
        'period only in the file name ("XL quy 3-2026"); "Điểm đánh giá" over three sub-scores; .xls',
        "evaluations",
        "imported",
        counts={"member_evaluation": 5},
        evaluations=[(p.card, s, 2026, 3) for p, s in zip(BASE_PEOPLE, SCORES, strict=True)],
    )


@entry
def e03(root):
    file = "01. Dang bo huyen Song Cau/Chi bo thon Dong/danhGiaDangVien2025.csv"
    head = ["hoTen", "soTheDangVien", "diemDanhGia", "tuXepLoai", "namDanhGia"]
    data = [
        [p.full_name, p.card, s, "Hoàn thành xuất sắc nhiệm vụ", 2025]
        for p, s in zip(BASE_PEOPLE, SCORES, strict=True)
    ]
    write(root / file, [Sheet("csv", [head, *data])], encoding="utf-16", delimiter="\t")
    return Expect(
        file,
        "E3",
        "camelCase evaluation export with a year column; UTF-16 tab-separated",
        "evaluations",
        "imported",
        encoding="utf-16",
        args=["--unit", "Chi bộ thôn Đông"],
        counts={"member_evaluation": 5},
        evaluations=[(p.card, s, 2025, 0) for p, s in zip(BASE_PEOPLE, SCORES, strict=True)],
    )


@entry
def e04(root):
    file = "01. Dang bo huyen Song Cau/Van Loc/xep loai to chuc 2025.xlsx"
    head = ["STT", "Tên tổ chức đảng", "Tổng điểm", "Kết quả xếp loại"]
    data = [
        [1, "Chi bộ thôn Đông", 91, "HTTNV"],
        [2, "Chi bộ thôn Tây", 84.5, "HTNV"],
        [3, "Chi bộ thôn Bắc", 95, "HTXSNV"],
    ]
    rows = [
        ["ĐẢNG BỘ XÃ VẠN LỘC"],
        ["KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI TỔ CHỨC ĐẢNG NĂM 2025"],
        [],
        head,
        *data,
    ]
    write(root / file, [Sheet("TCD", rows)])
    return Expect(
        file,
        "E4",
        "organisation evaluations of a đảng bộ's chi bộ",
        "evaluations",
        "imported",
        counts={"organization_evaluation": 3},
        org_evaluations=[
            ("Chi bộ thôn Đông", 91, 2025, 0),
            ("Chi bộ thôn Tây", 84.5, 2025, 0),
            ("Chi bộ thôn Bắc", 95, 2025, 0),
        ],
    )


# --- A district's folder: organisations, rosters, changes, evaluations (also the order test's) ----

BEN_NGHE_FOLDER = "03. Dang bo thi xa Ben Nghe"
TDP3 = ["ĐẢNG BỘ PHƯỜNG AN HÒA", "CHI BỘ TỔ DÂN PHỐ 3"]


def ben_nghe_folder(root: Path, folder: str, district_word: str) -> list[Expect]:
    """Bến Nghé's files as its clerk sends them: the organisation list (whose district row uses
    `district_word`), two rosters of one chi bộ (June and September), a changes file, an
    evaluations file and a second chi bộ's roster. Every file but the list needs the list first."""
    orgs_file = f"{folder}/00 Danh sach to chuc dang.xlsx"
    rows = [["THỊ ỦY BẾN NGHÉ"], ["DANH SÁCH TỔ CHỨC ĐẢNG"], []]
    rows += [["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"]]
    rows += [[i, *r] for i, r in enumerate(ben_nghe_rows(district_word), 1)]
    write(root / orgs_file, [Sheet("To chuc", rows)])
    expects = [
        orgs_expect(
            orgs_file,
            "O1",
            f'district row typed "{district_word}"; plain header; the folder of the order test',
            setup="bare",
        )
    ]
    needs = [orgs_file]
    gen = People(folder + district_word)
    june = gen.many(4)
    newcomer = gen.person(admitted=date(2026, 8, 10), official=None)
    unit = "Chi bộ tổ dân phố 3"

    june_file = f"{folder}/TDP 3/DSDV TDP3 den 30.6.2026.xlsx"
    built = L.roster(june, L.STANDARD, titles=titles(TDP3, as_of="Tính đến ngày 30/6/2026"))
    one_sheet(root, june_file, built)
    expects.append(
        roster_expect(
            june_file,
            "B1",
            "roster at 30/6/2026 of a Bến Nghé chi bộ",
            june,
            unit,
            setup="bare",
            needs=needs,
        )
    )

    september = [june[0], replace(june[1], job="Hưu trí"), june[2], newcomer]
    sept_file = f"{folder}/TDP 3/DSDV TDP3 den 30.9.2026.xls"
    built = L.roster(september, L.STANDARD, titles=titles(TDP3))
    one_sheet(root, sept_file, built)
    exp = roster_expect(
        sept_file, "B2", "newer roster (30/9/2026): one job changed, one member gone (died), one newcomer; .xls",
        september, unit, setup="bare", needs=[*needs, june_file],
    )  # fmt: skip
    exp.counts = {"member": 1, "roster_entry": 4}
    exp.people = [(p, unit) for p in september]
    expects.append(exp)

    changes_file = f"{folder}/TDP 3/bien dong TDP3 nam 2026.xlsx"
    head = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Số thẻ đảng viên",
        "Loại biến động",
        "Ngày quyết định",
    ]
    data = [
        [1, june[3].full_name, L.dmy(june[3].birth), june[3].card, "Từ trần", "15/07/2026"],
        [2, newcomer.full_name, L.dmy(newcomer.birth), newcomer.card, "Kết nạp", "10/08/2026"],
    ]
    write(
        root / changes_file,
        [Sheet("BD", [[t] for t in TDP3] + [["BIẾN ĐỘNG ĐẢNG VIÊN NĂM 2026"], [], head, *data])],
    )
    expects.append(
        Expect(
            changes_file, "B3", "changes of the Bến Nghé chi bộ (a death, an admission)", "changes", "imported",
            setup="bare", needs=[*needs, june_file], counts={"membership_event": 2, "member": 1},
            events=[(june[3].card, "died", date(2026, 7, 15)), (newcomer.card, "admitted", date(2026, 8, 10))],
        )
    )  # fmt: skip

    eval_file = f"{folder}/TDP 3/xep loai dang vien 2025.xlsx"
    head = ["STT", "Họ và tên", "Số thẻ đảng viên", "Điểm", "Tự xếp loại"]
    data = [[i, p.full_name, p.card, 80 + i, "HTTNV"] for i, p in enumerate(june, 1)]
    rows = [[t] for t in TDP3] + [["KẾT QUẢ XẾP LOẠI ĐẢNG VIÊN NĂM 2025"], [], head, *data]
    write(root / eval_file, [Sheet("XL", rows)])
    expects.append(
        Expect(
            eval_file, "B4", "evaluations 2025 of the Bến Nghé chi bộ", "evaluations", "imported",
            setup="bare", needs=[*needs, june_file], counts={"member_evaluation": 4},
            evaluations=[(p.card, 80 + i, 2025, 0) for i, p in enumerate(june, 1)],
        )
    )  # fmt: skip

    hospital = gen.many(5)
    hospital_file = f"{folder}/Benh vien/ds dang vien benh vien.ods"
    built = L.roster(
        hospital,
        L.STANDARD,
        titles=titles(["THỊ ỦY BẾN NGHÉ", "CHI BỘ BỆNH VIỆN ĐA KHOA BẾN NGHÉ"]),
    )
    one_sheet(root, hospital_file, built)
    expects.append(
        roster_expect(hospital_file, "B5", "roster of a chi bộ cơ sở of Bến Nghé; .ods", hospital,
                      "Chi bộ Bệnh viện đa khoa Bến Nghé", setup="bare", needs=needs)
    )  # fmt: skip
    return expects


@entry
def b01(root):
    return ben_nghe_folder(root, BEN_NGHE_FOLDER, "Đảng bộ trực thuộc Tỉnh ủy")


# --- Files that are not inputs ----------------------------------------------------------------------


def not_input(file, layout, features, what, **kw):
    return Expect(file, layout, features, "not_input", "not_input", message=what, **kw)


@entry
def n01(root):
    file = "khac/gui kem 01.xlsx"
    gen = People(file)
    youths = gen.many(6)
    head = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Ngày vào Đoàn",
        "Số thẻ đoàn viên",
        "Chức vụ trong Đoàn",
    ]
    data = [
        [i, p.full_name, L.dmy(p.birth), p.gender_label, "26/03/2015", f"{i:06d}", "Đoàn viên"]
        for i, p in enumerate(youths, 1)
    ]
    rows = [
        ["ĐOÀN TNCS HỒ CHÍ MINH"],
        ["CHI ĐOÀN THÔN TÂY"],
        ["DANH SÁCH ĐOÀN VIÊN NĂM 2026"],
        [],
        head,
        *data,
    ]
    write(root / file, [Sheet("Doan vien", rows)])
    return not_input(file, "N1", "youth-union member list (Chi đoàn, Ngày vào Đoàn)", ["đoàn viên"])


@entry
def n02(root):
    file = "khac/gui kem 02.csv"
    gen = People(file)
    head = [
        "TT",
        "Họ tên đoàn viên",
        "Năm sinh",
        "Chi đoàn",
        "Ngày kết nạp Đoàn",
        "Xếp loại đoàn viên",
    ]
    data = [
        [i, p.full_name, p.birth.year, "Chi đoàn khu phố 1", "02/09/2016", "Xuất sắc"]
        for i, p in enumerate(gen.many(5), 1)
    ]
    write(root / file, [Sheet("csv", [head, *data])], encoding="utf-8")
    return not_input(file, "N2", "youth-union rating export, CSV", ["đoàn viên"], encoding="utf-8")


@entry
def n03(root):
    file = "khac/gui kem 03.xlsx"
    gen = People(file)
    head = ["STT", "Họ và tên", "Chức vụ", "Tự đánh giá", "Mức xếp loại", "Ghi chú"]
    data = [[i, p.full_name, "Công chức Văn phòng - Thống kê", "Hoàn thành tốt", "Hoàn thành tốt nhiệm vụ", ""]
            for i, p in enumerate(gen.many(5), 1)]  # fmt: skip
    rows = [
        ["UBND XÃ VẠN LỘC"],
        ["BẢNG ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ, CÔNG CHỨC THÁNG 10/2026"],
        [],
        head,
        *data,
    ]
    write(root / file, [Sheet("T10", rows)])
    return not_input(
        file, "N3", "civil servants' monthly rating (UBND xã, Chức vụ, Mức xếp loại)", ["công chức"]
    )


@entry
def n04(root):
    file = "khac/gui kem 04.xlsx"
    head = ["Chỉ tiêu", "Mã số", "Tổng số", "Nữ", "Dân tộc thiểu số", "Tôn giáo"]
    rows = [
        ["Biểu số 01-TKĐV"],
        ["BÁO CÁO THỐNG KÊ SỐ LƯỢNG ĐẢNG VIÊN"],
        ["Quý III năm 2026"],
        [],
        head,
    ]
    rows += [[label, code, "", "", "", ""] for code, label in enumerate(
        ["Đảng viên đầu kỳ", "Kết nạp", "Chuyển đến", "Từ trần", "Khai trừ", "Chuyển đi", "Đảng viên cuối kỳ"], 1)]  # fmt: skip
    write(root / file, [Sheet("Bieu 01", rows)])
    return not_input(
        file, "N4", "blank statistical form (Chỉ tiêu / Mã số, no names)", ["thống kê"]
    )


@entry
def n05(root):
    file = "khac/gui kem 05.xls"
    gen = People(file)
    months = [f"Tháng {m}" for m in range(1, 13)]
    head = ["STT", "Họ và tên", "Mức lương", "Mức đóng/tháng", *months, "Cộng"]
    data = [
        [i, p.full_name, 6_500_000, 65_000, *([65_000] * 12), 780_000]
        for i, p in enumerate(gen.many(5), 1)
    ]
    rows = [["CHI BỘ THÔN TÂY"], ["SỔ THU, NỘP ĐẢNG PHÍ NĂM 2026"], [], head, *data]
    write(root / file, [Sheet("Dang phi", rows)])
    return not_input(file, "N5", "party-fee sheet (Mức đóng, Tháng 1…12); .xls", ["đảng phí"])


@entry
def n06(root):
    file = "khac/gui kem 06.docx"
    write(root / file, [Sheet("doc", [["DANH SÁCH ĐẢNG VIÊN"], ["1", "Lê Văn Tám", "02/03/1968"]])])
    return not_input(file, "N6", "a Word document sent instead of a spreadsheet", ["Word"])


@entry
def n07(root):
    file = "khac/gui kem 07.ods"
    head = ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện", "Tỷ lệ (%)"]
    rows = [["BIỂU THỐNG KÊ KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT"], [], head]
    rows += [
        [i, t, "người", "", "", ""]
        for i, t in enumerate(["Kết nạp đảng viên", "Đảng viên được khen thưởng"], 1)
    ]
    write(root / file, [Sheet("Bieu", rows)])
    return not_input(file, "N7", "blank statistical form of targets; .ods", ["thống kê"])


@entry
def n08(root):
    file = "khac/gui kem 08.pdf"
    write(
        root / file,
        [Sheet("pdf", [["DANH SACH DANG VIEN CHI BO THON TAY"], ["Le Van Tam 02/03/1968"]])],
    )
    return not_input(file, "N8", "a PDF (a scanned list) sent instead of a spreadsheet", ["PDF"])


GENERATED: dict[str, tuple[list[Expect], Path]] = {}


def generate(root: Path) -> list[Expect]:
    """Write every corpus file under root and return the expectations (in catalogue order)."""
    People._serial = 0
    expects = []
    for build in CATALOGUE:
        built = build(root)
        expects += built if isinstance(built, list) else [built]
    names = [e.file for e in expects]
    assert len(names) == len(set(names)), "two corpus entries write the same file"
    return expects


def write_templates(root: Path) -> dict[str, Path]:
    """The base organisations and roster every "units" test database holds (plainest wording)."""
    orgs = [
        ["DANH SÁCH TỔ CHỨC ĐẢNG"],
        [],
        ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
    ]
    orgs += [[i, *r] for i, r in enumerate(BASE_ORGS, 1)]
    write(root / "to-chuc-goc.xlsx", [Sheet("TC", orgs)])
    built = L.roster(
        BASE_PEOPLE,
        [L.stt(), L.name(), L.birth(), L.gender(), L.card(), L.cccd(), L.admitted(), L.official()],
        titles=[
            "ĐẢNG BỘ XÃ VẠN LỘC",
            "CHI BỘ THÔN ĐÔNG",
            "DANH SÁCH ĐẢNG VIÊN",
            f"Tính đến ngày {L.dmy(BASE_AS_OF)}",
        ],
    )
    write(root / "ds-goc.xlsx", [Sheet("DS", built.rows)])
    return {"orgs": root / "to-chuc-goc.xlsx", "roster": root / "ds-goc.xlsx"}


INIT_ARGS = [
    "init",
    "--province",
    PROVINCE,
    *(word for d in (SONG_CAU, DA_BAC, BEN_NGHE) for word in ("--district", d)),
]
__all__ = [
    "AN_HOA",
    "BASE_UNIT",
    "COUNTED",
    "INIT_ARGS",
    "VAN_LOC",
    "Expect",
    "generate",
    "write_templates",
]


if __name__ == "__main__":
    target = Path(sys.argv[1])
    for item in generate(target):
        print(f"{item.layout:5} {item.outcome:10} {item.file}")
