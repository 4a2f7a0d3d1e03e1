"""The rating engine: pure functions on pandas DataFrames (no database)."""

from tcxd.rating.members import rate_members
from tcxd.rating.organizations import rate_organizations
from tcxd.rating.quarters import apply_quarter_link, quarter_bounds

__all__ = ["apply_quarter_link", "quarter_bounds", "rate_members", "rate_organizations"]
