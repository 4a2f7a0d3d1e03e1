"""`explain_member` and `explain_figure` (docs/workflow.md, "explain")."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, text
from workflow_world import AN, CUONG, DUNG, SCHOOL

from tcxd.core.errors import UserInputError
from tcxd.core.periods import Period
from tcxd.db.models import MemberRating
from tcxd.db.rating_texts import store_texts
from tcxd.reports.figures import PeriodFigures, Scope
from tcxd.workflow.explain import bieu1_rows, explain_figure, explain_member, find_member


def member(world, **identity):
    with world.engine.connect() as conn:
        return find_member(conn, **identity)


def explain(world, member_id, on):
    with world.engine.connect() as conn:
        return explain_member(conn, member_id, on)


def test_a_member_with_rosters_evaluations_and_a_rating(world):
    an = member(world, card="1234567")  # leading zero restored
    assert (an.full_name, an.birth_date) == (AN[0], date(1980, 3, 5))
    with world.engine.begin() as conn:
        reason = "Điểm 92/100 (≥ 90) → Hoàn thành xuất sắc nhiệm vụ"
        [reason_id] = store_texts(conn, 2025, 0, "reason_id", [reason])
        conn.execute(
            insert(MemberRating.__table__).values(
                member_id=an.member_id, year=2025, quarter=0, status="rated", level="HTXSNV",
                computed_level="HTXSNV", reason_id=int(reason_id),
                rule_set="qd366-2025", rule_version=1,
            )
        )  # fmt: skip
    e = explain(world, an.member_id, date(2025, 6, 30))
    assert (e.placement.branch, e.placement.tccsd, e.placement.district) == (
        "Chi bộ thôn 1",
        "Chi bộ thôn 1",
        "Đảng bộ xã Phú An",
    )
    assert not e.placement.probationary
    assert [(f.on, f.unit, f.source) for f in e.rosters] == [
        (date(2024, 12, 31), "Chi bộ thôn 1", "ds-2024.xlsx, trang “DS”, dòng 7"),
        (date(2025, 6, 30), "Chi bộ thôn 1", "ds-2025.xlsx, trang “DS”, dòng 7"),
    ]
    assert [f.what for f in e.spells] == ["Sinh hoạt từ trước khi có số liệu đến nay"]
    assert [(f.what, f.detail, f.source) for f in e.evaluations] == [
        ("Năm 2025", "điểm 92; tự xếp loại HTXSNV", "xep-loai-2025.xlsx, trang “XL”, dòng 5")
    ]
    assert [(r.year, r.level, r.reason, r.rule_set) for r in e.ratings] == [
        (
            2025,
            "HTXSNV",
            "Điểm 92/100 (≥ 90) → Hoàn thành xuất sắc nhiệm vụ",
            "Quy định 366-QĐ/TW (30/8/2025) và Hướng dẫn 43-HD/BTCTW (31/10/2025) (bản 1)",
        )
    ]


def test_a_member_who_died(world):
    cuong = member(world, name="lê văn  cường", birth=date(1950, 10, 20))
    e = explain(world, cuong.member_id, date(2025, 6, 30))
    assert e.placement.branch is None
    assert [(f.on, f.what, f.source) for f in e.events] == [
        (date(2025, 5, 10), "Từ trần", "bien-dong-2025.xlsx, trang “BD”, dòng 6")
    ]
    assert [f.what for f in e.spells] == [
        "Sinh hoạt từ trước khi có số liệu đến 10/05/2025 (Từ trần)"
    ]
    assert explain(world, cuong.member_id, date(2025, 5, 9)).placement.branch == "Chi bộ thôn 1"


def test_an_arrival_without_event_has_a_check_note(world):
    ha = member(world, name="Đỗ Thu Hà")
    e = explain(world, ha.member_id, date(2025, 6, 30))
    assert e.placement.tccsd == SCHOOL
    assert [(f.what, f.detail) for f in e.notes] == [
        ("Kiểm tra 3", "Có tên trong danh sách mới, không có biến động chuyển đến")
    ]


@pytest.mark.parametrize(
    ("identity", "message"),
    [
        ({"card": "99999999"}, "Không tìm thấy đảng viên số thẻ 99999999."),
        ({"name": "Nguyễn Văn An", "birth": date(1981, 1, 1)},
         'Không tìm thấy đảng viên "Nguyễn Văn An" sinh 01/01/1981.'),
        ({}, 'Cần --card SỐ_THẺ, hoặc --name "Họ và tên" (kèm --birth).'),
    ],
)  # fmt: skip
def test_member_not_found(world, identity, message):
    with pytest.raises(UserInputError) as raised:
        member(world, **identity)
    assert raised.value.message == message


def test_two_members_of_the_same_name_ask_for_more(world):
    with world.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO member (full_name, name_key, birth_date, card_number, "
                "birth_year_only, youth_union, exempt) VALUES "
                "('Nguyễn Văn An', 'nguyễn văn an', '1990-01-01', '07777777', false, false, false)"
            )
        )
    with pytest.raises(UserInputError) as raised:
        member(world, name="Nguyễn Văn An")
    assert raised.value.message == (
        'Có 2 đảng viên "Nguyễn Văn An": Nguyễn Văn An (sinh 05/03/1980, thẻ 01234567); '
        "Nguyễn Văn An (sinh 01/01/1990, thẻ 07777777). Hãy dùng --card, hoặc thêm --birth."
    )


def figure(world, period, row, unit=None):
    with world.engine.connect() as conn:
        return explain_figure(conn, period, row, unit)


@pytest.mark.parametrize("code", ["q1", "q2", "h1", "year"])
@pytest.mark.parametrize("unit", [None, "Đảng bộ xã Phú An", "Chi bộ thôn 1", SCHOOL])
def test_every_row_lists_as_many_members_as_its_figure(world, code, unit):
    period = Period.parse(code, 2025)
    with world.engine.connect() as conn:
        figures = PeriodFigures(conn, period)
        for row in bieu1_rows():
            explained = explain_figure(conn, period, row, unit)
            assert len(explained.lines) == explained.figure, (row, unit)
        if unit is None:
            province = conn.execute(text("SELECT org_id FROM province")).scalar_one()
            assert explained.figure == figures.bieu1(Scope("province", province))["D"]


def test_admissions_deaths_and_arrivals_name_their_members_and_sources(world):
    b1 = figure(world, Period.parse("q1", 2025), "b1", "Đảng bộ xã Phú An")
    assert (b1.row, b1.row_label, b1.figure) == ("B1", "Kết nạp (kể cả kết nạp lại)", 1)
    [line] = b1.lines
    assert (line.full_name, line.branch, line.on, line.what, line.source) == (
        DUNG[0], "Chi bộ thôn 1", date(2025, 3, 15), "Kết nạp (kể cả kết nạp lại)",
        "bien-dong-2025.xlsx, trang “BD”, dòng 5",
    )  # fmt: skip
    c = figure(world, Period.parse("q2", 2025), "C", "Chi bộ thôn 1")
    assert [(x.full_name, x.code, x.source) for x in c.lines] == [
        (CUONG[0], "C1", "bien-dong-2025.xlsx, trang “BD”, dòng 6")
    ]
    b2a = figure(world, Period.parse("q2", 2025), "B2a")
    assert [(x.full_name, x.on, x.source) for x in b2a.lines] == [
        ("Đỗ Thu Hà", date(2025, 6, 30), "Suy ra từ danh sách đảng viên (không có biến động)")
    ]
    a = figure(world, Period.parse("q1", 2025), "A", "Chi bộ thôn 1")
    assert sorted(x.full_name for x in a.lines) == sorted([AN[0], "Trần Thị Bình", CUONG[0]])


@pytest.mark.parametrize(
    ("row", "unit", "message"),
    [
        ("E", None, 'Dòng "E" không có trong Biểu 1; chọn một trong: ' + ", ".join(bieu1_rows())
         + "."),
        ("A", "Chi bộ 1",
         'Biểu 1 lập cho tỉnh, đảng bộ cấp trên cơ sở hoặc tổ chức cơ sở đảng; "Chi bộ 1" là '
         "chi bộ trực thuộc."),
    ],
)  # fmt: skip
def test_figure_refusals(world, row, unit, message):
    with pytest.raises(UserInputError) as raised:
        figure(world, Period.parse("q1", 2025), row, unit)
    assert raised.value.message == message


def test_a_result_that_needs_a_decision_is_shown_pending_with_its_proposal(world):
    """spec rules.md: "needs a decision" is not a level; explain shows it as pending, with the
    level the rules propose beside it."""
    an = member(world, card="1234567")
    reason = (
        "Căn cứ xếp loại Không hoàn thành nhiệm vụ: kỷ luật trong kỳ: Khiển trách; vi phạm xảy "
        "ra năm 2024, trước kỳ xếp loại → Cấp có thẩm quyền xem xét, quyết định (đề xuất: Hoàn "
        "thành tốt nhiệm vụ)"
    )
    with world.engine.begin() as conn:
        [reason_id] = store_texts(conn, 2025, 0, "reason_id", [reason])
        conn.execute(
            insert(MemberRating.__table__).values(
                member_id=an.member_id, year=2025, quarter=0, status="needs_decision",
                level="HTTNV", computed_level="HTTNV", reason_id=int(reason_id),
                rule_set="qd366-2025", rule_version=1,
            )
        )  # fmt: skip
    [rating] = explain(world, an.member_id, date(2025, 6, 30)).ratings
    assert rating.pending
    assert rating.result_text() == "Chờ cấp có thẩm quyền xem xét, quyết định (đề xuất: HTTNV)"
