"""From the files a clerk imports to `classify`, `check` and `explain` (spec rules.md, "Faithful
to the texts"): a leader held to the unit they lead, named in the evaluation file; a decided
HTXSNV below 90 points on check 8; a violation at another unit waiting for a decision, shown
pending by explain; "Không có" shortcomings read as none named."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from tests.sheets import write_xlsx

PROVINCE = "Tỉnh ủy Bình Minh"
DISTRICT = "Đảng bộ xã Phú An"
PEOPLE = [  # name, birth, card
    ("Nguyễn Văn An", "05/03/1980", "01234567"),
    ("Trần Thị Bình", "12/07/1975", "00234568"),
    ("Lê Văn Cường", "01/01/1970", "00234569"),
    *[(f"Phạm Văn {n}", f"0{i + 1}/02/1985", f"0023457{i}") for i, n in enumerate("DEGHK")],
]
EVAL_HEADER = [
    "STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Điểm", "Tỷ lệ hoàn thành nhiệm vụ (%)",
    "Hoàn thành đúng hạn, bảo đảm chất lượng", "Tỷ lệ vượt yêu cầu (%)",
    "Khắc phục hạn chế đã chỉ ra", "Giữ chức vụ lãnh đạo, quản lý", "Đơn vị lãnh đạo, quản lý",
    "Kỷ luật trong năm", "Ngày kỷ luật", "Nơi vi phạm", "Cấp ủy quyết định",
]  # fmt: skip
MET = [100, "Có", 40]


def query(db: str, sql: str):
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(text(sql)).fetchall()
    engine.dispose()
    return rows


@pytest.fixture
def rated(tcxd, db_url, tmp_path) -> str:
    assert (
        tcxd("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db_url).exit_code == 0
    )
    folder = tmp_path / "files"
    orgs = write_xlsx(
        folder / "to-chuc.xlsx",
        [
            [DISTRICT.upper()], ["DANH SÁCH TỔ CHỨC ĐẢNG"], [],
            ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
            [1, "Chi bộ thôn 1", "Chi bộ cơ sở", DISTRICT, "Xã"],
            [2, "Chi bộ thôn 2", "Chi bộ cơ sở", DISTRICT, "Xã"],
        ],
    )  # fmt: skip
    roster = write_xlsx(
        folder / "ds-2025.xlsx",
        [["CHI BỘ THÔN 1"], ["DANH SÁCH ĐẢNG VIÊN"], ["Tính đến ngày 31/12/2025"], [],
         ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Ngày vào Đảng"]]
        + [[i, name, birth, card, "01/02/2005"] for i, (name, birth, card) in
           enumerate(PEOPLE, start=1)],
    )  # fmt: skip
    rows = [
        # the leader of Chi bộ thôn 2, whose unit did 85 % of its tasks
        [*PEOPLE[0], 95, *MET, "Không có", "x", "Chi bộ thôn 2", None, None, None, None],
        # HTXSNV decided at 77,8 points
        [*PEOPLE[1], 77.8, *MET, "Có", None, None, None, None, None, "HTXSNV"],
        # disciplined for a violation at a unit he was in before
        [*PEOPLE[2], 85, *MET, "Có", None, None, "Khiển trách", "10/05/2025",
         "Chi bộ xã Tân Lập, huyện cũ", None],
        *[[*p, 80, *MET, "Có", None, None, None, None, None, None] for p in PEOPLE[3:]],
    ]  # fmt: skip
    evaluation = write_xlsx(
        folder / "xep-loai-2025.xlsx",
        [["CHI BỘ THÔN 1"], ["KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN NĂM 2025"], [],
         EVAL_HEADER] + [[i, *row] for i, row in enumerate(rows, start=1)],
    )  # fmt: skip
    org_evaluation = write_xlsx(
        folder / "xep-loai-to-chuc-2025.xlsx",
        [[DISTRICT.upper()], ["KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG TỔ CHỨC ĐẢNG NĂM 2025"], [],
         ["STT", "Tên tổ chức đảng", "Điểm", "Tỷ lệ hoàn thành nhiệm vụ (%)"],
         [1, "Chi bộ thôn 2", 80, 85]],
    )  # fmt: skip
    for path in (orgs, roster, evaluation, org_evaluation):
        result = tcxd("import", path, "--db", db_url)
        assert result.exit_code == 0, result.output
    result = tcxd("classify", "--year", "2025", "--db", db_url)
    assert result.exit_code == 0, result.output
    return db_url


def _rating(db: str, name: str):
    [row] = query(
        db,
        "SELECT r.status, r.level, r.computed_level, r.decided_not_allowed, "
        "r.needs_decision_cause, t.text FROM member_rating r JOIN member m ON m.id = r.member_id "
        "LEFT JOIN rating_reason t ON t.id = r.reason_id "
        f"WHERE m.full_name = '{name}' AND r.year = 2025",
    )
    return row


def test_a_leader_is_held_to_the_unit_named_in_the_file(rated):
    """QĐ 366 Điều 11: the leader's unit (Chi bộ thôn 2, 85 % of its tasks, from its own
    evaluation) keeps him from HTXSNV and HTTNV, though his own score is 95."""
    status, level, _computed, _na, _nd, reason = _rating(rated, "Nguyễn Văn An")
    assert (status, level) == ("rated", "HTNV")
    assert "đơn vị do đảng viên lãnh đạo, quản lý hoàn thành nhiệm vụ 85%" in reason
    # "Không có" in the shortcomings column: none were named, the condition is met
    [(fixed,)] = query(
        rated,
        "SELECT e.prior_shortcomings_fixed FROM member_evaluation e JOIN member m "
        "ON m.id = e.member_id WHERE m.full_name = 'Nguyễn Văn An'",
    )
    assert fixed in (1, True)


def test_a_decided_htxsnv_below_90_points_is_on_check_8(tcxd, rated):
    status, level, computed, not_allowed, _nd, _reason = _rating(rated, "Trần Thị Bình")
    assert (status, level, computed, not_allowed) == ("rated", "HTXSNV", "HTTNV", "below_band")
    result = tcxd("check", "--period", "year", "--year", "2025", "--db", rated)
    assert (
        "Trần Thị Bình: cấp ủy quyết định HTXSNV nhưng điểm 77,8 dưới mức tối thiểu của mức này"
    ) in result.stdout
    # the leader's HTNV rests on his own and his unit's late share, which no file gives
    assert (
        "1 đảng viên được xếp loại dựa trên điều kiện coi như đạt vì tệp không có số liệu (HTNV: 1)"
    ) in result.stdout
    # check 7 lists her once, with one reason
    assert result.stdout.count("Trần Thị Bình: cấp ủy quyết định HTXSNV, tính theo quy định") == 1


def test_a_violation_at_a_previous_unit_waits_for_a_decision(tcxd, rated):
    """HD 43: disciplined this year for a violation at another unit: not an automatic KHTNV."""
    status, _level, computed, _na, cause, reason = _rating(rated, "Lê Văn Cường")
    assert (status, computed, cause) == ("needs_decision", "HTTNV", "earlier_violation")
    assert "vi phạm xảy ra tại đơn vị cũ (Chi bộ xã Tân Lập, huyện cũ)" in reason
    shown = tcxd("explain", "--card", "00234569", "--period", "year", "--year", "2025",
                 "--db", rated)  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "Chờ cấp có thẩm quyền xem xét, quyết định (đề xuất: HTTNV)" in shown.stdout
