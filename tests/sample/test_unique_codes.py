"""The generator writes one code per organisation (issue #14 item 2: `tcxd sample big --members
40000 --districts 6` gave a đảng bộ bộ phận and a chi bộ the same code, and importing its
organisations file made a loop in the tree)."""

from __future__ import annotations

import pytest

from tcxd.sample.world import build_world


@pytest.mark.parametrize(("members", "districts"), [(40000, 6), (3000, None)])
def test_every_organisation_has_a_code_of_its_own(members, districts):
    orgs = build_world(members, 1, districts).orgs
    codes = orgs["code"]
    assert codes.notna().all()
    assert not codes.duplicated().any(), orgs[codes.duplicated(keep=False)][["name", "code"]]
