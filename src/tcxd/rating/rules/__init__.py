"""Rating rules as versioned data: regime files, the province's override, validation, display."""

from tcxd.rating.rules.loader import (
    CapRule,
    Condition,
    LevelRule,
    MemberRules,
    OrganizationRules,
    Provenance,
    RuleError,
    RuleFileError,
    RuleSet,
    RuleSetNotFoundError,
    load_rules,
    regimes,
)

__all__ = [
    "CapRule",
    "Condition",
    "LevelRule",
    "MemberRules",
    "OrganizationRules",
    "Provenance",
    "RuleError",
    "RuleFileError",
    "RuleSet",
    "RuleSetNotFoundError",
    "load_rules",
    "regimes",
]
