"""Templates: what they hold, how cells are checked, and that tcxd reads them back
(docs/workflow.md, "template"). The fill-and-import round trips are in tests/cli/test_clerk.py."""

from __future__ import annotations

import re
import zipfile
from datetime import date

import pytest
from workflow_world import AN, BINH, DUNG, SCHOOL

from tcxd.core.errors import UserInputError
from tcxd.core.periods import Period
from tcxd.reading import read_file
from tcxd.reading.headers import field_of
from tcxd.workflow.templates import GUIDE_SHEET, KINDS, build_template, write_template

Q3 = Period.parse("q3", 2025)
CASES = [
    ("members", "Chi bộ thôn 1"),
    ("members", SCHOOL),
    ("changes", "Chi bộ thôn 1"),
    ("changes", SCHOOL),
    ("evaluations", "Chi bộ thôn 1"),
    ("evaluations", SCHOOL),
    ("organizations", "Đảng bộ xã Phú An"),
    ("organizations", SCHOOL),
]


def make(world, kind, unit, **options):
    with world.engine.connect() as conn:
        return build_template(conn, kind, unit, today=date(2025, 8, 20), **options)


@pytest.mark.parametrize(("kind", "unit"), CASES)
def test_every_header_reads_back_as_its_field(world, kind, unit):
    template = make(world, kind, unit)
    for column in template.columns:
        assert field_of(column.header) == (column.field or "seq"), column.header
    has_branch = any(c.field == "branch" for c in template.columns)
    assert has_branch == (kind != "organizations" and unit == SCHOOL)


@pytest.mark.parametrize(("kind", "unit"), CASES)
def test_a_blank_template_has_no_table_and_the_guide_never_reads_as_one(
    world, tmp_path, kind, unit
):
    path = write_template(tmp_path / "mau.xlsx", make(world, kind, unit))
    reading = read_file(path)
    assert reading.sheets == []
    reasons = dict(reading.skipped)
    assert GUIDE_SHEET not in reasons  # the guide is left out without a word
    assert next(iter(reasons.values())).startswith("chỉ có dòng tiêu đề, không có dòng dữ liệu nào")
    assert len(reasons) == 1


def test_titles_dates_and_file_names(world):
    members = make(world, "members", "chi bo thon 1")
    assert members.title_lines == ["ĐẢNG BỘ XÃ PHÚ AN", "CHI BỘ THÔN 1"]
    assert (members.title, members.subtitle) == ("DANH SÁCH ĐẢNG VIÊN", "Tính đến ngày 30/9/2025")
    assert (
        members.default_file_name == "mau-danh-sach-dang-vien-chi-bo-thon-1-dang-bo-xa-phu-an.xlsx"
    )
    changes = make(world, "changes", "Chi bộ thôn 1")
    assert changes.title == "BIẾN ĐỘNG ĐẢNG VIÊN QUÝ III NĂM 2025"
    assert changes.subtitle == "(Từ ngày 1/7/2025 đến ngày 30/9/2025)"
    evaluations = make(world, "evaluations", "Chi bộ thôn 1")
    assert evaluations.title == "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN NĂM 2025"
    at = make(world, "members", "Chi bộ thôn 1", as_of=date(2025, 12, 31))
    assert at.subtitle == "Tính đến ngày 31/12/2025"
    school = make(world, "members", f"Đảng bộ xã Phú An/{SCHOOL}")
    assert school.title_lines == ["ĐẢNG BỘ XÃ PHÚ AN", SCHOOL.upper()]
    assert school.lists["branches"] == ["Chi bộ 1", "Chi bộ 2"]


def test_cells_are_validated_and_the_header_is_locked(world, tmp_path):
    path = write_template(tmp_path / "mau.xlsx", make(world, "evaluations", SCHOOL))
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    kinds = re.findall(r'<dataValidation type="(\w+)"', sheet)
    assert {"list", "date", "textLength", "decimal", "custom"} <= set(kinds)
    assert "Hướng dẫn&apos;!$G$2" in sheet or "Hướng dẫn'!$G$2" in sheet  # lists on the guide
    assert 'promptTitle="Tổng điểm"' in sheet
    assert "<sheetProtection" in sheet
    assert 'locked="0"' in styles  # data cells are unlocked
    # the data rows start right under the header and the row of column numbers
    reading = read_file(path)
    assert reading.sheets == []


def test_prefilled_members_are_the_unit_on_the_date_with_their_attributes(world):
    template = make(world, "members", "Chi bộ thôn 1", prefill=True, as_of=date(2025, 6, 30))
    rows = {r["full_name"]: r for r in template.rows}
    assert sorted(rows) == sorted([AN[0], BINH[0], DUNG[0]])  # Cường died on 10/5/2025
    an = rows[AN[0]]
    assert an["citizen_id"] == "001080012345"  # the unit's own roster keeps its CCCD
    assert an["ethnicity"] == "Mường"  # the newest roster's attributes
    assert an["birth_date"] == date(1980, 3, 5)
    assert an["gender"] == "Nam"
    assert an["admitted_on"] == date(2005, 2, 1)
    before = make(world, "members", "Chi bộ thôn 1", prefill=True, as_of=date(2025, 1, 1))
    assert sorted(r["full_name"] for r in before.rows) == sorted([AN[0], BINH[0], "Lê Văn Cường"])


