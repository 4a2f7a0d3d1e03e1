"""Roll-up reports: figures (from the database), checks, the generic party-form writer, charts
and the JSON twin."""
