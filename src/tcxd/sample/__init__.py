"""The sample / bench province generator and its truth file (docs/sample.md).

`generate(out_dir, members, seed, districts=None, mess=True)` writes the per-unit spreadsheets
of a fictional province ("Tỉnh ủy Bình Minh") for the year 2025, `tinh.yaml` for
`tcxd init --config`, and `truth.json` with every figure the reports must show.
"""

from tcxd.sample.generate import SampleSummary, generate

__all__ = ["SampleSummary", "generate"]