def test_prefilled_evaluations_have_identities_only(world):
    template = make(world, "evaluations", SCHOOL, prefill=True, period=Period.parse("year", 2025))
    assert [c.field for c in template.columns if c.field in ("citizen_id", "ethnicity")] == []
    assert [(r["full_name"], r["branch"]) for r in template.rows] == [
        ("Hoàng Văn Em", "Chi bộ 2"),  # by given name, as party lists are ordered
        ("Vũ Thị Giang", "Chi bộ 2"),
        ("Đỗ Thu Hà", "Chi bộ 2"),
    ]
    assert set(template.rows[0]) == {"full_name", "birth_date", "card_number", "branch"}


def test_prefilled_organizations(world):
    template = make(world, "organizations", "Đảng bộ xã Phú An", prefill=True)
    assert [(r["name"], r["org_type"], r["parent"], r["kind_of_place"]) for r in template.rows] == [
        ("Chi bộ thôn 1", "Chi bộ cơ sở", "Đảng bộ xã Phú An", "Xã"),
        ("Chi bộ thôn 2", "Chi bộ cơ sở", "Đảng bộ xã Phú An", "Xã"),
        (SCHOOL, "Đảng bộ cơ sở", "Đảng bộ xã Phú An", "Đơn vị sự nghiệp công lập"),
        ("Chi bộ 1", "Chi bộ trực thuộc", SCHOOL, None),
        ("Chi bộ 2", "Chi bộ trực thuộc", SCHOOL, None),
    ]


@pytest.mark.parametrize(
    ("kind", "unit", "options", "message"),
    [
        ("organizations", "Chi bộ thôn 1", {},
         "Mẫu danh sách tổ chức đảng lập cho một đảng bộ có tổ chức trực thuộc (cấp trên cơ sở, "
         'đảng bộ cơ sở, đảng bộ bộ phận); "Chi bộ thôn 1" là chi bộ cơ sở.'),
        ("members", "Đảng bộ xã Phú An", {},
         "Mẫu danh sách đảng viên lập cho một tổ chức cơ sở đảng, đảng bộ bộ phận hoặc chi bộ; "
         '"Đảng bộ xã Phú An" là đảng bộ cấp trên trực tiếp cơ sở.'),
        ("changes", "Chi bộ thôn 1", {"prefill": True},
         "Mẫu biến động không điền sẵn được (biến động là việc mới xảy ra); bỏ --prefill."),
        ("evaluations", "Chi bộ thôn 1", {"period": Period.parse("h1", 2025)},
         "Kết quả xếp loại lập theo năm (--period year) hoặc theo quý (q1…q4)."),
        ("roster", "Chi bộ thôn 1", {},
         'Loại mẫu "roster" không hợp lệ; chọn một trong: ' + ", ".join(KINDS) + "."),
    ],
)  # fmt: skip
def test_refusals(world, kind, unit, options, message):
    with pytest.raises(UserInputError) as raised:
        make(world, kind, unit, **options)
    assert raised.value.message == message


def test_an_ambiguous_unit_name_asks_for_the_parent(world):
    from tcxd.core.errors import UnknownUnitError

    with world.engine.connect() as conn:
        from sqlalchemy import insert

        from tcxd.core.text import fold, key
        from tcxd.db.models import Organization, OrganizationParent

        # a second "Chi bộ 1", under another đảng bộ
        school2 = conn.execute(
            insert(Organization.__table__)
            .values(name="Đảng bộ Trường Tiểu học", name_key=key("Đảng bộ Trường Tiểu học"),
                    name_fold=fold("Đảng bộ Trường Tiểu học"), org_type="dang_bo_co_so")
            .returning(Organization.__table__.c.id)
        ).scalar_one()  # fmt: skip
        district = (
            conn.execute(
                Organization.__table__.select().where(
                    Organization.__table__.c.name == "Đảng bộ xã Phú An"
                )
            )
            .first()
            .id
        )
        conn.execute(
            insert(OrganizationParent.__table__).values(org_id=school2, parent_id=district)
        )
        cell = conn.execute(
            insert(Organization.__table__)
            .values(name="Chi bộ 1", name_key="chi bộ 1", name_fold="chi bo 1",
                    org_type="chi_bo_truc_thuoc")
            .returning(Organization.__table__.c.id)
        ).scalar_one()  # fmt: skip
        conn.execute(insert(OrganizationParent.__table__).values(org_id=cell, parent_id=school2))
        with pytest.raises(UnknownUnitError) as raised:
            build_template(conn, "members", "Chi bộ 1")
        assert raised.value.message == (
            'Có 2 đơn vị cùng tên "Chi bộ 1": '
            '"Đảng bộ xã Phú An/Đảng bộ Trường THCS Phú An/Chi bộ 1"; '
            '"Đảng bộ xã Phú An/Đảng bộ Trường Tiểu học/Chi bộ 1". Hãy ghi kèm đơn vị cấp trên, '
            'ví dụ "Đảng bộ xã Phú An/Đảng bộ Trường THCS Phú An/Chi bộ 1".'
        )
        template = build_template(conn, "members", "Đảng bộ Trường Tiểu học/Chi bộ 1")
        assert template.unit.org_id == cell
        conn.rollback()


def test_every_choice_of_a_template_list_is_counted_by_the_forms():
    """A value picked from a drop-down lands in a row of Biểu 2/3: template_lists.yaml and
    forms/attributes.yaml cannot drift apart."""
    from tcxd.reports.forms import degree_code, school_code, theory_code
    from tcxd.workflow.templates import template_lists

    lists = template_lists()
    for read, name in ((school_code, "school_levels"), (degree_code, "degrees"),
                       (theory_code, "theory_levels")):  # fmt: skip
        assert lists[name]
        assert [value for value in lists[name] if read(value) is None] == [], name
