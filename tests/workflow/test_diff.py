"""`roster_diff`: joined, left, moved and changed between a unit's two newest rosters."""

from __future__ import annotations

from datetime import date

import pytest
from workflow_world import AN, CUONG, DUNG, SCHOOL

from tcxd.core.errors import UserInputError
from tcxd.workflow.diff import roster_diff


def diff(world, unit, as_of=None):
    with world.engine.connect() as conn:
        return roster_diff(conn, unit, as_of)


def test_a_chi_bo_co_so(world):
    result = diff(world, "Chi bộ thôn 1")
    assert (result.older, result.newer) == (date(2024, 12, 31), date(2025, 6, 30))
    assert (result.older_count, result.newer_count) == (3, 3)
    assert (result.older_files, result.newer_files) == (["ds-2024.xlsx"], ["ds-2025.xlsx"])
    assert [(m.person.full_name, m.person.source_row, m.events) for m in result.joined] == [
        (DUNG[0], 9, ["Kết nạp 15/03/2025 (Chi bộ thôn 1)"])
    ]
    assert [(m.person.full_name, m.person.card_number, m.events) for m in result.left] == [
        (CUONG[0], CUONG[4], ["Từ trần 10/05/2025 (Chi bộ thôn 1)"])
    ]
    assert [(c.person.full_name, c.label, c.old, c.new) for c in result.changed] == [
        (AN[0], "Dân tộc", "Kinh", "Mường")
    ]
    assert result.attributes_compared


def test_a_dang_bo_with_a_move_between_its_chi_bo_and_an_arrival_without_event(world):
    result = diff(world, SCHOOL)
    assert [(m.person.full_name, m.person.branch, m.events) for m in result.joined] == [
        ("Đỗ Thu Hà", "Chi bộ 2", [])
    ]
    assert result.left == []
    assert [(c.person.full_name, c.attribute, c.old, c.new) for c in result.changed] == [
        ("Hoàng Văn Em", "branch", "Chi bộ 1", "Chi bộ 2")
    ]


def test_a_file_moved_away_leaves_joined_and_left_but_no_attribute_comparison(world):
    world.files["r1"].unlink()
    result = diff(world, "Chi bộ thôn 1")
    assert result.unreadable == ["ds-2024.xlsx"]
    assert not result.attributes_compared
    assert [m.person.full_name for m in result.joined] == [DUNG[0]]
    assert result.changed == []


def test_a_changed_file_is_not_trusted(world):
    path = world.files["r2"]
    path.write_bytes(path.read_bytes() + b"\0")
    assert diff(world, "Chi bộ thôn 1").unreadable == ["ds-2025.xlsx"]


@pytest.mark.parametrize(
    ("unit", "as_of", "message"),
    [
        ("Chi bộ thôn 2", None,
         '"Chi bộ thôn 2" cần ít nhất hai danh sách đảng viên để so sánh '
         "(danh sách đã nhập tính đến ngày: chưa có)."),
        ("Chi bộ thôn 1", date(2025, 1, 1),
         '"Chi bộ thôn 1" cần ít nhất hai danh sách đảng viên để so sánh '
         "(danh sách đã nhập tính đến ngày: 31/12/2024)."),
    ],
)  # fmt: skip
def test_needs_two_rosters(world, unit, as_of, message):
    with pytest.raises(UserInputError) as raised:
        diff(world, unit, as_of)
    assert raised.value.message == message
