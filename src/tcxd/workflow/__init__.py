"""The clerk's everyday commands, as a library: who has sent what (`status`), blank forms for
units to fill (`templates`), what changed between two rosters (`diff`), and where a member or a
figure comes from (`explain`). Functions return plain data and raise `tcxd.core.errors` types with
Vietnamese messages; only `tcxd.cli.clerk` prints. Decisions: docs/workflow.md.
"""
