"""How a clerk reads which rules a rating follows: the rule set's Vietnamese title from its YAML
file ("Quy định 366-QĐ/TW (30/8/2025) và Hướng dẫn 43-HD/BTCTW (31/10/2025)"), never its code
("qd366-2025"). Every title, listing and explanation calls `ruleset_title`."""

from __future__ import annotations

from functools import cache

from tcxd.rating.rules.loader import regimes


@cache
def _titles() -> dict[str, str]:
    return {rule_set.id: rule_set.title for rule_set in regimes()}


def ruleset_title(rule_set_id: str, version: str | int | None = None) -> str:
    """The title of the shipped rule set `rule_set_id`, with "(bản …)" when a version is given;
    a rule set tcxd no longer ships is named by its code (the database keeps old ratings)."""
    title = _titles().get(str(rule_set_id), str(rule_set_id))
    return f"{title} (bản {version})" if version not in (None, "") else title
