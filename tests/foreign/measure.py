"""How much of the foreign corpus tcxd handles: `python -m tests.foreign.measure`.

Prints, for every file: imported correctly / refused for the true reason / wrong (and how), then
the totals. `--write-gaps` rewrites known_gaps.yaml from the files found wrong (the list the test
module marks as expected failures), each with the first line of what went wrong.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from tests.foreign.generate import generate
from tests.foreign.harness import KNOWN_GAPS, build_templates, judge, known_gaps

LABELS = {
    "imported": "imported correctly",
    "refused": "refused for the true reason",
    "wrong": "wrong",
}


def measure(root: Path) -> list[tuple]:
    corpus = root / "corpus"
    expects = generate(corpus)
    templates = build_templates(root / "templates")
    results = []
    for number, expect in enumerate(expects):
        verdict = judge(expect, corpus, templates, root / "work" / str(number))
        results.append((expect, verdict))
    return results


def _one_line(detail: str) -> str:
    """What went wrong, without the file name the message repeats, in at most 150 characters."""
    short = re.sub(r'Tệp "[^"]*"(, |: )', "", detail)
    return " ".join(short.split())[:150]


def _outcome(expect) -> str:
    if expect.outcome == "imported":
        added = ", ".join(f"+{n} {t}" for t, n in expect.counts.items() if n)
        return f"imported ({added})"
    words = ", ".join(f"“{m}”" for m in expect.message)
    label = "refused" if expect.outcome == "refused" else "refused as not an input"
    return f"{label}; message names {words}"


def markdown(results) -> str:
    """The table of docs/foreign-corpus.md: one row per file, with the current reader's verdict."""
    lines = [
        "| # | file | layout | features | format / encoding | setup, options | expected | today |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, (e, v) in enumerate(results, 1):
        setup = e.setup + (" + " + ", ".join(Path(n).name for n in e.needs) if e.needs else "")
        if e.args:
            setup += " `" + " ".join(e.args) + "`"
        today = {"imported": "✔ imported", "refused": "✔ refused", "wrong": "✘ wrong"}[v.status]
        cells = [str(number), f"`{e.file}`", e.layout, e.features.replace("|", "/"),
                 f"{e.format} / {e.encoding}", setup, _outcome(e), today]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-gaps", action="store_true")
    parser.add_argument("--markdown", action="store_true", help="print the docs table instead")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tcxd-foreign-") as folder:
        results = measure(Path(folder))
    totals = Counter(v.status for _, v in results)
    if options.markdown:
        print(markdown(results))
        return 0
    for expect, verdict in results:
        line = f"{expect.layout:5} {LABELS[verdict.status]:28} {expect.file}"
        print(line + (f"\n      -> {verdict.detail}" if verdict.detail else ""))
    print()
    print(f"{len(results)} files, {len({e.layout for e, _ in results})} layouts:")
    for status, label in LABELS.items():
        print(f"  {label}: {totals[status]}")
    if options.write_gaps:
        gaps = {e.file: _one_line(v.detail) for e, v in results if v.status == "wrong"}
        # The real files' and the order test's gaps are kept as written (not measured here).
        gaps |= {k: v for k, v in known_gaps().items() if k.startswith(("real/", "order/"))}
        header = (
            "# Corpus files the current reader gets wrong (file -> what goes wrong), measured by\n"
            "# `python -m tests.foreign.measure --write-gaps`. test_foreign.py marks them\n"
            "# xfail(strict=True): a fix that makes one pass must remove it from this list.\n"
        )
        body = yaml.safe_dump(gaps, allow_unicode=True, sort_keys=False, width=1000)
        KNOWN_GAPS.write_text(header + body, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
