"""`OrgIndex` kept up to date in place during an import run."""

from __future__ import annotations

from tcxd.db.units import OrgIndex


def test_update_moves_the_code_and_keeps_a_shared_one():
    index = OrgIndex()
    index.add(1, "Tỉnh ủy Thử", "province", None)
    index.add(2, "Chi bộ 1", "chi_bo_co_so", 1, "C1")
    index.add(3, "Chi bộ 2", "chi_bo_co_so", 1, "C2")
    index.update(2, "Chi bộ Một", None, "C9")
    assert index.codes == {"C9": 2, "C2": 3}
    assert index.find("Chi bộ Một", 1, exact=True) == 2
    # A code another organisation took over stays with it when the first one changes code.
    index.add(4, "Chi bộ 4", "chi_bo_co_so", 1, "C2")
    index.update(3, "Chi bộ 2", None, "C3")
    assert index.codes == {"C9": 2, "C2": 4, "C3": 3}


def test_a_name_in_capitals_takes_the_casing_of_the_units_beside_it() -> None:
    index = OrgIndex()
    index.add(1, "Đảng bộ thị trấn Đá Bạc", "dang_bo_co_so", None)
    index.add(2, "Chi bộ khu phố 1", "chi_bo_truc_thuoc", 1)
    index.add(3, "Chi bộ thôn Tây", "chi_bo_truc_thuoc", 1)
    assert index.cased_like_neighbours("CHI BỘ KHU PHỐ 7", 1) == "Chi bộ khu phố 7"
    assert index.cased_like_neighbours("CHI BỘ THÔN ĐÔNG", 1) == "Chi bộ thôn Đông"
    assert index.cased_like_neighbours("CHI BỘ TRƯỜNG THCS", 1) == "Chi bộ Trường THCS"
    assert index.cased_like_neighbours("Chi bộ Thôn 9", 1) == "Chi bộ Thôn 9"  # the clerk's own
