"""Round trip (spec quality.md): random rosters (Vietnamese names with every diacritic, NFD,
leading-zero IDs, dates in every style, empty optional cells) written as xlsx / xls / ods / csv
(UTF-8, UTF-8 with BOM, UTF-16, Windows-1258) and as TCVN3 / VNI legacy text, in several layouts,
imported into a database that has the chi bộ: the same data comes back (names in NFC, IDs with
their zeros, dates). Hypothesis keeps the examples small; TCXD_STRESS=1 runs many more."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcxd.core.encodings import _is_syllable, encode
from tcxd.core.settings import DistrictConfig, ProvinceConfig
from tcxd.db.engine import open_database
from tcxd.db.province import initialize
from tcxd.importing import import_paths
from tests.reading.builders import cp1258_bytes, write
from tests.reliability.conftest import CHI_BO, DISTRICT, PROVINCE, organizations_file
from tests.reliability.helpers import checkpoint, rows, sqlite_url

EXAMPLES = 6  # per case in make test
STRESS_EXAMPLES = 150  # per case in make stress

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Quách", "Ưng", "Ông"]  # fmt: skip
# Syllables that together carry every vowel with every tone (and đ): names need not be common.
VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
ONSETS = ["", "b", "c", "d", "đ", "g", "h", "kh", "l", "m", "n", "nh", "ph", "th", "tr", "v", "x"]
# Names as found in legacy files: well-formed syllables, so that TCVN3/VNI detection can work.
LEGACY_GIVEN = ["Thị Ánh", "Văn Hưởng", "Thị Ngọc Ẩn", "Đức Ỷ", "Thị Mỹ Ửng", "Quốc Việt",
                "Thị Thu Hương", "Hữu Nghĩa", "Thị Yến", "Đình Tuấn", "Thị Ngà", "Văn Ổn",
                "Thị Ẫm", "Minh Ước", "Thanh Ấn", "Thị Ỡm", "Văn Ựa", "Thị Ẹo",
                "Xuân Ỳ"]  # fmt: skip


def _make_syllable(onset: str, vowel: str, tone: str, coda: str) -> str:
    text = unicodedata.normalize("NFC", onset + vowel + tone + coda)
    return text[:1].upper() + text[1:]


# Well-formed syllables only ("Bâ" is no Vietnamese word, and reads as TCVN3 "Bõ"): a name is
# made of real syllables, which is what legacy-encoding detection relies on.
SYLLABLES = st.builds(
    _make_syllable,
    st.sampled_from(ONSETS),
    st.sampled_from(VOWELS),
    st.sampled_from(TONES),
    st.sampled_from(["", "n", "ng", "m", "nh", "c", "t"]),
).filter(lambda s: _is_syllable(s.lower()))


def _syllable(draw) -> str:
    return draw(SYLLABLES)


@st.composite
def members(draw, legacy: bool = False):
    count = draw(st.integers(1, 5))
    cards = draw(st.lists(st.integers(0, 9_999_999), min_size=count, max_size=count, unique=True))
    result = []
    for number in range(count):
        if legacy:
            name = f"{draw(st.sampled_from(FAMILY))} {draw(st.sampled_from(LEGACY_GIVEN))}"
        else:
            parts = draw(st.integers(1, 3))
            given = " ".join(_syllable(draw) for _ in range(parts))
            name = f"{draw(st.sampled_from(FAMILY))} {given}"
        birth = draw(st.dates(dt.date(1940, 1, 1), dt.date(2004, 12, 31)))
        admitted = draw(st.dates(birth + dt.timedelta(days=18 * 366), dt.date(2024, 6, 30)))
        official = admitted + dt.timedelta(days=365) if draw(st.booleans()) else None
        if official is not None and official > dt.date(2024, 12, 31):
            official = None
        citizen = None
        if draw(st.booleans()):
            citizen = f"0{draw(st.integers(0, 99)):02d}{cards[number]:09d}"  # unique, like cards
        result.append(
            {
                "full_name": name,
                "card_number": f"{cards[number]:08d}",
                "citizen_id": citizen,
                "birth_date": birth,
                "admitted_on": admitted,
                "official_on": official,
                "gender": draw(st.sampled_from(["Nam", "Nữ", None])),
                "ethnicity": draw(st.sampled_from(["Kinh", "Tày", "Ê Đê", "Mường", None])),
                "date_style": draw(st.sampled_from(DATE_STYLES)),
                "nfd": draw(st.booleans()),
            }
        )
    return result


DATE_STYLES = ["dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy", "dd.mm.yyyy", "iso", "words", "cell"]


def _date(value: dt.date | None, style: str, fmt: str):
    if value is None:
        return None
    if style == "cell" and fmt in ("xlsx", "xls", "ods"):
        return value
    if style == "d/m/yyyy":
        return f"{value.day}/{value.month}/{value.year}"
    if style == "dd-mm-yyyy":
        return value.strftime("%d-%m-%Y")
    if style == "dd.mm.yyyy":
        return value.strftime("%d.%m.%Y")
    if style == "iso":
        return value.isoformat()
    if style == "words":
        return f"ngày {value.day:02d} tháng {value.month:02d} năm {value.year}"
    return value.strftime("%d/%m/%Y")


LAYOUTS = {
    # title rows, then one header row
    "titled": (
        [["ĐẢNG BỘ XÃ PHÚ AN"], [CHI_BO.upper()], [], ["DANH SÁCH ĐẢNG VIÊN"],
         ["Tính đến ngày 31/12/2024"]],
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số thẻ đảng viên",
         "Số CCCD", "Ngày vào Đảng", "Ngày chính thức"],
    ),
    # other spellings, other order, no number column, unit from the folder
    "aliases": (
        [["DANH SACH DANG VIEN"], ["Tính đến ngày 31/12/2024"]],
        ["Họ tên", "Số thẻ ĐV", "Ngày, tháng, năm sinh", "Số định danh cá nhân", "Nam/Nữ",
         "Ngày kết nạp", "Ngày công nhận chính thức", "DT"],
    ),
}  # fmt: skip
FIELD_OF = {
    "Họ và tên": "full_name", "Họ tên": "full_name", "Ngày sinh": "birth_date",
    "Ngày, tháng, năm sinh": "birth_date", "Giới tính": "gender", "Nam/Nữ": "gender",
    "Dân tộc": "ethnicity", "DT": "ethnicity", "Số thẻ đảng viên": "card_number",
    "Số thẻ ĐV": "card_number", "Số CCCD": "citizen_id", "Số định danh cá nhân": "citizen_id",
    "Ngày vào Đảng": "admitted_on", "Ngày kết nạp": "admitted_on",
    "Ngày chính thức": "official_on", "Ngày công nhận chính thức": "official_on",
}  # fmt: skip
DATES = {"birth_date", "admitted_on", "official_on"}


def _grid(people: list[dict], layout: str, fmt: str, legacy: str | None) -> list[list]:
    titles, header = LAYOUTS[layout]
    grid = [list(row) for row in titles] + [list(header)]
    for number, person in enumerate(people, start=1):
        row = []
        for column in header:
            field = FIELD_OF.get(column)
            if field is None:
                row.append(number)
                continue
            value = person[field]
            if field in DATES:
                value = _date(value, person["date_style"], fmt)
            elif isinstance(value, str) and field in ("full_name", "ethnicity") and person["nfd"]:
                value = unicodedata.normalize("NFD", value)
            row.append(value)
        grid.append(row)
    if legacy:
        grid = [[encode(v, legacy) if isinstance(v, str) else v for v in row] for row in grid]
    return grid


FORMATS = ["xlsx", "xls", "ods", "csv-utf8", "csv-bom", "csv-utf16", "csv-cp1258"]


def _write(folder: Path, grid: list[list], fmt: str) -> Path:
    if fmt.startswith("csv"):
        path = folder / "ds-dang-vien.csv"
        if fmt == "csv-cp1258":
            write(path, grid, encoding="utf-8")  # then re-encode the text as Windows writes it
            text = path.read_bytes().decode("utf-8")
            path.write_bytes(cp1258_bytes(unicodedata.normalize("NFC", text)))
        else:
            encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-utf16": "utf-16"}[fmt]
            write(path, grid, encoding=encoding)
        return path
    return write(folder / f"ds-dang-vien.{fmt}", grid)


@pytest.fixture(scope="module")
def chi_bo_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("round-trip")
    path = folder / "tcxd.db"
    url = sqlite_url(path)
    initialize(url, ProvinceConfig(PROVINCE, districts=[DistrictConfig(DISTRICT)]))
    engine = open_database(url)
    result = import_paths(engine, [organizations_file(folder / "files")])
    assert not result.refused
    engine.dispose()
    return checkpoint(path)


_counter = itertools.count()


def _round_trip(template: Path, root: Path, people, layout, fmt, legacy=None) -> None:
    work = root / f"case-{next(_counter)}"
    folder = work / CHI_BO  # the unit is also in the folder name (layout "aliases" relies on it)
    folder.mkdir(parents=True)
    db = work / "tcxd.db"
    shutil.copyfile(template, db)
    path = _write(folder, _grid(people, layout, fmt, legacy), fmt)
    engine = open_database(sqlite_url(db))
    try:
        result = import_paths(engine, [path])
    finally:
        engine.dispose()
    assert not result.refused, result.refused[0].problems
    got = rows(
        sqlite_url(db),
        "SELECT m.full_name, m.card_number, m.citizen_id, m.birth_date, m.admitted_on, "
        "m.official_on, m.gender, m.ethnicity, o.name FROM member m "
        "JOIN roster_entry r ON r.member_id = m.id JOIN organization o ON o.id = r.org_id "
        "JOIN import_batch b ON b.id = r.batch_id WHERE b.file_name = :name "
        "ORDER BY m.card_number",
        name=path.name,
    )
    expected = sorted(
        (
            unicodedata.normalize("NFC", p["full_name"]),
            p["card_number"],
            p["citizen_id"],
            str(p["birth_date"]),
            str(p["admitted_on"]),
            str(p["official_on"]) if p["official_on"] else None,
            {"Nam": "nam", "Nữ": "nu", None: None}[p["gender"]],
            p["ethnicity"],
            CHI_BO,
        )
        for p in people
    )
    got = [
        (
            name,
            card,
            citizen,
            str(birth)[:10],
            str(admitted)[:10],
            str(official)[:10] if official else None,
            gender,
            ethnicity,
            org,
        )
        for name, card, citizen, birth, admitted, official, gender, ethnicity, org in got
    ]
    assert sorted(got) == expected
    for name, *_ in got:
        assert unicodedata.is_normalized("NFC", name)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", list(LAYOUTS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=members())
def test_roster_round_trip(chi_bo_template, tmp_path, fmt, layout, people):
    _round_trip(chi_bo_template, tmp_path, people, layout, fmt)


@pytest.mark.parametrize("legacy", ["tcvn3", "vni"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=members(legacy=True))
def test_legacy_encoded_roster_round_trip(chi_bo_template, tmp_path, legacy, people):
    """Text typed with TCVN3 (.VnTime) or VNI fonts, in xlsx cells: converted to exact NFC."""
    for person in people:
        person["nfd"] = False
    _round_trip(chi_bo_template, tmp_path, people, "titled", "xlsx", legacy)


STRESS_SETTINGS = settings(
    max_examples=STRESS_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.stress
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", list(LAYOUTS))
@STRESS_SETTINGS
@given(people=members())
def test_roster_round_trip_long(chi_bo_template, tmp_path, fmt, layout, people):
    _round_trip(chi_bo_template, tmp_path, people, layout, fmt)


@pytest.mark.stress
@pytest.mark.parametrize("legacy", ["tcvn3", "vni"])
@STRESS_SETTINGS
@given(people=members(legacy=True))
def test_legacy_encoded_roster_round_trip_long(chi_bo_template, tmp_path, legacy, people):
    for person in people:
        person["nfd"] = False
    _round_trip(chi_bo_template, tmp_path, people, "titled", "xlsx", legacy)
