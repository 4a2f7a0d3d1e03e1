"""Every value of the rule files names the text it comes from, and values no text gives are
marked as tcxd's defaults (spec rules.md, "Faithful to the texts": Citations)."""

from __future__ import annotations

import pytest

from tcxd.cli import main
from tcxd.core.environment import Environment
from tcxd.rating.rules import load_rules
from tcxd.rating.rules.show import DEFAULT_MARK, describe


@pytest.fixture
def tcxd_cli(capsys):
    def run(*args):
        capsys.readouterr()
        try:
            main(list(args), Environment.from_os(width=400))
            code = 0
        except SystemExit as done:
            code = done.code or 0
        captured = capsys.readouterr()
        return type(
            "R",
            (),
            {"exit_code": code, "stdout": captured.out, "output": captured.out + captured.err},
        )

    return run


def _source(rules, path):
    return rules.provenance[path]


def test_members_bands_conditions_and_triggers_cite_qd366_article_11():
    """QĐ 366-QĐ/TW Điều 11: the score bands (90/70/50), the conditions of each level and the
    cases rated "Không hoàn thành nhiệm vụ" — of members and of leaders."""
    rules = load_rules(2025)
    m = rules.members
    for level in m.levels:
        assert _source(rules, f"members.levels.{level.code}.min_score").source == (
            "QĐ 366-QĐ/TW Điều 11"
        )
        for cond in level.conditions:
            assert _source(rules, cond.path).source == "QĐ 366-QĐ/TW Điều 11", cond.path
    for trigger in m.triggers:
        assert _source(rules, trigger.path).source == "QĐ 366-QĐ/TW Điều 11", trigger.id


def test_who_is_not_rated_cites_article_5_and_quarters_article_15():
    """QĐ 366-QĐ/TW Điều 5 khoản 2: members exempt, suspended or admitted less than 6 months
    before are not rated. Điều 15: quarterly results feed the year's."""
    rules = load_rules(2025)
    for key in ("exempt", "suspended", "admitted_within_months"):
        assert _source(rules, f"members.not_reviewed.{key}").source == "QĐ 366-QĐ/TW Điều 5"
    assert _source(rules, "quarterly.show_quarters").source == "QĐ 366-QĐ/TW Điều 15"
    # the link itself is the province's choice: ours by default, never cited to a text
    link = _source(rules, "quarterly.annual_from_quarters")
    assert link.default and link.source is None


def test_special_cases_cite_hd43():
    """HD 43-HD/BTCTW supplies the special cases: self-reported and remedied, a violation of an
    earlier year or at a previous unit, an organisation's mitigation."""
    rules = load_rules(2025)
    for path in (
        "members.self_reported_remedied",
        "members.earlier_or_elsewhere_violation",
        "organizations.mitigation",
    ):
        assert _source(rules, path).source == "HD 43-HD/BTCTW", path


def test_values_without_a_primary_text_are_tcxd_defaults():
    """No text behind them: the qd124 pool, 6 months and 20 %; the organisations' "≤ 20 %
    KHTNV" link (the 2019 guidance does not say it)."""
    old = load_rules(2024)
    for path in (
        "members.cap.pool",
        "members.cap.ratio",
        "members.not_reviewed.admitted_within_months",
    ):
        prov = _source(old, path)
        assert prov.default and prov.source is None, path
    new = load_rules(2025)
    kht_links = [
        cond
        for level in new.organizations.levels
        for cond in level.conditions
        if cond.field == "link_kht_pct"
    ]
    assert kht_links
    for cond in kht_links:
        prov = _source(new, cond.path)
        assert prov.default and prov.source is None, cond.path


def test_rules_show_says_which_values_are_the_texts_and_which_ours(tcxd_cli):
    result = tcxd_cli("rules", "show", "--year", "2025")
    assert result.exit_code == 0, result.output
    rows = describe(load_rules(2025))
    tally = rows[-1]
    ours = sum(1 for row in rows if DEFAULT_MARK in row[3])
    cited = sum(1 for row in rows[:-1] if row[3] and DEFAULT_MARK not in row[3])
    assert tally[:3] == (
        "Nguồn các giá trị",
        "Theo văn bản / mặc định của tcxd / do tỉnh quy định",
        f"{cited} / {ours} / 0",
    )
    assert "Nguồn các giá trị" in result.stdout
    # the organisations' cap speaks of organisations
    cap = [
        row
        for row in rows
        if row[0].startswith("Tổ chức đảng – tỷ lệ") and row[1] == "Cách áp dụng"
    ]
    assert cap[0][2] == "hạ mức những tổ chức vượt tỷ lệ"
