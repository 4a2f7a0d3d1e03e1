"""Issue #13: `tcxd import` reads the files units really send, not only our generator's.

Every file of the foreign corpus (tests/foreign/generate.py) is imported through the real entry
point into a copy of an initialised database; the exit code, the message and what the database
holds afterwards are checked against the file's expectations. Files the reader does not handle yet
are listed in known_gaps.yaml and expected to fail (strictly: one that passes must leave the list).
"""

from __future__ import annotations

import pytest

from tests.foreign.conftest import EXPECTS
from tests.foreign.generate import generate
from tests.foreign.harness import judge, known_gaps

GAPS = known_gaps()


def _param(expect):
    marks = []
    if expect.file in GAPS:
        marks.append(pytest.mark.xfail(strict=True, reason=GAPS[expect.file]))
    return pytest.param(expect, id=f"{expect.layout}:{expect.file.rsplit('/', 1)[-1]}", marks=marks)


def test_corpus_size():
    """At least 60 files of at least 40 layouts, covering every kind of input and non-input."""
    assert len(EXPECTS) >= 60
    assert len({e.layout for e in EXPECTS}) >= 40
    assert {e.kind for e in EXPECTS} == {
        "members", "organizations", "changes", "evaluations", "not_input",
    }  # fmt: skip
    assert {e.format for e in EXPECTS} >= {"xlsx", "xls", "ods", "csv"}


def test_generator_is_deterministic(tmp_path):
    assert generate(tmp_path) == EXPECTS


def test_known_gaps_name_corpus_files():
    corpus_gaps = {k for k in GAPS if not k.startswith(("real/", "order/"))}
    assert corpus_gaps <= {e.file for e in EXPECTS}


@pytest.mark.parametrize("expect", [_param(e) for e in EXPECTS])
def test_file(expect, corpus, templates, tmp_path):
    verdict = judge(expect, corpus, templates, tmp_path)
    assert verdict.correct, f"{verdict.detail}\n{verdict.output}"
