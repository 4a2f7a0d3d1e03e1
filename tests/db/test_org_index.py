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
